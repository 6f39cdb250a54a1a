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
	"sync"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/importer"
	"github.com/ateval/ateval/reports"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
	"github.com/ateval/ateval/storage/summaries"
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
		fmt.Fprintf(&out, "analysis %s %s %s %s %s %s rows=%d chart=%v\n", a.Outcome, a.DeviceCategory, a.Timepoint, a.Design, a.Measure, a.Role, len(a.Boroughs), a.Chart != "")
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

// sample is the report of a generated sixteen-borough sample of 900
// residents, built once for the tests that read it (a report does not
// need its database once built).
var sample struct {
	once sync.Once
	r    *reports.Report
	err  error
}

func sampleReport(t *testing.T) *reports.Report {
	t.Helper()
	sample.once.Do(func() {
		db := loadGenerated(t, 900)
		sample.r, sample.err = reports.Build(ateval.SystemContext(context.Background()), summaries.Of(db), reports.Options{AsOf: sampledata.AsOf(),
			Now: func() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }})
	})
	if sample.err != nil {
		t.Fatal(sample.err)
	}
	return sample.r
}

// TestReportStructure builds the report of a generated sample and
// compares its structure with testdata/report-structure.golden. Run
// `go test ./reports -run TestReportStructure -update` after a deliberate
// change, and read the diff.
func TestReportStructure(t *testing.T) {
	r := sampleReport(t)
	checkJudgements(t, r)
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
	db := reports.CommittedSample(b)
	opt := reports.Options{AsOf: sampledata.AsOf()}
	var analyses int
	for b.Loop() {
		r, err := reports.Build(ateval.SystemContext(context.Background()), summaries.Of(db), opt)
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
		r, err := reports.Build(ctx, summaries.Of(db), opt)
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

// checkJudgements reads results.json as a client would and checks what
// it promises: a summary of at most 12 primary findings, each with its
// estimate, intervals, certainty and sentence; every analysis with a role;
// a q-value on every secondary or exploratory analysis with a p-value and
// on no primary one; certainty levels of GRADE; and no change from
// baseline without a comparison group rated above low.
func checkJudgements(t *testing.T, r *reports.Report) {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Summary struct {
			Primary []struct {
				Outcome        string `json:"outcome"`
				DeviceCategory string `json:"device_category"`
				Timepoint      string `json:"timepoint"`
				Design         string `json:"design"`
				Estimate       struct {
					Value   *float64 `json:"value"`
					CILower *float64 `json:"ci_lower"`
					CIUpper *float64 `json:"ci_upper"`
					PILower *float64 `json:"pi_lower"`
					PIUpper *float64 `json:"pi_upper"`
				} `json:"estimate"`
				Certainty struct{ Level string } `json:"certainty"`
				Sentence  string                 `json:"sentence"`
			} `json:"primary"`
		} `json:"summary"`
		Analyses []struct {
			Design string   `json:"design"`
			Role   string   `json:"role"`
			QValue *float64 `json:"q_value"`
			Pooled struct {
				PValue *float64 `json:"p_value"`
			}
			Certainty struct{ Level string }
			Sentence  string
		} `json:"analyses"`
	}
	dec := json.NewDecoder(&b)
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if n := len(got.Summary.Primary); n == 0 || n > 12 {
		t.Errorf("the summary has %d findings, want 1 to 12", n)
	}
	for _, f := range got.Summary.Primary {
		e := f.Estimate
		if f.Outcome == "" || f.DeviceCategory == "" || f.Timepoint == "" || f.Design == "" || f.Sentence == "" ||
			e.Value == nil || e.CILower == nil || e.CIUpper == nil || e.PILower == nil || e.PIUpper == nil {
			t.Errorf("summary finding incomplete: %+v", f)
		}
	}
	levels := map[string]bool{"high": true, "moderate": true, "low": true, "very low": true, "not judged": true}
	roles := map[string]int{}
	for i, a := range got.Analyses {
		roles[a.Role]++
		if !levels[a.Certainty.Level] {
			t.Errorf("analysis %d: certainty %q", i, a.Certainty.Level)
		}
		if a.Design != reports.DifferenceInChange && (a.Certainty.Level == "high" || a.Certainty.Level == "moderate") {
			t.Errorf("analysis %d, %s, rated %s: a change without a comparison group is never above low", i, a.Design, a.Certainty.Level)
		}
		wantQ := a.Role != "primary" && a.Pooled.PValue != nil
		if (a.QValue != nil) != wantQ {
			t.Errorf("analysis %d (%s, p %v): q-value %v", i, a.Role, a.Pooled.PValue, a.QValue)
		}
		if a.Role != "primary" && !strings.Contains(a.Sentence, "exploratory") {
			t.Errorf("analysis %d is %s but its sentence does not say it is exploratory: %q", i, a.Role, a.Sentence)
		}
	}
	if roles["primary"] == 0 || roles["secondary"] == 0 || roles["exploratory"] == 0 || len(roles) != 3 {
		t.Errorf("roles %v, want primary, secondary and exploratory only", roles)
	}
}
