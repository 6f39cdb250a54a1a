package evaluation

import (
	"math"
)

// Pooled is a pooled estimate across boroughs with its heterogeneity
// statistics. Its JSON form is the "pooled" object of results.json and of
// `ateval pool --json`; a statistic that does not exist for the fit (the τ²
// interval of a fixed-effect model, say) is NaN in Go and null in JSON.
type Pooled struct {
	K        int     `json:"k"`
	Method   Method  `json:"method"`
	Test     Test    `json:"test"`
	Estimate float64 `json:"estimate"`
	SE       float64 `json:"se"`
	CILower  float64 `json:"ci_lower"`
	CIUpper  float64 `json:"ci_upper"`
	PValue   float64 `json:"p_value"`
	// Tau2 is the between-borough variance τ²; its interval is by Q-profile.
	Tau2        float64 `json:"tau2"`
	Tau2CILower float64 `json:"tau2_ci_lower"`
	Tau2CIUpper float64 `json:"tau2_ci_upper"`
	I2          float64 `json:"i2"` // percent
	H2          float64 `json:"h2"`
	// Q is Cochran's Q with fixed-effect weights, on QDf = k−1 degrees of
	// freedom, with upper-tail p-value QP.
	Q   float64 `json:"q"`
	QDf int     `json:"q_df"`
	QP  float64 `json:"q_p"`
	// PILower and PIUpper bound the prediction interval for the effect in a
	// new borough.
	PILower   float64 `json:"pi_lower"`
	PIUpper   float64 `json:"pi_upper"`
	Converged bool    `json:"converged"`

	// Level is the confidence level in percent.
	Level float64 `json:"-"`
	// Stat is the z or t statistic of the estimate; Df the degrees of
	// freedom of t (+Inf for z).
	Stat float64 `json:"-"`
	Df   float64 `json:"-"`
	// Tau2Truncated reports that the estimator's value of τ² was negative
	// (or its maximum lay at the boundary) and τ² was set to 0.
	Tau2Truncated bool `json:"-"`
	// Iterations counts REML's Fisher scoring steps.
	// Searched reports that Fisher scoring stalled and τ² was found by
	// the bracketed search on the restricted likelihood.
	Searched   bool `json:"-"`
	Iterations int  `json:"-"`
	// Notes explain anything a reader should know: a small k, a truncated
	// τ², a failure to converge and why.
	Notes []string `json:"-"`
}

// intercept is the model of a pooled estimate: y_i = μ + u_i + e_i.
type intercept struct{ y, v []float64 }

func (m *intercept) k() int { return len(m.y) }
func (m *intercept) p() int { return 1 }

// at computes, with w_i = 1/(v_i+τ²), S_j = Σ w_i^j, μ̂ = Σ w_i y_i / S_1
// and e_i = y_i − μ̂:
//
//	Q = Σ w_i e_i²,  yᵀPPy = Σ w_i² e_i²,
//	tr(P) = Σ a_i,  tr(PP) = Σ a_i² + Σ w_i² (S_2 − w_i²)/S_1²,  a_i = w_i (S_1 − w_i)/S_1.
//	log det(XᵀWX) = log S_1.
//
// For the largest weight, S_1 − w_i and S_2 − w_i² are summed from the
// other weights rather than subtracted, so that one borough with a tiny
// variance does not cancel the traces to zero.
func (m *intercept) at(tau2 float64) wstats {
	var st wstats
	var s1, s2, swy, wmax float64
	big := 0
	for i, v := range m.v {
		w := 1 / (v + tau2)
		s1 += w
		s2 += w * w
		swy += w * m.y[i]
		st.logV += math.Log(v + tau2)
		if w > wmax {
			wmax, big = w, i
		}
	}
	mu := swy / s1
	st.logDet = math.Log(s1)
	var r1, r2 float64
	for i, v := range m.v {
		w := 1 / (v + tau2)
		e := m.y[i] - mu
		st.q += w * e * e
		st.yPPy += w * w * e * e
		if i == big {
			continue
		}
		r1 += w
		r2 += w * w
		a := w * (s1 - w) / s1
		st.trP += a
		st.trPP += a*a + w*w*(s2-w*w)/(s1*s1)
	}
	a := wmax * r1 / s1
	st.trP += a
	st.trPP += a*a + wmax*wmax*r2/(s1*s1)
	return st
}

// Pool pools the boroughs' effects, as metafor's
// rma(yi, vi, method=o.Method, test=o.Test, level=o.Level) with
// predict() and confint() would. With weights w_i = 1/(v_i + τ̂²):
//
//	μ̂ = Σ w_i y_i / Σ w_i,  Var(μ̂) = 1 / Σ w_i.
//
// With Test KnHa, Var(μ̂) is multiplied by s² = Σ w_i (y_i − μ̂)² / (k−1)
// (not truncated at 1, as in metafor), with Adhoc by max(1, s²), and
// intervals and p-values use t on k−1 degrees of freedom; with Z they use
// the normal distribution.
// The prediction interval is μ̂ ± c √(Var(μ̂) + τ̂²) with the same critical
// value c as the confidence interval. Q = Σ (y_i − μ̂_FE)² / v_i. For the
// random-effects methods, with the "typical" within-borough variance
//
//	s² = (k−1) Σ(1/v_i) / ((Σ 1/v_i)² − Σ 1/v_i²),
//
// I² = 100 τ̂²/(τ̂² + s²) and H² = (τ̂² + s²)/s²; for FE, I² =
// max(0, 100 (Q − (k−1))/Q) and H² = Q/(k−1). The interval for τ² is
// the Q-profile interval (see Tau2CI).
//
// One borough (k = 1) gives its own effect with τ² = 0 and notes that
// heterogeneity cannot be estimated; with k = 2 a note warns that τ² is
// barely estimable. Pool returns an EINVALID error naming any borough
// whose effect or variance is not a finite number or whose variance is
// not positive.
func Pool(studies []Study, o Options) (Pooled, error) {
	o = o.withDefaults()
	if err := checkStudies(studies); err != nil {
		return Pooled{}, err
	}
	k := len(studies)
	y := make([]float64, 2*k)
	m := &intercept{y: y[:k:k], v: y[k:]}
	for i, s := range studies {
		m.y[i], m.v[i] = s.Yi, s.Vi
	}
	return poolModel(m, o), nil
}

