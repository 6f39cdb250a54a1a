package reports

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/reports/summary"
)

// Disclosure is what results.json says of disclosure control: the gate's
// rules, its statement, what the filter was widened to and how many
// residents' cells no release may hold.
type Disclosure struct {
	disclosure.Rules
	Statement string `json:"statement"`
	// Widened says, in plain English, how the filters were widened to
	// whole cells; empty when they were whole already.
	Widened []string `json:"widened,omitempty"`
	// WithheldCells and WithheldResidents count, over every statistic of
	// the report, the borough cells too small to release even combined,
	// and the residents (or devices) in them. They are for measuring the
	// gate, never published: an exact count of residents in cells too
	// small to release is itself a small count, and two reports' counts
	// would difference.
	WithheldCells     int `json:"-"`
	WithheldResidents int `json:"-"`
}

// DefaultDisclosure returns the gate's documented rules.
func DefaultDisclosure() disclosure.Rules { return disclosure.Defaults() }

// cell is the sums of one unit's residents for an outcome (or, combined,
// several released cells'), with the sum of their record keys. Only the
// fields of the outcome's kind are used; all are sums, so cells add.
type cell struct {
	N                               int
	Key                             int64
	SumB, SumF, SumBB, SumFF, SumBF float64
	CountBefore, DaysBefore         float64
	CountAfter, DaysAfter           float64
	Yes                             int
	YesKey                          int64
}

func (c *cell) add(o cell) {
	c.N += o.N
	c.Key += o.Key
	c.SumB += o.SumB
	c.SumF += o.SumF
	c.SumBB += o.SumBB
	c.SumFF += o.SumFF
	c.SumBF += o.SumBF
	c.CountBefore += o.CountBefore
	c.DaysBefore += o.DaysBefore
	c.CountAfter += o.CountAfter
	c.DaysAfter += o.DaysAfter
	c.Yes += o.Yes
	c.YesKey += o.YesKey
}

// The payload of a statistic's atomic cells, by kind: the sums, in order,
// that disclosure.Cell carries.
func sumsOf(k Kind, c cell) []float64 {
	switch k {
	case KindEvents:
		return []float64{c.CountBefore, c.DaysBefore, c.CountAfter, c.DaysAfter}
	case KindProportion:
		return []float64{float64(c.Yes), float64(c.YesKey)}
	}
	return []float64{c.SumB, c.SumF, c.SumBB, c.SumFF, c.SumBF}
}

func cellOf(k Kind, n int, key int64, s []float64) cell {
	c := cell{N: n, Key: key}
	at := func(i int) float64 {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	switch k {
	case KindEvents:
		c.CountBefore, c.DaysBefore, c.CountAfter, c.DaysAfter = at(0), at(1), at(2), at(3)
	case KindProportion:
		c.Yes, c.YesKey = int(at(0)), int64(at(1))
	default:
		c.SumB, c.SumF, c.SumBB, c.SumFF, c.SumBF = at(0), at(1), at(2), at(3), at(4)
	}
	return c
}

// arm is the gate's arm of a summary group: intervention or comparison;
// "" for any other (not analysed).
func arm(group string) string {
	if group == summary.Intervention || group == summary.Comparison {
		return group
	}
	return ""
}

// release passes one statistic's atomic cells through the gate and keeps
// the released cells the report's selection covers wholly.
func (r *Report) release(cells []disclosure.Cell) []disclosure.Released {
	_, picked := r.releaseAll(cells)
	return picked
}

// releaseAll passes one statistic's atomic cells through the gate and
// returns every released cell, whatever the selection, and those the
// selection covers wholly.
func (r *Report) releaseAll(cells []disclosure.Cell) (all, picked []disclosure.Released) {
	rel, held := r.gate.Release(cells)
	r.Disclosure.WithheldCells += held.Cells
	r.Disclosure.WithheldResidents += held.Residents
	return rel, r.sel.Pick(rel)
}

// unitCell is one unit's picked cells of one category and arm, summed.
type unitCell struct {
	unit disclosure.Unit
	c    cell
	// members are an unnamed unit's boroughs one by one (nil for a named
	// unit): analysed, never shown (see hiddenStudies).
	members map[string]cell
	// periods are the financial years of enrolment the cells hold.
	periods []disclosure.Period
	// ref is the unit's reference variances (references), from which a
	// score's rows' sampling variances are made.
	ref spread
}

// byUnit sums the picked cells of a category and arm per unit, keyed by
// the unit's boroughs (so that a comparison unit pairs with the
// intervention unit of the same boroughs), in row order: named boroughs
// alphabetically, then the combined rows.
func byUnit(k Kind, rs []disclosure.Released, category, armName string) ([]string, map[string]unitCell) {
	out := map[string]unitCell{}
	var order []string
	for _, x := range rs {
		if x.Category != category || x.Arm != armName {
			continue
		}
		id := strings.Join(x.Unit.Boroughs, ",")
		u, ok := out[id]
		if !ok {
			u.unit = x.Unit
			order = append(order, id)
		}
		u.c.add(cellOf(k, x.N, x.Key, x.Sums))
		for _, m := range x.Members {
			if u.members == nil {
				u.members = map[string]cell{}
			}
			mc := u.members[m.Borough]
			mc.add(cellOf(k, m.N, m.Key, m.Sums))
			u.members[m.Borough] = mc
		}
		for _, p := range x.Periods {
			if !slices.Contains(u.periods, p) {
				u.periods = append(u.periods, p)
			}
		}
		out[id] = u
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := out[order[i]].unit, out[order[j]].unit
		if a.Named != b.Named {
			return a.Named
		}
		return a.Label < b.Label
	})
	return order, out
}

// total sums picked cells matching keep.
func total(k Kind, rs []disclosure.Released, keep func(disclosure.Released) bool) cell {
	var c cell
	for _, x := range rs {
		if keep(x) {
			c.add(cellOf(k, x.N, x.Key, x.Sums))
		}
	}
	return c
}

// count publishes a count through the gate.
func (r *Report) count(n int, key int64) int { return r.Disclosure.Count(n, key) }

// nan is a withheld figure.
var nan = math.NaN()

func sqrt(x float64) float64 { return math.Sqrt(x) }
