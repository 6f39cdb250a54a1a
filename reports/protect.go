package reports

import (
	"math"
	"strings"

	"github.com/ateval/ateval/disclosure"
)

// Protection: what leaves the gate of a released cell.
//
// A released cell holds its residents' exact sums. Nothing is computed
// from those sums directly: each released cell of an outcome (and each
// member borough of an unnamed unit) is first replaced by its protected
// form, which holds only what the gate lets leave of the cell, and every
// figure of the report, the one-stage model and a borough's evidence
// bundle is made from the protected cells. A hub rebuilds the same
// protected cells from a bundle, so its report equals the central one
// exactly, and a bundle carries nothing finer than a report publishes.
//
//   - A score: the cell's count and record keys; its mean baseline score
//     and mean change, each rounded to the step of its published count (a
//     step spanning Ambiguity whole units of the sum, as for any published
//     mean); and its unit's reference variances (references: one triple a
//     unit, outcome and follow-up, pooled over hundreds of residents and
//     rounded to two significant figures). The protected sums are those
//     of residents with exactly those means and, within the cell, exactly
//     those variances: Σb = n·b̄, Σf = n·f̄, Σb² = (n−1)s²_b + n·b̄², and so
//     on, so that every later step (rows, pooling, trajectories, the
//     one-stage model's cross-products) goes on adding sums.
//   - A yes/no answer: the cell's count of yes, perturbed and rounded as
//     the gate publishes a count (Rules.Count).
//   - Events: the counts of events before and after, perturbed and rounded
//     as published counts, and the days they cover rounded to DaysStep.
//
// Counts of yes and of events over several cells are then sums of
// published counts, never a count of their own (a rate needs MinEvents of
// them); means of several cells are
// the cells' rounded means weighted by their residents. A count of
// residents over several cells is still published from their exact count
// and record keys (Rules.Count), which a bundle carries.

// DaysStep is the rounding of the days a cell's events records cover.
const DaysStep = 30

// protect returns the released cells of an outcome in their protected
// form (see above), each unit's scores rebuilt with its reference
// variances refs (references, from every cell of the unit), and the cells
// it withheld.
func protect(rules disclosure.Rules, o Outcome, refs map[string]spread, rel []disclosure.Released) (_ []disclosure.Released, held disclosure.Withheld) {
	out := make([]disclosure.Released, 0, len(rel))
	for _, x := range rel {
		sp, ok := refs[strings.Join(x.Unit.Boroughs, ",")]
		if !ok {
			sp = noSpread()
		}
		if o.Kind == KindChange && math.IsNaN(sp.baseline) {
			// A unit too small to give a reference gives no figure of the
			// score: its rows, its part of a trajectory and of the
			// one-stage model would rest on a spread it cannot publish.
			held.Cells++
			held.Residents += x.N
			continue
		}
		x.Sums = sumsOf(o.Kind, protectCell(rules, o, cellOf(o.Kind, x.N, x.Key, x.Sums), sp))
		if x.Members != nil {
			ms := make([]disclosure.Cell, len(x.Members))
			for j, m := range x.Members {
				m.Sums = sumsOf(o.Kind, protectCell(rules, o, cellOf(o.Kind, m.N, m.Key, m.Sums), sp))
				ms[j] = m
			}
			x.Members = ms
		}
		out = append(out, x)
	}
	return out, held
}

// protectCell is one cell's protected form.
func protectCell(rules disclosure.Rules, o Outcome, c cell, sp spread) cell {
	switch o.Kind {
	case KindProportion:
		return cell{N: c.N, Key: c.Key, Yes: rules.Count(c.Yes, c.YesKey)}
	case KindEvents:
		before, _ := rules.Events(int(c.CountBefore), c.Key)
		after, _ := rules.Events(int(c.CountAfter), c.Key)
		return cell{N: c.N, Key: c.Key, CountBefore: float64(before), DaysBefore: disclosure.Round(c.DaysBefore, DaysStep),
			CountAfter: float64(after), DaysAfter: disclosure.Round(c.DaysAfter, DaysStep)}
	}
	if c.N <= 0 {
		return cell{}
	}
	meanB, meanD := roundedMeans(rules, o, c)
	return scoreCell(c.N, c.Key, meanB, meanD, sp)
}

// roundedMeans are a score cell's mean baseline score and mean change,
// rounded to the step of its published count: all a bundle carries of its
// scores besides its unit's reference.
func roundedMeans(rules disclosure.Rules, o Outcome, c cell) (meanB, meanD float64) {
	n := float64(c.N)
	step := rules.Step(float64(rules.Count(c.N, c.Key)), o.Resolution)
	return disclosure.Round(c.SumB/n, step), disclosure.Round((c.SumF-c.SumB)/n, step)
}

// scoreCell rebuilds a score's protected sums from a cell's count, record
// keys, rounded means and its unit's spread: the sums of n residents with
// those means and, within the cell, the spread's variances and covariance
// (none, when the unit has no reference; protect leaves such cells out).
func scoreCell(n int, key int64, meanB, meanD float64, sp spread) cell {
	vb, vf, cov := sp.baseline, sp.followup, sp.cov
	if math.IsNaN(vb) || math.IsNaN(vf) || math.IsNaN(cov) {
		vb, vf, cov = 0, 0, 0
	}
	N, w := float64(n), float64(n-1)
	meanF := meanB + meanD
	return cell{N: n, Key: key, SumB: N * meanB, SumF: N * meanF,
		SumBB: w*vb + N*meanB*meanB, SumFF: w*vf + N*meanF*meanF, SumBF: w*cov + N*meanB*meanF}
}

// protect is the package function over the report's rules; with
// ownVariance (the unsafe release of the attack tests) scores are left
// exact, as they were published before.
func (r *Report) protect(o Outcome, rel []disclosure.Released) []disclosure.Released {
	if r.ownVariance && o.Kind == KindChange {
		return rel
	}
	out, held := protect(r.Disclosure.Rules, o, r.refs, rel)
	// Cells of a unit too small to give a reference are counted as the
	// gate's withheld cells are.
	r.Disclosure.WithheldCells += held.Cells
	r.Disclosure.WithheldResidents += held.Residents
	return out
}

// protectedSource is a source whose cells are protected already (a hub's:
// HubSource), rebuilt as protect made them, and which carries each unit's
// reference as it was made from the residents. Build and the one-stage
// model take both as they are: protecting a published count again would
// perturb it twice, and a reference made again from protected cells need
// not round to the same numbers.
type protectedSource interface {
	references(o Outcome, tp string) map[string]spread
}
