package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/importer"
	"github.com/ateval/ateval/internal/benchutil"
	"github.com/ateval/ateval/storage/auth"
	"github.com/ateval/ateval/storage/storagetest"
)

// BenchmarkPractitionerPages times the two pages a practitioner opens all
// day, a resident's timeline and the borough's due list, over real HTTP
// on loopback, and reports their p50 and p99. The data are the committed
// sample, or a generated London-wide set of about ATEVAL_BENCH_ASSESSMENTS
// assessments (33 boroughs); on PostgreSQL too when ATEVAL_TEST_POSTGRES
// is set. See BENCHMARKS.md.
//
//	ATEVAL_BENCH_ASSESSMENTS=1000000 go test -run '^$' -bench PractitionerPages -benchtime 400x -timeout 1h ./server
func BenchmarkPractitionerPages(b *testing.B) {
	srcs := benchutil.Dataset(b)
	run := func(b *testing.B, dsn string) {
		db := storagetest.Open(b, dsn)
		if _, err := importer.Import(ateval.SystemContext(context.Background()), db, srcs(), importer.Options{}); err != nil {
			b.Fatal(err)
		}
		sys := ateval.SystemContext(context.Background())
		bs, err := db.View(sys).Boroughs()
		if err != nil {
			b.Fatal(err)
		}
		borough := bs[0]
		u := &ateval.User{Email: "bench@example.org", Role: ateval.RolePractitioner, BoroughID: borough.ID}
		if err := auth.New(db).CreateUser(sys, u, "bench-password-long"); err != nil {
			b.Fatal(err)
		}
		tok, _, err := auth.New(db).CreateSession(sys, u.ID, auth.CookieSession, auth.SessionTimeouts{Idle: time.Hour, Absolute: 12 * time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		var ids []int64
		sqlDB, _ := db.SQL()
		rows, err := sqlDB.Query("SELECT id FROM residents WHERE borough_id = " + strconv.FormatInt(borough.ID, 10))
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		srv, err := New(Config{}, db)
		if err != nil {
			b.Fatal(err)
		}
		hs := &http.Server{Handler: srv.Handler()}
		ts := newLoopback(b, hs)
		// Redirects are not followed: an expired session would otherwise
		// time the sign-in page instead of the page asked for.
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(path, want string) time.Duration {
			req, _ := http.NewRequest("GET", ts+path, nil)
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: tok})
			start := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			took := time.Since(start)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || !bytes.Contains(body, []byte(want)) {
				b.Fatalf("GET %s = %d, without %q", path, resp.StatusCode, want)
			}
			return took
		}
		rng := rand.New(rand.NewPCG(1, 2))
		var timeline, due []time.Duration
		b.ResetTimer()
		for b.Loop() {
			timeline = append(timeline, get(fmt.Sprintf("/residents/%d", ids[rng.IntN(len(ids))]), "Devices"))
			due = append(due, get("/due", "Assessments due"))
		}
		b.StopTimer()
		b.ReportMetric(benchutil.Millis(benchutil.Percentile(timeline, 0.5)), "timeline-p50-ms")
		b.ReportMetric(benchutil.Millis(benchutil.Percentile(timeline, 0.99)), "timeline-p99-ms")
		b.ReportMetric(benchutil.Millis(benchutil.Percentile(due, 0.5)), "due-p50-ms")
		b.ReportMetric(benchutil.Millis(benchutil.Percentile(due, 0.99)), "due-p99-ms")
		b.ReportMetric(float64(len(ids)), "borough-residents")
	}
	b.Run("sqlite", func(b *testing.B) { run(b, filepath.Join(b.TempDir(), "pages.db")) })
	if u := os.Getenv(storagetest.EnvPostgres); u != "" {
		b.Run("postgres", func(b *testing.B) { run(b, storagetest.NewPostgresDatabase(b, u)) })
	}
}

// newLoopback serves hs on a loopback port until the benchmark ends and
// returns its base URL.
func newLoopback(b *testing.B, hs *http.Server) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go hs.Serve(l)
	b.Cleanup(func() { hs.Close() })
	return "http://" + l.Addr().String()
}
