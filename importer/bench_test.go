package importer_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ateval/ateval/importer"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// BenchmarkImportSample imports the committed sample (64,000 assessments)
// into a fresh SQLite file per iteration.
func BenchmarkImportSample(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		db := storagetest.Open(b, filepath.Join(b.TempDir(), "bench.db"))
		srcs, err := sampledata.Sources()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := importer.Import(context.Background(), db, srcs, importer.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportScale imports a generated London-wide dataset of about
// ATEVAL_BENCH_ASSESSMENTS assessments (33 boroughs) and, in the same run,
// times SQLite's own .import of the same assessments.csv into a plain
// table: the reference the import is measured against. It reports the
// import's seconds, the reference's, their ratio and the peak Go heap. On
// PostgreSQL too when ATEVAL_TEST_POSTGRES is set. See BENCHMARKS.md.
//
//	ATEVAL_BENCH_ASSESSMENTS=1000000 go test -run '^$' -bench ImportScale -benchtime 1x -timeout 1h ./importer
func BenchmarkImportScale(b *testing.B) {
	target, _ := strconv.Atoi(os.Getenv("ATEVAL_BENCH_ASSESSMENTS"))
	if target <= 0 {
		b.Skip("set ATEVAL_BENCH_ASSESSMENTS, such as 1000000")
	}
	if _, err := exec.LookPath("sqlite3"); err != nil {
		b.Skip("the reference needs the sqlite3 command (Debian package sqlite3)")
	}
	dir := b.TempDir()
	cfg := sampledata.Config{Seed: 1, Boroughs: 33}
	n, err := sampledata.ResidentsFor(cfg, target)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Residents = n
	sum, err := sampledata.WriteDir(dir, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d residents, %d assessments", sum.Residents, sum.Assessments)
	paths, _ := filepath.Glob(filepath.Join(dir, "*.csv"))

	reference := func() float64 {
		start := time.Now()
		out, err := exec.Command("sqlite3", filepath.Join(b.TempDir(), "ref.db"),
			"-cmd", ".mode csv", ".import "+filepath.Join(dir, "assessments.csv")+" assessments").CombinedOutput()
		if err != nil {
			b.Fatalf("sqlite3 .import: %v %s", err, out)
		}
		return time.Since(start).Seconds()
	}
	run := func(b *testing.B, dsn func() string) {
		var secs, ref, peak float64
		for b.Loop() {
			b.StopTimer()
			db := storagetest.Open(b, dsn())
			ref += reference()
			stop := watchHeap()
			b.StartTimer()
			start := time.Now()
			importAll(b, db, paths)
			secs += time.Since(start).Seconds()
			b.StopTimer()
			peak = max(peak, stop())
			b.StartTimer()
		}
		runs := float64(b.N)
		b.ReportMetric(secs/runs, "import-s")
		b.ReportMetric(ref/runs, "sqlite-.import-s")
		b.ReportMetric(secs/ref, "ratio")
		b.ReportMetric(peak, "peak-heap-MB")
	}
	b.Run("sqlite", func(b *testing.B) {
		run(b, func() string { return filepath.Join(b.TempDir(), "bench.db") })
	})
	if u := os.Getenv(storagetest.EnvPostgres); u != "" {
		b.Run("postgres", func(b *testing.B) {
			run(b, func() string { return storagetest.NewPostgresDatabase(b, u) })
		})
	}
}

func importAll(b *testing.B, db *storage.DB, paths []string) {
	var srcs []importer.Source
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		srcs = append(srcs, importer.Source{Name: filepath.Base(p), R: f})
	}
	if _, err := importer.Import(context.Background(), db, srcs, importer.Options{}); err != nil {
		b.Fatal(err)
	}
}

// watchHeap samples the Go heap every 10 ms until the returned function is
// called, which returns the peak in MB.
func watchHeap() func() float64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
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
