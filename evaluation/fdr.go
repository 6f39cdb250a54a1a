package evaluation

import (
	"math"
	"sort"
)

// BH returns the Benjamini-Hochberg adjusted p-values (q-values) of p, as
// R's p.adjust(p, method = "BH"): with the m p-values that are not NaN
// sorted so that p(1) ≤ … ≤ p(m),
//
//	q(i) = min over j ≥ i of min(1, m p(j) / j),
//
// and a NaN stays NaN (R's NA, which n = length(na.omit(p)) leaves out of
// m). Rejecting every hypothesis with q ≤ α controls the false discovery
// rate at α for independent or positively dependent tests (Benjamini and
// Hochberg 1995, J R Stat Soc B 57:289-300). The result is in p's order.
func BH(p []float64) []float64 {
	q := make([]float64, len(p))
	idx := make([]int, 0, len(p))
	for i, x := range p {
		if math.IsNaN(x) {
			q[i] = math.NaN()
			continue
		}
		idx = append(idx, i)
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	m := float64(len(idx))
	running := 1.0
	for r := len(idx) - 1; r >= 0; r-- {
		i := idx[r]
		running = math.Min(running, m*p[i]/float64(r+1))
		q[i] = running
	}
	return q
}
