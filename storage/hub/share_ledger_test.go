package hub_test

import (
	"context"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/federation"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/hub"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestShareLedger: on both databases, a borough's share ledger keeps its
// bundle number and the cells last sent of each family, replacing a
// family's entry when it is written again; a number not above the last is
// refused (two shares at once), leaving the ledger as it was; a report
// reader may not read it; and each share is audited.
func TestShareLedger(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		sys := ateval.SystemContext(context.Background())
		k := hub.LedgerKey{Outcome: "swemwbs_raw", Timepoint: "m6", Arm: "comparison"}
		first := []federation.Cell{{Arm: "comparison", Periods: []int{2025}, N: 12, Key: 1400, Values: []float64{16.5, 0.8}}}
		second := []federation.Cell{{Arm: "comparison", Periods: []int{2025, 2026}, N: 20, Key: 2400, Values: []float64{16.4, 1.2}}}
		if err := hub.Of(db).RecordShare(sys, "camden", 1, "aaaaaaaaaaaaaaaa", time.Now(), map[hub.LedgerKey][]federation.Cell{k: first}); err != nil {
			t.Fatal(err)
		}
		if err := hub.Of(db).RecordShare(sys, "camden", 2, "bbbbbbbbbbbbbbbb", time.Now(), map[hub.LedgerKey][]federation.Cell{k: second}); err != nil {
			t.Fatal(err)
		}
		err := hub.Of(db).RecordShare(sys, "camden", 2, "bbbbbbbbbbbbbbbb", time.Now(), map[hub.LedgerKey][]federation.Cell{k: first})
		if ateval.ErrorCode(err) != ateval.ECONFLICT {
			t.Errorf("a second share numbered 2: %v, want a conflict", err)
		}
		seq, cells, err := hub.Of(db).ShareLedger(sys, "camden")
		if err != nil {
			t.Fatal(err)
		}
		if got := cells[k]; seq != 2 || len(cells) != 1 || len(got) != 1 || got[0].N != 20 || got[0].Values[1] != 1.2 || len(got[0].Periods) != 2 {
			t.Errorf("ledger: number %d, %+v; want 2 and the second cells", seq, cells)
		}
		if seq, cells, err := hub.Of(db).ShareLedger(sys, "sutton"); err != nil || seq != 0 || len(cells) != 0 {
			t.Errorf("a borough that never shared: %d, %v, %v", seq, cells, err)
		}
		if _, _, err := hub.Of(db).ShareLedger(ateval.ReportContext(context.Background()), "camden"); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("a report reader reads the ledger: %v, want forbidden", err)
		}
		if _, n, err := db.AuditLog(sys, storage.AuditFilter{Action: hub.ActionShareBundle}); err != nil || n != 2 {
			t.Errorf("%d shares audited (%v), want 2", n, err)
		}
	})
}
