package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/federation"
	"github.com/ateval/ateval/reports/summary"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
	"github.com/ateval/ateval/storage/summaries"
)

// recovered is what a differencing intruder claims: a resident's
// baseline and follow-up score of an outcome, from where the bundles
// differ by one resident.
type recovered struct {
	where       string
	base, after float64
}

// sumCell is a released cell of SWEMWBS at 6 months as an intruder sums
// it: its residents, and their baseline and follow-up scores summed
// (exactly, in a bundle of format 1; as count × rounded mean, in ours).
type sumCell struct {
	n    int
	b, f float64
}

// bundleCells are a bundle's cells of SWEMWBS at 6 months, keyed by
// category, arm and years.
func bundleCells(b federation.Body) map[string]sumCell {
	out := map[string]sumCell{}
	for _, s := range b.Statistics {
		if s.Outcome != "swemwbs_raw" || s.Timepoint != "m6" {
			continue
		}
		for _, c := range s.Cells {
			n := float64(c.N)
			out[fmt.Sprint(c.Category, "|", c.Arm, "|", c.Periods)] = sumCell{c.N, n * c.Values[0], n * (c.Values[0] + c.Values[1])}
		}
	}
	return out
}

// exactCells are what a bundle of format 1 carried of SWEMWBS at 6
// months: the cells the gate releases of the borough alone, with their
// exact sums (the unsafe release).
func exactCells(t *testing.T, ctx context.Context, db *storage.DB, borough string) map[string]sumCell {
	t.Helper()
	out := map[string]sumCell{}
	for _, r := range exactRelease(t, ctx, summaries.Of(db), borough) {
		if r.Arm == summary.Intervention || r.Arm == summary.Comparison {
			out[fmt.Sprint(r.Category, "|", r.Arm, "|", periodsOf(r))] = sumCell{r.N, r.Sums[0], r.Sums[1]}
		}
	}
	return out
}

// differenceBundles is the intruder of issue 13's temporal gap, turned on
// a borough's evidence bundles: holding the cells of bundles t1 and t2 of
// one borough and knowing that one resident was added between them, it
// subtracts t1 from t2 cell by cell (same category, arm and years) and
// family by family (every cell of a category and arm summed, which
// defeats blocks of years regrouped), and wherever the residents differ
// by exactly one, the sums' difference is that resident's baseline and
// follow-up score.
func differenceBundles(t1, t2 map[string]sumCell) []recovered {
	families := func(cs map[string]sumCell) map[string]sumCell {
		out := map[string]sumCell{}
		for k, c := range cs {
			fam := k[:strings.LastIndex(k, "|")]
			s := out[fam]
			s.n, s.b, s.f = s.n+c.n, s.b+c.b, s.f+c.f
			out[fam] = s
		}
		return out
	}
	var out []recovered
	claim := func(where string, a, b sumCell) {
		if b.n-a.n == 1 {
			out = append(out, recovered{where, b.b - a.b, b.f - a.f})
		}
	}
	for k, b := range t2 {
		if a, ok := t1[k]; ok {
			claim("cell "+k, a, b)
		}
	}
	f1 := families(t1)
	for k, b := range families(t2) {
		if a, ok := f1[k]; ok {
			claim("family "+k, a, b)
		}
	}
	return out
}

// TestShareDifferencing: Camden shares a bundle, one comparison resident
// is then added to its database (imported late, as a record entered a
// month on), and Camden shares again. Shared the unsafe way (each bundle
// the gate's release alone, as before the share ledger), the intruder
// holding both recovers the resident's SWEMWBS scores at baseline and six
// months, checked against the database; shared through `ateval share`,
// whose ledger repeats a family's cells until at least MinCell residents
// have changed in it, the intruder recovers nothing.
func TestShareDifferencing(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the sample")
	}
	const target = "CAM-000015" // Camden, comparison group, SWEMWBS at baseline and 6 months
	dir := t.TempDir()
	early, late := filepath.Join(dir, "early"), filepath.Join(dir, "late")
	for _, d := range []string{early, late} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"boroughs", "devices", "device_issues", "residents", "assessments"} {
		splitCSV(t, "../../sample-data/"+name+".csv", target, filepath.Join(early, name+".csv"), filepath.Join(late, name+".csv"))
	}
	dsn := filepath.Join(dir, "camden.db")
	if code, _, stderr := runCLI(t, append([]string{"import", "--db", dsn}, csvFiles(t, early)...)...); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	db := storagetest.Open(t, dsn)
	ctx := ateval.ReportContext(context.Background())
	truth := func() (n int, b, f float64) {
		cs, err := summaries.Of(db).ChangeSummaries(ctx, summary.Filter{Boroughs: []string{"camden"}}, "swemwbs", "raw", "m6")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Group == summary.Comparison {
				n, b, f = n+c.N, b+c.SumB, f+c.SumF
			}
		}
		return n, b, f
	}
	unsafe := func() map[string]sumCell { return exactCells(t, ctx, db, "camden") }
	read := func(path string) federation.Body {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		b, err := federation.Parse(f)
		if err != nil {
			t.Fatal(err)
		}
		return b.Body
	}
	key := keygen(t, dir, "camden.key")
	n1, b1, f1 := truth()
	unsafe1 := unsafe()
	safe1 := read(share(t, dsn, key, "camden", filepath.Join(dir, "t1.json")))

	// A month on: the late resident's records are entered.
	paths, _ := filepath.Glob(filepath.Join(late, "*.csv"))
	if code, _, stderr := runCLI(t, append([]string{"import", "--db", dsn}, paths...)...); code != 0 {
		t.Fatalf("import the late resident: %s", stderr)
	}
	n2, b2, f2 := truth()
	if n2 != n1+1 {
		t.Fatalf("the late resident added %d residents to Camden's comparison group at 6 months, want 1", n2-n1)
	}
	wantB, wantF := b2-b1, f2-f1
	unsafe2 := unsafe()
	safe2 := read(share(t, dsn, key, "camden", filepath.Join(dir, "t2.json")))

	got := false
	for _, r := range differenceBundles(unsafe1, unsafe2) {
		if math.Abs(r.base-wantB) < 1e-9 && math.Abs(r.after-wantF) < 1e-9 {
			got = true
			t.Logf("unsafe sharing: the intruder recovers %s's SWEMWBS %g at baseline and %g at 6 months from %s", target, r.base, r.after, r.where)
			break
		}
	}
	if !got {
		t.Errorf("the attack failed on the unsafe sharing: the test cannot fail (want baseline %g, 6 months %g)", wantB, wantF)
	}
	for _, r := range differenceBundles(bundleCells(safe1), bundleCells(safe2)) {
		t.Errorf("ateval share: the intruder recovers a resident's scores %g and %g from %s", r.base, r.after, r.where)
	}
	if safe2.Sequence != safe1.Sequence+1 || len(safe2.Statistics) == 0 {
		t.Errorf("the second bundle is number %d with %d statistics, want %d with some", safe2.Sequence, len(safe2.Statistics), safe1.Sequence+1)
	}
}

// splitCSV writes the rows of src for resident ref to late, the others to
// early (a file without residents goes wholly to early).
func splitCSV(t *testing.T, src, ref, early, late string) {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "resident_ref")
	e, l := [][]string{rows[0]}, [][]string{rows[0]}
	for _, r := range rows[1:] {
		if col >= 0 && r[col] == ref {
			l = append(l, r)
		} else {
			e = append(e, r)
		}
	}
	for path, rs := range map[string][][]string{early: e, late: l} {
		if col < 0 && path == late {
			continue
		}
		out, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(out)
		w.WriteAll(rs)
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
