package reports

import (
	"math"
	"strings"

	"github.com/ateval/ateval/disclosure"
)

// spread is a unit's reference variances of a score at a follow-up, from
// which its rows' sampling variances are made (references): the variance
// of residents' change from baseline, and the residual variance of the
// follow-up score on the baseline score, each pooled within the unit's
// released cells and rounded to two significant figures. NaN where the
// unit's cells cannot give one.
type spread struct {
	change, residual float64
	// slope is the follow-up score's common slope on the baseline score
	// within the unit's cells, to two significant figures: the adjusted
	// difference is made with it (rowEffect), so that it is linear in each
	// resident's scores like a mean and the mean's rounding hides them.
	slope float64
}

// references returns, for a score, each unit's reference variances from
// every released cell of that unit (all its device categories, arms and
// financial years), keyed as byUnit keys units: its boroughs. all must be
// every cell the gate released for the outcome and follow-up, never the
// report's selection of them, so that a unit's reference is one number in
// every release whatever the filter (package disclosure's doc, "Methods").
//
// The variances are pooled within cells (each cell's sums of squares
// about its own means, over the residents less one degree of freedom a
// cell; for the residual, a common slope on the baseline within cells, as
// in an analysis of covariance with the cells as groups), so that the
// differences between categories, arms and years do not inflate them.
func (r *Report) references(o Outcome, all []disclosure.Released) map[string]spread {
	if o.Kind != KindChange {
		return nil
	}
	type acc struct {
		n, k           int
		dd, bb, bf, ff float64
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
		a.dd += sdd - sd*sd/n
		a.bb += c.SumBB - c.SumB*c.SumB/n
		a.bf += c.SumBF - c.SumB*c.SumF/n
		a.ff += c.SumFF - c.SumF*c.SumF/n
	}
	out := make(map[string]spread, len(sums))
	for id, a := range sums {
		s := spread{change: math.NaN(), residual: math.NaN(), slope: math.NaN()}
		if df := a.n - a.k; df > 0 {
			s.change = significant2(a.dd / float64(df))
		}
		if df := a.n - a.k - 1; df > 0 && a.bb > 0 {
			s.residual = significant2(math.Max(0, a.ff-a.bf*a.bf/a.bb) / float64(df))
			s.slope = significant2(math.Abs(a.bf/a.bb)) * math.Copysign(1, a.bf)
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
	return disclosure.Round(x, math.Pow(10, math.Floor(math.Log10(x))-1))
}
