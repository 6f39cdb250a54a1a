package federation

import (
	"testing"
)

func cellOf(n int, sum float64, periods ...int) Cell {
	return Cell{Arm: "comparison", Periods: periods, N: n, Key: int64(n), Values: []float64{sum / float64(n), 0}}
}

// TestSuccessive: each case is a family's last released cells, the gate's
// cells now, and what the bundle carries: never two releases of a block
// of years fewer than 8 residents apart.
func TestSuccessive(t *testing.T) {
	for _, c := range []struct {
		name       string
		prev, next []Cell
		want       []Cell
		keep       []Cell
	}{
		{"first release", nil, []Cell{cellOf(10, 100, 2025)}, []Cell{cellOf(10, 100, 2025)}, []Cell{cellOf(10, 100, 2025)}},
		{"unchanged", []Cell{cellOf(10, 100, 2025)}, []Cell{cellOf(10, 100, 2025)}, []Cell{cellOf(10, 100, 2025)}, []Cell{cellOf(10, 100, 2025)}},
		{"one resident more: carried forward", []Cell{cellOf(10, 100, 2025)}, []Cell{cellOf(11, 120, 2025)}, []Cell{cellOf(10, 100, 2025)}, []Cell{cellOf(10, 100, 2025)}},
		{"a score corrected: carried forward", []Cell{cellOf(10, 100, 2025)}, []Cell{cellOf(10, 103, 2025)}, []Cell{cellOf(10, 100, 2025)}, []Cell{cellOf(10, 100, 2025)}},
		{"eight more: released", []Cell{cellOf(10, 100, 2025)}, []Cell{cellOf(18, 180, 2025)}, []Cell{cellOf(18, 180, 2025)}, []Cell{cellOf(18, 180, 2025)}},
		{"one objected: held back", []Cell{cellOf(10, 100, 2025)}, []Cell{cellOf(9, 90, 2025)}, nil, []Cell{cellOf(10, 100, 2025)}},
		{"withheld by the gate: the ledger keeps it", []Cell{cellOf(10, 100, 2025)}, nil, nil, []Cell{cellOf(10, 100, 2025)}},
		{"two years merged, one more resident: carried forward",
			[]Cell{cellOf(10, 100, 2025), cellOf(9, 90, 2026)}, []Cell{cellOf(20, 200, 2025, 2026)},
			[]Cell{cellOf(10, 100, 2025), cellOf(9, 90, 2026)}, []Cell{cellOf(10, 100, 2025), cellOf(9, 90, 2026)}},
		{"a new year beside an old one grown by one",
			[]Cell{cellOf(10, 100, 2025)}, []Cell{cellOf(11, 110, 2025), cellOf(12, 120, 2026)},
			[]Cell{cellOf(10, 100, 2025), cellOf(12, 120, 2026)}, []Cell{cellOf(10, 100, 2025), cellOf(12, 120, 2026)}},
	} {
		send, keep := Successive(c.prev, c.next, 8)
		if !same(send, c.want) || !same(keep, c.keep) {
			t.Errorf("%s: sends %v and keeps %v, want %v and %v", c.name, send, keep, c.want, c.keep)
		}
	}
}

func same(a, b []Cell) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return sameCells(a, b)
}
