package reports_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports"
	"github.com/ateval/ateval/reports/summary"
)

// tempting is a Source built to tempt disclosure control: "tiny" has 3
// residents given devices, "pair" a mean from 2, beside four boroughs of
// ordinary size.
type tempting struct{}

func change(b string, n int, meanB, meanF float64) summary.Change {
	// Paired scores b_i = meanB + d_i, f_i = meanF + 2 d_i with d = ±1.
	fn := float64(n)
	return summary.Change{Key: summary.Key{Borough: b, Category: "fall-detector", Group: summary.Intervention}, N: n,
		SumB: fn * meanB, SumF: fn * meanF, SumBB: fn*meanB*meanB + fn, SumFF: fn*meanF*meanF + 4*fn, SumBF: fn*meanB*meanF + 2*fn}
}

func (tempting) ChangeSummaries(_ context.Context, _ summary.Filter, _, _, _ string) ([]summary.Change, error) {
	return []summary.Change{change("big1", 23, 20, 21), change("big2", 31, 20, 22), change("big3", 12, 21, 21.5),
		change("big4", 17, 19, 21), change("tiny", 3, 20, 30), change("pair", 2, 20, 35)}, nil
}
func (tempting) EventSummaries(context.Context, summary.Filter, string, string) ([]summary.Event, error) {
	return nil, nil
}
func (tempting) ProportionSummaries(context.Context, summary.Filter, string, string, string) ([]summary.Proportion, error) {
	return []summary.Proportion{{Key: summary.Key{Borough: "pair", Category: "fall-detector", Group: summary.Intervention}, N: 2, Yes: 1}}, nil
}
func (tempting) Enrolments(context.Context, summary.Filter) ([]summary.Enrolment, error) {
	d := ateval.NewDate(2025, 1, 1)
	return []summary.Enrolment{{Borough: "big1", Group: summary.Intervention, EnrolledOn: d, N: 23}, {Borough: "tiny", Group: summary.Intervention, EnrolledOn: d, N: 3}, {Borough: "pair", Group: summary.Intervention, EnrolledOn: d, N: 2}}, nil
}
func (tempting) Taken(context.Context, summary.Filter) ([]summary.Taken, error) {
	return []summary.Taken{{Borough: "tiny", Group: summary.Intervention, Instrument: "swemwbs", Timepoint: "m6", N: 3, Incomplete: 1}, {Borough: "big1", Group: summary.Intervention, Instrument: "swemwbs", Timepoint: "m6", N: 22, Incomplete: 2}}, nil
}
func (tempting) Costs(context.Context, summary.Filter) ([]summary.Cost, error) {
	return []summary.Cost{{Borough: "pair", Category: "fall-detector", N: 2, UnitPence: 20000, WeeklyPence: 700}}, nil
}

// Issues: 3 fall detectors issued a year ago, 2 of them abandoned within
// six weeks; and 12 pendants, 1 abandoned.
func (tempting) Issues(context.Context, summary.Filter) ([]summary.Issue, error) {
	d := ateval.NewDate(2025, 10, 1)
	return []summary.Issue{
		{Category: "fall-detector", IssuedOn: d, N: 1},
		{Category: "fall-detector", IssuedOn: d, RemovedOn: d.AddDays(20), Abandoned: true, N: 2},
		{Category: "community-alarm", IssuedOn: d, N: 11},
		{Category: "community-alarm", IssuedOn: d, RemovedOn: d.AddDays(100), Abandoned: true, N: 1},
	}, nil
}

// TestDisclosure proves the rules on everything results.json and the HTML
// publish: no small borough named, every count a multiple of 5, no mean of
// fewer than 8 values.
func TestDisclosure(t *testing.T) {
	r, err := reports.Build(context.Background(), tempting{}, reports.Options{AsOf: ateval.NewDate(2026, 11, 1)})
	if err != nil {
		t.Fatal(err)
	}
	var js, page bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{js.String(), page.String()} {
		for _, b := range []string{"tiny", "pair"} {
			if strings.Contains(out, b) {
				t.Errorf("borough %q, below the minimum n, is named in the output", b)
			}
		}
	}
	if len(r.Analyses) == 0 {
		t.Fatal("no analyses: the test proves nothing")
	}
	for _, a := range r.Analyses {
		for _, b := range a.Boroughs {
			if b.N%5 != 0 || b.NComparison%5 != 0 {
				t.Errorf("%s: n %d not rounded to 5", b.Borough, b.N)
			}
		}
	}
	// Every published count is a multiple of 5; every mean rests on ≥ 8.
	var doc map[string]any
	json.Unmarshal(js.Bytes(), &doc)
	walkCounts(t, "", doc)
	for _, tr := range r.Trajectories {
		raw, _ := json.Marshal(tr)
		if tr.N < 10 && !strings.Contains(string(raw), `"mean":null`) {
			t.Errorf("trajectory mean published for n=%d: %s", tr.N, raw)
		}
	}
	for _, c := range r.CostConsequence {
		raw, _ := json.Marshal(c)
		if !strings.Contains(string(raw), `"device_cost":null`) {
			t.Errorf("mean device cost of 2 residents published: %s", raw)
		}
	}
	if len(r.Abandonment) == 0 {
		t.Fatal("no abandonment rows: the test proves nothing")
	}
	for _, a := range r.Abandonment {
		raw, _ := json.Marshal(a)
		if a.DeviceCategory == "fall-detector" && !strings.Contains(string(raw), `"share":null`) {
			t.Errorf("share abandoned of 3 fall detectors published: %s", raw)
		}
	}
}

var countKeys = map[string]bool{"n": true, "n_comparison": true, "due": true, "recorded": true, "not_recorded": true, "incomplete": true, "residents": true,
	"at_risk": true, "abandoned": true}

func walkCounts(t *testing.T, key string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, y := range x {
			walkCounts(t, k, y)
		}
	case []any:
		for _, y := range x {
			walkCounts(t, key, y)
		}
	case float64:
		if countKeys[key] && math.Mod(x, 5) != 0 {
			t.Errorf("count %s = %v is not a multiple of 5", key, x)
		}
	}
}
