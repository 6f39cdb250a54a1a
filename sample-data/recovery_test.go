package sampledata_test

import (
	"context"
	"github.com/ateval/ateval"
	"math"
	"path/filepath"
	"testing"

	"github.com/ateval/ateval/importer"
	"github.com/ateval/ateval/reports"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/summaries"
)

// TestReportRecoversTrueEffects imports the committed sample, builds the
// evidence report from the database's summaries, and checks that its
// pooled estimates recover the effects the generator drew from.
//
// What is compared, like with like (see README.md's model):
//   - MC (before-after mean change of residents given devices): the truth
//     is the comparison group's change plus the effect, since the model
//     makes the intervention change = comparison change + effect;
//   - MC_DIFF (difference in change against the comparison group): the
//     effect itself;
//   - IRR (log rate ratio after/before, residents given devices): log of
//     the comparison rate ratio plus log of the effect;
//   - IRR_DIFF: log of the effect.
//
// home_care_hours is left out: the model applies its effect only to
// residents with home care at baseline (the rest keep 0), so the mean
// change over all residents, which the report pools, is a diluted effect
// that TrueEffects does not state.
//
// Analyses with at least 5 published borough rows are checked. With that
// many intervals some misses are expected by chance, and the scores are
// discretised and clipped to their range, so the test asks that at least
// 90% of the true values lie within the pooled 95% CI and that every miss
// is within 2 CI half-widths of the estimate.
func TestReportRecoversTrueEffects(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole sample")
	}
	ctx := ateval.SystemContext(context.Background())
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "sample.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	srcs, err := importer.FromFS(sampledata.Committed())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Import(ctx, db, srcs, importer.Options{}); err != nil {
		t.Fatal(err)
	}
	r, err := reports.Build(ctx, summaries.Of(db), reports.Options{AsOf: sampledata.AsOf()})
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ outcome, category, tp string }
	truth := map[key]sampledata.TrueEffect{}
	for _, te := range sampledata.TrueEffects() {
		truth[key{te.Outcome, te.Category, te.Timepoint}] = te
	}
	checked, covered := 0, 0
	for _, a := range r.Analyses {
		te, ok := truth[key{a.Outcome, a.DeviceCategory, a.Timepoint}]
		if !ok || a.Pooled.K < 5 || a.Outcome == "home_care_hours" {
			continue
		}
		var want float64
		switch a.Measure {
		case reports.MC:
			want = te.ComparisonChange + te.Effect
		case reports.MCDiff:
			want = te.Effect
		case reports.IRR:
			want = math.Log(te.ComparisonChange) + math.Log(te.Effect)
		case reports.IRRDiff:
			want = math.Log(te.Effect)
		default:
			continue
		}
		checked++
		p := a.Pooled
		if p.CILower <= want && want <= p.CIUpper {
			covered++
			continue
		}
		half := (p.CIUpper - p.CILower) / 2
		t.Logf("miss: %s %s %s %s: true %.3f, pooled %.3f [%.3f, %.3f], k=%d", a.Outcome, a.DeviceCategory, a.Timepoint,
			a.Measure, want, p.Estimate, p.CILower, p.CIUpper, p.K)
		if math.Abs(want-p.Estimate) > 2*half {
			t.Errorf("%s %s %s %s: true %.3f is more than 2 half-widths from the pooled %.3f [%.3f, %.3f]",
				a.Outcome, a.DeviceCategory, a.Timepoint, a.Measure, want, p.Estimate, p.CILower, p.CIUpper)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d analyses with k ≥ 5 to check; the report lost data", checked)
	}
	if frac := float64(covered) / float64(checked); frac < 0.9 {
		t.Errorf("true effect inside the pooled 95%% CI in %d of %d analyses (%.0f%%), want ≥ 90%%", covered, checked, 100*frac)
	}
	t.Logf("true effect inside the pooled 95%% CI in %d of %d analyses", covered, checked)
}
