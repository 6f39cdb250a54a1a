// Package summaries computes the per-borough summaries an evidence report
// is made from, as grouped aggregates inside the database (SQLite or
// PostgreSQL, through storage's handle): changes from baseline, events and
// person-time, proportions, enrolments, assessments taken, costs, device
// issues, and the cells a hub imported from boroughs' bundles. It returns
// the plain types of reports/summary, and reads for a user who may read
// summaries (ateval.User.ReadsSummaries) only: no principal, no summary.
//
// It is apart from storage's CRUD so that what leaves the database as
// numbers of residents is in one place; only package reports reads it,
// through the disclosure gate (disclosure's TestOneGate).
package summaries

import (
	"github.com/ateval/ateval/storage"
)

// DB reads the summaries of one database. It is safe for concurrent use,
// as reports.Source must be.
type DB struct {
	store *storage.DB
}

// Of returns the summaries of db.
func Of(db *storage.DB) *DB { return &DB{store: db} }
