package forms

import (
	"fmt"
	"math"
	"strconv"

	"github.com/ateval/ateval"
)

// Score derives every score of the instrument from raw answers, in the order
// of the instrument's score rules; the first is the headline. Only valid
// values of shown items count; an item with a missing reason, an invalid
// value or no answer is missing. A score that cannot be made has a nil Value
// and says why in NotScorable. An instrument with no score rules (one
// imported from REDCap) has no scores.
func (in *Instrument) Score(answers []Answer) []Score {
	return in.score(answers, in.values(answers))
}

// score is Score with the shown items' values worked out.
func (in *Instrument) score(answers []Answer, values map[string]float64) []Score {
	var reasons map[string]MissingReason // made at the first missing answer
	for _, a := range answers {
		if a.Missing != "" {
			if reasons == nil {
				reasons = map[string]MissingReason{}
			}
			reasons[a.Item] = a.Missing
		}
	}
	out := make([]Score, 0, len(in.Scores))
	vals := make([]float64, len(in.Scores)) // one allocation for every value
	for i, r := range in.Scores {
		s := Score{Name: r.Name, Method: r.MethodID()}
		v, why := r.compute(values, reasons, in)
		if why != "" {
			s.NotScorable = why
		} else {
			vals[i] = v
			s.Value = &vals[i]
		}
		out = append(out, s)
	}
	return out
}

// Recompute validates an assessment's answers against the framework and
// replaces its scores with freshly derived ones. It records the framework
// version on an assessment that has none; an assessment taken under another
// version keeps its version, and its scores name the methods used now.
func (f *Framework) Recompute(a *Assessment) error {
	in, ok := f.Instrument(a.Instrument)
	if !ok {
		return ateval.Errorf(ateval.EINVALID, "instrument %q is not in framework %s", a.Instrument, f.version)
	}
	if err := in.Validate(a.Answers); err != nil {
		return err
	}
	if a.FrameworkVersion == "" {
		a.FrameworkVersion = f.version
	}
	a.Scores = in.Score(a.Answers)
	return nil
}

func (r *ScoreRule) compute(values map[string]float64, reasons map[string]MissingReason, in *Instrument) (float64, string) {
	missing := func() (n int, first string) {
		for _, id := range r.Items {
			if _, ok := values[id]; !ok {
				if n == 0 {
					first = id
				}
				n++
			}
		}
		return n, first
	}
	why := func(id string) string {
		if m, ok := reasons[id]; ok {
			return fmt.Sprintf("%s is missing (%s)", id, m)
		}
		return id + " has no answer"
	}
	all := func() string {
		if n, first := missing(); n == 1 {
			return why(first) + "; every item is needed"
		} else if n > 1 {
			return fmt.Sprintf("%d of %d items missing; every item is needed", n, len(r.Items))
		}
		return ""
	}
	sum := func() (s float64) {
		for _, id := range r.Items {
			s += values[id]
		}
		return s
	}
	switch r.Kind {
	case KindItem:
		v, ok := values[r.Items[0]]
		if !ok {
			return 0, why(r.Items[0])
		}
		return v, ""
	case KindSum:
		n, _ := missing()
		if n > r.MaxMissing {
			if r.MaxMissing == 0 {
				return 0, all()
			}
			return 0, fmt.Sprintf("%d of %d items missing; at most %d may be prorated", n, len(r.Items), r.MaxMissing)
		}
		if n == 0 {
			return sum(), ""
		}
		return prorate(sum(), len(r.Items)-n, len(r.Items), r.Prorated), ""
	case KindLookup:
		if w := all(); w != "" {
			return 0, w
		}
		raw := sum()
		for _, row := range r.Table {
			if row[0] == raw {
				return row[1], ""
			}
		}
		return 0, fmt.Sprintf("raw score %v is not in the conversion table", raw)
	case KindValueSet:
		vs := r.values
		if vs == nil {
			return 0, r.NotLoaded
		}
		if w := all(); w != "" {
			return 0, w
		}
		total := 0.0
		for _, id := range r.Items {
			total += vs.Weights[id][strconv.Itoa(int(values[id]))]
		}
		v := vs.Intercept + vs.Multiplier*total
		if vs.Decimals != nil {
			v = round(v, *vs.Decimals)
		}
		return v, ""
	case KindProfile:
		if w := all(); w != "" {
			return 0, w
		}
		v := 0.0
		for _, id := range r.Items {
			v = v*10 + values[id]
		}
		return v, ""
	case KindGAST:
		return r.gasT(values, why)
	case KindRate:
		days, ok := values[r.PeriodItem]
		if !ok {
			return 0, why(r.PeriodItem)
		}
		if days <= 0 {
			return 0, r.PeriodItem + " must be above 0"
		}
		if w := all(); w != "" {
			return 0, w
		}
		return round(sum()*float64(r.PerDays)/days, 3), ""
	}
	return 0, "scoring kind " + r.Kind + " is unknown"
}

func gasItem(goal int, what string) string { return fmt.Sprintf("gas_goal%d_%s", goal, what) }

// gasT is the goal attainment T-score of Kiresuk & Sherman (1968):
//
//	T = 50 + 10 Σwᵢxᵢ / sqrt((1−ρ)Σwᵢ² + ρ(Σwᵢ)²)
//
// over the goals with an attainment xᵢ in −2..+2 and weight wᵢ, with ρ the
// assumed correlation between goal scores (0.3 by convention).
func (r *ScoreRule) gasT(values map[string]float64, why func(string) string) (float64, string) {
	var swx, sw, sw2 float64
	goals := 0
	for g := 1; g <= r.Goals; g++ {
		x, ok := values[gasItem(g, "attainment")]
		if !ok {
			continue
		}
		w, ok := values[gasItem(g, "weight")]
		if !ok {
			return 0, fmt.Sprintf("goal %d has an attainment but no weight (%s)", g, why(gasItem(g, "weight")))
		}
		goals++
		swx += w * x
		sw += w
		sw2 += w * w
	}
	if goals == 0 {
		return 0, "no goal has an attainment"
	}
	d := math.Sqrt((1-r.Rho)*sw2 + r.Rho*sw*sw)
	if d == 0 {
		return 0, "the goal weights sum to 0"
	}
	return round(50+10*swx/d, 2), ""
}

// prorate returns the sum of the answered items scaled to all of them,
// sum × items / answered, rounded up to a whole number when how is
// ProratedUp and not rounded otherwise. Item values are whole numbers, so
// sum × items is exact; a quotient within rounding of a whole number is
// that number, so that 12 × 7 / 6 is 14, never 15.
func prorate(sum float64, answered, items int, how string) float64 {
	v := sum * float64(items) / float64(answered)
	if how != ProratedUp {
		return v
	}
	if w := math.Round(v); math.Abs(v-w) < 1e-9 {
		return w
	}
	return math.Ceil(v)
}

// round rounds half away from zero to the given number of decimals.
func round(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	r := math.Round(v*p) / p
	if r == 0 {
		return 0 // no negative zero
	}
	return r
}
