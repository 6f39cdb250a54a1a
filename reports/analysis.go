package reports

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/evaluation"
	"github.com/ateval/ateval/reports/summary"
)

// Measures of a borough's effect (escalc's names where it has one).
const (
	// MC: mean change from baseline of the residents given devices.
	MC = "MC"
	// MCDiff: their mean change minus the comparison group's, in the same
	// borough (independent groups; variances add).
	MCDiff = "MC_DIFF"
	// IRR: log rate ratio of events after against before.
	IRR = "IRR"
	// IRRDiff: log IRR of the residents given devices minus that of the
	// comparison group (a log ratio of rate ratios).
	IRRDiff = "IRR_DIFF"
	// PR: raw proportion (a trajectory's share still in use).
	PR = "PR"
	// PLO: log odds of a proportion, metafor's "PLO": the shares still in
	// use are pooled on this scale, so that their intervals stay within 0
	// and 1 when turned back into shares.
	PLO = "PLO"
	// MDAdjusted: the difference in mean follow-up score between the
	// residents given devices and the comparison group in one borough,
	// adjusted for the baseline score: the group's coefficient in
	// lm(follow-up ~ baseline + group), from the groups' sums
	// (evaluation.ANCOVA).
	MDAdjusted = "MD_ADJ"
)

// Designs of an analysis.
const (
	BeforeAfter        = "before-after"
	DifferenceInChange = "difference-in-change"
	// AdjustedForBaseline is the sensitivity analysis of a difference in
	// change of scores: the difference at follow-up between the groups in
	// each borough, adjusted for the baseline score (ANCOVA).
	AdjustedForBaseline = "adjusted"
	// SingleGroup is a share of residents given devices (still using
	// them), with nothing to compare it with.
	SingleGroup = "single-group"
)

// BoroughEffect is one published row of an analysis: a borough (or the
// unnamed group of small ones), its residents rounded, its effect yi and
// sampling variance vi.
type BoroughEffect struct {
	Borough     string  `json:"borough"`
	N           int     `json:"n"`
	NComparison int     `json:"n_comparison,omitempty"`
	Yi          float64 `json:"yi"`
	Vi          float64 `json:"vi"`
	// Combined is how many small boroughs the unnamed row combines; 0 for
	// a named borough.
	Combined int `json:"combined,omitempty"`
	// Randomised is true when the row's comparison rests on random
	// allocation: a named borough whose residents of the category, in every
	// financial year the row holds, were in a randomised trial (see
	// ateval.RandomisedTrial). A property of the borough's design, not of
	// its residents.
	Randomised bool `json:"randomised,omitempty"`
}

// BoroughsCovered returns how many boroughs the analysis's rows hold: a
// row of small boroughs combined counts each of them.
func (a *Analysis) BoroughsCovered() int {
	n := 0
	for _, b := range a.Boroughs {
		n += max(b.Combined, 1)
	}
	return n
}

// RowsText says how many rows were pooled, and how many boroughs they
// hold when small boroughs were combined: "4 boroughs", or "4 rows (15
// boroughs)".
func (a *Analysis) RowsText() string {
	k, n := len(a.Boroughs), a.BoroughsCovered()
	if k == n {
		return fmt.Sprintf("%d %s", k, plural(k, "borough", "boroughs"))
	}
	return fmt.Sprintf("%d rows (%d boroughs)", k, n)
}

