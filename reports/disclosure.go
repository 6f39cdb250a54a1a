package reports

import (
	"fmt"
	"math"
	"sort"
)

// Disclosure holds the thresholds of disclosure control, applied to
// everything the report publishes (HTML, PDF, charts and results.json).
//
// The defaults follow NHS practice for statistics below national level:
// counts rounded to the nearest 5; a mean (or median, or percentage) based
// on 1–7 values withheld; and, from the framework, a borough shown on its
// own only with at least 10 residents. Confidence intervals and model
// estimates (pooled effects, τ², prediction intervals) are not suppressed.
type Disclosure struct {
	// RoundTo rounds every published count to the nearest multiple (5).
	RoundTo int `json:"round_to"`
	// MinValues is the fewest values a published mean, median or
	// percentage may rest on (8: withheld when based on 1–7).
	MinValues int `json:"min_values"`
	// MinBoroughN is the fewest residents with which a borough is shown on
	// its own (10); smaller boroughs are combined, unnamed, as "Other
	// boroughs (m)".
	MinBoroughN int `json:"min_borough_n"`
}

// DefaultDisclosure returns the documented defaults: round to 5, means on
// at least 8 values, boroughs shown with at least 10 residents.
func DefaultDisclosure() Disclosure { return Disclosure{RoundTo: 5, MinValues: 8, MinBoroughN: 10} }

func (d Disclosure) withDefaults() Disclosure {
	def := DefaultDisclosure()
	if d.RoundTo <= 0 {
		d.RoundTo = def.RoundTo
	}
	if d.MinValues <= 0 {
		d.MinValues = def.MinValues
	}
	if d.MinBoroughN <= 0 {
		d.MinBoroughN = def.MinBoroughN
	}
	return d
}

// Count rounds a count to the nearest multiple of RoundTo (halves up).
func (d Disclosure) Count(n int) int {
	r := d.RoundTo
	if r <= 1 {
		return n
	}
	return int(math.Floor(float64(n)/float64(r)+0.5)) * r
}

// MeanShown reports whether a mean, median or percentage of n values may
// be published.
func (d Disclosure) MeanShown(n int) bool { return n >= d.MinValues }

// otherLabel names the unnamed group of m small boroughs.
func otherLabel(m int) string {
	if m == 1 {
		return "Other borough (1)"
	}
	return fmt.Sprintf("Other boroughs (%d)", m)
}

// cell is one borough's sums for an outcome (or, combined, several small
// boroughs'). Only the fields of the outcome's kind are used; all are sums,
// so cells add.
type cell struct {
	Borough                         string
	Merged                          int // boroughs combined into this cell; 0 for a named borough
	N                               int
	SumB, SumF, SumBB, SumFF, SumBF float64
	CountBefore, DaysBefore         float64
	CountAfter, DaysAfter           float64
	Yes                             int
}

func (c *cell) add(o cell) {
	c.N += o.N
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
}

// pair is a borough's intervention cell and, for a difference in change,
// its comparison cell.
type pair struct {
	Borough string
	Merged  int
	T, C    cell
}

// disclose applies the minimum n to per-borough pairs: a borough whose
// intervention (or, when withComparison, comparison) residents number
// fewer than MinBoroughN joins the unnamed "Other boroughs" pair. That pair
// is kept only if each arm then reaches MinValues, since its effect is a
// mean of so few residents. It returns the pairs to publish, sorted by
// borough with "Other" last, and the residents left out.
func (d Disclosure) disclose(pairs []pair, withComparison bool) (shown []pair, droppedN int) {
	var other pair
	for _, p := range pairs {
		small := p.T.N < d.MinBoroughN || (withComparison && p.C.N < d.MinBoroughN)
		if !small {
			shown = append(shown, p)
			continue
		}
		other.Merged++
		other.T.add(p.T)
		other.C.add(p.C)
	}
	sort.Slice(shown, func(i, j int) bool { return shown[i].Borough < shown[j].Borough })
	if other.Merged > 0 {
		if other.T.N >= d.MinValues && (!withComparison || other.C.N >= d.MinValues) {
			other.Borough = otherLabel(other.Merged)
			shown = append(shown, other)
		} else {
			droppedN = other.T.N + other.C.N
		}
	}
	return shown, droppedN
}
