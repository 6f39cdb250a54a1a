package exports

import "github.com/ateval/ateval/forms"

// Hooks for the external tests (package exports_test), which import
// exportstest, which imports this package.

// MemSource is memSource for the external tests.
type MemSource = memSource

// Add adds a resident with their internal id and assessments.
func (m *memSource) Add(id int64, s Subject, as []forms.Assessment) {
	m.add(id, s)
	for _, a := range as {
		a.ResidentID = id
		m.assessments = append(m.assessments, a)
	}
}

// Record keeps what an export released, as storage.RecordExport does.
func (m *memSource) Record(rel *Release) { m.record(rel) }

// Forgetful is m without the ledger: every export is prepared as if it
// were the first ever, as two agreements' first exports were with a
// ledger per agreement.
func Forgetful(m *memSource) Source { return forgetful{m} }
