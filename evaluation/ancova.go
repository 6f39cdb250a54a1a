package evaluation

import (
	"math"

	"github.com/ateval/ateval"
)

// PairedSums are the sums a database keeps for one group of residents
// measured at baseline b and at a follow-up f: their number and Σb, Σf,
// Σb², Σf² and Σbf.
type PairedSums struct {
	N                               int
	SumB, SumF, SumBB, SumFF, SumBF float64
}

// ANCOVA returns one borough's baseline-adjusted difference between the
// group given devices and the comparison group: the coefficient δ of the
// group in the linear model f = α + β b + δ g + ε (g = 1 for devices),
// with its variance, exactly as R's lm(f ~ b + g) gives them, computed
// from the two groups' sums. With group means b̄_g, f̄_g and the
// within-group sums of squares and products pooled over the groups,
//
//	S_bb = Σ_g (Σb² − (Σb)²/n),  S_bf = Σ_g (Σbf − Σb Σf/n),  S_ff = Σ_g (Σf² − (Σf)²/n),
//
// the common slope is β̂ = S_bf/S_bb and
//
//	δ̂ = (f̄_T − f̄_C) − β̂ (b̄_T − b̄_C),
//	Var(δ̂) = σ̂² [1/n_T + 1/n_C + (b̄_T − b̄_C)²/S_bb],  σ̂² = (S_ff − S_bf²/S_bb)/(n_T + n_C − 3).
//
// Unlike the difference in mean change (DiffMeanChange), it does not
// assume that follow-up moves one for one with baseline, and it adjusts
// for a baseline imbalance between the groups; it assumes the same slope
// in both. It returns an EINVALID error when n_T + n_C < 4, a group is
// empty, or baseline does not vary within the groups.
func ANCOVA(treated, comparison PairedSums) (Effect, error) {
	if treated.N < 1 || comparison.N < 1 || treated.N+comparison.N < 4 {
		return Effect{}, ateval.Errorf(ateval.EINVALID, "an adjusted comparison needs residents in both groups and at least 4 in all, got %d and %d", treated.N, comparison.N)
	}
	var sbb, sbf, sff float64
	for _, g := range []PairedSums{treated, comparison} {
		n := float64(g.N)
		sbb += g.SumBB - g.SumB*g.SumB/n
		sbf += g.SumBF - g.SumB*g.SumF/n
		sff += g.SumFF - g.SumF*g.SumF/n
	}
	if !(sbb > 0) {
		return Effect{}, ateval.Errorf(ateval.EINVALID, "baseline scores do not vary within the groups: no adjusted comparison")
	}
	nt, nc := float64(treated.N), float64(comparison.N)
	db := treated.SumB/nt - comparison.SumB/nc
	beta := sbf / sbb
	d := treated.SumF/nt - comparison.SumF/nc - beta*db
	s2 := math.Max(0, sff-sbf*beta) / (nt + nc - 3)
	return Effect{Yi: d, Vi: s2 * (1/nt + 1/nc + db*db/sbb)}, nil
}
