package evaluation

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ateval/ateval"
)

func TestPoolOneBorough(t *testing.T) {
	// rma(0.3, 0.04): estimate 0.3, se 0.2, tau2 0, QE 0, QEp 1, I2 0, H2 1.
	// metafor's predict() gives pi = ci; we give no prediction interval.
	p, err := Pool([]Study{{"Camden", 0.3, 0.04}}, Options{Test: KnHa})
	if err != nil {
		t.Fatal(err)
	}
	if p.Estimate != 0.3 || !near(p.SE, 0.2, 1e-15) || p.Tau2 != 0 || p.Q != 0 || p.QP != 1 || p.I2 != 0 || p.H2 != 1 ||
		!near(p.CILower, 0.3-1.95996398454005*0.2, 1e-12) || !math.IsNaN(p.PILower) || !math.IsNaN(p.Tau2CIUpper) ||
		p.Test != Z || len(p.Notes) != 2 {
		t.Errorf("got %+v", p)
	}
}

func TestPoolNotes(t *testing.T) {
	p, _ := Pool(k2, Options{})
	if !hasNote(p, "two boroughs") {
		t.Errorf("k = 2: notes %q", p.Notes)
	}
	for _, m := range []Method{DL, REML, PM} {
		p, _ = Pool(homog, Options{Method: m})
		if p.Tau2 != 0 || !p.Tau2Truncated || !hasNote(p, "set to 0") {
			t.Errorf("%s homogeneous: tau2 %v truncated %v notes %q", m, p.Tau2, p.Tau2Truncated, p.Notes)
		}
	}
	p, _ = Pool(bcg, Options{})
	if p.Tau2Truncated || len(p.Notes) != 0 || p.Iterations == 0 {
		t.Errorf("bcg: %+v", p)
	}
}

func hasNote(p Pooled, s string) bool {
	for _, n := range p.Notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// TestPoolStalledScoring stops Fisher scoring after 2 steps, short of
// the maximum: the bracketed search must still find metafor's
// rma(yi, vi, data=dat) τ² = 0.313243258136481 for dat.bcg.
func TestPoolStalledScoring(t *testing.T) {
	p, err := Pool(bcg, Options{MaxIter: 2, Threshold: 1e-15})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Converged || !p.Searched || !near(p.Tau2, 0.313243258136481, 1e-12) || len(p.Notes) != 0 {
		t.Errorf("got converged %v searched %v tau2 %.15g, notes %q", p.Converged, p.Searched, p.Tau2, p.Notes)
	}
}

func TestPoolBadData(t *testing.T) {
	for _, c := range []struct {
		studies []Study
		want    string
	}{
		{nil, "no boroughs"},
		{[]Study{{"Camden", 0.1, 0.04}, {"Brent", 0.2, 0}}, "Brent: variance vi must be positive, got 0"},
		{[]Study{{"Camden", 0.1, -1}, {"Brent", 0.2, 0.1}}, "Camden: variance vi must be positive"},
		{[]Study{{"Camden", math.NaN(), 0.1}}, "Camden: effect yi is NaN"},
		{[]Study{{"", 0.1, math.NaN()}}, "study 1: variance vi is NaN"},
		{[]Study{{"Sutton", 0.1, 1e-70}}, "Sutton: effect 0.1 with variance 1e-70 is outside the range"},
	} {
		_, err := Pool(c.studies, Options{})
		if err == nil || ateval.ErrorCode(err) != ateval.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
	if _, err := PoolValues([]float64{1, 2}, []float64{0.1, 0}, Options{}); err == nil || !strings.Contains(err.Error(), "study 2") {
		t.Errorf("PoolValues: %v", err)
	}
}

func TestOptionsPanic(t *testing.T) {
	for _, o := range []Options{{Method: "XX"}, {Test: "t"}, {Level: 100}, {Level: -5}} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "evaluation: ") {
					t.Errorf("%+v: recovered %v", o, r)
				}
			}()
			Pool(bcg, o)
		}()
	}
}

func TestParse(t *testing.T) {
	if m, err := ParseMethod("reml"); m != REML || err != nil {
		t.Error(m, err)
	}
	if _, err := ParseMethod("SJ"); err == nil {
		t.Error("SJ accepted")
	}
	if tst, err := ParseTest("HKSJ"); tst != KnHa || err != nil {
		t.Error(tst, err)
	}
}

// TestHKSJCoverage simulates 2,000 meta-analyses of k = 10 boroughs with
// true mean 0.3, τ² = 0.05 and within-borough variances uniform on
// [0.02, 0.2] (I² around 50%): the 95% Knapp-Hartung interval from REML
// should cover the true mean in 93-97% of them. Seeded, so it cannot
// flake; about 20 ms.
func TestHKSJCoverage(t *testing.T) {
	const (
		runs, k = 2000, 10
		mu      = 0.3
		tau2    = 0.05
	)
	rng := rand.New(rand.NewPCG(2024, 10))
	yi, vi := make([]float64, k), make([]float64, k)
	covered := 0
	for range runs {
		for i := range k {
			vi[i] = 0.02 + 0.18*rng.Float64()
			yi[i] = mu + math.Sqrt(tau2)*rng.NormFloat64() + math.Sqrt(vi[i])*rng.NormFloat64()
		}
		p, err := PoolValues(yi, vi, Options{Test: KnHa})
		if err != nil {
			t.Fatal(err)
		}
		if p.CILower <= mu && mu <= p.CIUpper {
			covered++
		}
	}
	if c := float64(covered) / runs; c < 0.93 || c > 0.97 {
		t.Errorf("coverage %.3f, want 0.93-0.97", c)
	} else {
		t.Logf("coverage %.3f", c)
	}
}

// TestPoolLevel90 checks a 90% level against metafor:
//
//	r <- rma(yi, vi, data=dat, test="knha", level=90)   # dat.bcg
//	c(r$ci.lb, r$ci.ub, predict(r)$pi.lb, predict(r)$pi.ub, confint(r)$random[1, 2:3])
func TestPoolLevel90(t *testing.T) {
	p, err := Pool(bcg, Options{Test: KnHa, Level: 90})
	if err != nil {
		t.Fatal(err)
	}
	got := []float64{p.CILower, p.CIUpper, p.PILower, p.PIUpper, p.Tau2CILower, p.Tau2CIUpper}
	want := []float64{-1.03675521781896, -0.39230946649732, -1.76279763223625, 0.333732947919973, 0.14100224158316, 0.909805471952732}
	for i := range got {
		if !near(got[i], want[i], 1e-9) {
			t.Errorf("value %d = %.15g, metafor %.15g", i, got[i], want[i])
		}
	}
}
