package evaluation

import (
	"math"

	"github.com/ateval/ateval"
)

// LeaveOneOut pools the studies k times, each time without one of them,
// as metafor's leave1out(): result i omits study i. It needs k ≥ 2.
func LeaveOneOut(studies []Study, o Options) ([]Pooled, error) {
	o = o.withDefaults()
	if err := checkStudies(studies); err != nil {
		return nil, err
	}
	k := len(studies)
	if k < 2 {
		return nil, ateval.Errorf(ateval.EINVALID, "leave-one-out needs at least 2 boroughs, got %d", k)
	}
	out := make([]Pooled, k)
	buf := make([]float64, 2*(k-1))
	m := &intercept{y: buf[: k-1 : k-1], v: buf[k-1:]}
	for i := range k {
		m.y, m.v = omit(m.y[:0], m.v[:0], studies, i)
		out[i] = poolModel(m, o)
	}
	return out, nil
}

func omit(y, v []float64, studies []Study, i int) ([]float64, []float64) {
	for j, s := range studies {
		if j != i {
			y, v = append(y, s.Yi), append(v, s.Vi)
		}
	}
	return y, v
}

// Influence holds case-deletion diagnostics for one study, as metafor's
// influence() for a model without moderators. With the full fit μ̂,
// Var(μ̂) (Knapp-Hartung scaled when so fitted), τ̂², weights w_i and hat
// h_i = w_i/Σw, and the fit without study i giving μ̂₍ᵢ₎, Var(μ̂₍ᵢ₎), τ̂²₍ᵢ₎
// and s²₍ᵢ₎ (the Knapp-Hartung factor; 1 for z):
type Influence struct {
	// RStudent = (y_i − μ̂₍ᵢ₎) / √(s²₍ᵢ₎ (v_i + τ̂²₍ᵢ₎) + Var(μ̂₍ᵢ₎)).
	RStudent float64
	// DFFITS = (μ̂ − μ̂₍ᵢ₎) / √(s²₍ᵢ₎ h_i (τ̂²₍ᵢ₎ + v_i)).
	DFFITS float64
	// CookD = (μ̂ − μ̂₍ᵢ₎)² / Var(μ̂).
	CookD float64
	// CovRatio = Var(μ̂₍ᵢ₎) / Var(μ̂).
	CovRatio float64
	// Tau2Del and QEDel are τ̂² and Q without study i.
	Tau2Del, QEDel float64
	// Hat is h_i; Weight is 100 h_i, in percent.
	Hat, Weight float64
	// DFBETAS = (μ̂ − μ̂₍ᵢ₎) / √(s²₍ᵢ₎ / Σ_j 1/(v_j + τ̂²₍ᵢ₎)), the sum over all k.
	DFBETAS float64
}

// Influences returns the case-deletion diagnostics of every study (see
// Influence). It needs k ≥ 3, so that each deleted fit has k−1 ≥ 2.
func Influences(studies []Study, o Options) ([]Influence, error) {
	o = o.withDefaults()
	if err := checkStudies(studies); err != nil {
		return nil, err
	}
	k := len(studies)
	if k < 3 {
		return nil, ateval.Errorf(ateval.EINVALID, "influence diagnostics need at least 3 boroughs, got %d", k)
	}
	full, _ := Pool(studies, o)
	loo, _ := LeaveOneOut(studies, o)
	var sw float64
	for _, s := range studies {
		sw += 1 / (s.Vi + full.Tau2)
	}
	vb := full.SE * full.SE
	out := make([]Influence, k)
	for i, s := range studies {
		d := loo[i]
		s2w := 1.0
		var swDel, swAll float64
		for j, t := range studies {
			w := 1 / (t.Vi + d.Tau2)
			swAll += w
			if j != i {
				swDel += w
			}
		}
		vDel := d.SE * d.SE
		if o.Test.scaled() {
			s2w = vDel * swDel
		}
		h := 1 / (s.Vi + full.Tau2) / sw
		dfb := full.Estimate - d.Estimate
		out[i] = Influence{
			RStudent: (s.Yi - d.Estimate) / math.Sqrt(s2w*(s.Vi+d.Tau2)+vDel),
			DFFITS:   dfb / math.Sqrt(s2w*h*(d.Tau2+s.Vi)),
			CookD:    dfb * dfb / vb,
			CovRatio: vDel / vb,
			Tau2Del:  d.Tau2,
			QEDel:    d.Q,
			Hat:      h,
			Weight:   100 * h,
			DFBETAS:  dfb / math.Sqrt(s2w/swAll),
		}
	}
	return out, nil
}

