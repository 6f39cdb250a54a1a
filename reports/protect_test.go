package reports

import (
	"math"
	"testing"

	"github.com/ateval/ateval/disclosure"
)

// TestProtectedMeansUnderCoarseRounding: under rules that round counts to
// 20 (stronger than the defaults, so allowed), a released cell of 8
// residents publishes a count of 0; its means must still leave the gate
// rounded, to the coarsest step, never exact (a NaN step once left them
// so).
func TestProtectedMeansUnderCoarseRounding(t *testing.T) {
	rules, err := disclosure.Rules{RoundTo: 20}.WithDefaults()
	if err != nil {
		t.Fatal(err)
	}
	o, _ := OutcomeByID("swemwbs_raw")
	c := cell{N: 8, Key: 1000, SumB: 163, SumF: 171} // means 20.375 and 1
	if n := rules.Count(c.N, c.Key); n != 0 {
		t.Fatalf("published count %d, want 0 for the test to mean anything", n)
	}
	v := sharedValues(rules, o, c)
	for i, x := range v {
		if math.Mod(x, 5) != 0 {
			t.Errorf("value %d is %g: not rounded to the coarsest step, 5", i, x)
		}
	}
	if v[0] == 20.375 {
		t.Error("the mean baseline score left the gate exact")
	}
}
