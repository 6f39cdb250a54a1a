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
// Pseudonyms are the same in every export under one agreement, so an
// evaluator can join the exports on them. Each export is therefore made
// k-anonymous together with the earlier ones, by this rule:
//
//   - the first export under an agreement chooses the generalisation
//     levels; every later one keeps them;
//   - a resident published before shows no value that was suppressed then
//     or has changed since, so joining tells no more of them than before;
//   - the source keeps, per agreement and pseudonym, what the join of
//     every export tells of the resident (for each quasi-identifier the
//     value ever published, and for a suppressed borough the boroughs
//     exported), and a resident is published only if every class of the
//     export, and every class of that join, holds at least k residents;
//     otherwise they are left out of this export (see enforce);
//   - k may not fall below an earlier export's;
//   - the export's Release is recorded, with its audit entry, before any of
//     it is published, and of two exports prepared against the same
//     earlier ones only the first recorded may be.
//
// The disclosure report says how many earlier exports an export was
// checked with. Which exports a resident appears in is not treated as a
// quasi-identifier: it follows from objections and disclosure control,
// which an attacker knowing a resident's quasi-identifiers does not know.
//
// No identifier reaches this package: the source makes each pseudonym
// from the resident's immutable internal id with the agreement's key,
// both of which it keeps, and checks on every call that the acting user
// may export under the agreement, that it is in force and that it covers
// the boroughs.
//
// It may import the standard library and the domain packages (ateval,
// devices, forms); never gorm, gin or storage. Storage implements Source.
package exports
