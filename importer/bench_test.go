package importer_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/importer"
	"github.com/ateval/ateval/internal/benchutil"
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
		srcs, err := importer.FromFS(sampledata.Committed())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := importer.Import(ateval.SystemContext(context.Background()), db, srcs, importer.Options{}); err != nil {
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
	target := benchutil.Target()
	if target <= 0 {
		b.Skip("set ATEVAL_BENCH_ASSESSMENTS, such as 1000000")
	}
	if _, err := exec.LookPath("sqlite3"); err != nil {
		b.Skip("the reference needs the sqlite3 command (Debian package sqlite3)")
	}
	dir := benchutil.Generate(b, target)

	reference := func() float64 {
		start := time.Now()
		out, err := exec.Command("sqlite3", filepath.Join(b.TempDir(), "ref.db"),
			"-cmd", ".mode csv", ".import "+filepath.Join(dir, "assessments.csv")+" assessments").CombinedOutput()
		if err != nil {
			b.Fatalf("sqlite3 .import: %v %s", err, out)
		}
		return time.Since(start).Seconds()
	}
	// pgReference is PostgreSQL's own COPY of the same CSV into a plain
	// table of text columns: the floor for that server, which a SQLite
	// file's .import does not say.
	pgReference := func(dsn string) float64 {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `CREATE TABLE copy_reference (borough TEXT, resident_ref TEXT, instrument TEXT,
			timepoint TEXT, assessed_on TEXT, respondent TEXT, framework_version TEXT, answers TEXT)`); err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(filepath.Join(dir, "assessments.csv"))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		start := time.Now()
		if _, err := conn.PgConn().CopyFrom(ctx, f, "COPY copy_reference FROM STDIN (FORMAT csv, HEADER true)"); err != nil {
			b.Fatal(err)
		}
		secs := time.Since(start).Seconds()
		if _, err := conn.Exec(ctx, `DROP TABLE copy_reference`); err != nil {
			b.Fatal(err)
		}
		return secs
	}
	run := func(b *testing.B, dsn func() string) {
		var secs, ref, pgRef, peak float64
		for b.Loop() {
			b.StopTimer()
			url := dsn()
			db := storagetest.Open(b, url)
			ref += reference()
			if storage.IsPostgresURL(url) {
				pgRef += pgReference(url)
			}
			srcs := benchutil.Files(b, dir)
			stop := benchutil.WatchHeap()
			b.StartTimer()
			start := time.Now()
			if _, err := importer.Import(ateval.SystemContext(context.Background()), db, srcs, importer.Options{}); err != nil {
				b.Fatal(err)
			}
			secs += time.Since(start).Seconds()
			b.StopTimer()
			peak = max(peak, stop())
			b.StartTimer()
		}
		runs := float64(b.N)
		b.ReportMetric(secs/runs, "import-s")
		b.ReportMetric(ref/runs, "sqlite-.import-s")
		b.ReportMetric(secs/ref, "ratio")
		if pgRef > 0 {
			b.ReportMetric(pgRef/runs, "postgres-COPY-s")
			b.ReportMetric(secs/pgRef, "ratio-to-COPY")
		}
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