// Analysis is one finding: an outcome, a device category and a follow-up,
// its per-borough effects and their pooled estimate.
type Analysis struct {
	Outcome        string `json:"outcome"`
	DeviceCategory string `json:"device_category"`
	Timepoint      string `json:"timepoint"`
	Design         string `json:"design"`
	Measure        string `json:"measure"`
	// Role is the analysis's place in the evaluation protocol: "primary",
	// "secondary" or "exploratory" (see assignRoles).
	Role string `json:"role"`
	// QValue is the Benjamini-Hochberg adjusted p-value of a secondary or
	// exploratory analysis across every such analysis of the report; nil
	// for a primary one, and for one without a p-value.
	QValue *float64 `json:"q_value,omitempty"`
	// MID is the outcome's minimal important difference, from the
	// framework's protocol, against which certainty is judged.
	MID       *MID              `json:"mid,omitempty"`
	Method    evaluation.Method `json:"method"`
	Test      evaluation.Test   `json:"test"`
	Boroughs  []BoroughEffect   `json:"boroughs"`
	Pooled    evaluation.Pooled `json:"pooled"`
	Certainty Certainty         `json:"certainty"`
	Sentence  string            `json:"sentence"`
	// Notes say what a reader should know: boroughs left out and why.
	Notes []string `json:"notes,omitempty"`
	// Withheld says why the pooled estimate is not published (its fit did
	// not converge); its figures are then null, and the boroughs' rows
	// are still shown.
	Withheld string `json:"withheld,omitempty"`
	// Completeness is the share of the intervention residents due this
	// follow-up who have it recorded, across the boroughs covered.
	Completeness jsonNumber `json:"completeness"`
	// Chart names the forest plot's PNG under charts/, if drawn.
	Chart string `json:"chart,omitempty"`
	// OneStage is the one-stage model of the same residents, beside a
	// primary analysis of a score comparing the groups; absent otherwise.
	OneStage *OneStageEffect `json:"one_stage,omitempty"`

	// Adjusted is, for a difference in change of scores, the sensitivity
	// analysis adjusted for the baseline score (see Sensitivity); nil
	// otherwise.
	Adjusted *Sensitivity `json:"adjusted,omitempty"`

	// analysed are the studies pooled: the rows, with an unnamed unit
	// split into its boroughs where hiddenStudies allows. Never published.
	analysed []evaluation.Study
	// imbalanced: with a comparison group, the two groups' baseline means
	// (or rates) differ by more than the minimal important difference.
	imbalanced bool
}

// Analysed returns the studies the analysis pooled: its rows, and the
// boroughs of a combined row one by one where they were analysed apart
// (hiddenStudies). Never published; for checking the pooling.
func (a *Analysis) Analysed() []evaluation.Study { return a.analysed }

// Studies returns the analysis's rows as shown, as evaluation studies.
func (a *Analysis) Studies() []evaluation.Study {
	s := make([]evaluation.Study, len(a.Boroughs))
	for i, b := range a.Boroughs {
		s[i] = evaluation.Study{Label: b.Borough, Yi: b.Yi, Vi: b.Vi}
	}
	return s
}

// effectOf returns a cell's effect for the outcome's kind.
func effectOf(k Kind, c cell) (evaluation.Effect, error) {
	switch k {
	case KindEvents:
		return evaluation.LogRateRatio(evaluation.Events{Count: c.CountAfter, PersonTime: c.DaysAfter},
			evaluation.Events{Count: c.CountBefore, PersonTime: c.DaysBefore})
	case KindProportion:
		return evaluation.LogitProportion(c.Yes, c.N)
	}
	ch, err := evaluation.ChangeFromSums(c.N, c.SumB, c.SumF, c.SumBB, c.SumFF, c.SumBF)
	if err != nil {
		return evaluation.Effect{}, err
	}
	return evaluation.MeanChange(ch)
}

// measure names the measure of an outcome kind and design.
func measure(k Kind, design string) string {
	switch {
	case k == KindEvents && design == DifferenceInChange:
		return IRRDiff
	case k == KindEvents:
		return IRR
	case k == KindProportion:
		return PLO
	case design == DifferenceInChange:
		return MCDiff
	}
	return MC
}

// cellsOfChanges, cellsOfEvents and cellsOfProportions turn a kind's
// summaries into the gate's atomic cells: borough, financial year of
// enrolment, primary device category ("" for the comparison group) and arm.
func cellsOfChanges(rows []summary.Change) []disclosure.Cell {
	out := make([]disclosure.Cell, 0, len(rows))
	for _, r := range rows {
		out = append(out, atomicCell(r.Key, r.N, r.Keys, sumsOf(KindChange, cell{SumB: r.SumB, SumF: r.SumF, SumBB: r.SumBB, SumFF: r.SumFF, SumBF: r.SumBF})))
	}
	return out
}

