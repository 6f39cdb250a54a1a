package reports_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/importer"
	"github.com/ateval/ateval/reports"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// loadGenerated imports a generated sixteen-borough sample of n residents
// into a fresh SQLite file.
func loadGenerated(t testing.TB, n int) *storage.DB {
	t.Helper()
	var bufs [5]bytes.Buffer
	cfg := sampledata.Config{Seed: 7, Residents: n, Boroughs: 16}
	if _, err := sampledata.Generate(cfg, sampledata.Writers{Boroughs: &bufs[0], Devices: &bufs[1], Residents: &bufs[2], DeviceIssues: &bufs[3], Assessments: &bufs[4]}); err != nil {
		t.Fatal(err)
	}
	var srcs []importer.Source
	for i, name := range sampledata.Files() {
		srcs = append(srcs, importer.Source{Name: name, R: bytes.NewReader(bufs[i].Bytes())})
	}
	db := storagetest.Open(t, filepath.Join(t.TempDir(), "ateval.db"))
	if _, err := importer.Import(ateval.SystemContext(context.Background()), db, srcs, importer.Options{}); err != nil {
		t.Fatal(err)
	}
	return db
}

// structure lists what a report holds, not its numbers: results.json's
// sections, each analysis by outcome, device category, follow-up, design
// and measure, the charts, and the rows of the follow-up, data quality and
// cost tables. A change here is a change a reader of the report would see.
func structure(t *testing.T, r *reports.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &top); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out strings.Builder
	fmt.Fprintf(&out, "sections %s\n", strings.Join(keys, " "))
	for _, a := range r.Analyses {
		fmt.Fprintf(&out, "analysis %s %s %s %s %s rows=%d chart=%v\n", a.Outcome, a.DeviceCategory, a.Timepoint, a.Design, a.Measure, len(a.Boroughs), a.Chart != "")
	}
	for _, c := range r.Charts {
		fmt.Fprintf(&out, "chart %s alt=%v\n", c.Name, c.Alt != "")
	}
	for _, f := range r.FollowUp {
		fmt.Fprintf(&out, "follow_up %s %s %s\n", f.Borough, f.Group, f.Timepoint)
	}
	for _, q := range r.Quality {
		fmt.Fprintf(&out, "data_quality %s %s\n", q.Instrument, q.Timepoint)
	}
	for _, c := range r.CostConsequence {
		var saved []string
		for k := range c.Savings {
			saved = append(saved, k)
		}
		sort.Strings(saved)
		fmt.Fprintf(&out, "cost %s savings=%s net=%v\n", c.DeviceCategory, strings.Join(saved, ","), c.Net != nil)
	}
	for _, a := range r.Abandonment {
		fmt.Fprintf(&out, "abandonment %s %s\n", a.DeviceCategory, a.Timepoint)
	}
	for _, u := range r.UnitCosts.Items {
		fmt.Fprintf(&out, "unit_cost %s\n", u.ID)
	}
	return out.String()
}

// TestReportStructure builds the report of a generated sample and
// compares its structure with testdata/report-structure.golden. Run
// `go test ./reports -run TestReportStructure -update` after a deliberate
// change, and read the diff.
func TestReportStructure(t *testing.T) {
	db := loadGenerated(t, 900)
	r, err := reports.Build(ateval.SystemContext(context.Background()), db, reports.Options{AsOf: sampledata.AsOf(),
		Now: func() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	got := structure(t, r)
	path := filepath.Join("testdata", "report-structure.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("report structure differs from %s at line %d:\n got %q\nwant %q\n(run with -update after a deliberate change)", path, i+1, g, w)
			}
		}
	}
}

// BenchmarkReport builds the whole evidence report of the committed
// sample (16 boroughs, about 3,000 residents) from SQLite and writes it
// as WriteDir does: every grouped summary query, every pooled analysis,
// every chart (drawn when first asked for, here by charts/), the page,
// the PDF and results.json. See BENCHMARKS.md.
func BenchmarkReport(b *testing.B) {
	db := storagetest.Open(b, filepath.Join(b.TempDir(), "ateval.db"))
	srcs, err := importer.FromFS(sampledata.Committed())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := importer.Import(ateval.SystemContext(context.Background()), db, srcs, importer.Options{}); err != nil {
		b.Fatal(err)
	}
	opt := reports.Options{AsOf: sampledata.AsOf()}
	var analyses int
	for b.Loop() {
		r, err := reports.Build(ateval.SystemContext(context.Background()), db, opt)
		if err != nil {
			b.Fatal(err)
		}
		if err := reports.WriteDir(b.TempDir(), r); err != nil {
			b.Fatal(err)
		}
		analyses = len(r.Analyses)
	}
	b.ReportMetric(float64(analyses), "analyses")
}

// TestReportIsRepeatable: the same data and filter give the same numbers
// every time. The gate's promise rests on it: the same cell always gets
// the same perturbation, so repeating a query averages nothing away.
func TestReportIsRepeatable(t *testing.T) {
	db := loadGenerated(t, 1500)
	ctx := ateval.SystemContext(context.Background())
	opt := reports.Options{AsOf: ateval.NewDate(2026, 11, 1), Now: func() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }}
	var first string
	for i := range 3 {
		r, err := reports.Build(ctx, db, opt)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := r.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b.String()
		} else if b.String() != first {
			t.Fatalf("build %d published other numbers than the first", i+1)
		}
	}
}