// PoolValues is Pool for effects and variances in two slices of equal
// length, with studies labelled by their position.
func PoolValues(yi, vi []float64, o Options) (Pooled, error) {
	if len(yi) != len(vi) {
		panic("evaluation: yi and vi differ in length")
	}
	o = o.withDefaults()
	m := &intercept{y: yi, v: vi}
	if err := checkValues(yi, vi); err != nil {
		return Pooled{}, err
	}
	return poolModel(m, o), nil
}

func checkValues(yi, vi []float64) error {
	for i := range yi {
		if !(vi[i] >= minVariance && vi[i] <= maxMagnitude && math.Abs(yi[i]) <= maxMagnitude) {
			st := make([]Study, len(yi))
			for j := range yi {
				st[j] = Study{Yi: yi[j], Vi: vi[j]}
			}
			return checkStudies(st)
		}
	}
	if len(yi) == 0 {
		return checkStudies(nil)
	}
	return nil
}

func poolModel(m *intercept, o Options) Pooled {
	k := m.k()
	r := Pooled{K: k, Method: o.Method, Test: o.Test, Level: o.Level, QDf: k - 1}
	tf := estimateTau2(m, o)
	r.Tau2, r.Tau2Truncated, r.Converged, r.Iterations, r.Searched = tf.tau2, tf.truncated, tf.converged, tf.iter, tf.searched
	if !tf.converged {
		r.Notes = append(r.Notes, tf.reason)
	}
	if tf.truncated {
		r.Notes = append(r.Notes, "the estimate of τ² was negative or at the boundary and has been set to 0: the boroughs' effects vary no more than chance would make them")
	}

	var sw, swy float64
	for i, v := range m.v {
		w := 1 / (v + r.Tau2)
		sw += w
		swy += w * m.y[i]
	}
	r.Estimate = swy / sw
	vb := 1 / sw
	df := float64(k - 1)
	if o.Test.scaled() && k == 1 {
		r.Test = Z
		r.Notes = append(r.Notes, "Knapp-Hartung needs at least two boroughs: the z test is used")
	}
	if r.Test.scaled() {
		var rss float64
		for i, v := range m.v {
			e := m.y[i] - r.Estimate
			rss += e * e / (v + r.Tau2)
		}
		vb *= knhaFactor(r.Test, rss, df)
		if o.Method == FE {
			r.Notes = append(r.Notes, "Knapp-Hartung is not meant for fixed-effect models")
		}
		r.Df = df
	} else {
		r.Df = math.Inf(1)
	}
	r.SE = math.Sqrt(vb)
	alpha := 1 - o.Level/100
	crit := critical(alpha, r.Df)
	r.Stat = r.Estimate / r.SE
	r.PValue = twoSided(r.Stat, r.Df)
	r.CILower, r.CIUpper = r.Estimate-crit*r.SE, r.Estimate+crit*r.SE

	s0 := m.at(0)
	r.Q = s0.q
	r.Tau2CILower, r.Tau2CIUpper = math.NaN(), math.NaN()
	switch {
	case k == 1:
		r.Q, r.QP, r.I2, r.H2 = 0, 1, 0, 1
		r.PILower, r.PIUpper = math.NaN(), math.NaN()
		r.Notes = append(r.Notes, "one borough only: heterogeneity cannot be estimated, the estimate is that borough's own effect and there is no prediction interval")
		return r
	case o.Method == FE:
		r.QP = chi2Upper(r.Q, df)
		r.I2 = math.Max(0, 100*(r.Q-df)/r.Q)
		r.H2 = r.Q / df
		r.PILower, r.PIUpper = r.CILower, r.CIUpper
	default:
		r.QP = chi2Upper(r.Q, df)
		vt := df / s0.trP
		r.I2 = 100 * r.Tau2 / (vt + r.Tau2)
		r.H2 = r.Tau2/vt + 1
		spi := math.Sqrt(vb + r.Tau2)
		r.PILower, r.PIUpper = r.Estimate-crit*spi, r.Estimate+crit*spi
		ci := tau2CI(m, s0.q, r.Tau2, o.Level)
		r.Tau2CILower, r.Tau2CIUpper = ci.lower, ci.upper
		if ci.note != "" {
			r.Notes = append(r.Notes, ci.note)
		}
	}
	if k == 2 {
		r.Notes = append(r.Notes, "two boroughs only: τ² is barely estimable and its interval very wide; read the pooled estimate with care")
	}
	return r
}
