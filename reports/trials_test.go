package reports_test

import (
	"context"
	"strings"
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

// TestRandomisedTrialsThroughStorage: the sample's randomised trials,
// recorded in storage and read back as a report reads them, make the
// comparison of fall detectors in Brent, Croydon and Hounslow start at
// high certainty (and then be lowered for its reasons); the same data
// with no trial recorded start at low; a trial that starts a day into
// the financial year does not count for that year; and a comparison
// mixing randomised and other boroughs starts at low.
func TestRandomisedTrialsThroughStorage(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the sample")
	}
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := ateval.SystemContext(context.Background())
		srcs, err := importer.FromFS(sampledata.Committed())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := importer.Import(ctx, db, srcs, importer.Options{}); err != nil {
			t.Fatal(err)
		}
		opt := reports.Options{AsOf: sampledata.AsOf(), Outcomes: []string{"swemwbs_raw"},
			Now: func() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }}
		find := func(r *reports.Report, tp string) *reports.Analysis {
			for i, a := range r.Analyses {
				if a.DeviceCategory == "fall-detector" && a.Timepoint == tp && a.Design == reports.DifferenceInChange {
					return &r.Analyses[i]
				}
			}
			t.Fatalf("no comparison of fall detectors at %s", tp)
			return nil
		}
		before, err := reports.Build(ctx, summaries.Of(db), opt)
		if err != nil {
			t.Fatal(err)
		}
		if a := find(before, "m6"); strings.Contains(a.Certainty.Basis, "starts at high") {
			t.Errorf("with no trial recorded: %+v", a.Certainty)
		}

		trials, err := sampledata.Trials()
		if err != nil {
			t.Fatal(err)
		}
		for i := range trials {
			if err := db.RecordRandomisedTrial(ctx, &trials[i]); err != nil {
				t.Fatal(err)
			}
		}
		if opt.Trials, err = db.RandomisedTrials(ctx); err != nil || len(opt.Trials) != 3 {
			t.Fatalf("RandomisedTrials: %v %v", opt.Trials, err)
		}
		after, err := reports.Build(ctx, summaries.Of(db), opt)
		if err != nil {
			t.Fatal(err)
		}
		a := find(after, "m6")
		var rows []string
		for _, b := range a.Boroughs {
			if !b.Randomised {
				t.Errorf("row %s is not randomised", b.Borough)
			}
			rows = append(rows, b.Borough)
		}
		if got := strings.Join(rows, ","); got != "brent,croydon,hounslow" {
			t.Fatalf("rows %s, want the three randomised boroughs", got)
		}
		c := a.Certainty
		if !strings.Contains(c.Basis, "allocated at random") || !strings.Contains(c.Basis, "starts at high") || len(c.Reasons) == 0 || c.Level == "high" {
			t.Errorf("the randomised comparison: %+v; want it to start at high and be lowered for the reasons it gives", c)
		}
		// Lowered from high by as many levels as its reasons say (serious
		// imprecision counts two), down to very low at most.
		levels := len(c.Reasons)
		for _, r := range c.Reasons {
			if strings.HasPrefix(r, "serious imprecision") {
				levels++
			}
		}
		want := []string{"high", "moderate", "low", "very low"}[min(levels, 3)]
		if c.Level != want {
			t.Errorf("lowered %d levels from high: %q, want %q", levels, c.Level, want)
		}
		// The same comparison, when one borough's rows mix: at 3 months
		// Lambeth, which ran no trial, joins two randomised boroughs.
		if m3 := find(after, "m3"); !strings.Contains(m3.Certainty.Basis, "starts at low") || !strings.Contains(m3.Certainty.Basis, "at random in 2 of the 3") {
			t.Errorf("a mixed comparison: %+v", m3.Certainty)
		}
		for _, b := range after.Analyses {
			if b.Design == reports.BeforeAfter && b.Certainty.Level != "low" && b.Certainty.Level != "very low" && b.Certainty.Level != "not judged" {
				t.Errorf("a before-after change rated %q", b.Certainty.Level)
			}
		}

		// A trial that starts a day into April counts only from the next
		// April: every row of the sample holds 2024's residents, so none is
		// randomised.
		late := opt
		late.Trials = nil
		for _, tr := range opt.Trials {
			tr.From = ateval.NewDate(2024, time.April, 2)
			late.Trials = append(late.Trials, tr)
		}
		r, err := reports.Build(ctx, summaries.Of(db), late)
		if err != nil {
			t.Fatal(err)
		}
		if a := find(r, "m6"); strings.Contains(a.Certainty.Basis, "starts at high") {
			t.Errorf("a trial from 2 April 2024 counted for 2024's residents: %+v", a.Certainty)
		}
	})
}
