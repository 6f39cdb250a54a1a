package exports

import (
	"context"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
)

// Subject is what an export needs of one resident. ResidentID and
// Reference are read to join assessments and to make the pseudonym; no
// export ever writes them.
type Subject struct {
	ResidentID  int64
	Borough     string // slug
	Reference   string
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

// Source is where an export reads from; storage.DB implements it.
type Source interface {
	// ExportSubjects calls fn for each resident of the boroughs (slugs)
	// who is enrolled and has not objected.
	ExportSubjects(ctx context.Context, boroughs []string, fn func(Subject) error) error
	// ExportAssessments calls fn for each assessment, with its scores, of
	// the residents with the given ids, in any order.
	ExportAssessments(ctx context.Context, residentIDs []int64, fn func(forms.Assessment) error) error
}
