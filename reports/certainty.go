package reports

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ateval/ateval"
)

// Certainty is how sure a reader can be of a finding, as GRADE judges it
// (Guyatt GH et al. GRADE guidelines 3, 5, 6 and 7. J Clin Epidemiol
// 2011;64:401-6, 1277-82, 1283-93, 1294-302): randomised evidence starts
// high and non-randomised evidence low; each serious concern lowers it one
// level, to moderate, low and very low. Basis says where it started and
// why; Reasons say, in plain English, what lowered it.
type Certainty struct {
	Level   string   `json:"level"`
	Basis   string   `json:"basis"`
	Reasons []string `json:"reasons"`
}

// The levels of certainty, highest first.
var certaintyLevels = []string{"high", "moderate", "low", "very low"}

// basisRandomised is the basis of a comparison resting on randomised
// boroughs only.
const basisRandomised = "Compared with residents allocated at random not to have the device: starts at high."

const (
	levelHigh, levelLow = 0, 2
	// maxAttrition is the largest share of follow-ups due not recorded
	// before certainty is lowered for risk of bias.
	maxAttrition = 0.20
)

// CertaintyMethod explains how certainty is judged, for the methods
// section.
func CertaintyMethod() string {
	return "Certainty follows GRADE. Evidence from a comparison in which residents were allocated to a device or not at random starts at high: " +
		"an administrator records which boroughs ran such a trial of a device category, and from when, and a borough's row counts as randomised only for the financial years of enrolment the trial covers whole. " +
		"Only when every borough in the comparison is randomised does it start at high; a comparison mixing randomised and other boroughs is not split (with so few boroughs the parts would be too small to pool) " +
		"and starts at low, as its pooled estimate rests partly on non-randomised evidence; " +
		"any other comparison with residents without the device starts at low, as non-randomised evidence does; " +
		"a change from baseline with no comparison group, or a share of residents with nothing to compare it with, starts at low and is never rated above low, " +
		"because it also holds what would have happened anyway (recovery, ageing, regression to the mean). " +
		"Each of these lowers it one level: risk of bias (more than 20% of the follow-ups due not recorded; or, with a comparison group, " +
		"the two groups differing at baseline by more than the outcome's minimal important difference); " +
		"inconsistency (a prediction interval that includes both changes that matter and changes that do not); " +
		"imprecision, judged against the minimal important difference rather than against no effect " +
		"(a 95% CI that includes both changes that matter and changes that do not; two levels when it includes both an important benefit and an important harm). " +
		"Certainty is never raised: with this few boroughs a large effect is as likely to be bias as a strong one."
}

// randomisedRow reports whether a named borough's row of a comparison
// rests on random allocation: every financial year of enrolment its
// intervention and comparison cells hold is covered whole by one of the
// borough's randomised trials of the category. A row of boroughs combined
// never does: it names no borough whose design could be checked.
func randomisedRow(trials []ateval.RandomisedTrial, t, c unitCell, category string) bool {
	if !t.unit.Named || len(t.unit.Boroughs) != 1 || len(t.periods) == 0 {
		return false
	}
	b := t.unit.Boroughs[0]
	for _, p := range append(slices.Clone(t.periods), c.periods...) {
		if !ateval.RandomisedIn(trials, b, category, int(p)) {
			return false
		}
	}
	return true
}

// randomisedRows counts the analysis's rows resting on random allocation.
func randomisedRows(a *Analysis) int {
	n := 0
	for _, b := range a.Boroughs {
		if b.Randomised && b.Combined == 0 {
			n++
		}
	}
	return n
}

