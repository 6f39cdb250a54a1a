package sharing

import (
	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
)

// Subject is what an export needs of one resident. It carries no
// identifier: the source makes the pseudonym, with the agreement's key,
// which never leaves it, and the ledger key.
type Subject struct {
	// Pseudonym is the resident's pseudonym under the agreement (see
	// Pseudonym).
	Pseudonym string
	// Ledger is the resident's key in the ledger of releases (see
	// Released): the same under every agreement, so that what any export
	// released of the resident is found whatever agreement the next is
	// made under. The source makes it with a key of its own, which no one
	// else holds; it is never published.
	Ledger      string
	Borough     string // slug
	YearOfBirth int
	Sex         devices.Sex
	EthnicGroup devices.EthnicGroup
	LivingAlone bool
	Group       devices.Group
	EnrolledOn  ateval.Date
	ObjectedOn  ateval.Date
	// FirstIssuedOn and DeviceCategory are of the resident's first device
	// issue (earliest issue date); zero and "" when none was issued, as
	// for the comparison group.
	FirstIssuedOn  ateval.Date
	DeviceCategory string
}

// InEvaluation reports whether the subject may be exported at all:
// enrolled, and no objection recorded.
func (s *Subject) InEvaluation() bool { return !s.EnrolledOn.IsZero() && s.ObjectedOn.IsZero() }

// Origin is the day the subject's dates are counted from: the first
// device issue, or enrolment for a resident who has no device.
func (s *Subject) Origin() ateval.Date {
	if !s.FirstIssuedOn.IsZero() {
		return s.FirstIssuedOn
	}
	return s.EnrolledOn
}

// Assessments are one resident's assessments, by pseudonym. The
// assessments' ID and ResidentID are zero: no internal id reaches an
// export.
type Assessments struct {
	Pseudonym   string
	Assessments []forms.Assessment
}

// Age returns the subject's age at enrolment in whole years, from the year
// of birth alone (the export never reads a date of birth), so it may be one
// more than the true age.
func (s *Subject) Age() int { return s.EnrolledOn.Year() - s.YearOfBirth }
