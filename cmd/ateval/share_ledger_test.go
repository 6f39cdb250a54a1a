package main

import (
	"testing"

	"github.com/ateval/ateval/federation"
	"github.com/ateval/ateval/storage/hub"
)

// scoreStat is a statistic of one comparison cell of n residents, with a
// reference whose baseline variance is vb.
func scoreStat(n int, vb float64) federation.Statistic {
	return federation.Statistic{Outcome: "swemwbs_raw", Timepoint: "m6", Kind: "change",
		Reference: &federation.Reference{Baseline: vb, Change: 9, Slope: 0.6, Residual: 8},
		Cells:     []federation.Cell{{Arm: "comparison", Periods: []int{2024}, N: n, Key: int64(100 * n), Values: []float64{21, 0.5}}}}
}

// TestLedgerFormatOne: a ledger entry written by a bundle of format 1
// (exact sums, which read back as no values) whose block nobody has joined
// since is replaced by the current cell and sent, not held back for ever;
// one that a resident joined is held back until the block has grown by
// min_cell.
func TestLedgerFormatOne(t *testing.T) {
	fam := hub.LedgerKey{Outcome: "swemwbs_raw", Timepoint: "m6", Arm: "comparison"}
	old := map[hub.LedgerKey][]federation.Cell{fam: {{Arm: "comparison", Periods: []int{2024}, N: 40, Key: 4000}}}
	for i := range 3 {
		out, entries, held := applyLedger([]federation.Statistic{scoreStat(40, 20)}, old, 8)
		if len(out) != 1 || len(out[0].Cells) != 1 || len(out[0].Cells[0].Values) != 2 || held != 0 {
			t.Fatalf("share %d after format 1: sent %+v, %d held; want the unchanged block sent", i+1, out, held)
		}
		old = entries
	}
	joined := map[hub.LedgerKey][]federation.Cell{fam: {{Arm: "comparison", Periods: []int{2024}, N: 40, Key: 4000}}}
	if out, _, held := applyLedger([]federation.Statistic{scoreStat(41, 20)}, joined, 8); len(out) != 0 || held != 1 {
		t.Errorf("one resident joined a format-1 block: sent %+v, %d held; want it held back", out, held)
	}
}

// TestLedgerReference: a score's reference pools every resident of the
// statistic, so successive bundles carry a new one only with min_cell
// residents more than the last; with fewer, the last again; with fewer
// residents than the last, nothing of the statistic, and every family
// keeps its last entry.
func TestLedgerReference(t *testing.T) {
	out, ledger, _ := applyLedger([]federation.Statistic{scoreStat(40, 20)}, nil, 8)
	if len(out) != 1 || out[0].Reference == nil || out[0].Reference.Baseline != 20 {
		t.Fatalf("first bundle: %+v, want the reference", out)
	}
	for _, c := range []struct {
		n          int
		vb, want   float64
		sent, next bool
	}{
		{43, 21, 20, true, false}, // 3 more: the last reference again
		{48, 22, 22, true, true},  // 8 more than the last sent: the new one
		{47, 23, 0, false, false}, // fewer: held back
	} {
		out, entries, _ := applyLedger([]federation.Statistic{scoreStat(c.n, c.vb)}, ledger, 8)
		switch {
		case !c.sent && len(out) != 0:
			t.Errorf("%d residents: sent %+v, want the statistic held back", c.n, out)
		case c.sent && (len(out) != 1 || out[0].Reference == nil || out[0].Reference.Baseline != c.want):
			t.Errorf("%d residents: sent %+v, want reference %g", c.n, out, c.want)
		}
		if !c.sent {
			fam := hub.LedgerKey{Outcome: "swemwbs_raw", Timepoint: "m6", Arm: "comparison"}
			if len(entries[fam]) != 1 || entries[fam][0].N != ledger[fam][0].N {
				t.Errorf("held back: the family's entry is %+v, want the last one %+v", entries[fam], ledger[fam])
			}
		}
		ledger = entries
	}
}
