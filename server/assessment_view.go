package server

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
)

// assessmentID parses the :id of an assessment's path; anything but a
// positive integer is an assessment that does not exist.
func assessmentID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, ateval.Errorf(ateval.ENOTFOUND, "There is no assessment with this id in your borough.")
	}
	return id, nil
}

// recordedAssessment reads the assessment the route's id names, as storage
// gives it to the user: one of their borough's, its reading audited;
// another borough's is not found.
func (s *Server) recordedAssessment(c *gin.Context) (storage.AssessmentRecord, error) {
	id, err := assessmentID(c)
	if err != nil {
		return storage.AssessmentRecord{}, err
	}
	return s.db.Assessment(c.Request.Context(), id)
}

// assessmentPath is the path of a recorded assessment's page.
func assessmentPath(id int64) string { return "/assessments/" + strconv.FormatInt(id, 10) }

// answerView is one question and its answer, in words.
type answerView struct {
	Number        int
	Question      string
	Answer        string
	Missing, None bool // no value: a reason given, or no answer at all
}

// scoreView is one score, named and written in words.
type scoreView struct {
	Label, Text, NotScorable string
}

// assessmentView is a recorded assessment as its page shows it: its
// answers question by question and its scores, in words.
type assessmentView struct {
	forms.Assessment
	Name    string
	Answers []answerView
	Scores  []scoreView
}

// viewAssessment writes an assessment's answers and scores in words.
func viewAssessment(fw *forms.Framework, a forms.Assessment) assessmentView {
	v := assessmentView{Assessment: a, Name: a.Instrument}
	in, ok := fw.Instrument(a.Instrument)
	if !ok {
		return v
	}
	v.Name = in.Name
	v.Scores = viewScores(in, a.Scores)
	given := map[string]forms.Answer{}
	for _, ans := range a.Answers {
		given[ans.Item] = ans
	}
	for i, it := range in.Items {
		av := answerView{Number: i + 1, Question: it.Text}
		ans, ok := given[it.ID]
		switch {
		case !ok:
			av.None, av.Answer = true, "No answer"
			if it.Relevant != "" {
				av.Answer = "Not asked: only asked when " + in.ShownWhen(it)
			}
		case ans.Value == nil:
			av.Missing, av.Answer = true, "No answer: "+ans.Missing.Label()
		default:
			av.Answer = strconv.FormatFloat(*ans.Value, 'f', -1, 64)
			if l, ok := it.Level(int(*ans.Value)); ok && it.Type == forms.TypeChoice {
				av.Answer += ": " + l.Label
			} else if it.Unit != "" {
				av.Answer += " " + it.Unit
			}
		}
		v.Answers = append(v.Answers, av)
	}
	return v
}

// viewScores names and writes each score, in the order of the
// instrument's rules (the headline first), whatever order they were
// stored in.
func viewScores(in *forms.Instrument, scores []forms.Score) []scoreView {
	rank := make(map[string]int, len(in.Scores))
	for i, r := range in.Scores {
		rank[r.Name] = i + 1
	}
	sorted := slices.Clone(scores)
	slices.SortStableFunc(sorted, func(a, b forms.Score) int { return cmp.Compare(orLast(rank[a.Name]), orLast(rank[b.Name])) })
	out := make([]scoreView, len(sorted))
	for i, s := range sorted {
		out[i] = scoreView{Label: in.ScoreLabel(s.Name), Text: in.ScoreText(s), NotScorable: in.NotScorableText(s.NotScorable)}
	}
	return out
}

// orLast ranks a score no rule names after those the rules do.
func orLast(rank int) int {
	if rank == 0 {
		return 1 << 30
	}
	return rank
}

// versionView is an earlier version of an assessment, with its change.
type versionView struct {
	storage.AssessmentVersion
	View   assessmentView
	Number int
}

// changeLabel says what a change to an assessment was.
func changeLabel(change string) string {
	switch change {
	case storage.ChangeCorrected:
		return "Corrected"
	case storage.ChangeEnteredInError:
		return "Taken out as entered in error"
	case storage.ChangeRecordedAgain:
		return "Recorded again"
	}
	return change
}

// assessmentPage shows one recorded assessment: its answers, scores and
// earlier versions, with the ways to correct it or take it out as entered
// in error. The reading is audited by storage.
func (s *Server) assessmentPage(c *gin.Context) error {
	rec, err := s.recordedAssessment(c)
	if err != nil {
		return err
	}
	fw := s.framework()
	current := viewAssessment(fw, rec.Assessment)
	var versions []versionView
	for i, v := range rec.Versions {
		versions = append(versions, versionView{AssessmentVersion: v, View: viewAssessment(fw, v.Assessment), Number: i + 1})
	}
	title := current.Name + " at " + rec.Assessment.Timepoint.Label()
	s.render(c, http.StatusOK, "assessment", pageData{Title: title, Data: gin.H{
		"Record": rec, "Current": current, "Versions": versions, "Notice": notice(c), "Change": changeLabel}})
	return nil
}

