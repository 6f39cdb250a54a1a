package exports

import (
	"context"

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

// inEvaluation reports whether the subject may be exported at all:
// enrolled, and no objection recorded.
func (s *Subject) inEvaluation() bool { return !s.EnrolledOn.IsZero() && s.ObjectedOn.IsZero() }

// origin is the day the subject's dates are counted from: the first
// device issue, or enrolment for a resident who has no device.
func (s *Subject) origin() ateval.Date {
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

// Source is where an export reads from; storage.DB implements it. Every
// method takes the agreement the export is made under and refuses
// (EFORBIDDEN) unless the acting user may export under it, it is in force
// by the source's own clock, and it covers every borough asked for: the
// source, not its caller, decides who sees which residents.
type Source interface {
	// ExportSubjects calls fn for each resident of the boroughs (slugs)
	// who is enrolled and has not objected.
	ExportSubjects(ctx context.Context, agreementID int64, boroughs []string, fn func(Subject) error) error
	// ExportAssessments calls fn with the same residents as
	// ExportSubjects, in pseudonym order, a bounded batch of them at a
	// time, each with their assessments and scores.
	ExportAssessments(ctx context.Context, agreementID int64, boroughs []string, fn func([]Assessments) error) error
	// ExportReleases returns the ledger: what every earlier export
	// released, under any agreement, keyed by Subject.Ledger.
	ExportReleases(ctx context.Context, agreementID int64) (Released, error)
}
