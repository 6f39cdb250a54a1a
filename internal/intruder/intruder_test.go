package intruder

import (
	"testing"
)

func unit(string) float64 { return 1 }

func release(t *testing.T, js string) *Release {
	t.Helper()
	r, err := Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDifferenceCatchesTheIssuesAttack replays the attack of the issue
// against a release made the unsafe way (counts rounded to 5 beside exact
// means): 12 residents with total 14, then 13 with total 18, give the one
// resident enrolled between as +4.
func TestDifferenceCatchesTheIssuesAttack(t *testing.T) {
	a := release(t, `{"trajectories":[{"outcome":"swemwbs_raw","series":"intervention","timepoint":"m6","n":10,"mean":1.1666666666666667}]}`)
	b := release(t, `{"trajectories":[{"outcome":"swemwbs_raw","series":"intervention","timepoint":"m6","n":15,"mean":1.3846153846153846}]}`)
	// The unsafe release rounded counts to 5 only: they hide 2 either way.
	got := Difference(a, b, 2, unit)
	if len(got) != 1 || got[0].N != 1 || got[0].Sum != 4 {
		t.Errorf("Difference = %+v, want one resident of +4", got)
	}
	// Rounded as ateval publishes now (n 12: step 0.5; n 13: step 0.5),
	// the same two groups give nothing.
	a = release(t, `{"trajectories":[{"outcome":"swemwbs_raw","series":"intervention","timepoint":"m6","n":10,"mean":1}]}`)
	b = release(t, `{"trajectories":[{"outcome":"swemwbs_raw","series":"intervention","timepoint":"m6","n":15,"mean":1.5}]}`)
	if got := Difference(a, b, 2, unit); len(got) != 0 {
		t.Errorf("rounded release: Difference = %+v, want nothing", got)
	}
}

func TestSharesCatchesACountReadBack(t *testing.T) {
	r := release(t, `{"abandonment":[{"device_category":"gps-location","timepoint":"m6","at_risk":200,"abandoned":0,"share":0.005}],
		"follow_up":[{"borough":"brent","group":"intervention","timepoint":"m6","due":55,"recorded":50,"completeness":0.8596491228070176}]}`)
	got := Shares(r, 2)
	if len(got) != 1 || got[0].N != 1 {
		t.Errorf("Shares = %+v, want the 1 abandoned of 200", got)
	}
	// A share of published counts gives back only the published count.
	r = release(t, `{"abandonment":[{"device_category":"gps-location","timepoint":"m6","at_risk":200,"abandoned":5,"share":0.025}]}`)
	if got := Shares(r, 4); len(got) != 0 {
		t.Errorf("share of published counts: %+v", got)
	}
}

func TestSinglesPinsAnExactMean(t *testing.T) {
	r := release(t, `{"trajectories":[{"outcome":"x","series":"s","timepoint":"m6","n":10,"mean":1.1666666666666667}]}`)
	if got := Singles(r, 2, unit); len(got) != 1 || got[0].N != 12 || got[0].Sum != 14 {
		t.Errorf("Singles = %+v, want 12 residents totalling 14", got)
	}
	r = release(t, `{"trajectories":[{"outcome":"x","series":"s","timepoint":"m6","n":10,"mean":1}]}`)
	if got := Singles(r, 2, unit); len(got) != 0 {
		t.Errorf("rounded mean pinned: %+v", got)
	}
}

func TestTol(t *testing.T) {
	for x, want := range map[float64]float64{1.5: 0.05, 2: 0.5, 0.705: 0.0005} {
		if got := Tol(x); got < want*0.999 || got > want*1.001 {
			t.Errorf("Tol(%g) = %g, want %g", x, got, want)
		}
	}
}
