package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
)

// itemField is one question of the assessment form.
type itemField struct {
	*forms.Item
	Error, Value, Missing string
	Shown                 string // the skip rule, in words, or ""
}

type assessmentPage struct {
	Form        *form
	Resident    devices.Resident
	Instrument  *forms.Instrument
	Timepoint   forms.Timepoint
	Items       []itemField
	Missing     []option
	Respondent  radios
	AssessedOn  dateInput
	Instruments []*forms.Instrument
	Timepoints  []forms.Timepoint
	// Placeholder is set when the instrument's wording is licensed and
	// this borough has not loaded it.
	Placeholder bool
}

func assessmentLabels(in *forms.Instrument) map[string]string {
	l := map[string]string{"respondent": "Who answered", "assessed_on": "Date of the assessment", "timepoint": "Timepoint", "instrument": "Instrument"}
	if in != nil {
		for i, it := range in.Items {
			l[it.ID] = "Question " + strconv.Itoa(i+1)
		}
	}
	return l
}

func (s *Server) renderAssessmentPage(c *gin.Context, status int, p assessmentPage) {
	fw := s.framework()
	p.Instruments, p.Timepoints = fw.Instruments(), forms.Timepoints()
	p.Missing = options(forms.MissingReasons(), map[forms.MissingReason]string{forms.Refused: "Refused", forms.NotApplicable: "Not applicable", forms.Unable: "Unable to answer", forms.NotAsked: "Not asked"})
	title := "Record an assessment"
	if in := p.Instrument; in != nil {
		title = in.Name + " at " + string(p.Timepoint)
		p.Placeholder = in.Licence.WordingLicensed && !in.Licence.WordingLoaded
		resp := in.Respondents
		if len(resp) == 0 {
			resp = forms.Respondents()
		}
		p.Respondent = radios{Name: "respondent", Label: "Who answered?", Inline: true, Form: p.Form, Options: options(resp, map[forms.Respondent]string{
			forms.RespondentResident: "The resident", forms.RespondentProxy: "A proxy for the resident", forms.RespondentCarer: "A carer", forms.RespondentRecord: "Taken from records"})}
		p.AssessedOn = dateInput{Name: "assessed_on", Label: "Date of the assessment", Form: p.Form}
		for _, it := range in.Items {
			f := itemField{Item: it, Error: p.Form.E(it.ID), Value: p.Form.V("item." + it.ID), Missing: p.Form.V("missing." + it.ID)}
			if it.Relevant != "" {
				f.Shown = it.Relevant
			}
			p.Items = append(p.Items, f)
		}
	}
	if len(p.Form.Errors) > 0 {
		title = "Error: " + title
	}
	s.render(c, status, "assessment_form", pageData{Title: title, Data: p})
}

// chosenInstrument reads instrument and timepoint (query or form); ok is
// false when either is missing or unknown.
func (s *Server) chosenInstrument(instrument, timepoint string) (*forms.Instrument, forms.Timepoint, bool) {
	in, ok := s.framework().Instrument(instrument)
	tp := forms.Timepoint(timepoint)
	return in, tp, ok && tp.Valid()
}

// newAssessmentPage asks which instrument and timepoint, then shows the
// instrument's form.
func (s *Server) newAssessmentPage(c *gin.Context) error {
	rec, err := s.pathResident(c)
	if err != nil {
		return err
	}
	f := newForm()
	f.setDate("assessed_on", ateval.DateOf(s.db.Now()))
	f.Values["respondent"] = string(forms.RespondentResident)
	p := assessmentPage{Form: f, Resident: rec.Resident}
	if in, tp, ok := s.chosenInstrument(c.Query("instrument"), c.Query("timepoint")); ok {
		p.Instrument, p.Timepoint = in, tp
	} else if c.Query("instrument") != "" || c.Query("timepoint") != "" {
		f.Errors = append(f.Errors, fieldError{Field: "instrument", Message: "Choose an assessment and a timepoint", Href: "#instrument"})
	}
	s.renderAssessmentPage(c, http.StatusOK, p)
	return nil
}

// answersFromForm reads each item's value (item.ID) or missing reason
// (missing.ID); an item with neither is left out, for Validate to name
// if it is required.
func answersFromForm(c *gin.Context, f *form, in *forms.Instrument) ([]forms.Answer, []ateval.FieldError) {
	var answers []forms.Answer
	var bad []ateval.FieldError
	for _, it := range in.Items {
		v, m := f.text(c, "item."+it.ID), f.text(c, "missing."+it.ID)
		if v == "" && m == "" {
			continue
		}
		a := forms.Answer{Item: it.ID, Missing: forms.MissingReason(m)}
		if v != "" {
			x, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
			if err != nil {
				bad = append(bad, ateval.FieldError{Field: it.ID, Message: "must be a number"})
				continue
			}
			a.Value = &x
		}
		answers = append(answers, a)
	}
	return answers, bad
}

// recordAssessmentForm checks, scores and stores the assessment, or shows
// the form again with an error summary linking to each bad question.
func (s *Server) recordAssessmentForm(c *gin.Context) error {
	id, err := residentID(c)
	if err != nil {
		return err
	}
	in, tp, ok := s.chosenInstrument(c.PostForm("instrument"), c.PostForm("timepoint"))
	if !ok {
		if _, err := s.db.ResidentRecord(c.Request.Context(), id); err != nil {
			return err // another borough's resident is not found, whatever the form
		}
		return ateval.Errorf(ateval.EINVALID, "Choose an assessment and a timepoint.")
	}
	f := newForm()
	answers, bad := answersFromForm(c, f, in)
	a := forms.Assessment{ResidentID: id, Instrument: in.ID, Timepoint: tp, Respondent: forms.Respondent(f.text(c, "respondent")), Answers: answers}
	d, fe := f.date(c, "assessed_on")
	if fe != nil {
		bad = append(bad, *fe)
	}
	a.AssessedOn = d
	if len(bad) > 0 {
		// Answers that are not numbers never reach storage; the rest
		// are still checked, so the summary lists every problem at once.
		err = ateval.Invalid("The assessment is not valid.", append(bad, ateval.ErrorFields(in.Validate(answers))...))
	} else {
		err = s.db.RecordAssessment(c.Request.Context(), s.framework(), &a)
	}
	if ateval.ErrorCode(err) == ateval.EINVALID {
		f.fail(err, assessmentLabels(in), "assessed_on")
		for i, e := range f.Errors {
			if _, isItem := in.Item(e.Field); isItem {
				f.Errors[i].Href = "#" + itemAnchor(e.Field)
			}
		}
		rec, rerr := s.db.ResidentRecord(c.Request.Context(), id)
		if rerr != nil {
			return rerr
		}
		s.renderAssessmentPage(c, http.StatusUnprocessableEntity, assessmentPage{Form: f, Resident: rec.Resident, Instrument: in, Timepoint: tp})
		return nil
	} else if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, residentPath(id)+"?notice=assessment-recorded#assessments")
	return nil
}

// itemAnchor is the id of the first control of an item: its first radio
// for a choice, its input otherwise (the template names them alike).
func itemAnchor(item string) string { return "item-" + url.PathEscape(item) }
