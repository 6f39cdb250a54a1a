package exports

import "context"

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
