package reports

import (
	"math"
	"strings"

	"github.com/ateval/ateval/disclosure"
)

// spread is a unit's reference spread of a score at a follow-up, from
// which its rows' sampling variances are made (references) and with which
// its cells' protected sums are rebuilt (protect). Four numbers are the
// reference, pooled within the unit's released cells, each rounded to a
// precision tied to the residents it rests on (referenceRound): the
// variance of the baseline score, the variance of the change from
// baseline, and, as in a regression of the follow-up score on the
// baseline with the cells as groups, the common slope and the residual
// variance about it. A row of change takes its variance from the second,
// an adjusted row from the last two; a protected cell's spread within it
// is the regression's (baseline variance, slope, residual), so that it is
// a covariance whatever the rounding. Everything is NaN where the unit's
// cells cannot give the reference.
type spread struct {
	// baseline, change, slope and residual are the reference: what a
	// borough's bundle carries of its residents' spread
	// (federation.Reference). The adjusted difference is made with the
	// slope (rowEffect), so that it is linear in each resident's scores
	// like a mean and the mean's rounding hides them.
	baseline, change, slope, residual float64
	// cov is the within-cell covariance of baseline and follow-up scores
	// a protected cell is rebuilt with, slope × baseline, and followup the
	// follow-up score's variance, residual + slope × cov.
	cov, followup float64
}

// noSpread is a unit with no reference: its rows of a score are hidden.
func noSpread() spread {
	nan := math.NaN()
	return spread{nan, nan, nan, nan, nan, nan}
}

// spreadOf makes a unit's spread from its reference: NaN throughout
// unless both variances are positive, the slope a number, the residual
// variance not negative and the follow-up variance they give positive. A
// residual variance of nothing (the follow-up score a line in the
// baseline's, to its precision) gives no adjusted rows.
func spreadOf(baseline, change, slope, residual float64) spread {
	if !(baseline > 0 && change > 0 && residual >= 0) || math.IsNaN(slope) || math.IsInf(slope, 0) {
		return noSpread()
	}
	s := spread{baseline: baseline, change: change, slope: slope, residual: residual, cov: slope * baseline}
	s.followup = residual + slope*s.cov
	if !(s.followup > 0) {
		return noSpread()
	}
	return s
}

// spreadFrom makes a spread from a reference as a bundle carries it
// (baseline variance, variance of change, slope, residual variance: see
// Shared), or noSpread when there is none.
func spreadFrom(ref []float64) spread {
	if len(ref) != 4 {
		return noSpread()
	}
	return spreadOf(ref[0], ref[1], ref[2], ref[3])
}

// references returns, for a score, each unit's reference from every
// released cell of that unit (all its device categories, arms and
// financial years), keyed as byUnit keys units: its boroughs. all must be
// every cell the gate released for the outcome and follow-up, never the
// report's selection of them, so that a unit's reference is the same in
// every release whatever the filter (package disclosure's doc,
// "Methods").
//
// The variances and the slope are pooled within cells (each cell's sums
// of squares and products about its own means, over the residents less
// one degree of freedom a cell, and one more for the residual), so that the
// differences between categories, arms and years do not inflate them; a
// hub takes them from the bundles (HubSource.references).
func (r *Report) references(o Outcome, all []disclosure.Released) map[string]spread {
	if o.Kind != KindChange {
		return nil
	}
	type acc struct {
		n, k           int
		bb, bf, ff, dd float64
	}
	sums := map[string]*acc{}
	for _, x := range all {
		c := cellOf(o.Kind, x.N, x.Key, x.Sums)
		if c.N < 2 {
			continue
		}
		id := strings.Join(x.Unit.Boroughs, ",")
		a := sums[id]
		if a == nil {
			a = &acc{}
			sums[id] = a
		}
		n := float64(c.N)
		sd, sdd := c.SumF-c.SumB, c.SumFF-2*c.SumBF+c.SumBB
		a.n += c.N
		a.k++
		a.bb += c.SumBB - c.SumB*c.SumB/n
		a.bf += c.SumBF - c.SumB*c.SumF/n
		a.ff += c.SumFF - c.SumF*c.SumF/n
		a.dd += sdd - sd*sd/n
	}
	out := make(map[string]spread, len(sums))
	for id, a := range sums {
		s := noSpread()
		if df := float64(a.n - a.k); df > 2 && a.bb > 0 {
			slope := a.bf / a.bb
			// The residual about the common slope has one degree of
			// freedom fewer; the slope's standard error is its variance
			// over the baseline's sum of squares.
			res := math.Max(0, a.ff-a.bf*slope) / (df - 1)
			rr := 0.0 // within its step of none: no adjusted rows
			if v := referenceRound(res, df-1); v > 0 {
				rr = v
			}
			s = spreadOf(referenceRound(a.bb/df, df), referenceRound(a.dd/df, df), slopeRound(slope, math.Sqrt(res/a.bb)), rr)
		}
		out[id] = s
	}
	return out
}

// significant2 rounds a positive x to two significant figures; anything
// else is NaN (no variance to publish).
func significant2(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 0) {
		return math.NaN()
	}
	return disclosure.Round(x, significantStep(x))
}

// significantStep is the step of x's second significant figure.
func significantStep(x float64) float64 {
	return math.Pow(10, math.Floor(math.Log10(x))-1)
}

// referenceSEs is how many of its own standard errors a reference's
// rounding step spans at the least.
const referenceSEs = 1

// referenceRound rounds a pooled variance x of df degrees of freedom to
// two significant figures, or, where that is coarser, to a step of 1, 2 or
// 5 times a power of ten spanning at least referenceSEs of its standard
// errors, x·√(2/df) (normal theory): a variance is given no more
// precisely than the residents it rests on can tell, so that one of them,
// however extreme, seldom moves it across a rounding boundary (package
// disclosure's doc, "Methods"; TestAttackOnBundle). For a few dozen
// residents the step is coarser than two significant figures (a variance
// of 23 on 60 degrees of freedom, standard error 4.2, is rounded to a
// step of 5, so 25); for some hundreds it is the two significant
// figures. A variance that rounds to nothing at its step is none.
func referenceRound(x, df float64) float64 {
	return roundSE(x, x*math.Sqrt(2/df))
}

// slopeRound rounds a slope likewise, to two significant figures or a
// step spanning referenceSEs of its standard error se.
func slopeRound(b, se float64) float64 {
	if math.IsNaN(b) || math.IsInf(b, 0) {
		return math.NaN()
	}
	if b == 0 {
		return 0
	}
	v := math.Copysign(roundSE(math.Abs(b), se), b)
	if math.IsNaN(v) {
		return 0 // a slope within its step of none
	}
	return v
}

// roundSE rounds a positive x to two significant figures or to a step of
// 1, 2 or 5 times a power of ten spanning referenceSEs standard errors
// se, whichever is coarser; NaN when that leaves nothing.
func roundSE(x, se float64) float64 {
	v := significant2(x)
	if math.IsNaN(v) {
		return v
	}
	if !(se > 0) {
		return v
	}
	step := disclosure.Ceil125(referenceSEs * se)
	if step <= significantStep(x) {
		return v
	}
	if r := disclosure.Round(x, step); r > 0 {
		return r
	}
	return math.NaN()
}
