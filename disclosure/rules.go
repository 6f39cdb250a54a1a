package disclosure

import (
	"fmt"
	"math"

	"github.com/ateval/ateval"
)

// Rules are the thresholds of the gate. They may be raised by
// configuration, never lowered below Defaults: a report file is published
// as readily as a page.
type Rules struct {
	// RoundTo rounds every published count, after perturbation, to the
	// nearest multiple (5).
	RoundTo int `json:"round_to"`
	// MinValues is the fewest values a published mean, median or share may
	// rest on (8: withheld when based on 1–7, NHS England practice).
	MinValues int `json:"min_values"`
	// MinBoroughN is the fewest residents with which a borough is shown on
	// its own (10); smaller boroughs are combined, unnamed, within their
	// group, or not released.
	MinBoroughN int `json:"min_borough_n"`
	// MinCell is the fewest residents a released cell holds (8), so that
	// the difference of two releases is never a group smaller than a mean
	// may be published for.
	MinCell int `json:"min_cell"`
	// PerturbMax is the largest perturbation of a count before rounding (2).
	PerturbMax int `json:"perturb_max"`
	// Ambiguity is how many whole units of a sum (a point of a score, an
	// event) a published mean's rounding step spans at the least (4).
	Ambiguity float64 `json:"ambiguity"`
	// MinEvents is the fewest events a published rate may rest on (10, the
	// usual small-number rule for rates), counted as published: rate
	// ratios are made from the published (perturbed, rounded) counts of
	// events of whole cells, summed, so the true count may be a few fewer.
	MinEvents int `json:"min_events"`
}

// Defaults returns the documented rules.
func Defaults() Rules {
	return Rules{RoundTo: 5, MinValues: 8, MinBoroughN: 10, MinCell: 8, PerturbMax: 2, Ambiguity: 4, MinEvents: 10}
}

// WithDefaults fills zero fields from Defaults and refuses a rule weaker
// than its default.
func (r Rules) WithDefaults() (Rules, error) {
	d := Defaults()
	fill := func(v *int, def int, name string) error {
		if *v == 0 {
			*v = def
		} else if *v < def {
			return ateval.Errorf(ateval.EINVALID, "%s may be raised above %d, never lowered.", name, def)
		}
		return nil
	}
	for _, f := range []struct {
		v    *int
		def  int
		name string
	}{{&r.RoundTo, d.RoundTo, "Rounding of counts"}, {&r.MinValues, d.MinValues, "The fewest values of a mean"},
		{&r.MinBoroughN, d.MinBoroughN, "The fewest residents of a borough shown on its own"}, {&r.MinCell, d.MinCell, "The fewest residents of a released cell"},
		{&r.PerturbMax, d.PerturbMax, "The largest perturbation"}, {&r.MinEvents, d.MinEvents, "The fewest events of a rate"}} {
		if err := fill(f.v, f.def, f.name); err != nil {
			return r, err
		}
	}
	if r.Ambiguity == 0 {
		r.Ambiguity = d.Ambiguity
	} else if r.Ambiguity < d.Ambiguity {
		return r, ateval.Errorf(ateval.EINVALID, "The ambiguity of a published sum may be raised above %g, never lowered.", d.Ambiguity)
	}
	return r, nil
}

// MustDefaults is WithDefaults for rules known to be valid; it panics on
// weaker ones (a programming mistake).
func (r Rules) MustDefaults() Rules {
	out, err := r.WithDefaults()
	if err != nil {
		panic("disclosure: " + err.Error())
	}
	return out
}

// ptable maps a cell key (0–255) to a perturbation in −2..+2, with
// probabilities 5%, 20%, 50%, 20%, 5%: unbiased, and half the counts
// unchanged before rounding. The same key always gives the same value.
func ptable(key int64, max int) int {
	k := int(((key % 256) + 256) % 256)
	var d int
	switch {
	case k < 13:
		d = -2
	case k < 64:
		d = -1
	case k < 192:
		d = 0
	case k < 243:
		d = 1
	default:
		d = 2
	}
	return min(max, d)
}

// Count publishes a count of n residents (or devices, or events) whose
// record keys sum to key: zero stays zero; any other count is perturbed
// by the cell-key table, kept at least one, then rounded to the nearest
// RoundTo (halves up), so counts of 1–2 are published as 0.
func (r Rules) Count(n int, key int64) int {
	if n <= 0 {
		return 0
	}
	v := max(1, n+ptable(key+int64(n)*131, r.PerturbMax))
	if r.RoundTo <= 1 {
		return v
	}
	return int(math.Floor(float64(v)/float64(r.RoundTo)+0.5)) * r.RoundTo
}

// Events publishes a count of events (falls, admissions) of residents
// whose record keys sum to key, through Count, and reports whether a rate
// may rest on it: at least MinEvents events.
func (r Rules) Events(n int, key int64) (int, bool) {
	return r.Count(n, key), n >= r.MinEvents
}

// MeanShown reports whether a mean, median or share of n values may be
// published.
func (r Rules) MeanShown(n int) bool { return n >= r.MinValues }

// Step is the rounding step of a mean of n values whose sum moves in
// units of resolution: the least of 1, 2 and 5 times a power of ten that
// spans Ambiguity units of the sum. n is a published count, which may be
// 0 for residents there are, under rules that round counts coarsely: it is
// then taken as 1, the coarsest step, since one read from none would be
// no step at all (a mean "rounded" to a NaN step is left exact).
func (r Rules) Step(n float64, resolution float64) float64 {
	n = max(n, 1)
	if resolution <= 0 {
		return math.NaN()
	}
	return Ceil125(r.Ambiguity * resolution / n)
}

// Ceil125 returns the least of 1, 2 or 5 times a power of ten that is at
// least x (x > 0).
func Ceil125(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x*(1-1e-12) {
			return m * p
		}
	}
	return 10 * p
}

// Round rounds x to a multiple of step, written with no more decimals
// than the step has. NaN and infinities pass through.
func Round(x, step float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || !(step > 0) {
		return x
	}
	v := math.Round(x/step) * step
	d := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	p := math.Pow(10, float64(d))
	v = math.Round(v*p) / p
	if v == 0 {
		return 0 // no "-0"
	}
	return v
}

// Share is a published share: num / den of published counts, NaN when
// den rests on fewer than MinValues (true) values or is zero.
func (r Rules) Share(num, den, trueDen int) float64 {
	if den <= 0 || !r.MeanShown(trueDen) {
		return math.NaN()
	}
	return float64(num) / float64(den)
}

// Statement is the disclosure statement every report carries.
func (r Rules) Statement() string {
	return fmt.Sprintf("Disclosure control: every figure is built from fixed cells (a borough, a financial year of enrolment, a device category and a group), "+
		"each of at least %d residents; a borough with fewer than %d residents is never shown on its own, but combined unnamed with other small boroughs of its partnership, or left out; "+
		"filters select whole partnerships and whole financial years. Counts are perturbed by the cell-key method (ONS) and rounded to the nearest %d; "+
		"means, effects and variances are rounded to a precision tied to their count; shares come from the published counts; pooled estimates are computed from the published rows.",
		r.MinCell, r.MinBoroughN, r.RoundTo)
}