// MinFunnel is the fewest boroughs for which Egger's test and a funnel
// plot are offered: with fewer, the test has too little power to mean
// anything (Sterne et al. 2011).
const MinFunnel = 10

// EggerTest is Egger's regression test for funnel-plot asymmetry.
type EggerTest struct {
	// Stat is the z (or t) statistic of the standard-error coefficient, Df
	// its degrees of freedom (+Inf for z), P its two-sided p-value.
	Stat, Df, P float64
	// Limit is the intercept: the estimate as the standard error goes to
	// 0, with its confidence interval.
	Limit, LimitLower, LimitUpper float64
	// Converged reports that the regression's τ² was found.
	Converged bool
}

// Egger tests funnel-plot asymmetry as metafor's regtest() with its
// defaults model="rma", predictor="sei": the meta-regression
// y_i = β₀ + β₁ √v_i + u_i + e_i, fitted with o's method and test, and
// the test of β₁ = 0. It returns an EINVALID error when k < MinFunnel:
// what is published uses Egger. Regtest computes the same for any k ≥ 3.
func Egger(studies []Study, o Options) (EggerTest, error) {
	if len(studies) < MinFunnel {
		return EggerTest{}, ateval.Errorf(ateval.EINVALID, "Egger's test needs at least %d boroughs to mean anything, got %d", MinFunnel, len(studies))
	}
	return Regtest(studies, o)
}

// Regtest is Egger's test (see Egger) without the lower bound on k, for
// an analyst who knows how little it says with few boroughs; it needs
// k ≥ 3 to fit the regression.
func Regtest(studies []Study, o Options) (EggerTest, error) {
	sei := make([]float64, len(studies))
	for i, s := range studies {
		sei[i] = math.Sqrt(s.Vi)
	}
	r, err := Regress(studies, []Moderator{{Name: "sei", Values: sei}}, o)
	if err != nil {
		return EggerTest{}, err
	}
	df := math.Inf(1)
	if r.Test.scaled() {
		df = float64(r.K - r.P)
	}
	b0, b1 := r.Coef[0], r.Coef[1]
	return EggerTest{Stat: b1.Stat, Df: df, P: b1.PValue, Limit: b0.Estimate, LimitLower: b0.CILower, LimitUpper: b0.CIUpper,
		Converged: r.Converged}, nil
}

// FunnelPoint is one study in a funnel plot.
type FunnelPoint struct {
	Label  string
	Yi, SE float64
}

// Funnel is what a funnel plot draws: each study's effect against its
// standard error, and the pseudo-confidence region Center ± Crit·se for se
// from 0 to SEMax.
type Funnel struct {
	Points []FunnelPoint
	Center float64
	Crit   float64
	SEMax  float64
}

// FunnelData returns the funnel plot of the studies around the pooled
// estimate p (as metafor's funnel(): centred at the estimate, region at
// the normal quantile of p.Level). It returns an EINVALID error when
// k < MinFunnel.
func FunnelData(studies []Study, p Pooled) (Funnel, error) {
	if len(studies) < MinFunnel {
		return Funnel{}, ateval.Errorf(ateval.EINVALID, "a funnel plot needs at least %d boroughs, got %d", MinFunnel, len(studies))
	}
	if err := checkStudies(studies); err != nil {
		return Funnel{}, err
	}
	level := p.Level
	if level == 0 {
		level = 95
	}
	f := Funnel{Center: p.Estimate, Crit: critical(1-level/100, math.Inf(1)), Points: make([]FunnelPoint, len(studies))}
	for i, s := range studies {
		se := math.Sqrt(s.Vi)
		f.Points[i] = FunnelPoint{Label: s.Label, Yi: s.Yi, SE: se}
		f.SEMax = math.Max(f.SEMax, se)
	}
	return f, nil
}
