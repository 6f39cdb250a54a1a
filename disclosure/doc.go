// Package disclosure is the one gate through which every number derived
// from residents leaves the protected zone: the evidence report (page, PDF,
// charts, results.json and the reports API), the catalogue's per-borough
// usage, and the summaries a borough shares. Exports of resident-level
// records are made k-anonymous by package exports, against a ledger of
// every earlier release.
//
// The gate reasons about releases, not outputs: an intruder combines
// everything published, to anyone, over time. Its rules are built so that
// the difference of any two releases is itself safe.
//
//   - Fixed cells. Every statistic is computed from atomic cells: the
//     residents of one borough, enrolled in one financial year (April to
//     March), of one primary device category and one evaluation arm. For
//     each statistic (an outcome at a follow-up, the follow-ups due, the
//     devices at risk of abandonment...) and each category and arm, a
//     borough with at least MinBoroughN residents is a unit of its own; the
//     smaller boroughs of one group (London's sub-regional partnerships)
//     form one unnamed unit together when there are at least two of them
//     and MinBoroughN residents in all, and are otherwise never released.
//     A named unit's years are joined into blocks of at least MinCell
//     residents; an unnamed unit is one block over every year. These
//     released cells are decided from all the data, never from the query,
//     so they are the same in every release.
//   - Filters on whole cells. A report selects whole groups of boroughs
//     (all of them, or one or more partnerships) and whole financial years;
//     any other filter is widened to the cells it touches, and says so.
//     Every figure is a sum over whole released cells, so the difference of
//     two releases is a sum of released cells, each of at least MinCell
//     residents, none a borough under MinBoroughN on its own.
//   - Consistent perturbation of counts by the cell-key method (ONS,
//     Census 2021; ABS TableBuilder): each resident carries a random record
//     key (0–255), a count's cell key is the sum of its residents' keys,
//     and a fixed table maps the key to a small perturbation, so the same
//     residents always get the same noise and repeating or differencing a
//     query averages none of it away. The perturbed count is then rounded
//     to the nearest RoundTo (NHS England practice below national level).
//   - Precision tied to counts. A mean of n values is published to a step
//     at which at least Ambiguity whole units of its sum fit, n being its
//     published count (so neither the sum nor, with the count, the number
//     of residents can be pinned down); effects and variances likewise;
//     rate ratios are made from the published counts of events, and not
//     at all on fewer than MinEvents; shares are computed from the
//     published counts; pooled estimates are computed from the published
//     rows, so they reveal nothing the rows do not.
//   - One set of cells per installation. The rules that decide cells are
//     fixed; a report may raise only the minimum with which a borough is
//     shown, which hides rows and never regroups a cell.
//
// It may import the standard library and the root package only.
package disclosure