// correctionPage is the instrument's form, filled in with the assessment
// as recorded, and a reason to give.
func (s *Server) correctionPage(c *gin.Context) error {
	rec, err := s.recordedAssessment(c)
	if err != nil {
		return err
	}
	id := rec.Assessment.ID
	if rec.Assessment.EnteredInError {
		return errCorrectInError
	}
	in, ok := s.framework().Instrument(rec.Assessment.Instrument)
	if !ok {
		return ateval.Errorf(ateval.EINVALID, "This assessment's instrument is not in the framework, so it cannot be corrected here.")
	}
	f := newForm()
	fillAnswers(f, &rec.Assessment)
	s.renderAssessmentPage(c, http.StatusOK, assessmentPage{Form: f, Resident: rec.Resident, Instrument: in, Timepoint: rec.Assessment.Timepoint,
		Action: assessmentPath(id) + "/correction", Correction: &rec.Assessment})
	return nil
}

var errCorrectInError = ateval.Errorf(ateval.ECONFLICT, "This assessment was entered in error and is out of analysis: record the assessment again from the resident's timeline instead of correcting it.")

// correctAssessmentForm saves a correction: storage keeps the assessment
// as it stood as a version, with who, when and why, and audits it.
func (s *Server) correctAssessmentForm(c *gin.Context) error {
	rec, err := s.recordedAssessment(c)
	if err != nil {
		return err
	}
	id := rec.Assessment.ID
	in, ok := s.framework().Instrument(rec.Assessment.Instrument)
	if !ok {
		return ateval.Errorf(ateval.EINVALID, "This assessment's instrument is not in the framework, so it cannot be corrected here.")
	}
	f := newForm()
	on, respondent, answers, bad := assessmentFromForm(c, f, in)
	corr := forms.Correction{AssessedOn: on, Respondent: respondent, Answers: answers, Reason: f.text(c, "reason")}
	if len(bad) > 0 {
		bad = append(bad, ateval.ErrorFields(in.Validate(answers))...)
		err = ateval.Invalid("The correction is not valid.", append(bad, forms.CheckReason(corr.Reason)...))
	} else {
		_, err = s.db.CorrectAssessment(c.Request.Context(), s.framework(), id, corr)
	}
	if ateval.ErrorCode(err) == ateval.EINVALID {
		failAssessment(f, err, in)
		s.renderAssessmentPage(c, http.StatusUnprocessableEntity, assessmentPage{Form: f, Resident: rec.Resident, Instrument: in,
			Timepoint: rec.Assessment.Timepoint, Action: assessmentPath(id) + "/correction", Correction: &rec.Assessment})
		return nil
	} else if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, assessmentPath(id)+"?notice=assessment-corrected")
	return nil
}

// enteredInErrorPage asks why the assessment was entered in error before
// it is taken out of analysis.
func (s *Server) enteredInErrorPage(c *gin.Context) error {
	rec, err := s.recordedAssessment(c)
	if err != nil {
		return err
	}
	return s.renderInError(c, http.StatusOK, rec, newForm())
}

func (s *Server) renderInError(c *gin.Context, status int, rec storage.AssessmentRecord, f *form) error {
	if rec.Assessment.EnteredInError {
		return ateval.Errorf(ateval.ECONFLICT, "This assessment is already out of analysis as entered in error.")
	}
	title := "Take out an assessment entered in error"
	if len(f.Errors) > 0 {
		title = "Error: " + title
	}
	s.render(c, status, "assessment_in_error", pageData{Title: title, Data: gin.H{
		"Record": rec, "Current": viewAssessment(s.framework(), rec.Assessment), "Form": f,
		"Reason": textInput{Name: "reason", Label: "Why was it entered in error?", Hint: "For the record, such as “recorded for the wrong resident”", Form: f}}})
	return nil
}

// enteredInErrorForm takes the assessment out of analysis; storage keeps
// it, with who, when and why, and audits it.
func (s *Server) enteredInErrorForm(c *gin.Context) error {
	id, err := assessmentID(c)
	if err != nil {
		return err
	}
	f := newForm()
	err = s.db.MarkEnteredInError(c.Request.Context(), id, f.text(c, "reason"))
	if ateval.ErrorCode(err) == ateval.EINVALID {
		rec, rerr := s.db.Assessment(c.Request.Context(), id)
		if rerr != nil {
			return rerr
		}
		f.fail(err, map[string]string{"reason": "The reason"})
		return s.renderInError(c, http.StatusUnprocessableEntity, rec, f)
	} else if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, assessmentPath(id)+"?notice=assessment-in-error")
	return nil
}
