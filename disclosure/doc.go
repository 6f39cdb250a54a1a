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
//   - Protected cells. Nothing is computed from a released cell's exact
//     sums: each released cell (and each member of an unnamed unit) is
//     first replaced by what may leave the gate of it (reports' protect),
//     and every figure of a report, of the one-stage model and of a
//     borough's evidence bundle is made from those. A score's cell is its
//     count and record keys, its mean baseline score and mean change each
//     rounded to the step of its published count, and, within it, its
//     unit's reference spread (Methods); a yes/no answer's cell is its
//     published count of yes; an events cell its published counts of
//     events and its days rounded to 30. A count of yes or of events over
//     several cells is the sum of their published counts, a mean over
//     several cells the cells' rounded means weighted by their residents,
//     and a rate rests on MinEvents published events at the least (a few
//     more than the true ones, at worst). So a hub that holds a
//     borough's bundle holds what a report could publish of its cells,
//     and nothing finer (reports' TestAttackOnNamedRowsVariance, and
//     TestAttackOnBundle in cmd/ateval: an intruder who knows every other
//     resident of a cell pins none of 570 targets from a bundle, and all
//     of them from the exact sums bundles of format 1 carried).
//   - One set of cells per installation. The rules that decide cells are
//     fixed; a report may raise only the minimum with which a borough is
//     shown, which hides rows and never regroups a cell.
//
// # Methods
//
// Sampling variances of scores. A row's sampling variance is made from a
// reference spread of its unit, never from the row's own residents:
// vi = σ²_d/n for a mean change, σ²_d(1/n₁ + 1/n₀) for a difference in
// change, and σ²_r(1/n₁ + 1/n₀) for the difference adjusted for the
// baseline score, n being the published (perturbed, rounded) counts. The
// reference is four numbers, each pooled within every released cell of
// the unit for the outcome and follow-up (all its device categories, both
// arms and every financial year, whatever the report selects: the
// summaries are read for every category, and the reference is taken
// before the selection picks cells): the variance of the baseline score
// σ²_b, the variance of change σ²_d, and, as in a regression of the
// follow-up score on the baseline with the cells as groups, the common
// slope β and the residual variance σ²_r. A protected cell is rebuilt with
// the regression's spread (σ²_b, covariance βσ²_b, follow-up variance
// σ²_r + β²σ²_b), a covariance whatever the rounding. So a unit has one
// reference per outcome and follow-up, the same in every release; a row's
// vi is then a function of published counts and that reference, and
// tells an intruder who knows the rest of the row nothing the rounded
// mean did not. The adjusted difference, with the unit's β instead of the
// row's own, is linear in each resident's follow-up score with weight
// 1/n, like a mean, so the mean's step hides it too (the row's own β
// would carry the residents' second moments into yi).
//
// The reference's precision is tied to the residents it rests on, as a
// mean's is: each number is rounded to two significant figures or, where
// coarser, to a step of 1, 2 or 5 times a power of ten spanning its own
// standard error (σ²√(2/df) for a variance of df degrees of freedom,
// √(σ²_r/Σ(b − b̄)²) for the slope). A variance is then given no more
// precisely than its residents can tell it (a variance of 23 on 60
// degrees of freedom, standard error 4.2, to a step of 5), and one
// resident, however extreme, seldom moves it across a boundary; a borough
// of some hundreds gets its two significant figures. A unit whose
// variances round to nothing at their step (a dozen degrees of freedom or
// fewer) has no reference, and gives no figure of the score. Measured on
// the committed sample against the intruder of "What remains", references
// at two significant figures alone pinned 47 of 570 targets to their
// baseline and follow-up scores and 75 to their change; these pin 1 and
// 9. What it costs, on the same sample, whose boroughs have a few dozen
// residents at a follow-up: a unit's σ²_d is within 10% of its residents'
// own for 55% of units, and between 0.74 and 1.20 times it for nine in
// ten (its own sampling error at those sizes is about 20%); the slope is
// within 0.04 of the residents' own for half the units, 0.15 for nine in
// ten; pooled estimates of scores moved by a median of 0.05 of their
// standard error against the report before protected cells.
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
// which are the cells it shares with a hub (reports.Shared), and a bundle
// carries it, so a hub's rows equal the central ones. The one-stage model
// and the trajectories use the protected cells too: each cell's rounded
// means with the reference's spread within it, which is the model of
// data with exactly those summaries (on the committed sample, SWEMWBS at
// 6 months, the one-stage effect of a device moved from 0.83 to 0.81
// points, its standard error 0.25 both ways).
//
// What remains. The reference still carries some of the unit's second
// moments. An intruder who knew every resident of the whole unit at a
// follow-up but one (every category, arm and year of the borough: 65
// residents in the sample's Camden at 6 months, hundreds in a real
// borough) could recompute the reference with each value the target's
// scores could take, and near a rounding boundary split the candidates
// the rounded means leave: TestAttackOnBundle (cmd/ateval) measures it
// and logs it on every run (1 of 570 pinned, 9 to their change). Such an
// intruder holds the borough's own records; the published report carries
// the same reference (vi is it over published counts). It could be
// closed only by a reference that rests on no borough's own residents
// (reference spreads set with the framework, from published norms), at
// the cost of every borough's own spread. A borough's successive
// bundles carry a new reference only with MinCell residents more than
// the last (its share ledger), as they do cells.
//
// It may import the standard library and the root package only.
package disclosure
