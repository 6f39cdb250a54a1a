package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/importer"
	"github.com/ateval/ateval/internal/benchutil"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// envBenchDB names a database the report benchmark reads instead of
// importing a dataset first: importing a million assessments takes longer
// than the report.
const envBenchDB = "ATEVAL_BENCH_DB"

// envBenchBin names an ateval binary to run instead of this tree's (an
// older build, to compare): one that prints no peak heap has none.
const envBenchBin = "ATEVAL_BENCH_BIN"

var peakHeapRE = regexp.MustCompile(`peak Go heap ([0-9.]+) MB`)

// BenchmarkReportCommand runs `ateval report` as users run it, a process
// of its own writing the page, the PDF, charts/ and results.json, and in
// the same run, just before each report, the reference: one grouped
// SELECT over every assessment's score (benchutil.ReferenceSQL), through
// the same storage connection settings. The database is ATEVAL_BENCH_DB,
// or the committed sample (or a generated dataset of
// ATEVAL_BENCH_ASSESSMENTS) imported into a fresh SQLite file. It reports
// the medians over the iterations of the report's wall time, the
// reference's, their ratio, the ratio of their CPU times (steadier on a
// machine others load), the report's peak Go heap (ATEVAL_MEMSTATS) and
// its maximum resident set; each iteration and the load average are
// logged (-v). ATEVAL_BENCH_BIN runs another build instead. See
// BENCHMARKS.md.
//
//	ATEVAL_BENCH_DB=/tmp/perf/m.db go test -run '^$' -bench ReportCommand -benchtime 3x -timeout 1h -v ./cmd/ateval
func BenchmarkReportCommand(b *testing.B) {
	ctx := context.Background()
	dsn := os.Getenv(envBenchDB)
	if dsn == "" {
		dsn = filepath.Join(b.TempDir(), "report.db")
		db := storagetest.Open(b, dsn)
		if _, err := importer.Import(ateval.SystemContext(ctx), db, benchutil.Dataset(b)(), importer.Options{}); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
	bin := os.Getenv(envBenchBin)
	if bin == "" {
		bin = filepath.Join(b.TempDir(), "ateval")
		build := exec.Command("go", "build", "-o", bin, ".")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			b.Fatalf("go build: %v", err)
		}
	}
	db, err := storage.OpenWith(ctx, dsn, storage.Options{MustExist: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	sqlDB, err := db.SQL()
	if err != nil {
		b.Fatal(err)
	}
	out := b.TempDir()
	var reports, refs, ratios, cpuRatios, heaps, rss []float64
	i := 0
	for b.Loop() {
		b.StopTimer()
		cpu0 := selfCPU()
		ref, err := benchutil.Reference(sqlDB, db.Dialect())
		refCPU := selfCPU() - cpu0
		if err != nil {
			b.Fatal(err)
		}
		load := loadAverage()
		b.StartTimer()
		cmd := exec.Command(bin, "report", "--db", dsn, "--out", filepath.Join(out, strconv.Itoa(i)))
		cmd.Env = append(os.Environ(), envMemStats+"=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("ateval report: %v\n%s", err, stderr.String())
		}
		took := time.Since(start)
		b.StopTimer()
		var heap float64
		if m := peakHeapRE.FindStringSubmatch(stderr.String()); m != nil {
			heap, _ = strconv.ParseFloat(m[1], 64)
		} else if os.Getenv(envBenchBin) == "" {
			b.Fatalf("ateval report printed no peak heap:\n%s", stderr.String())
		}
		usage := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		maxRSS := float64(usage.Maxrss) / 1024 // KiB on Linux
		cpu := time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
		b.Logf("run %d: load %s; grouped SELECT %.2f s (CPU %.1f s); report %.2f s (CPU %.1f s), ratio %.2f (of CPU %.2f); peak Go heap %.0f MB; max RSS %.0f MB",
			i+1, load, ref.Seconds(), refCPU.Seconds(), took.Seconds(), cpu.Seconds(), took.Seconds()/ref.Seconds(), cpu.Seconds()/refCPU.Seconds(), heap, maxRSS)
		cpuRatios = append(cpuRatios, cpu.Seconds()/refCPU.Seconds())
		reports, refs, ratios = append(reports, took.Seconds()), append(refs, ref.Seconds()), append(ratios, took.Seconds()/ref.Seconds())
		heaps, rss = append(heaps, heap), append(rss, maxRSS)
		os.RemoveAll(filepath.Join(out, strconv.Itoa(i)))
		i++
		b.StartTimer()
	}
	b.ReportMetric(median(reports), "report-s")
	b.ReportMetric(median(refs), "grouped-select-s")
	b.ReportMetric(median(ratios), "ratio")
	b.ReportMetric(median(cpuRatios), "cpu-ratio")
	b.ReportMetric(median(heaps), "peak-heap-MB")
	b.ReportMetric(median(rss), "max-rss-MB")
}

// selfCPU is the CPU time this process has used: around the reference,
// which runs in it while it does nothing else, the reference's.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// loadAverage is the machine's load averages over 1, 5 and 15 minutes.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return fmt.Sprintf("%s %s %s", f[0], f[1], f[2])
}
