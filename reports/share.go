package reports

import (
	"context"
	"slices"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/reports/summary"
)

// SharedStatistic is one outcome at one follow-up of a borough's evidence
// bundle: the cells of the borough the gate releases.
type SharedStatistic struct {
	Outcome   Outcome
	Timepoint string
	Cells     []disclosure.Released
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
			for _, r := range rel {
				// A gate over one borough combines nobody; an unnamed
				// unit here would be that borough unnamed, and stays.
				if r.Unit.Named && len(r.Unit.Boroughs) == 1 && r.Unit.Boroughs[0] == borough {
					s.Cells = append(s.Cells, r)
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
