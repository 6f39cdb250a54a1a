package reports_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage/summaries"
)

// TestChartsDrawnOnce writes a report's charts/ and checks that every
// chart Build listed is there as a PNG, and that a chart asked for from
// several goroutines at once is drawn once: each gets the same bytes.
func TestChartsDrawnOnce(t *testing.T) {
	db := loadGenerated(t, 900)
	r, err := reports.Build(ateval.SystemContext(context.Background()), summaries.Of(db), reports.Options{AsOf: sampledata.AsOf(),
		Outcomes: []string{"swemwbs_raw"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Charts) < 3 {
		t.Fatalf("%d charts, want a forest plot, a trajectory and the completeness chart at least", len(r.Charts))
	}
	c := r.Charts[0]
	got := make([][]byte, 4)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			var err error
			if got[i], err = c.PNG(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range got {
		if len(got[i]) == 0 || &got[i][0] != &got[0][0] {
			t.Fatalf("%s was drawn more than once", c.Name)
		}
	}

	dir := t.TempDir()
	if err := reports.WriteDir(dir, r); err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Charts {
		b, err := os.ReadFile(filepath.Join(dir, "charts", c.Name))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if cfg.Width < 1200 {
			t.Errorf("%s is %d px wide, want at least 1200", c.Name, cfg.Width)
		}
	}
	if _, err := (reports.Chart{Name: "made-by-hand.png"}).PNG(); err == nil {
		t.Error("a Chart not made by Build drew a PNG")
	}
}