func cellsOfEvents(rows []summary.Event) []disclosure.Cell {
	out := make([]disclosure.Cell, 0, len(rows))
	for _, r := range rows {
		out = append(out, atomicCell(r.Key, r.N, r.Keys, sumsOf(KindEvents, cell{CountBefore: r.CountBefore, DaysBefore: r.DaysBefore, CountAfter: r.CountAfter, DaysAfter: r.DaysAfter})))
	}
	return out
}

func cellsOfProportions(rows []summary.Proportion) []disclosure.Cell {
	out := make([]disclosure.Cell, 0, len(rows))
	for _, r := range rows {
		out = append(out, atomicCell(r.Key, r.N, r.Keys, sumsOf(KindProportion, cell{Yes: r.Yes, YesKey: r.YesKeys})))
	}
	return out
}

// atomic is one summary row as the gate's cell; comparison residents have
// no category.
func atomicCell(k summary.Key, n int, keys int64, sums []float64) disclosure.Cell {
	a := arm(k.Group)
	cat := k.Category
	if a == summary.Comparison {
		cat = ""
	}
	return disclosure.Cell{Borough: k.Borough, Period: disclosure.Period(k.Period), Category: cat, Arm: a, N: n, Key: keys, Sums: sums}
}

// analyse builds one analysis of the outcome for one category and design
// from the released cells the report's selection covers, or returns false
// when fewer than MinBoroughs rows remain. A unit is a row only with at
// least MinBoroughN residents selected (in each arm, for a difference in
// change); its effect and variance are published at a precision tied to
// its counts. The pooled estimate is computed from the published rows,
// except that an unnamed unit of small boroughs is pooled as its boroughs,
// each a study of its own, where hiddenStudies allows: shown combined,
// analysed apart. With a comparison group, a change in scores also gets
// its sensitivity analysis adjusted for the baseline score (Adjusted).
func (r *Report) analyse(o Outcome, category, timepoint, design string, rel []disclosure.Released, opt *Options) (Analysis, bool) {
	withC := design == DifferenceInChange
	order, T := byUnit(o.Kind, rel, category, summary.Intervention)
	_, C := byUnit(o.Kind, rel, "", summary.Comparison)
	// The units' reference variances: Build's, from every cell released
	// whatever the selection; an analysis built from cells alone (tests)
	// takes them from those cells.
	refs := r.refs
	if refs == nil {
		refs = r.references(o, rel)
	}
	for id, u := range T {
		u.ref = refs[id]
		T[id] = u
	}
	a := Analysis{Outcome: o.ID, DeviceCategory: category, Timepoint: timepoint, Design: design,
		Measure: measure(o.Kind, design), Method: opt.Method, Test: opt.Test}
	d := r.Disclosure.Rules
	rs := r.rows(o, design, category, order, T, C, opt.Trials)
	a.Boroughs, a.analysed = rs.shown, rs.analysed
	if withC {
		a.imbalanced = r.imbalanced(o, rs.bT, rs.bC)
	}
	if rs.hidden > 0 {
		// One note whatever the reason, and naming no borough: a note
		// triggered by a row's own counts (no events, no variation) would
		// tell them.
		a.Notes = append(a.Notes, "Some boroughs are not shown as rows: fewer than "+strconv.Itoa(d.MinBoroughN)+
			" residents, fewer than "+strconv.Itoa(d.MinEvents)+" events before or after, or an effect that cannot be estimated.")
	}
	if len(a.Boroughs) < opt.MinBoroughs {
		return a, false
	}
	p, err := evaluation.Pool(a.analysed, evaluation.Options{Method: opt.Method, Test: opt.Test, Level: 95})
	if err != nil {
		return a, false
	}
	a.Pooled = p
	if a.Measure == PLO {
		// A share has no "no effect": the p-value of its log odds tests
		// that half the residents still use their device, which no one
		// asks, and would only add tests for the false discovery rate.
		a.Pooled.PValue, a.Pooled.Stat = math.NaN(), math.NaN()
	}
	if !p.Converged {
		a.Withheld = withhold(&a.Pooled)
	}
	if withC && o.Kind == KindChange {
		a.Adjusted = r.adjusted(o, category, order, T, C, opt)
	}
	return a, true
}

