package federation

import (
	"slices"
)

// Successive decides what a borough's new bundle carries of one family of
// cells (one statistic's cells of one device category and arm), given the
// cells its last bundle carried of the family (prev, from the borough's
// share ledger) and the cells the disclosure gate releases now (next). It
// returns the cells to send and the family's new ledger entry.
//
// Two bundles of a borough a month apart could otherwise be subtracted
// cell by cell: a cell of 20 residents in one and of 21 in the next,
// their sums differenced, give the 21st resident's scores (the temporal
// differencing of issue 13, against which a report's filters move only in
// whole financial years). Disclosure control guidance names it: outputs
// from the same source must be checked against each other, not only one
// at a time, since "disclosure by differencing" needs no single output to
// be unsafe (ONS, Policy on protecting confidentiality in tables of birth
// and death statistics, section on differencing; Hundepool A et al.,
// Statistical Disclosure Control, Wiley 2012, section 5.2 on linked
// tables — neither checked here against the full text). A bundle's cells
// carry rounded means and published counts, not sums, but the count and
// record keys of a cell are exact, and two rounded means of 20 and 21
// residents narrow the 21st's scores more than one does; the rule here is
// therefore a threshold on the change, as a minimum frequency rule is a
// threshold on the count:
//
// The cells of both bundles are grouped into the smallest blocks of
// financial years that are unions of whole cells of each (the only sums
// an intruder holding both can subtract). For each block: cells the same
// as last time are sent again; new cells are sent when they hold at least
// minChange more residents than the block's cells held in the last bundle
// (so any difference between the two sums at least minChange residents);
// when they hold fewer (residents objected or were erased since), nothing
// of the block is sent until it has grown minChange past what was last
// sent; otherwise (fewer than minChange more residents, or the same number
// with other scores, such as a corrected assessment) the last bundle's
// cells are sent again unchanged. The ledger entry keeps, for every block,
// the cells last sent, so that each release of a block is at least
// minChange residents from every earlier one.
func Successive(prev, next []Cell, minChange int) (send, keep []Cell) {
	n := len(prev) + len(next)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	byYear := map[int]int{}
	link := func(i int, c Cell) {
		for _, p := range c.Periods {
			if j, ok := byYear[p]; ok {
				parent[find(i)] = find(j)
			} else {
				byYear[p] = i
			}
		}
	}
	for i, c := range prev {
		link(i, c)
	}
	for j, c := range next {
		link(len(prev)+j, c)
	}
	type block struct{ old, new []Cell }
	blocks := map[int]*block{}
	var roots []int
	for i := 0; i < n; i++ {
		r := find(i)
		b := blocks[r]
		if b == nil {
			b = &block{}
			blocks[r] = b
			roots = append(roots, r)
		}
		if i < len(prev) {
			b.old = append(b.old, prev[i])
		} else {
			b.new = append(b.new, next[i-len(prev)])
		}
	}
	for _, r := range roots {
		b := blocks[r]
		o, x := residents(b.old), residents(b.new)
		switch {
		case len(b.new) == 0:
			keep = append(keep, b.old...)
		case len(b.old) == 0, sameCells(b.old, b.new), x >= o+minChange:
			send = append(send, b.new...)
			keep = append(keep, b.new...)
		case x < o:
			keep = append(keep, b.old...)
		default:
			send = append(send, b.old...)
			keep = append(keep, b.old...)
		}
	}
	byFirst := func(a, b Cell) int { return a.Periods[0] - b.Periods[0] }
	slices.SortFunc(send, byFirst)
	slices.SortFunc(keep, byFirst)
	return send, keep
}

func residents(cs []Cell) int {
	n := 0
	for _, c := range cs {
		n += c.N
	}
	return n
}

func sameCells(a, b []Cell) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	byFirst := func(x, y Cell) int { return x.Periods[0] - y.Periods[0] }
	slices.SortFunc(a, byFirst)
	slices.SortFunc(b, byFirst)
	for i := range a {
		if !slices.Equal(a[i].Periods, b[i].Periods) || a[i].N != b[i].N || a[i].Key != b[i].Key || !slices.Equal(a[i].Values, b[i].Values) ||
			a[i].Category != b[i].Category || a[i].Arm != b[i].Arm {
			return false
		}
	}
	return true
}
