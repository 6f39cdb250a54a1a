package browsertest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/federation"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage/hub"
)

// TestHubPage: the hub page as an administrator sees it, with one borough
// sharing and one whose latest bundle lost its cells to migration 22 (a
// bundle of format 1, whose exact sums the hub deleted): that one is
// marked to share again, in words, at every width.
func TestHubPage(t *testing.T) {
	site := Start(t, Options{})
	sys := ateval.SystemContext(context.Background())
	for i, b := range []string{"camden", "sutton"} {
		pub, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if err := hub.Of(site.DB).TrustKey(sys, b, pub); err != nil {
			t.Fatal(err)
		}
		body := federation.Body{Borough: b, FrameworkVersion: forms.CurrentVersion, PeriodFrom: 2024, PeriodTo: 2025,
			Made: site.DB.Now().Add(-time.Duration(i) * time.Hour), Sequence: 1, Statistics: []federation.Statistic{{Outcome: "swemwbs_raw", Timepoint: "m6", Kind: "change",
				Reference: &federation.Reference{Baseline: 20, Change: 15, Slope: 0.6, Residual: 10},
				Cells:     []federation.Cell{{Arm: "comparison", Periods: []int{2024, 2025}, N: 14, Key: 1800, Values: []float64{21.5, 0.5}}}}}}
		if _, err := hub.Of(site.DB).ImportBundle(sys, federation.Sign(body, key)); err != nil {
			t.Fatal(err)
		}
	}
	if err := site.DB.Gorm(sys).Exec("DELETE FROM federation_cells WHERE bundle_id IN (SELECT id FROM federation_bundles WHERE borough = 'sutton')").Error; err != nil {
		t.Fatal(err)
	}
	b := site.NewBrowser(t)
	b.Login("admin@demo.ateval")
	b.Visit("/admin/hub")
	rows := b.Text("main table")
	if !strings.Contains(rows, "Camden") || !strings.Contains(rows, "Current") || !strings.Contains(rows, "Share again") {
		t.Errorf("the hub's table: %q, want Camden current and Sutton to share again", rows)
	}
	b.Shots("hub")
}
