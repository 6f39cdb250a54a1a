// Package exports turns the evaluation's resident-level records into
// anonymised datasets for evaluators, under a data sharing agreement: the
// agreement register's rules, keyed pseudonyms, generalised
// quasi-identifiers made k-anonymous, CSV in a long or a wide layout, a
// codebook and a disclosure report.
//
// An export runs in two passes over a Source. Prepare reads every
// resident's quasi-identifiers (small: one struct per resident), finds
// the generalisation and suppression that make them k-anonymous, and
// fixes the columns; Plan.WriteCSV then streams the assessments,
// a bounded batch of residents at a time, so memory does not grow with
// the number of assessments. A web handler calls the two alike: Prepare
// before it writes any header (its errors are ordinary refusals), then
// WriteCSV straight into the response with a progress callback.
//
// It may import the standard library and the domain packages (ateval,
// devices, forms); never gorm, gin or storage. Storage implements Source.
package exports
