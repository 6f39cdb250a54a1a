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
	// logV is Σ log(v_i+τ²) and logDet log det(XᵀWX), the other terms of
	// the restricted log-likelihood (see ll).
	logV, logDet float64
}

// ll is the restricted log-likelihood at the τ² of s, without its
// constant:
//
//	ℓ_R(τ²) = −½ [Σ log(v_i+τ²) + log det(XᵀWX) + yᵀPy].
func (s wstats) ll() float64 { return -(s.logV + s.logDet + s.q) / 2 }

// score is twice the derivative of ℓ_R in τ²: yᵀPPy − tr(P).
func (s wstats) score() float64 { return s.yPPy - s.trP }

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
	searched  bool   // Fisher scoring stalled and the bracketed search found τ²
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
	hi := pmMax
	qhi := m.at(hi).q
	for qhi > df && hi < pmLimit {
		hi *= 4
		qhi = m.at(hi).q
	}
	if qhi > df {
		return tau2Fit{tau2: hi, reason: fmt.Sprintf("Paule-Mandel: generalised Q still above %v at τ² = %g", df, hi)}
	}
	t, ok := solveQ(m, df, 0, hi, s0)
	return tau2Fit{tau2: t, converged: ok, reason: reasonIf(!ok, "Paule-Mandel root search did not converge")}
}

// solveQ returns the τ² in [lo, hi] at which the generalised Q(τ²) equals
// target, given Q(lo) ≥ target ≥ Q(hi) and s = m.at(lo). Q decreases with
// derivative −yᵀPPy, so Newton's method from the left converges fast; a
// step that leaves the bracket is replaced by bisection.
func solveQ(m model, target, lo, hi float64, s wstats) (float64, bool) {
	x := lo
	for range 100 {
		f := s.q - target
		if f == 0 {
			return x, true
		}
		if f > 0 {
			lo = x
		} else {
			hi = x
		}
		next := x + f/s.yPPy
		if !(next > lo && next < hi) {
			next = lo + (hi-lo)/2
		}
		if math.Abs(next-x) <= 1e-15*math.Max(1, x) || hi-lo <= 1e-15*math.Max(1, hi) {
			return next, true
		}
		x = next
		s = m.at(x)
	}
	return x, false
}

func reasonIf(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}

// eps is R's .Machine$double.eps, metafor's threshold for a zero Knapp-Hartung
// residual sum of squares.
const eps = 2.220446049250313e-16
