package evaluation

import (
	"fmt"
	"math"
)

// reml maximises the restricted log-likelihood ℓ_R(τ²) (see wstats.ll) over
// τ² ≥ 0 in two stages.
//
// First Fisher scoring from start, as metafor's rma() does: the full step
// is
//
//	Δ = (yᵀPPy − tr(P)) / tr(PP),
//
// the proposal is max(0, τ² + Δ), and the step is halved until ℓ_R does
// not fall (to within rounding), so scoring can overshoot but never
// oscillate. It has converged when |Δ| < o.Threshold, or at τ² = 0 when
// Δ ≤ 0 there (a maximum at the boundary, flagged truncated).
//
// When scoring stalls (no halving of the step raises ℓ_R, a step is not a
// finite number, or o.MaxIter steps pass), a bracketed search takes over
// (see remlSearch). A fit is reported unconverged only when that search
// fails too.
func reml(m model, start float64, o Options) tau2Fit {
	t := start
	s := m.at(t)
	l := s.ll()
	it := 0
	for it < o.MaxIter && finite(l) {
		it++
		step := s.score() / s.trPP
		if !finite(step) {
			break
		}
		if t == 0 && step <= 0 {
			return tau2Fit{converged: true, truncated: true, iter: it}
		}
		if math.Abs(step) < o.Threshold {
			t = math.Max(0, t+step)
			return tau2Fit{tau2: t, truncated: t == 0, converged: true, iter: it}
		}
		moved := false
		for range 64 {
			next := math.Max(0, t+step)
			sn := m.at(next)
			if ln := sn.ll(); ln >= l-llTol(l) {
				t, s, l, moved = next, sn, ln, true
				break
			}
			step /= 2
		}
		if !moved {
			break
		}
	}
	f := remlSearch(m, t)
	f.iter += it
	return f
}

// llTol is how far ℓ_R may seem to fall from rounding alone.
func llTol(l float64) float64 { return 1e-13 * (1 + math.Abs(l)) }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Bounds of the bracketed search: τ² up to remlLimit, on a grid of
// remlGrid points from remlLimit's bracket down by a factor of 1e12.
const (
	remlLimit = 1e12
	remlGrid  = 240
)

// remlSearch finds the maximum of ℓ_R on τ² ≥ 0 by a bracketed search,
// given a point t near it. ℓ_R falls for large τ² (its derivative tends to
// −(k−p)/(2τ²)), so doubling an upper end hi from max(1, 2t) until the
// score yᵀPPy − tr(P) is negative brackets every maximum in [0, hi]. ℓ_R
// is evaluated at 0 and on a geometric grid from 1e-12·hi to hi, with t
// added; the best point and its neighbours bracket the maximum, and
// Brent's method (Brent 1973, ch. 4: bisection, secant and inverse
// quadratic steps) finds the zero of the score between them to full
// precision. A maximum at 0 (score at 0 not positive, and no grid point
// higher) is returned as 0 and flagged truncated.
func remlSearch(m model, t float64) tau2Fit {
	fail := func(why string) tau2Fit {
		return tau2Fit{tau2: t, searched: true, reason: "REML did not converge: " + why}
	}
	hi := math.Max(1, 2*t)
	for {
		s := m.at(hi)
		if !finite(s.score()) {
			return fail(fmt.Sprintf("the restricted likelihood is not a finite number at τ² = %g", hi))
		}
		if s.score() < 0 {
			break
		}
		if hi *= 2; hi > remlLimit {
			return fail(fmt.Sprintf("the restricted likelihood still rises at τ² = %g", remlLimit))
		}
	}
	grid := make([]float64, 0, remlGrid+2)
	grid = append(grid, 0)
	for j := range remlGrid {
		grid = append(grid, hi*math.Pow(10, -12*float64(remlGrid-1-j)/float64(remlGrid-1)))
	}
	if t > 0 && t < hi {
		grid = append(grid, t)
		// keep the grid sorted: t goes where it belongs
		for j := len(grid) - 1; j > 0 && grid[j] < grid[j-1]; j-- {
			grid[j], grid[j-1] = grid[j-1], grid[j]
		}
	}
	best, lbest := -1, math.Inf(-1)
	for j, g := range grid {
		if l := m.at(g).ll(); l > lbest {
			best, lbest = j, l
		}
	}
	if best < 0 {
		return fail("the restricted likelihood is not a finite number")
	}
	if best == 0 {
		if s0 := m.at(0); s0.score() <= 0 {
			return tau2Fit{truncated: true, converged: true, searched: true}
		}
	}
	a, b := grid[max(0, best-1)], grid[min(len(grid)-1, best+1)]
	score := func(x float64) float64 { return m.at(x).score() }
	fa, fb := score(a), score(b)
	if !(fa >= 0 && fb <= 0) {
		return fail("the restricted likelihood has no single maximum near its highest point")
	}
	x, ok := brentRoot(score, a, b, fa, fb)
	if !ok {
		return fail("Brent's method did not converge")
	}
	return tau2Fit{tau2: x, truncated: x == 0, converged: true, searched: true}
}

// brentRoot returns a zero of f in [a, b], given fa = f(a) and fb = f(b)
// of opposite signs (or one of them 0), by Brent's method (zeroin), to
// within a few units in the last place of the root.
func brentRoot(f func(float64) float64, a, b, fa, fb float64) (float64, bool) {
	if fa == 0 {
		return a, true
	}
	if fb == 0 {
		return b, true
	}
	c, fc := a, fa
	d := b - a
	e := d
	for range 200 {
		if (fb > 0) == (fc > 0) {
			c, fc = a, fa
			d = b - a
			e = d
		}
		if math.Abs(fc) < math.Abs(fb) {
			a, b, c = b, c, b
			fa, fb, fc = fb, fc, fb
		}
		tol := 2*eps*math.Abs(b) + 1e-300
		m := (c - b) / 2
		if math.Abs(m) <= tol || fb == 0 {
			return b, true
		}
		if math.Abs(e) >= tol && math.Abs(fa) > math.Abs(fb) {
			// secant or inverse quadratic interpolation
			var p, q float64
			s := fb / fa
			if a == c {
				p, q = 2*m*s, 1-s
			} else {
				qa, r := fa/fc, fb/fc
				p = s * (2*m*qa*(qa-r) - (b-a)*(r-1))
				q = (qa - 1) * (r - 1) * (s - 1)
			}
			if p > 0 {
				q = -q
			} else {
				p = -p
			}
			if 2*p < math.Min(3*m*q-math.Abs(tol*q), math.Abs(e*q)) {
				e, d = d, p/q
			} else {
				d, e = m, m
			}
		} else {
			d, e = m, m
		}
		a, fa = b, fb
		if math.Abs(d) > tol {
			b += d
		} else if m > 0 {
			b += tol
		} else {
			b -= tol
		}
		fb = f(b)
	}
	return b, false
}
