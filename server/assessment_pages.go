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
	"github.com/ateval/ateval/storage"
)

// itemField is one question of the assessment form.
type itemField struct {
	*forms.Item
	Error, Value, Missing string
	Shown                 string // when it is asked, in words, or ""
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
	// Existing is the assessment already recorded at the instrument and
	// timepoint chosen, if there is one in analysis: the page refuses a
	// second and links to it. InError is one recorded there and entered
	// in error, which this recording replaces.
	Existing, InError *forms.Assessment
	// Action is where the form posts: a new recording, or a correction
	// (Correction set, asking for the reason).
	Action     string
	Correction *forms.Assessment
	Reason     textInput
}

func assessmentLabels(in *forms.Instrument) map[string]string {
	l := map[string]string{"respondent": "Who answered", "assessed_on": "Date of the assessment", "timepoint": "Timepoint",
		"instrument": "Assessment", "resident": "The resident", "reason": "The reason"}
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
	p.Missing = options(forms.MissingReasons())
	title := "Record an assessment"
	if p.Action == "" {
		p.Action = residentPath(p.Resident.ID) + "/assessments"
	}
	if in := p.Instrument; in != nil && p.Existing == nil {
		title = in.Name + " at " + p.Timepoint.Label()
		if p.Correction != nil {
			title = "Correct " + title
		}
		p.Placeholder = in.Licence.WordingLicensed && !in.Licence.WordingLoaded
		resp := in.Respondents
		if len(resp) == 0 {
			resp = forms.Respondents()
		}
		p.Respondent = radios{Name: "respondent", Label: "Who answered?", Inline: true, Form: p.Form, Options: options(resp)}
		p.AssessedOn = dateInput{Name: "assessed_on", Label: "Date of the assessment", Form: p.Form}
		p.Reason = textInput{Name: "reason", Label: "Why is it corrected?", Hint: "For the record, such as “question 3 was typed as 2, the resident said 4”", Form: p.Form}
		for _, it := range in.Items {
			p.Items = append(p.Items, itemField{Item: it, Error: p.Form.E(it.ID), Value: p.Form.V("item." + it.ID),
				Missing: p.Form.V("missing." + it.ID), Shown: in.ShownWhen(it)})
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

// recorded finds, in a resident's timeline, the assessment of the
// instrument at the timepoint: the one in analysis, and one entered in
// error, if there is either.
func recorded(tl storage.Timeline, instrument string, tp forms.Timepoint) (current, inError *forms.Assessment) {
	for i := range tl.Assessments {
		a := &tl.Assessments[i]
		if a.Instrument != instrument || a.Timepoint != tp {
			continue
		}
		if a.EnteredInError {
			inError = a
		} else {
			current = a
		}
	}
	return current, inError
}

// alreadyRecorded is the error of the page that refuses a second
// assessment of an instrument at a timepoint; the page links to the one
// recorded.
func alreadyRecorded(in *forms.Instrument, a *forms.Assessment) fieldError {
	return fieldError{Field: "instrument", Href: assessmentPath(a.ID), Message: upperFirst(in.AName()) + " assessment at " + a.Timepoint.Label() +
		" is already recorded for this resident, on " + formatDay(a.AssessedOn, "2 January 2006") + ": open it to read or correct it"}
}

// newAssessmentPage asks which instrument and timepoint, then shows the
// instrument's form; one already recorded is refused there and then,
// before a single answer is typed, with a link to it.
func (s *Server) newAssessmentPage(c *gin.Context) error {
	id, err := residentID(c)
	if err != nil {
		return err
	}
	tl, err := s.db.ResidentTimeline(c.Request.Context(), s.framework(), id)
	if err != nil {
		return err
	}
	f := newForm()
	f.setDate("assessed_on", ateval.DateOf(s.db.Now()))
	f.Values["respondent"] = string(forms.RespondentResident)
	p := assessmentPage{Form: f, Resident: tl.Resident}
	if in, tp, ok := s.chosenInstrument(c.Query("instrument"), c.Query("timepoint")); ok {
		p.Instrument, p.Timepoint = in, tp
		p.Existing, p.InError = recorded(tl, in.ID, tp)
		if p.Existing != nil {
			f.Values["instrument"], f.Values["timepoint"] = in.ID, string(tp)
			f.Errors = append(f.Errors, alreadyRecorded(in, p.Existing))
		}
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

// assessmentFromForm reads the date, who answered and the answers.
func assessmentFromForm(c *gin.Context, f *form, in *forms.Instrument) (ateval.Date, forms.Respondent, []forms.Answer, []ateval.FieldError) {
	answers, bad := answersFromForm(c, f, in)
	respondent := forms.Respondent(f.text(c, "respondent"))
	d, fe := f.date(c, "assessed_on")
	if fe != nil {
		bad = append(bad, *fe)
	}
	return d, respondent, answers, bad
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
	on, respondent, answers, bad := assessmentFromForm(c, f, in)
	a := forms.Assessment{ResidentID: id, Instrument: in.ID, Timepoint: tp, Respondent: respondent, Answers: answers, AssessedOn: on}
	if len(bad) > 0 {
		// Answers that are not numbers never reach storage; the rest
		// are still checked, so the summary lists every problem at once.
		err = ateval.Invalid("The assessment is not valid.", append(bad, ateval.ErrorFields(in.Validate(answers))...))
	} else {
		err = s.db.RecordAssessment(c.Request.Context(), s.framework(), &a)
	}
	if ateval.ErrorCode(err) == ateval.EINVALID {
		tl, terr := s.db.ResidentTimeline(c.Request.Context(), s.framework(), id)
		if terr != nil {
			return terr
		}
		p := assessmentPage{Form: f, Resident: tl.Resident, Instrument: in, Timepoint: tp}
		if p.Existing, p.InError = recorded(tl, in.ID, tp); p.Existing != nil {
			// Recorded meanwhile (another tab, a colleague): the page
			// says so and links to it, as when it is chosen.
			f.Errors = []fieldError{alreadyRecorded(in, p.Existing)}
		} else {
			failAssessment(f, err, in)
		}
		s.renderAssessmentPage(c, http.StatusUnprocessableEntity, p)
		return nil
	} else if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, residentPath(id)+"?notice=assessment-recorded#assessments")
	return nil
}

// failAssessment shows a refused assessment's errors on the form: in the
// order of the page, each question's linked to its first control, and a
// question left unanswered told in words what to do (the rule's own
// message lists the missing-reason codes an API caller or import sends).
func failAssessment(f *form, err error, in *forms.Instrument) {
	f.fail(err, assessmentLabels(in), "assessed_on")
	order := []string{"resident", "instrument", "timepoint", "reason", "assessed_on", "respondent"}
	for i, it := range in.Items {
		order = append(order, it.ID)
		for j, e := range f.Errors {
			if e.Field != it.ID {
				continue
			}
			f.Errors[j].Href = "#" + itemAnchor(it.ID)
			if strings.Contains(e.Message, "is required") {
				f.Errors[j].Message = "Question " + strconv.Itoa(i+1) + " is required: give an answer, or choose why there is none"
			}
		}
	}
	f.choose(map[string]string{"respondent": "Select who answered"})
	f.inPageOrder(order...)
}

// itemAnchor is the id of the first control of an item: its first radio
// for a choice, its input otherwise (the template names them alike).
func itemAnchor(item string) string { return "item-" + url.PathEscape(item) }

// fillAnswers puts an assessment's date, respondent and answers into the
// form, to be corrected.
func fillAnswers(f *form, a *forms.Assessment) {
	f.setDate("assessed_on", a.AssessedOn)
	f.Values["respondent"] = string(a.Respondent)
	for _, ans := range a.Answers {
		if ans.Value != nil {
			f.Values["item."+ans.Item] = strconv.FormatFloat(*ans.Value, 'f', -1, 64)
		} else {
			f.Values["missing."+ans.Item] = string(ans.Missing)
		}
	}
}
