package reports_test

import (
	"context"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports"
	"github.com/ateval/ateval/reports/summary"
)

// issuesOnly is a Source holding nothing but device issues.
type issuesOnly struct{ issues []summary.Issue }

func (issuesOnly) ChangeSummaries(context.Context, summary.Filter, string, string, string) ([]summary.Change, error) {
	return nil, nil
}
func (issuesOnly) EventSummaries(context.Context, summary.Filter, string, string) ([]summary.Event, error) {
	return nil, nil
}
func (issuesOnly) ProportionSummaries(context.Context, summary.Filter, string, string, string) ([]summary.Proportion, error) {
	return nil, nil
}
func (issuesOnly) Enrolments(context.Context, summary.Filter) ([]summary.Enrolment, error) {
	return nil, nil
}
func (issuesOnly) Taken(context.Context, summary.Filter) ([]summary.Taken, error) { return nil, nil }
func (issuesOnly) Costs(context.Context, summary.Filter) ([]summary.Cost, error)  { return nil, nil }
func (s issuesOnly) Issues(context.Context, summary.Filter) ([]summary.Issue, error) {
	return s.issues, nil
}

// TestAbandonment counts, at each follow-up's distance from issue, the
// devices observed that long and those abandoned by then: a device issued
// too recently, or removed for another reason first, is not at risk.
func TestAbandonment(t *testing.T) {
	asOf := ateval.NewDate(2026, 11, 1)
	old := asOf.AddDays(-400)    // observed to 12 months
	recent := asOf.AddDays(-100) // observed to 3 months only
	src := issuesOnly{[]summary.Issue{
		{Category: "gps-location", IssuedOn: old, N: 20},                                                   // in place throughout
		{Category: "gps-location", IssuedOn: old, RemovedOn: old.AddDays(30), Abandoned: true, N: 10},      // abandoned by 6 weeks
		{Category: "gps-location", IssuedOn: old, RemovedOn: old.AddDays(150), Abandoned: true, N: 5},      // by 6 months
		{Category: "gps-location", IssuedOn: old, RemovedOn: old.AddDays(60), N: 5},                        // moved at 2 months
		{Category: "gps-location", IssuedOn: recent, N: 10},                                                // observed to 3 months
		{Category: "gps-location", IssuedOn: recent, RemovedOn: recent.AddDays(50), Abandoned: true, N: 5}, // abandoned by 3 months
	}}
	r, err := reports.Build(context.Background(), src, reports.Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	// Worked by hand from the rows above.
	want := map[string][2]int{ // timepoint: at risk, abandoned
		"w6":  {55, 10}, // every row observed to 42 days; the moved ones still in place then
		"m3":  {50, 15}, // the moved 5 left at day 60; the recent ones observed to 91 days
		"m6":  {35, 15}, // old rows only, 20 + 10 + 5: the recent ones, abandoned or not, are not yet observed
		"m12": {35, 15},
	}
	got := map[string][2]int{}
	for _, a := range r.Abandonment {
		got[a.Timepoint] = [2]int{a.AtRisk, a.Abandoned}
	}
	for tp, w := range want {
		if got[tp] != w {
			t.Errorf("%s: at risk, abandoned = %v, want %v", tp, got[tp], w)
		}
	}
	var drawn bool
	for _, c := range r.Charts {
		if c.Name != "abandonment.png" {
			continue
		}
		png, err := c.PNG()
		if err != nil {
			t.Fatal(err)
		}
		if len(png) > 0 && c.Alt != "" {
			drawn = true
		}
	}
	if !drawn {
		t.Error("no abandonment chart with alt text")
	}
}
