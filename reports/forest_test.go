package reports

import (
	"fmt"
	"math"
	"testing"

	"github.com/ateval/ateval/evaluation"
	"github.com/ateval/ateval/forms"
)

// TestForestHardCases: many boroughs with long names, intervals far off
// the axis on a log scale, and shares at 0% and 100%: labels still never
// touch, and intervals off the axis end in arrows inside the plot.
func TestForestHardCases(t *testing.T) {
	falls, _ := OutcomeByID("falls")
	share, _ := OutcomeByID("device_in_use")
	fm, _ := forms.Default().Protocol().MID("events", "falls_per_30_days")
	r := &Report{}
	for _, c := range []struct {
		name string
		o    Outcome
		a    *Analysis
	}{
		{"33 boroughs, log scale, wide", falls, func() *Analysis {
			a := &Analysis{Outcome: "falls", DeviceCategory: "fall-detector", Timepoint: "m6", Design: BeforeAfter, Measure: IRR, MID: midOf(fm)}
			for i := range 33 {
				a.Boroughs = append(a.Boroughs, BoroughEffect{Borough: fmt.Sprintf("other-boroughs-of-south-london-partnership-%d", i), N: 100 + i,
					Yi: float64(i%9)/4 - 1, Vi: 0.02 + float64(i%5)})
			}
			a.Pooled = evaluation.Pooled{K: 33, Estimate: -0.1, CILower: -0.5, CIUpper: 0.3, PILower: -2.5, PIUpper: 2.4, Tau2: 0.3}
			return a
		}()},
		{"shares at the ends", share, func() *Analysis {
			a := &Analysis{Outcome: "device_in_use", DeviceCategory: "gps-location", Timepoint: "m12", Design: SingleGroup, Measure: PLO}
			for i, x := range []int{0, 10, 20, 5} {
				e, _ := evaluation.LogitProportion(x, 20)
				a.Boroughs = append(a.Boroughs, BoroughEffect{Borough: fmt.Sprintf("borough-%d", i), N: 20, Yi: e.Yi, Vi: e.Vi})
			}
			a.Pooled = evaluation.Pooled{K: 4, Estimate: 0, CILower: -3, CIUpper: 3, PILower: math.NaN(), PIUpper: math.NaN()}
			return a
		}()},
	} {
		ch := r.forestChart(c.o, c.a)
		problems, err := TextCollisions(ch)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", c.name, p)
		}
		if _, err := ch.PNG(); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// A share of 20 of 20 reads 100%, not the 98% of its corrected log odds.
	e, _ := evaluation.LogitProportion(20, 20)
	if got := RowShare(BoroughEffect{N: 20, Yi: e.Yi}); got != 1 {
		t.Errorf("20 of 20 reads %g", got)
	}
	lo, hi := Wilson(1, 20)
	// R: binom::binom.wilson(20, 20) gives 0.8388748 to 1.
	if math.Abs(lo-0.8388748) > 1e-6 || hi != 1 {
		t.Errorf("Wilson(20 of 20) = %g to %g, want 0.8388748 to 1", lo, hi)
	}
}
