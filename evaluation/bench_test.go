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
