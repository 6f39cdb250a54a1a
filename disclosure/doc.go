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
//     member's own but the unit's reference variance over the member's
//     published counts (see Methods), since the variance of a few
//     residents' changes, even
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
//   - A score's variance is its unit's, not its row's. A row's mean
//     change (or adjusted difference) is published at the mean's step, but
//     the variance of the row's own residents carries their second moment:
//     an intruder who knows all but one resident of a named row tries each
//     value of that resident's change, and the few the mean's rounding
//     leaves open have different sums of squares, which even the variance
//     rounded to viStep (Ambiguity units of the sum of squares) told apart
//     (reports' TestAttackOnNamedRowsVariance: 415 of 819 residents
//     alone on their enrolment day pinned in one run, every named row of
//     wellbeing at 6 months, every category and design; none by our vi).
//     See Methods.
//   - One set of cells per installation. The rules that decide cells are
//     fixed; a report may raise only the minimum with which a borough is
//     shown, which hides rows and never regroups a cell.
//
// # Methods
//
// Sampling variances of scores. A row's sampling variance is made from a
// reference variance of its unit, never from the row's own residents:
// vi = σ²/n for a mean change, σ²(1/n₁ + 1/n₀) for a difference in change,
// and σ²_res(1/n₁ + 1/n₀) for the difference adjusted for the baseline
// score, n being the published (perturbed, rounded) counts. σ² is the
// variance of change and σ²_res the residual variance of the follow-up
// score on the baseline (with the slope β the adjusted difference is made
// with), each pooled within every released cell of the unit for the
// outcome and follow-up: all its device categories, both arms and every
// financial year, whatever the report selects (the summaries are read for
// every category, and the reference is taken before the selection picks
// cells), and rounded to two significant figures. So a unit has one σ²,
// σ²_res and β per outcome and follow-up, the same in every release; a
// row's vi is then a function of published counts and that one number,
// and tells an intruder who knows the rest of the row nothing the rounded
// mean did not. The adjusted difference, with the unit's β instead of
// the row's own, is linear in each resident's follow-up score with weight
// 1/n, like a mean, so the mean's step hides it too (the row's own β
// would carry the residents' second moments into yi).
//
// Why a statistician would defend it: borrowing the standard deviation of
// change from a larger body of data of the same outcome measure, scale
// and follow-up is the standard remedy in meta-analysis when a study's
// own is not available (Cochrane Handbook 5.1, 16.1.3.2, "Imputing
// standard deviations for changes from baseline",
// https://handbook-5-1.cochrane.org/chapter_16/16_1_3_2_imputing_standard_deviations_for_changes_from_baseline.htm;
// Weir et al., BMC Med Res Methodol 2018;18:25, "imputation based on
// observed SD values from other trials"). Here the reference is the same
// borough's, at the same follow-up, pooled within cells so that
// differences between categories, arms and years do not inflate it: it
// assumes that the spread of change in a borough is the same across its
// device categories and arms. It does not assume one spread for every
// borough, so between-borough differences in spread still weigh the
// rows. A named unit's reference rests only on its own released cells,
// which are the cells it shares with a hub (reports.Shared), so a hub
// computes the same reference from a bundle and its report equals the
// central one. The exact within-row variance is still used where nothing
// is shown by row: the one-stage model and the trajectories over every
// selected cell.
//
// What remains. The 2-significant-figure reference still carries the
// unit's second moment: an intruder who knew every resident of the unit
// but one (every category, arm and year of the borough, at that
// follow-up: hundreds of residents) would find the reference's rounding
// step spanning far more than the mean's, but near a rounding boundary it
// could split the mean's candidates. And a federation bundle (reports.Shared,
// read by reports.HubSource) carries each shared cell's exact sums: n,
// ΣB, ΣF, ΣB², ΣF², ΣBF and the sum of record keys, so the hub, or anyone
// who obtains a bundle, holds every named cell's exact mean and variance
// and can run the all-but-one attack on a cell without any rounding. The
// bundle is the borough's own data given to a hub it trusts under its data
// sharing agreement, but it is not a release through this gate: to close
// the gap a bundle would carry only what the report publishes of a cell
// (its perturbed count, its mean at the gate's step, and the unit's
// reference variances), and the hub would pool those.
//
// It may import the standard library and the root package only.
package disclosure