// Sensitivity is a sensitivity analysis of a finding: the same boroughs'
// residents analysed another way. The one there is, Adjusted, is each
// borough's difference at follow-up between the residents given devices
// and the comparison group adjusted for the baseline score (analysis of
// covariance, follow-up on baseline and group), pooled like the finding.
type Sensitivity struct {
	Design   string            `json:"design"`
	Measure  string            `json:"measure"`
	Boroughs []BoroughEffect   `json:"boroughs"`
	Pooled   evaluation.Pooled `json:"pooled"`
	// Withheld says why the pooled estimate is not published; its figures
	// are then null.
	Withheld string `json:"withheld,omitempty"`
	// analysed are the studies pooled (see Analysis.Analysed).
	analysed []evaluation.Study
}

// Analysed returns the studies the sensitivity analysis pooled: its rows,
// and the boroughs of a combined row one by one where they were analysed
// apart. Never published; for checking the pooling.
func (s *Sensitivity) Analysed() []evaluation.Study { return s.analysed }

// adjusted is the baseline-adjusted sensitivity analysis of a difference
// in change of scores over the same units, or nil when fewer than
// MinBoroughs rows allow it.
func (r *Report) adjusted(o Outcome, category string, order []string, T, C map[string]unitCell, opt *Options) *Sensitivity {
	rs := r.rows(o, AdjustedForBaseline, category, order, T, C, opt.Trials)
	if len(rs.shown) < opt.MinBoroughs {
		return nil
	}
	p, err := evaluation.Pool(rs.analysed, evaluation.Options{Method: opt.Method, Test: opt.Test, Level: 95})
	if err != nil {
		return nil
	}
	s := &Sensitivity{Design: AdjustedForBaseline, Measure: MDAdjusted, Boroughs: rs.shown, Pooled: p, analysed: rs.analysed}
	if !p.Converged {
		s.Withheld = withhold(&s.Pooled)
	}
	return s
}

// rowSet is an analysis's rows of one design: those shown, one per unit,
// the studies pooled, how many units were left out, and the shown rows'
// residents of each arm summed (for baseline balance).
type rowSet struct {
	shown    []BoroughEffect
	analysed []evaluation.Study
	hidden   int
	bT, bC   cell
}

func (r *Report) rows(o Outcome, design, category string, order []string, T, C map[string]unitCell, trials []ateval.RandomisedTrial) rowSet {
	withC := design == DifferenceInChange || design == AdjustedForBaseline
	d := r.Disclosure.Rules
	var rs rowSet
	for _, id := range order {
		t := T[id]
		c, hasC := C[id]
		if withC && !hasC {
			continue // no comparison group in this borough
		}
		if t.c.N < d.MinBoroughN || (withC && c.c.N < d.MinBoroughN) {
			rs.hidden++
			continue
		}
		e, err := r.rowEffect(o, design, t.c, c.c, t.ref)
		if err != nil {
			rs.hidden++
			continue
		}
		be := BoroughEffect{Borough: t.unit.Label, N: r.count(t.c.N, t.c.Key), Yi: e.Yi, Vi: e.Vi}
		if !t.unit.Named {
			be.Combined = len(t.unit.Boroughs)
		}
		if withC {
			be.Randomised = randomisedRow(trials, t, c, category)
			be.NComparison = r.count(c.c.N, c.c.Key)
			rs.bT.add(t.c)
			rs.bC.add(c.c)
		}
		rs.shown = append(rs.shown, be)
		if parts, ok := r.hiddenStudies(o, design, t, c); ok {
			rs.analysed = append(rs.analysed, parts...)
		} else {
			rs.analysed = append(rs.analysed, evaluation.Study{Label: be.Borough, Yi: be.Yi, Vi: be.Vi})
		}
	}
	return rs
}

