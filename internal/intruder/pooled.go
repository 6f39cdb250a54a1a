package intruder

import "math"

// Pooled is what a release publishes of a pooled analysis that the attack
// on hidden studies reads: its estimate, standard error and τ², at the
// full precision of results.json.
type Pooled struct {
	Estimate, SE, Tau2 float64
}

// Matches reports whether two pooled analyses agree to the precision
// results.json carries (float64, written in full), allowing only the
// last bits of a refit.
func (p Pooled) Matches(q Pooled) bool {
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	return near(p.Estimate, q.Estimate) && near(p.SE, q.SE) && near(p.Tau2, q.Tau2)
}

// Candidates is the attack on a study that is pooled but not shown (a
// small borough analysed apart from the combined row shown): an intruder
// who knows everything but one resident's value tries each value it could
// take, rebuilds every release's pooled analysis as the publisher would
// (rebuild, with the value and the release's index), and keeps the values
// that reproduce every release's published figures. One value left is the
// resident recovered; two or more, the releases do not tell them apart.
// A value rebuild cannot make (an error) is dropped.
func Candidates(values []float64, published []Pooled, rebuild func(value float64, release int) (Pooled, error)) []float64 {
	var out []float64
next:
	for _, v := range values {
		for i, p := range published {
			q, err := rebuild(v, i)
			if err != nil || !q.Matches(p) {
				continue next
			}
		}
		out = append(out, v)
	}
	return out
}
