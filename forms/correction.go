package forms

import (
	"strings"

	"github.com/ateval/ateval"
)

// Correction changes what a recorded assessment says: its date, who
// answered, and its raw answers, whole. Its instrument and timepoint stay
// (an assessment recorded at the wrong one is entered in error, and
// recorded again where it belongs). Storage keeps the answers it replaces
// as a version, with who made the change, when and Reason.
type Correction struct {
	AssessedOn ateval.Date `json:"assessed_on"`
	Respondent Respondent  `json:"respondent"`
	Answers    []Answer    `json:"answers"`
	Reason     string      `json:"reason"`
}

// ReasonText is the rule of the reason given for a correction or for
// taking an assessment out as entered in error: one line, said in words.
var ReasonText = ateval.Line(500)

// CheckReason says what is wrong with the reason for a change to a
// recorded assessment, naming the field "reason": it is required, and
// keeps ReasonText.
func CheckReason(reason string) []ateval.FieldError {
	if strings.TrimSpace(reason) == "" {
		return []ateval.FieldError{{Field: "reason", Message: "is required: say why, for the record"}}
	}
	return ReasonText.Check("reason", reason)
}

// Corrected returns the assessment as the correction would leave it, to be
// checked by CheckAssessment like any other.
func (c *Correction) Corrected(a Assessment) Assessment {
	a.AssessedOn, a.Respondent, a.Answers, a.Scores = c.AssessedOn, c.Respondent, c.Answers, nil
	return a
}
