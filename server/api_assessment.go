package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
)

// assessmentRecordJSON is the API's answer for one recorded assessment:
// the assessment as it stands, when it was taken out of analysis if it
// was entered in error, and the versions its changes replaced, oldest
// first, each with who changed it, when and why.
type assessmentRecordJSON struct {
	Assessment       forms.Assessment            `json:"assessment"`
	EnteredInErrorAt *time.Time                  `json:"entered_in_error_at,omitempty"`
	Versions         []storage.AssessmentVersion `json:"versions"`
}

func recordJSON(rec storage.AssessmentRecord) assessmentRecordJSON {
	out := assessmentRecordJSON{Assessment: rec.Assessment, Versions: rec.Versions}
	if !rec.EnteredInErrorAt.IsZero() {
		at := rec.EnteredInErrorAt
		out.EnteredInErrorAt = &at
	}
	if out.Versions == nil {
		out.Versions = []storage.AssessmentVersion{}
	}
	return out
}

// apiAssessment answers one recorded assessment with its versions, as
// its page shows it. Storage decides who may read it (a user of its
// resident's borough; another borough's is not found) and audits the
// reading.
func (s *Server) apiAssessment(c *gin.Context) error {
	rec, err := s.recordedAssessment(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, recordJSON(rec))
	return nil
}

// assessmentPatch is the body of PATCH /api/v1/assessments/{id}: either a
// correction (any of the date, who answered and the answers, whole; a
// part left out stays as recorded) or {"entered_in_error": true}, each
// with the reason, which is required.
type assessmentPatch struct {
	AssessedOn     *ateval.Date      `json:"assessed_on"`
	Respondent     *forms.Respondent `json:"respondent"`
	Answers        *[]forms.Answer   `json:"answers"`
	Reason         string            `json:"reason"`
	EnteredInError *bool             `json:"entered_in_error"`
}

var (
	errPatchBoth = ateval.Invalid("Either correct the assessment or take it out as entered in error, not both at once.",
		[]ateval.FieldError{{Field: "entered_in_error", Message: "cannot be sent with assessed_on, respondent or answers"}})
	errPatchBack = ateval.Invalid("An assessment entered in error is not put back into analysis: record it again.",
		[]ateval.FieldError{{Field: "entered_in_error", Message: "may only be true"}})
)

// apiPatchAssessment corrects a recorded assessment, or takes it out of
// analysis as entered in error, by the storage functions the pages call:
// they check the user's borough, keep the assessment as it stood as a
// version with who, when and why, and audit the change in the same
// transaction. It answers the assessment as it now stands, with its
// versions.
func (s *Server) apiPatchAssessment(c *gin.Context) error {
	id, err := assessmentID(c)
	if err != nil {
		return err
	}
	var p assessmentPatch
	if err := decodeJSON(c, &p); err != nil {
		return err
	}
	ctx := c.Request.Context()
	if p.EnteredInError != nil {
		switch {
		case p.AssessedOn != nil || p.Respondent != nil || p.Answers != nil:
			return errPatchBoth
		case !*p.EnteredInError:
			return errPatchBack
		}
		if err := s.db.MarkEnteredInError(ctx, id, p.Reason); err != nil {
			return err
		}
	} else {
		rec, err := s.db.Assessment(ctx, id)
		if err != nil {
			return err
		}
		a := rec.Assessment
		corr := forms.Correction{AssessedOn: a.AssessedOn, Respondent: a.Respondent, Answers: a.Answers, Reason: p.Reason}
		if p.AssessedOn != nil {
			corr.AssessedOn = *p.AssessedOn
		}
		if p.Respondent != nil {
			corr.Respondent = *p.Respondent
		}
		if p.Answers != nil {
			corr.Answers = *p.Answers
		}
		if _, err := s.db.CorrectAssessment(ctx, s.framework(), id, corr); err != nil {
			return err
		}
	}
	rec, err := s.db.Assessment(ctx, id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, recordJSON(rec))
	return nil
}