// rowEffect is the effect of one row's cells (t given devices, c the
// comparison group) in a design, at the precision the gate publishes it;
// an error when it cannot be estimated or published. A score's mean (or
// adjusted difference) is the row's own, rounded to the step of its
// published counts; its sampling variance is not the row's own but its
// unit's reference variance (ref, see references) over the published
// counts: σ²/n for a mean change, σ²(1/n₁ + 1/n₀) for a difference in
// change, and the residual σ²(1/n₁ + 1/n₀) for the adjusted difference,
// which is itself made with the unit's common slope on the baseline.
// The row's own variance, even rounded, tells apart the changes of one
// resident that the rounded mean leaves open (package disclosure's doc,
// "Methods"; TestAttackOnNamedRowsVariance).
func (r *Report) rowEffect(o Outcome, design string, t, c cell, ref spread) (evaluation.Effect, error) {
	var e evaluation.Effect
	var err error
	switch {
	case design == AdjustedForBaseline:
		if e, err = evaluation.ANCOVA(pairedSums(t), pairedSums(c)); err == nil {
			e = evaluation.Effect{Yi: disclosure.Round(e.Yi, r.yiStep(o, t, c)), Vi: disclosure.Round(e.Vi, r.viStep(o, t, c))}
			if !r.ownVariance {
				// With the unit's common slope, the difference is linear
				// in each resident's follow-up score, with weight 1/n,
				// like a mean: the row's own slope would carry its
				// residents' second moments into yi.
				nt, nc := float64(t.N), float64(c.N)
				d := t.SumF/nt - c.SumF/nc - ref.slope*(t.SumB/nt-c.SumB/nc)
				e = evaluation.Effect{Yi: disclosure.Round(d, r.yiStep(o, t, c)), Vi: ref.residual * (1/r.n(t) + 1/r.n(c))}
			}
		}
	case o.Kind == KindProportion:
		// Pooled as log odds, from the published counts (a protected
		// cell's yes is published already).
		n, yes := r.count(t.N, t.Key), t.Yes
		e, err = evaluation.LogitProportion(min(yes, n), n)
	default:
		e, err = r.published(o, t)
		if err == nil && design == DifferenceInChange {
			var ec evaluation.Effect
			if ec, err = r.published(o, c); err == nil {
				e = evaluation.Effect{Yi: disclosure.Round(e.Yi-ec.Yi, r.yiStep(o, t, c)), Vi: disclosure.Round(e.Vi+ec.Vi, r.viStep(o, t, c))}
				if !r.ownVariance {
					e.Vi = ref.change * (1/r.n(t) + 1/r.n(c))
				}
			}
		} else if err == nil && o.Kind == KindChange && !r.ownVariance {
			e.Vi = ref.change / r.n(t)
		}
	}
	if err == nil && (!(e.Vi > 0) || math.IsNaN(e.Yi) || math.IsInf(e.Vi, 0)) {
		err = errNoEffect
	}
	return e, err
}

// n is a cell's published count, as a number.
func (r *Report) n(x cell) float64 { return float64(r.count(x.N, x.Key)) }

var errNoEffect = errors.New("no effect can be estimated")

func pairedSums(c cell) evaluation.PairedSums {
	return evaluation.PairedSums{N: c.N, SumB: c.SumB, SumF: c.SumF, SumBB: c.SumBB, SumFF: c.SumFF, SumBF: c.SumBF}
}