// certainty judges an analysis; a withheld pooled estimate is not judged.
func certainty(a *Analysis) Certainty {
	if a.Withheld != "" {
		return Certainty{Level: "not judged", Basis: "The pooled estimate is withheld.", Reasons: []string{"the pooled estimate is withheld"}}
	}
	level := levelLow
	var basis string
	random := randomisedRows(a)
	switch {
	case a.Design == DifferenceInChange && random > 0 && random == len(a.Boroughs):
		level, basis = levelHigh, basisRandomised
	case a.Design == DifferenceInChange && random > 0:
		// Mixed evidence is not split: with a few boroughs, pooling the
		// randomised rows apart would leave too few to pool, so the
		// pooled estimate, which the non-randomised rows move, starts
		// where they do (GRADE guidance 24, Cuello-Garcia et al. J Clin
		// Epidemiol 2022: a body of evidence including non-randomised
		// studies is rated from their starting point, low).
		basis = fmt.Sprintf("Compared with residents without the device; residents were allocated at random in %d of the %d boroughs and not in the others: starts at low, as non-randomised evidence does.",
			random, len(a.Boroughs))
	case a.Design == DifferenceInChange:
		basis = "Compared with residents without the device, who were not allocated at random: starts at low, as non-randomised evidence does."
	case a.Design == SingleGroup:
		basis = "A share of residents given the device, with nothing to compare it with: never rated above low."
	default:
		basis = "A change since baseline with no comparison group, which also holds what would have happened anyway (recovery, ageing, regression to the mean): never rated above low."
	}
	reasons := []string{}
	mid := a.MID.Text()
	if c := float64(a.Completeness); !math.IsNaN(c) && 1-c > maxAttrition {
		reasons = append(reasons, fmt.Sprintf("risk of bias: %.0f%% of the follow-ups due were not recorded, more than %.0f%%", 100*(1-c), 100*maxAttrition))
	}
	if a.imbalanced {
		reasons = append(reasons, "risk of bias: the residents with and without the device differed at the start by more than the smallest change that matters, "+mid)
	}
	share := a.Measure == PLO
	if inconsistent(a) {
		if share {
			reasons = append(reasons, "inconsistency: the share in a new borough could lie anywhere in a range wider than twice the smallest difference that matters, "+mid)
		} else {
			reasons = append(reasons, "inconsistency: the prediction interval crosses the smallest change that matters, "+mid+", so the effect would matter in some boroughs and not in others")
		}
	}
	switch imprecision(a) {
	case 1:
		if share {
			reasons = append(reasons, "imprecision: the 95% CI is wider than twice the smallest difference that matters, "+mid)
		} else {
			reasons = append(reasons, "imprecision: the 95% CI includes both changes that matter and changes that do not, against the smallest change that matters, "+mid)
		}
	case 2:
		reasons = append(reasons, "serious imprecision: the 95% CI includes both an important benefit and an important harm, against the smallest change that matters, "+mid)
		level++ // two levels, as GRADE allows for very serious imprecision
	}
	level += len(reasons)
	if a.Design != DifferenceInChange {
		level = max(level, levelLow)
	}
	return Certainty{Level: certaintyLevels[min(level, len(certaintyLevels)-1)], Basis: basis, Reasons: reasons}
}

// thresholds returns the MID's thresholds below and above no effect on the
// analysis's scale; without a MID, no effect itself (0, 0).
func (a *Analysis) thresholds() (lo, hi float64) {
	if a.MID == nil || math.IsNaN(float64(a.MID.Lower)) {
		return 0, 0
	}
	return float64(a.MID.Lower), float64(a.MID.Upper)
}

// crossings counts the thresholds strictly inside (lo, hi).
func crossings(lo, hi float64, thresholds ...float64) int {
	n := 0
	for _, t := range thresholds {
		if lo < t && t < hi {
			n++
		}
	}
	return n
}

// imprecision is 0, 1 (the CI includes changes that matter and changes
// that do not) or 2 (it includes both an important benefit and an
// important harm). A share has no "no effect": its CI is imprecise when it
// is wider than twice the MID.
func imprecision(a *Analysis) int {
	p := a.Pooled
	if a.Measure == PLO {
		if a.MID != nil && a.Readable(p.CIUpper)-a.Readable(p.CILower) > 2*a.MID.Value {
			return 1
		}
		return 0
	}
	lo, hi := a.thresholds()
	if lo == 0 && hi == 0 {
		if p.CILower < 0 && p.CIUpper > 0 {
			return 1
		}
		return 0
	}
	return crossings(p.CILower, p.CIUpper, lo, hi)
}

