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
// evaluator can join those exports on them; and answers and scores are a
// fingerprint, so whoever holds exports made under different agreements,
// whose pseudonyms differ, can join them too (issue 13: every resident of
// a 4-borough export matched one row of a 16-borough export made under
// another agreement). The intruder is therefore assumed to hold every
// export ever made and to link each resident's rows across them exactly,
// and each export is made k-anonymous together with all of them, by this
// rule:
//
//   - the source keeps one ledger (Released) of what every export
//     released, under any agreement, to anyone, keyed by a ledger key
//     (Subject.Ledger) that names the resident inside the source only:
//     for each resident ever published, their joined record, what the
//     join of every export tells of their quasi-identifiers (JoinRecords:
//     the values ever published; for the borough, the boroughs they may
//     be in, a suppressed borough standing for the boroughs that export
//     covers, as an explicit set);
//   - the first export ever, under any agreement, chooses the
//     generalisation levels; every later one keeps them, so no resident
//     is published at a finer level than before;
//   - a resident published before shows no value that no earlier export
//     published (one suppressed then, or changed since), so joining tells
//     no more of them than before;
//   - a resident is published only if every class of the export holds at
//     least k residents, and every class of the join of the export with
//     the ledger (the joined records of every resident ever published,
//     updated by this export) at least k and at least the largest k owed
//     to one of its residents: the largest k of any export, under any
//     agreement, that published them (Entry.K), so that no export undoes
//     what an earlier one promised; otherwise they are left out of this
//     export (see enforce);
//   - k is at least the agreement's minimum (Agreement.MinK), which is
//     the default: an export may ask for more, never less;
//   - the export's Release is recorded in the ledger, with its audit
//     entry, before any of it is published, and of two exports prepared
//     against the same ledger, under any agreements, only the first
//     recorded may be.
//
// The disclosure report says how many earlier exports, under how many
// agreements, an export was checked with, and how many residents it
// leaves out for them. Which exports a resident appears in is not treated
// as a quasi-identifier: it follows from objections and disclosure
// control, which an attacker knowing a resident's quasi-identifiers does
// not know.
//
// The rule holds for the join of every export ever made. An intruder
// holding only some of them sees fewer residents in a class, and no rule
// here bounds that class; exportstest plays the intruder on real output,
// and finds none under k in the joins of two of several exports that the
// tests make (TestIntruderJoin, and cmd/ateval's TestIntruderJoinSample on
// the whole sample).
//
// No identifier reaches this package: the source makes each pseudonym
// from the resident's immutable internal id with the agreement's key, and
// each ledger key with a key of the platform's, all of which it keeps,
// and checks on every call that the acting user
// may export under the agreement, that it is in force and that it covers
// the boroughs.
//
// It may import the standard library and the domain packages (ateval,
// devices, forms); never gorm, gin or storage. Storage implements Source.
package exports
