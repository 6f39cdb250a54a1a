package server

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
)

// timelineIssue is one device issue as the timeline shows it.
type timelineIssue struct {
	devices.DeviceIssue
	Product, Category string
}

// timelineAssessment is one assessment taken, with its instrument's name
// and its scores in words.
type timelineAssessment struct {
	forms.Assessment
	Name   string
	Scores []scoreView
}

// timelineDue is one scheduled assessment still to take.
type timelineDue struct {
	forms.Due
	Name string
}

type timelinePage struct {
	storage.Timeline
	Notice      string
	Issues      []timelineIssue
	Taken       []timelineAssessment
	Due         []timelineDue // due and overdue, then the next upcoming
	Upcoming    []timelineDue
	Missed      int
	Instruments []*forms.Instrument
}

// timelinePage shows a resident's devices held and returned, assessments
// taken with their scores, and what is due: the starting point of every
// practitioner task.
func (s *Server) timelinePage(c *gin.Context) error {
	id, err := residentID(c)
	if err != nil {
		return err
	}
	fw := s.framework()
	tl, err := s.db.ResidentTimeline(c.Request.Context(), fw, id)
	if err != nil {
		return err
	}
	ds, err := s.db.View(c.Request.Context()).Devices()
	if err != nil {
		return err
	}
	byID := map[int64]devices.Device{}
	for _, d := range ds {
		byID[d.ID] = d
	}
	p := timelinePage{Timeline: tl, Notice: notice(c), Instruments: fw.Instruments()}
	for _, di := range tl.DeviceIssues {
		d := byID[di.DeviceID]
		p.Issues = append(p.Issues, timelineIssue{DeviceIssue: di, Product: d.Product, Category: d.Category})
	}
	name := func(id string) string {
		if in, ok := fw.Instrument(id); ok {
			return in.Name
		}
		return id
	}
	for _, a := range tl.Assessments {
		ta := timelineAssessment{Assessment: a, Name: name(a.Instrument)}
		if in, ok := fw.Instrument(a.Instrument); ok {
			ta.Scores = viewScores(in, a.Scores)
		}
		p.Taken = append(p.Taken, ta)
	}
	for _, d := range tl.Schedule {
		switch d.Status {
		case forms.StatusDue, forms.StatusOverdue:
			p.Due = append(p.Due, timelineDue{Due: d, Name: name(d.Instrument)})
		case forms.StatusUpcoming:
			if len(p.Upcoming) == 0 || p.Upcoming[0].Timepoint == d.Timepoint {
				p.Upcoming = append(p.Upcoming, timelineDue{Due: d, Name: name(d.Instrument)})
			}
		case forms.StatusMissed:
			p.Missed++
		}
	}
	s.render(c, http.StatusOK, "resident", pageData{Title: "Resident " + tl.Resident.Reference, Data: p})
	return nil
}

// residentPath is the path of a resident's timeline.
func residentPath(id int64) string { return "/residents/" + strconv.FormatInt(id, 10) }