// inconsistent reports a prediction interval that crosses the MID (for a
// share: wider than twice the MID).
func inconsistent(a *Analysis) bool {
	p := a.Pooled
	if math.IsNaN(p.PILower) {
		return false
	}
	if a.Measure == PLO {
		return a.MID != nil && a.Readable(p.PIUpper)-a.Readable(p.PILower) > 2*a.MID.Value
	}
	lo, hi := a.thresholds()
	if lo == 0 && hi == 0 {
		return p.PILower < 0 && p.PIUpper > 0 && !(p.CILower < 0 && p.CIUpper > 0)
	}
	return crossings(p.PILower, p.PIUpper, lo, hi) > 0
}

// Verdicts: what a finding says, judged against the minimal important
// difference, in the words the summary uses.
const (
	VerdictImportantBenefit = "better, by enough to matter"
	VerdictSmallBenefit     = "better, perhaps not by enough to matter"
	VerdictNoImportant      = "no difference that matters"
	VerdictUncertain        = "cannot tell"
	VerdictSmallHarm        = "worse, perhaps not by enough to matter"
	VerdictImportantHarm    = "worse, by enough to matter"
)

// verdict judges the pooled 95% CI against the MID, aware of whether
// higher is better; "" for a share or a withheld estimate.
func verdict(o Outcome, a *Analysis) string {
	p := a.Pooled
	if a.Measure == PLO || a.Withheld != "" || math.IsNaN(p.CILower) {
		return ""
	}
	lo, hi := a.thresholds()
	good, bad := hi, lo // thresholds of benefit and harm
	sign := 1.0
	if !o.HigherBetter {
		good, bad, sign = lo, hi, -1
	}
	// On the benefit scale (higher is better) the CI is [l, u].
	l, u := sign*p.CILower, sign*p.CIUpper
	if l > u {
		l, u = u, l
	}
	g, b := sign*good, sign*bad
	switch {
	case l >= g:
		return VerdictImportantBenefit
	case u <= b:
		return VerdictImportantHarm
	case l > 0:
		return VerdictSmallBenefit
	case u < 0:
		return VerdictSmallHarm
	case l >= b && u <= g:
		return VerdictNoImportant
	}
	return VerdictUncertain
}

// verdictSentence says a verdict in a sentence.
func verdictSentence(v string, a *Analysis) string {
	mid := a.MID.Text()
	cause := ""
	if a.Design == BeforeAfter {
		cause = " Without a comparison group we cannot tell how much of it the device caused."
	}
	switch v {
	case VerdictImportantBenefit:
		return "This is an improvement large enough to matter: the whole 95% CI is beyond the smallest change that matters (" + mid + ")." + cause
	case VerdictSmallBenefit:
		return "This is an improvement, but it may be smaller than the smallest change that matters (" + mid + ")." + cause
	case VerdictNoImportant:
		return "Any difference is smaller than the smallest change that matters (" + mid + ")."
	case VerdictSmallHarm:
		return "This is a change for the worse, though it may be smaller than the smallest change that matters (" + mid + ")." + cause
	case VerdictImportantHarm:
		return "This is a change for the worse large enough to matter (the smallest change that matters is " + mid + ")." + cause
	case VerdictUncertain:
		return "We cannot tell whether there is a difference that matters (the smallest change that matters is " + mid + ")."
	}
	return ""
}

// certaintyText is "low. Lowered for …".
func certaintyText(c Certainty) string {
	if len(c.Reasons) == 0 {
		return c.Level
	}
	return c.Level + ". Lowered for " + strings.Join(c.Reasons, "; ")
}
