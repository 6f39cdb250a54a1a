package evaluation

import (
	"fmt"
	"math"
)

// wstats summarises the weighted least-squares fit of the effects y at one
// value of τ², with weights w_i = 1/(v_i+τ²), W = diag(w) and
//
//	P = W − W X (XᵀWX)⁻¹ XᵀW.
//
// It holds everything the estimators of τ² need.
type wstats struct {
	q    float64 // yᵀPy = Σ w_i (y_i − x_iᵀβ̂)², the generalised Q
	trP  float64 // tr(P)
	trPP float64 // tr(PP)
	yPPy float64 // yᵀPPy, which is −dQ/dτ²
}

// model is a weighted least-squares problem: the intercept-only model of a
// pooled estimate (O(k) per evaluation) or a meta-regression design.
type model interface {
	k() int
	p() int
	at(tau2 float64) wstats
}

// tau2Fit is an estimate of τ² and how it was reached.
type tau2Fit struct {
	tau2      float64
	truncated bool // the estimate was negative, or the maximum lay at 0
	converged bool
	iter      int
	reason    string // why it did not converge
}

// pmMax is metafor's tau2.max for the Paule-Mandel root search; the search
// widens past it (metafor stops with an error) up to pmLimit.
const (
	pmMax   = 100.0
	pmLimit = 1e8
)

// estimateTau2 estimates τ² by the method in o, which has its defaults.
func estimateTau2(m model, o Options) tau2Fit {
	df := float64(m.k() - m.p())
	if o.Method == FE || df <= 0 {
		return tau2Fit{converged: true}
	}
	s0 := m.at(0)
	// DerSimonian-Laird: τ² = (Q − (k−p)) / tr(P), with P at τ² = 0.
	dl := (s0.q - df) / s0.trP
	switch o.Method {
	case DL:
		return tau2Fit{tau2: math.Max(0, dl), truncated: dl < 0, converged: true}
	case PM:
		return pauleMandel(m, s0, df)
	}
	return reml(m, math.Max(0, dl), o)
}

// pauleMandel solves Q(τ²) = yᵀP(τ²)y = k − p for τ², or returns 0 when
// Q(0) < k − p. Q decreases in τ², so the root is bracketed.
func pauleMandel(m model, s0 wstats, df float64) tau2Fit {
	if s0.q < df {
		return tau2Fit{truncated: true, converged: true}
	}
	f := func(t float64) float64 { return m.at(t).q - df }
	hi, fhi := bracketAbove(f, pmMax)
	if fhi > 0 {
		return tau2Fit{tau2: hi, reason: fmt.Sprintf("Paule-Mandel: generalised Q still above %v at τ² = %g", df, hi)}
	}
	t, ok := brent(f, 0, hi, s0.q-df, fhi, 1e-14)
	return tau2Fit{tau2: t, converged: ok, reason: reasonIf(!ok, "Paule-Mandel root search did not converge")}
}

// bracketAbove returns hi ≥ start with f(hi) ≤ 0, doubling hi up to
// pmLimit, for decreasing f.
func bracketAbove(f func(float64) float64, start float64) (hi, fhi float64) {
	hi = start
	fhi = f(hi)
	for fhi > 0 && hi < pmLimit {
		hi *= 4
		fhi = f(hi)
	}
	return hi, fhi
}

func reasonIf(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}

// reml maximises the restricted likelihood by Fisher scoring, as metafor's
// rma() does: the step is
//
//	Δ = (yᵀPPy − tr(P)) / tr(PP),
//
// halved until τ² + Δ ≥ 0, and the iteration stops when |Δ| falls below
// o.Threshold or after o.MaxIter steps (then converged is false). A
// maximum at the boundary is returned as exactly 0 and flagged truncated.
func reml(m model, start float64, o Options) tau2Fit {
	t := start
	for it := 1; it <= o.MaxIter; it++ {
		s := m.at(t)
		adj := (s.yPPy - s.trP) / s.trPP
		if math.IsNaN(adj) || math.IsInf(adj, 0) {
			return tau2Fit{tau2: t, iter: it, reason: "REML: the Fisher scoring step is not a finite number"}
		}
		for n := 0; t+adj < 0 && n < 1100; n++ {
			adj /= 2
		}
		t += adj
		if math.Abs(adj) < o.Threshold {
			fit := tau2Fit{tau2: t, converged: true, iter: it}
			// Step halving creeps towards a maximum at the boundary
			// without reaching it: snap to 0 when the score there is
			// not positive.
			if t < 1e3*o.Threshold {
				if s0 := m.at(0); s0.yPPy-s0.trP <= 0 {
					fit.tau2, fit.truncated = 0, true
				}
			}
			return fit
		}
	}
	return tau2Fit{tau2: t, iter: o.MaxIter,
		reason: fmt.Sprintf("REML did not converge in %d Fisher scoring iterations", o.MaxIter)}
}

// brent finds a root of f in [a, b], where fa = f(a) and fb = f(b) have
// opposite signs, by Brent's method to within tol; ok is false if it ran
// out of iterations.
func brent(f func(float64) float64, a, b, fa, fb, tol float64) (root float64, ok bool) {
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
		tol1 := 2*eps*math.Abs(b) + 0.5*tol
		xm := 0.5 * (c - b)
		if math.Abs(xm) <= tol1 || fb == 0 {
			return b, true
		}
		if math.Abs(e) >= tol1 && math.Abs(fa) > math.Abs(fb) {
			var p, q float64
			s := fb / fa
			if a == c {
				p = 2 * xm * s
				q = 1 - s
			} else {
				q0 := fa / fc
				r := fb / fc
				p = s * (2*xm*q0*(q0-r) - (b-a)*(r-1))
				q = (q0 - 1) * (r - 1) * (s - 1)
			}
			if p > 0 {
				q = -q
			}
			p = math.Abs(p)
			if 2*p < math.Min(3*xm*q-math.Abs(tol1*q), math.Abs(e*q)) {
				e = d
				d = p / q
			} else {
				d = xm
				e = d
			}
		} else {
			d = xm
			e = d
		}
		a, fa = b, fb
		if math.Abs(d) > tol1 {
			b += d
		} else if xm > 0 {
			b += tol1
		} else {
			b -= tol1
		}
		fb = f(b)
	}
	return b, false
}

const eps = 2.220446049250313e-16
