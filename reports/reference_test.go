package reports

import (
	"context"
	"math"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports/summary"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage/summaries"
)

// TestReferenceVarianceIgnoresFilter: a named row's sampling variance of a
// score is its borough's reference variance over the row's published
// count, and that reference is the same whatever the report selects: a
// device category, a partnership, the later financial years. On the
// committed sample in SQLite, every before-after row of wellbeing's
// vi × n is compared between the whole report and the filtered ones.
func TestReferenceVarianceIgnoresFilter(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the committed sample")
	}
	ctx := ateval.SystemContext(context.Background())
	db := CommittedSample(t)
	build := func(f summary.Filter) *Report {
		r, err := Build(ctx, summaries.Of(db), Options{AsOf: sampledata.AsOf(), Outcomes: []string{"swemwbs_raw"}, Filter: f, MinBoroughs: 1})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	refs := func(r *Report) map[string]float64 {
		out := map[string]float64{}
		for _, a := range r.Analyses {
			if a.Design != BeforeAfter {
				continue
			}
			for _, b := range a.Boroughs {
				if b.Combined == 0 {
					out[a.DeviceCategory+" "+a.Timepoint+" "+b.Borough] = b.Vi * float64(b.N)
				}
			}
		}
		return out
	}
	all := build(summary.Filter{})
	want := refs(all)
	if len(want) == 0 {
		t.Fatal("no named before-after rows in the whole report")
	}
	for _, c := range []struct {
		name string
		f    summary.Filter
	}{
		{"community alarms", summary.Filter{DeviceCategory: "community-alarm"}},
		{"one partnership", summary.Filter{Boroughs: all.gate.Groups.Members([]string{all.gate.Groups.Of("southwark")})}},
		{"from April 2025", summary.Filter{From: ateval.NewDate(2025, 4, 1)}},
	} {
		got := refs(build(c.f))
		if len(got) == 0 {
			t.Errorf("%s: no named rows", c.name)
		}
		same := 0
		for k, v := range got {
			w, ok := want[k]
			if !ok {
				continue // a row hidden in the whole report, or shown only here
			}
			if math.Abs(v-w) > 1e-9*w {
				t.Errorf("%s: %s: vi × n = %g, %g in the whole report", c.name, k, v, w)
			}
			same++
		}
		t.Logf("%s: %d named rows, %d of them compared with the whole report", c.name, len(got), same)
		if same == 0 {
			t.Errorf("%s: no row to compare", c.name)
		}
	}
}
