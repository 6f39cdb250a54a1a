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
//   - Analysed, not shown. Disclosure control limits what is shown, not
//     what is analysed, as far as the gate can prove the hidden part stays
//     hidden. An unnamed unit's released cell carries its boroughs one by
//     one (Released.Members), and a report may pool them as studies of
//     their own (a combined row pooled as one pretend borough ignores
//     clustering, and for a difference in change compares one borough's
//     residents with another's) while showing only the combined row. The
//     pooled estimate, its standard error, interval, τ², Q, I² and
//     prediction interval are then functions of the hidden studies, and an
//     intruder who combines releases may solve them back: the argument
//     must hold even if every hidden study is recovered exactly. So a
//     report splits a unit only when (1) the unit is released whole, as
//     any cell is, and is the same unit in every release (it is one block
//     over every period, decided from all the data); (2) every member
//     borough has at least MinCell and MinValues residents in each arm the
//     analysis compares, so that a member is a group a mean may be
//     published for and no smaller than any released cell; otherwise the
//     unit is pooled as the row shown; (3) what is pooled of a member is
//     no finer than a released cell of its size may publish: a mean change
//     rounded to the step of the member's published count (Ambiguity whole
//     units of its sum stay unknown), rates and shares from published,
//     perturbed counts; and a score's sampling variance is not the
//     member's own but the combined row's shared out by the published
//     counts, since the variance of a few residents' changes, even
//     rounded, tells apart the changes that the rounded mean leaves open
//     (the attack test shows it pinning a resident); (4) anything shown by
//     borough (rows, leave-one-out, influence, counts, notes) is by row
//     shown, never by hidden borough, and hidden studies are labelled by
//     their row and a number, never by the borough. Then the most any
//     combination of releases gives back of a small borough is a mean of
//     at least MinCell residents at the gate's precision beside a
//     perturbed, rounded count: an intruder who knows all but one of its
//     residents is left several whole values of that resident's change,
//     as many as the mean's rounding step spans (Ambiguity units of the
//     sum at the published count; reports'
//     TestAttackOnSmallBoroughsAnalysedApart, which also
//     recovers the resident exactly from a release that pools the hidden
//     boroughs at their exact effects). A small borough is still never
//     named with a figure of its own.
//   - One set of cells per installation. The rules that decide cells are
//     fixed; a report may raise only the minimum with which a borough is
//     shown, which hides rows and never regroups a cell.
//
// It may import the standard library and the root package only.
package disclosure
