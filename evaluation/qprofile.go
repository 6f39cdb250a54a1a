package evaluation

import (
	"fmt"
	"math"
)

type interval struct {
	lower, upper float64
	note         string
}

// tau2CI returns the Q-profile interval for τ² (Viechtbauer 2007), as
// metafor's confint(): the bounds solve
//
//	Q(τ²) = Σ w_i(τ²) (y_i − x_iᵀβ̂(τ²))² = χ²_{k−p; 1−α/2} (lower), χ²_{k−p; α/2} (upper),
//
// a bound being 0 when Q(0) is already below its quantile. As in metafor,
// the search stops at max(100, 10 τ̂²), and a bound there is noted.
func tau2CI(m model, q0, tau2, level float64) interval {
	df := float64(m.k() - m.p())
	alpha := 1 - level/100
	critU := chi2Quantile(1-alpha/2, df)
	critL := chi2Quantile(alpha/2, df)
	hi := math.Max(100, 10*tau2)
	qhi := m.at(hi).q
	var r interval
	var s0 wstats
	solve := func(crit float64) float64 {
		if s0.trP == 0 {
			s0 = m.at(0)
		}
		x, _ := solveQ(m, crit, 0, hi, s0)
		return x
	}
	switch {
	case q0 < critU:
		r.lower = 0
	case qhi > critU:
		r.lower = hi
	default:
		r.lower = solve(critU)
	}
	switch {
	case q0 < critL:
		r.upper = 0
	case qhi > critL:
		r.upper = hi
	default:
		r.upper = solve(critL)
	}
	if r.upper == hi {
		r.note = fmt.Sprintf("the Q-profile search for the τ² interval stopped at its limit %g: the upper bound is at least that", hi)
	}
	return r
}
