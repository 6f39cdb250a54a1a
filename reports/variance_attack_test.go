package reports

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/reports/summary"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage/summaries"
)

// TestAttackOnNamedRowsVariance is the intruder who knows every resident
// of a named borough's row but one (of at least MinBoroughN), and wants
// that resident's change in wellbeing at 6 months. The committed sample is imported
// into SQLite and the report built from it; the intruder reads a row's
// published N, yi and vi, knows the other residents' scores exactly (taken
// from the database) and every record key, tries every value the target's
// score could take (a change from −28 to 28 on SWEMWBS, 7–35; for the
// adjusted row, knowing the baseline, every follow-up score from 7 to 35)
// and keeps those that reproduce the row's N, yi and vi exactly. Targets
// are the residents alone on their enrolment day in their borough and
// device category, whose scores the database gives one by one, in every
// named row of every device category and design (before-after,
// difference in change, adjusted).
//
// Against the release that publishes each row's own variance (ownVariance:
// the release before references), the variance tells apart the few
// changes the rounded mean leaves and most targets are pinned. Against
// ours, whose vi is the unit's reference variance over the published
// counts, every target keeps at least 2 candidates, as the mean's rounding
// step allows.
func TestAttackOnNamedRowsVariance(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the committed sample")
	}
	ctx := ateval.SystemContext(context.Background())
	db := CommittedSample(t)
	const tp = "m6"
	o, _ := OutcomeByID("swemwbs_raw")
	lo, hi := 7.0, 35.0 // SWEMWBS raw score: 7 items scored 1–5
	enrolled := enrolmentDates(t)

	// The targets of each named borough: the residents alone on their
	// enrolment day, with their scores.
	type resident struct {
		borough string
		period  disclosure.Period
		one     cell
	}
	targetsOf := map[[2]string][]resident{}
	targetsIn := func(b, category string) []resident {
		if ts, ok := targetsOf[[2]string{b, category}]; ok {
			return ts
		}
		var out []resident
		for _, d := range enrolled[b] {
			rows, err := summaries.Of(db).ChangeSummaries(ctx, summary.Filter{Boroughs: []string{b}, From: d, To: d, DeviceCategory: category}, o.Instrument, o.Score, tp)
			if err != nil {
				t.Fatal(err)
			}
			var one cell
			for _, x := range rows {
				if x.Group == summary.Intervention && x.Category == category {
					one.add(cell{N: x.N, Key: x.Keys, SumB: x.SumB, SumF: x.SumF, SumBB: x.SumBB, SumFF: x.SumFF, SumBF: x.SumBF})
				}
			}
			if one.N == 1 {
				out = append(out, resident{b, disclosure.PeriodOf(d), one})
			}
		}
		targetsOf[[2]string{b, category}] = out
		return out
	}

	attack := func(own bool) (targets, pinned, narrowed, byMeanAlone, fewest int) {
		r, err := Build(ctx, summaries.Of(db), Options{AsOf: sampledata.AsOf(), Outcomes: []string{o.ID}, ownVariance: own})
		if err != nil {
			t.Fatal(err)
		}
		cells, err := fetchCells(ctx, summaries.Of(db), summary.Filter{}, o, tp)
		if err != nil {
			t.Fatal(err)
		}
		released, _ := r.gate.Release(cells)
		refs := r.references(o, released)
		fewest = math.MaxInt
		for _, a := range r.Analyses {
			if a.Outcome != o.ID || a.Timepoint != tp {
				continue
			}
			category := a.DeviceCategory
			order, T := byUnit(o.Kind, r.sel.Pick(released), category, summary.Intervention)
			designs := []struct {
				name string
				rows []BoroughEffect
			}{{a.Design, a.Boroughs}}
			if a.Adjusted != nil {
				designs = append(designs, struct {
					name string
					rows []BoroughEffect
				}{AdjustedForBaseline, a.Adjusted.Boroughs})
			}
			for _, d := range designs {
				for _, row := range d.rows {
					if row.Combined > 0 {
						continue
					}
					var id string
					for _, k := range order {
						if T[k].unit.Named && T[k].unit.Label == row.Borough {
							id = k
						}
					}
					if id == "" {
						t.Fatalf("%s: no cells for the row %s", d.name, row.Borough)
					}
					// The unit's released cells, as the intruder rebuilds
					// them: the target's block is the one of its category,
					// the intervention arm and its year of enrolment.
					var unit []disclosure.Released
					for _, x := range r.sel.Pick(released) {
						if strings.Join(x.Unit.Boroughs, ",") == id {
							unit = append(unit, x)
						}
					}
					for _, x := range targetsIn(T[id].unit.Boroughs[0], category) {
						block := slices.IndexFunc(unit, func(u disclosure.Released) bool {
							return u.Category == category && u.Arm == summary.Intervention && slices.Contains(u.Periods, x.period)
						})
						if block < 0 {
							t.Fatalf("%s: no released cell holds a target enrolled in %d", row.Borough, x.period)
						}
						known := cellOf(o.Kind, unit[block].N, unit[block].Key, unit[block].Sums)
						known.N--
						known.Key -= x.one.Key
						known.SumB -= x.one.SumB
						known.SumF -= x.one.SumF
						known.SumBB -= x.one.SumBB
						known.SumFF -= x.one.SumFF
						known.SumBF -= x.one.SumBF
						var got, byMean []float64
						try := func(v float64, guess cell) {
							g := known
							g.add(guess)
							// The release's row from the unit's cells with
							// the guess in place: each cell protected (ours;
							// the release of rows' own variances publishes
							// them exact), then summed into the row.
							cells := slices.Clone(unit)
							cells[block].N, cells[block].Key, cells[block].Sums = g.N, g.Key, sumsOf(o.Kind, g)
							if !own {
								cells, _ = protect(r.Disclosure.Rules, o, refs, cells)
							}
							_, T2 := byUnit(o.Kind, cells, category, summary.Intervention)
							_, C2 := byUnit(o.Kind, cells, "", summary.Comparison)
							e, err := r.rowEffect(o, d.name, T2[id].c, C2[id].c, refs[id])
							if err != nil || r.count(T2[id].c.N, T2[id].c.Key) != row.N || e.Yi != row.Yi {
								return
							}
							byMean = append(byMean, v)
							if math.Abs(e.Vi-row.Vi) <= 1e-12*row.Vi {
								got = append(got, v)
							}
						}
						truth := x.one.SumF - x.one.SumB
						if d.name == AdjustedForBaseline {
							truth = x.one.SumF
							for f := lo; f <= hi; f++ {
								try(f, cell{N: 1, Key: x.one.Key, SumB: x.one.SumB, SumBB: x.one.SumBB, SumF: f, SumFF: f * f, SumBF: x.one.SumB * f})
							}
						} else {
							// A change enters a mean change and its variance
							// only as f − b: the candidate is b = 0, f = v.
							for v := lo - hi; v <= hi-lo; v++ {
								try(v, cell{N: 1, Key: x.one.Key, SumF: v, SumFF: v * v})
							}
						}
						found := false
						for _, v := range got {
							found = found || v == truth
						}
						if !found {
							t.Fatalf("%s, %s (own variance %v): the rebuild does not reproduce the published row (candidates %v, truth %g): it tests nothing", d.name, row.Borough, own, got, truth)
						}
						targets++
						if len(got) < len(byMean) {
							narrowed++
						}
						if len(byMean) == 1 {
							byMeanAlone++
						}
						if len(got) == 1 {
							pinned++
							if !own {
								t.Logf("pinned: %s, %s, %s, truth %g (baseline %g), row %+v", category, d.name, row.Borough, truth, x.one.SumB, row)
							}
						}
						fewest = min(fewest, len(got))
					}
				}
			}
		}
		return targets, pinned, narrowed, byMeanAlone, fewest
	}

	targets, pinned, narrowed, byMean, fewest := attack(true)
	t.Logf("rows with their own variance: %d of %d targets pinned, %d narrowed by vi (fewest candidates %d; %d pinned by yi alone)", pinned, targets, narrowed, fewest, byMean)
	if targets == 0 || pinned <= byMean {
		t.Fatalf("the release with rows' own variances pinned %d of %d targets (%d by yi alone): the attack is not strong enough to test ours", pinned, targets, byMean)
	}
	targets, pinned, narrowed, byMean, fewest = attack(false)
	t.Logf("rows with reference variances: %d of %d targets pinned, %d narrowed by vi (fewest candidates %d; %d pinned by yi alone)", pinned, targets, narrowed, fewest, byMean)
	// The published variance must tell the intruder nothing the rounded
	// mean does not; and the mean's rounding leaves at least 2 candidates
	// except at the end of the instrument's range, where the values
	// beyond it are ruled out by the range itself.
	if targets == 0 || narrowed > 0 {
		t.Errorf("our release: vi narrowed the candidates of %d of %d targets, want none", narrowed, targets)
	}
	if pinned > byMean {
		t.Errorf("our release: %d of %d targets pinned, %d of them by yi alone", pinned, targets, byMean)
	}
}