// hiddenStudies returns the boroughs of an unnamed unit of small boroughs
// as studies of their own, for pooling only, when the rules of "Analysed,
// not shown" (package disclosure's doc) allow it: every member borough
// has at least MinCell and MinValues residents in each arm the design
// compares, and an effect the gate would publish for a row of its counts.
// Otherwise the unit is pooled as the one row shown. What is pooled of a
// member is never finer than what the gate lets a released cell of its
// size publish (memberEffect), so that the pooled figures, however they
// are combined across releases, give back no more of a member than that.
func (r *Report) hiddenStudies(o Outcome, design string, t, c unitCell) ([]evaluation.Study, bool) {
	if t.unit.Named || len(t.members) < 2 {
		return nil, false
	}
	withC := design == DifferenceInChange || design == AdjustedForBaseline
	least := max(r.Disclosure.MinCell, r.Disclosure.MinValues)
	names := make([]string, 0, len(t.members))
	for b := range t.members {
		names = append(names, b)
	}
	slices.Sort(names)
	out := make([]evaluation.Study, 0, len(names))
	for i, b := range names {
		tm, cm := t.members[b], cell{}
		if tm.N < least {
			return nil, false
		}
		if withC {
			var ok bool
			if cm, ok = c.members[b]; !ok || cm.N < least {
				return nil, false
			}
		}
		e, err := r.memberEffect(o, design, t.c, c.c, tm, cm, t.ref)
		if err != nil {
			return nil, false
		}
		// Labelled by the row shown and a number, never by the borough.
		out = append(out, evaluation.Study{Label: fmt.Sprintf("%s, part %d", t.unit.Label, i+1), Yi: e.Yi, Vi: e.Vi})
	}
	return out, true
}

// memberEffect is the effect pooled for one member borough (tm, cm) of an
// unnamed unit (t, c) whose reference variances are ref. Rates and shares
// are made from published counts, as any row's; a change in scores is the
// member's mean rounded to the step of its published count (so that
// Ambiguity whole units of its sum stay unknown, as for any published
// mean), with the unit's reference variance over the member's published
// counts, as rowEffect makes a row's: the member's own variance would add
// its residents' spread of change, at a precision that can pin one
// resident's change among the few others an intruder might know. It
// assumes that the spread is the same in the unit's boroughs. (With
// ownVariance, the release before references: the combined row's own
// variance shared out by the published counts.)
func (r *Report) memberEffect(o Outcome, design string, t, c, tm, cm cell, ref spread) (evaluation.Effect, error) {
	e, err := r.rowEffect(o, design, tm, cm, ref)
	if err != nil || o.Kind != KindChange {
		return e, err
	}
	n := r.n
	if n(tm) <= 0 || (design != BeforeAfter && n(cm) <= 0) {
		return e, errNoEffect
	}
	if !r.ownVariance {
		// rowEffect made it from ref and the member's published counts.
		return e, nil
	}
	switch design {
	case AdjustedForBaseline:
		u, err := r.rowEffect(o, design, t, c, ref)
		if err != nil {
			return e, err
		}
		e.Vi = u.Vi * (1/n(tm) + 1/n(cm)) / (1/n(t) + 1/n(c))
	case DifferenceInChange:
		ut, errT := r.published(o, t)
		uc, errC := r.published(o, c)
		if errT != nil || errC != nil {
			return e, errNoEffect
		}
		e.Vi = ut.Vi*n(t)/n(tm) + uc.Vi*n(c)/n(cm)
	default:
		u, err := r.published(o, t)
		if err != nil {
			return e, err
		}
		e.Vi = u.Vi * n(t) / n(tm)
	}
	if !(e.Vi > 0) {
		return e, errNoEffect
	}
	return e, nil
}

// imbalanced reports whether the two groups of a comparison differed at
// baseline by more than the outcome's minimal important difference: mean
// scores, or rates of events, over the rows' released cells, each at the
// precision the gate publishes a mean of its count (so the judgement says
// no more than the published means would).
func (r *Report) imbalanced(o Outcome, t, c cell) bool {
	m, ok := r.protocol.MID(o.Instrument, o.Score)
	if !ok || t.N == 0 || c.N == 0 {
		return false
	}
	switch o.Kind {
	case KindEvents:
		if t.DaysBefore <= 0 || c.DaysBefore <= 0 || t.CountBefore <= 0 || c.CountBefore <= 0 {
			return false
		}
		rate := func(x cell) float64 {
			return disclosure.Round(x.CountBefore/x.DaysBefore, disclosure.Ceil125(r.Disclosure.Ambiguity/x.DaysBefore))
		}
		lo, hi := m.Thresholds()
		ratio := math.Log(rate(t) / rate(c))
		return ratio <= lo || ratio >= hi
	case KindChange:
		mean := func(x cell) float64 {
			return disclosure.Round(x.SumB/float64(x.N), r.Disclosure.Step(float64(r.count(x.N, x.Key)), o.Resolution))
		}
		return math.Abs(mean(t)-mean(c)) > m.Value
	}
	return false
}

