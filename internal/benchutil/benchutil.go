// Package benchutil holds what the scale benchmarks share: a generated
// London-wide dataset of a requested size, fresh readers of its files, a
// sampler of the Go heap's peak, and percentiles of latencies. It is for
// tests and benchmarks only.
package benchutil

import (
	"os"
	"path/filepath"
	"runtime/metrics"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ateval/ateval/importer"
	sampledata "github.com/ateval/ateval/sample-data"
)

// EnvAssessments names the variable that asks for a generated dataset of
// about that many assessments instead of the committed sample.
const EnvAssessments = "ATEVAL_BENCH_ASSESSMENTS"

// Target returns the number of assessments asked for, or 0.
func Target() int {
	n, _ := strconv.Atoi(os.Getenv(EnvAssessments))
	return max(n, 0)
}

// Generate writes a 33-borough dataset of about target assessments into a
// temporary folder and returns the folder.
func Generate(tb testing.TB, target int) string {
	tb.Helper()
	dir := tb.TempDir()
	cfg := sampledata.Config{Seed: 1, Boroughs: 33}
	n, err := sampledata.ResidentsFor(cfg, target)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Residents = n
	sum, err := sampledata.WriteDir(dir, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("generated %d residents, %d assessments in 33 boroughs", sum.Residents, sum.Assessments)
	return dir
}

// Dataset returns a function giving fresh readers of the benchmark's data:
// a generated dataset when EnvAssessments is set, else the committed sample.
func Dataset(tb testing.TB) func() []importer.Source {
	tb.Helper()
	target := Target()
	if target == 0 {
		return func() []importer.Source {
			s, err := importer.FromFS(sampledata.Committed())
			if err != nil {
				tb.Fatal(err)
			}
			return s
		}
	}
	dir := Generate(tb, target)
	return func() []importer.Source { return Files(tb, dir) }
}

// Files opens every CSV file in dir, closing them when the test ends.
func Files(tb testing.TB, dir string) []importer.Source {
	tb.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	var out []importer.Source
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { f.Close() })
		fi, _ := f.Stat()
		out = append(out, importer.Source{Name: filepath.Base(p), R: f, Size: fi.Size()})
	}
	return out
}

// WatchHeap samples the Go heap every 10 ms until the returned function is
// called, which returns the peak in MB.
func WatchHeap() func() float64 {
	var peak atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return func() float64 {
		close(done)
		<-stopped
		return float64(peak.Load()) / (1 << 20)
	}
}

// Percentile returns the p-th quantile (0 to 1) of d, or 0 for none.
func Percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// Millis is d in milliseconds, for b.ReportMetric.
func Millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
