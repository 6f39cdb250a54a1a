package reports

import (
	"context"
	"math"
	"slices"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/reports/summary"
)

// SharedStatistic is one outcome at one follow-up of a borough's evidence
// bundle: what leaves the gate of each cell of the borough it releases
// (protect), and for a score the borough's reference variances.
type SharedStatistic struct {
	Outcome   Outcome
	Timepoint string
	// Reference is a score's reference over every released cell of the
	// borough, in the order of federation.Reference.Values (the variances
	// of baseline and change, the slope and the residual variance:
	// references),
	// nil when the outcome is not a score or the borough has none; its
	// rows of the score are then hidden, at the hub as centrally.
	Reference []float64
	Cells     []SharedCell
}

// SharedCell is what leaves the gate of one released cell: its category,
// arm, financial years, count and record keys, and its protected values
// (package federation's Cell documents them by kind).
type SharedCell struct {
	Category string
	Arm      string
	Periods  []disclosure.Period
	N        int
	Key      int64
	Values   []float64
}

// sharedValues are a released cell's values in a bundle: a score's
// rounded mean baseline score and mean change; a yes/no answer's published
// count of yes; events' published counts and rounded days.
func sharedValues(rules disclosure.Rules, o Outcome, c cell) []float64 {
	switch o.Kind {
	case KindChange:
		b, d := roundedMeans(rules, o, c)
		return []float64{b, d}
	case KindProportion:
		return []float64{float64(protectCell(rules, o, c, noSpread()).Yes)}
	}
	return sumsOf(KindEvents, protectCell(rules, o, c, noSpread()))
}

// importedCell rebuilds a protected cell from what a bundle carried of it
// (sharedValues) and, for a score, the borough's reference: the cell
// protect makes of it centrally.
func importedCell(k Kind, n int, key int64, values, reference []float64) cell {
	switch k {
	case KindChange:
		return scoreCell(n, key, at(values, 0), at(values, 1), spreadFrom(reference))
	case KindProportion:
		return cell{N: n, Key: key, Yes: int(at(values, 0))}
	}
	return cellOf(KindEvents, n, key, values)
}

// Shared returns what a borough may share of every outcome at every
// follow-up: its atomic cells passed through a gate over that borough
// alone, under rules. A released cell is then one of the borough's own,
// named blocks (at least MinBoroughN residents in the category and arm,
// each block at least MinCell), which is the cell the gate releases from
// that borough in every report of every borough; the cells of a category
// and arm with fewer residents are withheld, since only a gate holding
// other boroughs could combine them, and are counted in Withheld.
func Shared(ctx context.Context, src Source, borough string, rules disclosure.Rules) (_ []SharedStatistic, held disclosure.Withheld, err error) {
	defer ateval.Wrap(&err, "the shared evidence of %s", borough)
	gate, err := disclosure.NewGate(rules, nil, []string{borough})
	if err != nil {
		return nil, held, err
	}
	// The record keys are drawn before the first summary, as Build draws
	// them: a cell shared without them would be perturbed unlike the same
	// cell in the borough's own report.
	if k, ok := src.(interface{ RecordKeys(context.Context) error }); ok {
		if err := k.RecordKeys(ctx); err != nil {
			return nil, held, err
		}
	}
	f := summary.Filter{Boroughs: []string{borough}}
	var out []SharedStatistic
	for _, o := range Outcomes() {
		for _, tp := range o.Timepoints {
			cells, err := fetchCells(ctx, src, f, o, tp)
			if err != nil {
				return nil, held, err
			}
			rel, h := gate.Release(cells)
			held.Cells += h.Cells
			held.Residents += h.Residents
			s := SharedStatistic{Outcome: o, Timepoint: tp}
			if sp, ok := (&Report{}).references(o, rel)[borough]; ok && !math.IsNaN(sp.change) {
				s.Reference = []float64{sp.baseline, sp.change, sp.slope, sp.residual}
			}
			for _, r := range rel {
				// A gate over one borough combines nobody; an unnamed
				// unit here would be that borough unnamed, and stays. A
				// score with no reference gives no figure (protect), so
				// its cells stay too.
				if o.Kind == KindChange && s.Reference == nil {
					held.Cells++
					held.Residents += r.N
					continue
				}
				if r.Unit.Named && len(r.Unit.Boroughs) == 1 && r.Unit.Boroughs[0] == borough {
					s.Cells = append(s.Cells, SharedCell{Category: r.Category, Arm: r.Arm, Periods: r.Periods, N: r.N, Key: r.Key,
						Values: sharedValues(rules, o, cellOf(o.Kind, r.N, r.Key, r.Sums))})
				}
			}
			out = append(out, s)
		}
	}
	return out, held, nil
}

// BoroughsHeld lists, sorted, the boroughs whose enrolled residents src
// holds: the boroughs a database could share. Only their names leave.
func BoroughsHeld(ctx context.Context, src Source) ([]string, error) {
	ens, err := src.Enrolments(ctx, summary.Filter{})
	if err != nil {
		return nil, err
	}
	var held []string
	for _, e := range ens {
		if !slices.Contains(held, e.Borough) {
			held = append(held, e.Borough)
		}
	}
	slices.Sort(held)
	return held, nil
}
