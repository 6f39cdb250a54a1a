package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
)

// dueVisit is one visit of the due list as the page shows it: the
// instruments by name, and how late it is or how long it has left.
type dueVisit struct {
	storage.DueVisit
	// Name is the resident's, which the page's users (practitioners and
	// borough leads of the borough) may read; "" if none is recorded.
	Name              string
	Names             []dueInstrument
	DaysOverdue, Left int
}

// dueInstrument is one instrument of a visit, with the link to record it.
type dueInstrument struct{ ID, Name, Short string }

// timepointFilter is one choice of the due list's filter, with how many
// visits it holds.
type timepointFilter struct {
	Value, Label string
	Count        int
	Current      bool
}

// duePage lists the borough's visits due and overdue, most urgent first:
// one row a resident and timepoint, with the instruments to take, the
// days overdue or left, and a filter by timepoint. all=1 shows every
// visit on one page, to print.
func (s *Server) duePage(c *gin.Context) error {
	fw := s.framework()
	items, names, err := s.db.DueListNamed(c.Request.Context(), fw)
	if err != nil {
		return err
	}
	today := ateval.DateOf(s.db.Now())
	visits := storage.Visits(items)
	chosen := forms.Timepoint(c.Query("timepoint"))
	if !chosen.Valid() {
		chosen = ""
	}
	counts := map[forms.Timepoint]int{}
	var shown []storage.DueVisit
	for _, v := range visits {
		counts[v.Timepoint]++
		if chosen == "" || v.Timepoint == chosen {
			shown = append(shown, v)
		}
	}
	filters := []timepointFilter{{Value: "", Label: "All timepoints", Count: len(visits), Current: chosen == ""}}
	for _, tp := range forms.Timepoints() {
		if counts[tp] > 0 || tp == chosen {
			filters = append(filters, timepointFilter{Value: string(tp), Label: tp.Label(), Count: counts[tp], Current: tp == chosen})
		}
	}
	overdue := 0
	for _, v := range shown {
		if v.Status == forms.StatusOverdue {
			overdue++
		}
	}
	all := c.Query("all") == "1"
	pg := paginate(len(shown), c.Query("page"), duePageSize)
	if all {
		pg = paginate(len(shown), "1", max(len(shown), 1))
	}
	rows := make([]dueVisit, 0, pg.To-pg.From)
	for _, v := range shown[pg.From:pg.To] {
		n := names[v.ResidentID]
		r := dueVisit{DueVisit: v, Name: strings.TrimSpace(n.GivenName + " " + n.FamilyName), DaysOverdue: v.DaysOverdue(today), Left: v.DaysLeft(today)}
		for _, id := range v.Instruments {
			d := dueInstrument{ID: id, Name: id, Short: id}
			if in, ok := fw.Instrument(id); ok {
				d.Name, d.Short = in.Name, in.ShortName()
			}
			r.Names = append(r.Names, d)
		}
		rows = append(rows, r)
	}
	query := url.Values{}
	if chosen != "" {
		query.Set("timepoint", string(chosen))
	}
	s.render(c, http.StatusOK, "due", pageData{Title: "Assessments due", Data: gin.H{
		"Rows": rows, "Visits": len(shown), "Assessments": len(items), "Overdue": overdue, "Page": pg, "All": all,
		"Filters": filters, "Chosen": chosen, "Query": query.Encode(), "Today": today}})
	return nil
}

// duePageSize is how many visits one page shows: enough for a day's
// work, few enough that a large borough's page stays quick to send and
// read.
const duePageSize = 50

// page is one page of a list.
type page struct {
	Number, Pages int // 1-based
	From, To      int // the slice of the list shown
	Prev, Next    int // 0 when there is none
}

// paginate picks the page asked for (1 if absent or bad, the last if past
// the end) of a list of n items.
func paginate(n int, asked string, size int) page {
	pages := max(1, (n+size-1)/size)
	num, err := strconv.Atoi(asked)
	if err != nil || num < 1 {
		num = 1
	}
	num = min(num, pages)
	p := page{Number: num, Pages: pages, From: (num - 1) * size, To: min(n, num*size)}
	if num > 1 {
		p.Prev = num - 1
	}
	if num < pages {
		p.Next = num + 1
	}
	return p
}

// apiDue answers the borough's due list.
func (s *Server) apiDue(c *gin.Context) error {
	items, err := s.db.DueList(c.Request.Context(), s.framework())
	if err != nil {
		return err
	}
	if items == nil {
		items = []storage.DueItem{}
	}
	c.JSON(http.StatusOK, gin.H{"due": items})
	return nil
}