// withhold keeps an unconverged fit from being published as a finding:
// every figure that rests on τ² becomes NaN (null in results.json, a dash
// on the page); it returns why. Cochran's Q does not rest on τ² and stays.
func withhold(p *evaluation.Pooled) string {
	why := "the estimate of the between-borough variance τ² did not converge"
	for _, n := range p.Notes {
		if strings.Contains(n, "converge") {
			why += " (" + n + ")"
		}
	}
	nan := math.NaN()
	p.Estimate, p.SE, p.CILower, p.CIUpper, p.PValue, p.Stat = nan, nan, nan, nan, nan, nan
	p.Tau2, p.Tau2CILower, p.Tau2CIUpper, p.I2, p.H2, p.PILower, p.PIUpper = nan, nan, nan, nan, nan, nan, nan
	return why
}

// published returns a unit's effect at the precision its counts allow: a
// mean change to a step spanning Ambiguity units of its sum, a log rate
// ratio to a step spanning Ambiguity events, a proportion from its
// published counts.
func (r *Report) published(o Outcome, c cell) (evaluation.Effect, error) {
	switch o.Kind {
	case KindProportion:
		n, yes := r.count(c.N, c.Key), c.Yes // published already (protect)
		return evaluation.Proportion(min(yes, n), n)
	case KindEvents:
		// From the published counts of events, as shares from published
		// counts: a ratio of rounded rates would give small counts back
		// (the red team solved 57 rows so). A protected cell's counts of
		// events are published already (protect: perturbed, rounded, and
		// summed over whole cells); a rate rests on at least MinEvents of
		// them in each period. (The true count may be a few fewer, each
		// cell's perturbation and rounding moving it by up to PerturbMax +
		// RoundTo/2: the counts are protected by the perturbation, and the
		// rule keeps rates off counts too small to be worth publishing.)
		before, after := int(c.CountBefore), int(c.CountAfter)
		if before < r.Disclosure.MinEvents || after < r.Disclosure.MinEvents {
			return evaluation.Effect{}, errTooFewEvents
		}
		e, err := evaluation.LogRateRatio(evaluation.Events{Count: float64(after), PersonTime: c.DaysAfter},
			evaluation.Events{Count: float64(before), PersonTime: c.DaysBefore})
		return evaluation.Effect{Yi: disclosure.Round(e.Yi, 0.001), Vi: e.Vi}, err
	}
	e, err := effectOf(o.Kind, c)
	if err != nil {
		return e, err
	}
	return evaluation.Effect{Yi: disclosure.Round(e.Yi, r.yiStep(o, c)), Vi: disclosure.Round(e.Vi, r.viStep(o, c))}, nil
}

var errTooFewEvents = errors.New("too few events to publish a rate")

// yiStep is the rounding step of an effect of the cells (the coarsest of
// theirs): a mean change to a step spanning Ambiguity units of its sum at
// its published count (a step read from the true count would narrow it);
// a rate ratio, made from published counts, to 0.001.
func (r *Report) yiStep(o Outcome, cs ...cell) float64 {
	if o.Kind == KindEvents {
		return 0.001
	}
	step := 0.0
	for _, c := range cs {
		step = math.Max(step, r.Disclosure.Step(float64(r.count(c.N, c.Key)), o.Resolution))
	}
	return step
}

// viStep is the rounding step of a mean change's sampling variance: a
// change of Ambiguity units in the sum of squares moves it by about that
// much. A rate ratio's variance, 1/events before + 1/events after of
// published counts, needs none.
func (r *Report) viStep(o Outcome, cs ...cell) float64 {
	if o.Kind == KindEvents {
		return 1e-9
	}
	step := 0.0
	for _, c := range cs {
		n := math.Max(2, float64(r.count(c.N, c.Key)))
		step = math.Max(step, disclosure.Ceil125(r.Disclosure.Ambiguity*o.Resolution*o.Resolution/(n*(n-1))))
	}
	return step
}
