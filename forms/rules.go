package forms

import (
	"slices"
	"strconv"

	"github.com/ateval/ateval"
)

// ResidentDates is what the rules of an assessment need to know of the
// resident it is of.
type ResidentDates struct {
	Registered ateval.Date
	// Enrolled is zero for a resident not (yet) enrolled in the evaluation.
	Enrolled ateval.Date
}

// CheckAssessment is the one rule of whether an assessment may be
// recorded, for the web, the API and the import alike: its instrument is
// one of the framework's, its timepoint and respondent are known and the
// respondent may answer the instrument (ONS4 is the resident's own, say),
// it was taken on a date no earlier than the resident's registration and
// not in the future, the resident is enrolled in the evaluation, and every
// answer fits its item. It returns the scores of a valid assessment, or
// every problem at once, one field per item and "instrument", "timepoint",
// "respondent", "assessed_on" and "resident" for the rest.
func (fw *Framework) CheckAssessment(a *Assessment, r ResidentDates, today ateval.Date) ([]Score, error) {
	var fields []ateval.FieldError
	add := func(f, m string) { fields = append(fields, ateval.FieldError{Field: f, Message: m}) }
	in, ok := fw.Instrument(a.Instrument)
	if !ok {
		add("instrument", strconv.Quote(a.Instrument)+" is not an instrument of framework "+fw.Version())
	}
	if !a.Timepoint.Valid() {
		add("timepoint", "must be one of baseline, w6, m3, m6, m12")
	}
	switch {
	case !a.Respondent.Valid():
		add("respondent", "must be one of resident, proxy, carer, record")
	case ok && !in.AnsweredBy(a.Respondent):
		add("respondent", "cannot answer "+in.Name)
	}
	switch {
	case a.AssessedOn.IsZero():
		add("assessed_on", "is required")
	case a.AssessedOn.After(today):
		add("assessed_on", "cannot be in the future")
	case a.AssessedOn.Before(r.Registered):
		add("assessed_on", "cannot be before the resident was registered ("+r.Registered.String()+")")
	}
	if r.Enrolled.IsZero() {
		add("resident", "is not enrolled in the evaluation, so cannot be assessed: enrol them first")
	}
	var scores []Score
	if ok {
		var err error
		if scores, err = in.Check(a.Answers); err != nil {
			fields = append(fields, ateval.ErrorFields(err)...)
		}
	}
	if len(fields) > 0 {
		return nil, ateval.Invalid("The assessment is not valid.", fields)
	}
	return scores, nil
}

// AnsweredBy reports whether the respondent may answer the instrument: any
// may, unless the instrument names who may.
func (in *Instrument) AnsweredBy(r Respondent) bool {
	return len(in.Respondents) == 0 || slices.Contains(in.Respondents, r)
}
