package evaluation

import (
	"fmt"
	"testing"
)

// The benchmarks fit the generated effects (see generated) so that
// metafor can time the same fits; BENCHMARKS.md records both.

func BenchmarkPoolREML(b *testing.B) {
	for _, k := range []int{16, 33, 150} {
		s := generated(k)
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Pool(s, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// reportSets returns n analyses of k = 16, each the generated effects
// shifted by 0.01 per analysis:
//
//	d_j <- data.frame(yi=((i*37) %% 101)/100 - 0.5 + 0.01*j, vi=...), j = 0..n-1
func reportSets(n int) [][]Study {
	sets := make([][]Study, n)
	for j := range sets {
		s := generated(16)
		for i := range s {
			s[i].Yi += 0.01 * float64(j)
		}
		sets[j] = s
	}
	return sets
}

// BenchmarkReport is a whole report's worth of pooling: 300 analyses of
// k = 16, each fitted by DL with z and by REML with Knapp-Hartung, each fit
// with its prediction interval and Q-profile interval for τ².
func BenchmarkReport(b *testing.B) {
	sets := reportSets(300)
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range sets {
			if _, err := Pool(s, Options{Method: DL}); err != nil {
				b.Fatal(err)
			}
			if _, err := Pool(s, Options{Test: KnHa}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkRegress(b *testing.B) {
	mods := []Moderator{{"ablat", bcgAblat}, {"year", bcgYear}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Regress(bcg, mods, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInfluences(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Influences(bcg, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBenchmarkSetsMetafor checks that the benchmarked fits give metafor's
// answers:
//
//	r <- rma(yi, vi, data=gen(k), control=list(threshold=1e-13, maxiter=10000))
//	ci <- confint(r, control=list(tol=1e-13)); p <- predict(r)
//	c(r$beta, r$se, r$tau2, ci$random[1, 2:3], p$pi.lb, p$pi.ub)
//
// (k = 150 is in TestPoolMetafor).
func TestBenchmarkSetsMetafor(t *testing.T) {
	for _, c := range []struct {
		k                                 int
		est, se, tau2, tlb, tub, plb, pub float64
	}{
		{16, 0.00170129713431993, 0.076604067965301, 0.0469787641003157, 0.00550308688615826, 0.157496693452873, -0.448864316249917, 0.452266910518557},
		{33, -0.00326934233789204, 0.0523323378927426, 0.0453844396133505, 0.0134973088401401, 0.10367556310162, -0.433226267728868, 0.426687583053084},
	} {
		p, err := Pool(generated(c.k), Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := []float64{p.Estimate, p.SE, p.Tau2, p.Tau2CILower, p.Tau2CIUpper, p.PILower, p.PIUpper}
		want := []float64{c.est, c.se, c.tau2, c.tlb, c.tub, c.plb, c.pub}
		for i := range got {
			if !near(got[i], want[i], 1e-9) {
				t.Errorf("k=%d: value %d = %.15g, metafor %.15g", c.k, i, got[i], want[i])
			}
		}
	}
}
