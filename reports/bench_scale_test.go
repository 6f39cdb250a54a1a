package reports_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/importer"
	"github.com/ateval/ateval/internal/benchutil"
	"github.com/ateval/ateval/reports"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage/storagetest"
	"github.com/ateval/ateval/storage/summaries"
)

// BenchmarkReportScale builds the whole evidence report (every analysis,
// chart, the HTML, the PDF and results.json) over the committed sample, or
// a generated London-wide dataset of ATEVAL_BENCH_ASSESSMENTS assessments,
// and in the same run times one grouped SELECT over all the assessments'
// scores. It reports both, their ratio and the Go heap's peak. On
// PostgreSQL too when ATEVAL_TEST_POSTGRES is set. See BENCHMARKS.md.
//
//	ATEVAL_BENCH_ASSESSMENTS=1000000 go test -run '^$' -bench ReportScale -benchtime 1x -timeout 1h ./reports
func BenchmarkReportScale(b *testing.B) {
	srcs := benchutil.Dataset(b)
	run := func(b *testing.B, dsn string) {
		db := storagetest.Open(b, dsn)
		sys := ateval.SystemContext(context.Background())
		if _, err := importer.Import(sys, db, srcs(), importer.Options{}); err != nil {
			b.Fatal(err)
		}
		sqlDB, err := db.SQL()
		if err != nil {
			b.Fatal(err)
		}
		var build, ref, peak float64
		var analyses int
		for b.Loop() {
			b.StopTimer()
			start := time.Now()
			rows, err := sqlDB.Query(benchutil.ReferenceSQL(db.Dialect()))
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
			ref += time.Since(start).Seconds()
			stop := benchutil.WatchHeap()
			b.StartTimer()
			start = time.Now()
			r, err := reports.Build(sys, summaries.Of(db), reports.Options{AsOf: sampledata.AsOf()})
			if err != nil {
				b.Fatal(err)
			}
			for _, write := range []func(io.Writer) error{r.WriteJSON, r.WriteHTML, r.WritePDF} {
				if err := write(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			build += time.Since(start).Seconds()
			b.StopTimer()
			peak = max(peak, stop())
			analyses = len(r.Analyses)
			b.StartTimer()
		}
		n := float64(b.N)
		b.ReportMetric(build/n, "report-s")
		b.ReportMetric(ref/n, "grouped-select-s")
		b.ReportMetric(build/ref, "ratio")
		b.ReportMetric(peak, "peak-heap-MB")
		b.ReportMetric(float64(analyses), "analyses")
	}
	b.Run("sqlite", func(b *testing.B) { run(b, filepath.Join(b.TempDir(), "report.db")) })
	if u := os.Getenv(storagetest.EnvPostgres); u != "" {
		b.Run("postgres", func(b *testing.B) { run(b, storagetest.NewPostgresDatabase(b, u)) })
	}
}
