package main

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports"
	"github.com/ateval/ateval/reports/summary"
	"github.com/ateval/ateval/storage/storagetest"
	"github.com/ateval/ateval/storage/summaries"
)

// TestHubReportEqualsCentral: every borough of the committed sample shares
// its bundle, a hub imports them all, and the hub's report is compared
// with the report on the one database holding every borough. Both are
// made from the same protected cells (reports' protect): the central
// report from the residents, the hub's rebuilt from the bundles' rounded
// means, published counts and reference spreads. Every
// analysis whose rows are all named boroughs must be at the hub with the
// same rows and pooled estimate to 1e-9; an analysis with a row of small
// boroughs combined cannot be (a lone borough's small cells never leave
// it), and the test reports how many there are. The one-stage model is
// shown beside the primary comparisons at the hub too, and equals
// `ateval model` run on the hub's database, which agrees with lme4 on the
// hub's cells (checkModelAgainstLme4).
func TestHubReportEqualsCentral(t *testing.T) {
	if testing.Short() {
		t.Skip("shares all sixteen boroughs of the sample; TestHubImport and storage/hub check a hub in short")
	}
	dsn := sampleDB(t)
	dir := t.TempDir()
	hub := filepath.Join(dir, "hub.db")
	ctx := context.Background()
	db := storagetest.Open(t, dsn)
	ens, err := summaries.Of(db).Enrolments(ateval.ReportContext(ctx), summary.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var boroughs []string
	for _, e := range ens {
		if !slices.Contains(boroughs, e.Borough) {
			boroughs = append(boroughs, e.Borough)
		}
	}
	slices.Sort(boroughs)
	files := []string{"hub", "import", "--db", hub}
	for _, b := range boroughs {
		key := keygen(t, dir, b+".key")
		files = append(files, share(t, dsn, key, b, filepath.Join(dir, b+".json")))
		if code, _, stderr := runCLI(t, "hub", "trust", "--db", hub, "--borough", b, "--public-key", key+".pub"); code != 0 {
			t.Fatalf("hub trust %s: %s", b, stderr)
		}
	}
	if code, _, stderr := runCLI(t, files...); code != 0 {
		t.Fatalf("hub import: %s", stderr)
	}
	hdb := storagetest.Open(t, hub)
	hs, err := reports.NewHubSource(ateval.ReportContext(ctx), summaries.Of(hdb))
	if err != nil {
		t.Fatal(err)
	}
	if got := hs.Boroughs(); !slices.Equal(got, boroughs) {
		t.Fatalf("hub holds %v, want %v", got, boroughs)
	}
	now := func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }
	opt := reports.Options{Boroughs: boroughs, AsOf: ateval.NewDate(2026, 11, 1), Now: now}
	central, err := reports.Build(ateval.ReportContext(ctx), summaries.Of(db), opt)
	if err != nil {
		t.Fatal(err)
	}
	atHub, err := reports.Build(ateval.ReportContext(ctx), hs, opt)
	if err != nil {
		t.Fatal(err)
	}
	id := func(a reports.Analysis) string {
		return fmt.Sprintf("%s %s %s %s %s", a.Outcome, a.DeviceCategory, a.Timepoint, a.Design, a.Measure)
	}
	hubBy := map[string]reports.Analysis{}
	for _, a := range atHub.Analyses {
		hubBy[id(a)] = a
	}
	named, combined := 0, 0
	worst := 0.0
	for _, a := range central.Analyses {
		if slices.ContainsFunc(a.Boroughs, func(b reports.BoroughEffect) bool { return b.Combined > 0 }) {
			combined++
			continue
		}
		named++
		h, ok := hubBy[id(a)]
		if !ok {
			t.Errorf("%s: not at the hub", id(a))
			continue
		}
		if len(h.Boroughs) != len(a.Boroughs) {
			t.Errorf("%s: %d rows at the hub, %d centrally", id(a), len(h.Boroughs), len(a.Boroughs))
			continue
		}
		for i := range a.Boroughs {
			if h.Boroughs[i] != a.Boroughs[i] {
				t.Errorf("%s: row %d is %+v at the hub, %+v centrally", id(a), i, h.Boroughs[i], a.Boroughs[i])
			}
		}
		for _, v := range []struct {
			name      string
			hub, want float64
		}{{"estimate", h.Pooled.Estimate, a.Pooled.Estimate}, {"se", h.Pooled.SE, a.Pooled.SE}, {"tau2", h.Pooled.Tau2, a.Pooled.Tau2}, {"ci_lower", h.Pooled.CILower, a.Pooled.CILower}} {
			worst = math.Max(worst, math.Abs(v.hub-v.want))
			if math.Abs(v.hub-v.want) > 1e-9*math.Max(1, math.Abs(v.want)) {
				t.Errorf("%s: pooled %s %.15g at the hub, %.15g centrally", id(a), v.name, v.hub, v.want)
			}
		}
	}
	t.Logf("%d analyses of named boroughs equal at the hub (largest difference of a pooled figure %g); %d with a row of small boroughs combined, which a hub cannot rebuild", named, worst, combined)
	if n := checkOneStage(t, hub); n == 0 {
		t.Error("the hub's report shows no one-stage model")
	} else {
		t.Logf("%d one-stage models at the hub equal to ateval model on the hub", n)
	}
	checkModelAgainstLme4(t, hub, "ons4_happy", "m12")
	if named == 0 {
		t.Fatal("no analysis of named boroughs to compare")
	}
}
