package evaluation

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/ateval/ateval"
)

// Moderator is a borough-level covariate of a meta-regression: one value
// per study, in the studies' order.
type Moderator struct {
	Name   string
	Values []float64
}

// Factor codes a categorical moderator as R's factor() does in a model
// formula: levels sorted, the first the reference, one 0/1 indicator named
// name+level for each other level.
func Factor(name string, levels []string) []Moderator {
	uniq := slices.Clone(levels)
	slices.Sort(uniq)
	uniq = slices.Compact(uniq)
	mods := make([]Moderator, 0, len(uniq)-1)
	for _, l := range uniq[min(1, len(uniq)):] {
		m := Moderator{Name: name + l, Values: make([]float64, len(levels))}
		for i, v := range levels {
			if v == l {
				m.Values[i] = 1
			}
		}
		mods = append(mods, m)
	}
	return mods
}

// Coefficient is one row of a meta-regression's coefficient table.
type Coefficient struct {
	Name             string
	Estimate, SE     float64
	Stat, PValue     float64 // z (or t with Test KnHa or Adhoc) and its two-sided p
	CILower, CIUpper float64
}

// Regression is a fitted meta-regression (a mixed-effects model when
// τ² is estimated), as metafor's rma(yi, vi, mods=~...).
type Regression struct {
	K, P   int
	Method Method
	Test   Test
	Level  float64
	// Coef holds the intercept ("intrcpt") then one row per moderator.
	Coef []Coefficient
	// QM tests all moderators together: a Wald χ² on QMDf degrees of
	// freedom, or with Test KnHa or Adhoc an F statistic (the Wald statistic over
	// QMDf) on QMDf and K−P degrees of freedom.
	QM   float64
	QMDf int
	QMP  float64
	// QE tests residual heterogeneity: Σ (y_i − x_iᵀβ̂_FE)²/v_i on K−P
	// degrees of freedom.
	QE   float64
	QEDf int
	QEP  float64
	// Tau2 is the residual between-borough variance; I2 and H2 follow as
	// in Pool with s² = (k−p)/tr(P) at τ² = 0.
	Tau2, I2, H2 float64
	// R2 is the percentage of τ² accounted for by the moderators,
	// max(0, 100 (τ²₀ − τ²)/τ²₀) with τ²₀ from the model without them (0
	// when τ²₀ = 0); for FE, the adjusted R² of the weighted regression.
	R2            float64
	Converged     bool
	Tau2Truncated bool
	Notes         []string
	vb            *mat.SymDense // covariance of the coefficients
}

// Regress fits a meta-regression of the effects on the moderators (an
// intercept is added), with τ² estimated by o.Method and tests by o.Test.
// With weights w_i = 1/(v_i + τ̂²), β̂ = (XᵀWX)⁻¹XᵀWy and
// Var(β̂) = (XᵀWX)⁻¹, multiplied under KnHa by
// s² = Σ w_i (y_i − x_iᵀβ̂)² / (k−p) (under Adhoc by max(1, s²)) with t on
// k−p degrees of freedom.
// It returns an EINVALID error when k ≤ p or when the moderators are
// collinear. It panics if a moderator's length differs from the studies'.
func Regress(studies []Study, mods []Moderator, o Options) (Regression, error) {
	o = o.withDefaults()
	if err := checkStudies(studies); err != nil {
		return Regression{}, err
	}
	k, p := len(studies), len(mods)+1
	x := mat.NewDense(k, p, nil)
	names := []string{"intrcpt"}
	for i := range k {
		x.Set(i, 0, 1)
	}
	for j, m := range mods {
		if len(m.Values) != k {
			panic(fmt.Sprintf("evaluation: moderator %q has %d values for %d studies", m.Name, len(m.Values), k))
		}
		for i, v := range m.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Regression{}, ateval.Invalid("cannot fit the meta-regression",
					[]ateval.FieldError{{Field: label(studies, i), Message: fmt.Sprintf("moderator %s is %v", m.Name, v)}})
			}
			x.Set(i, j+1, v)
		}
		names = append(names, m.Name)
	}
	if k <= p {
		return Regression{}, ateval.Errorf(ateval.EINVALID, "a meta-regression with %d coefficients needs more than %d boroughs, got %d", p, p, k)
	}
	y, v := make([]float64, k), make([]float64, k)
	for i, s := range studies {
		y[i], v[i] = s.Yi, s.Vi
	}
	d := newDesign(y, v, x)
	if !d.solve(0) {
		return Regression{}, ateval.Errorf(ateval.EINVALID, "the moderators are collinear: drop one of them")
	}
	r := fitDesign(d, o, names)
	r.R2 = r2(d, y, v, r, o)
	return r, nil
}

func label(studies []Study, i int) string {
	if studies[i].Label != "" {
		return studies[i].Label
	}
	return fmt.Sprintf("study %d", i+1)
}

// fitDesign fits the model and fills in everything but R².
func fitDesign(d *design, o Options, names []string) Regression {
	k, p := d.k(), d.p()
	df := float64(k - p)
	r := Regression{K: k, P: p, Method: o.Method, Test: o.Test, Level: o.Level, QEDf: k - p, QMDf: p - 1}
	tf := estimateTau2(d, o)
	r.Tau2, r.Converged, r.Tau2Truncated = tf.tau2, tf.converged, tf.truncated
	if !tf.converged {
		r.Notes = append(r.Notes, tf.reason)
	}
	s0 := d.at(0)
	r.QE, r.QEP = s0.q, chi2Upper(s0.q, df)
	if o.Method == FE {
		r.I2, r.H2 = math.Max(0, 100*(r.QE-df)/r.QE), r.QE/df
	} else {
		vt := df / s0.trP
		r.I2, r.H2 = 100*r.Tau2/(vt+r.Tau2), r.Tau2/vt+1
	}
	d.solve(r.Tau2)
	r.vb = mat.NewSymDense(p, nil)
	r.vb.CopySym(d.vb)
	tdf := math.Inf(1)
	if o.Test.scaled() {
		var rss float64
		for i := range k {
			e := d.y[i] - mat.Dot(d.x.RowView(i), d.beta)
			rss += d.w[i] * e * e
		}
		r.vb.ScaleSym(knhaFactor(o.Test, rss, df), r.vb)
		tdf = df
	}
	crit := critical(1-o.Level/100, tdf)
	for j := range p {
		b, se := d.beta.AtVec(j), math.Sqrt(r.vb.At(j, j))
		c := Coefficient{Name: names[j], Estimate: b, SE: se, Stat: b / se}
		c.PValue = twoSided(c.Stat, tdf)
		c.CILower, c.CIUpper = b-crit*se, b+crit*se
		r.Coef = append(r.Coef, c)
	}
	if p > 1 {
		r.QM = wald(d.beta, r.vb, 1, p)
		if o.Test.scaled() {
			r.QM /= float64(p - 1)
			r.QMP = fUpper(r.QM, float64(p-1), df)
		} else {
			r.QMP = chi2Upper(r.QM, float64(p-1))
		}
	} else {
		r.QM, r.QMP = math.NaN(), math.NaN()
	}
	return r
}

// wald returns bᵀ V⁻¹ b for the coefficients from..to−1.
func wald(beta *mat.VecDense, vb *mat.SymDense, from, to int) float64 {
	m := to - from
	sub := mat.NewSymDense(m, nil)
	b := mat.NewVecDense(m, nil)
	for i := range m {
		b.SetVec(i, beta.AtVec(from+i))
		for j := i; j < m; j++ {
			sub.SetSym(i, j, vb.At(from+i, from+j))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(sub) {
		return math.NaN()
	}
	var z mat.VecDense
	if err := ch.SolveVecTo(&z, b); err != nil {
		return math.NaN()
	}
	return mat.Dot(b, &z)
}

// r2 computes metafor's default pseudo-R² (see Regression.R2).
func r2(d *design, y, v []float64, r Regression, o Options) float64 {
	if r.P == 1 {
		return math.NaN()
	}
	m0 := &intercept{y: y, v: v}
	if o.Method == FE {
		tss := m0.at(0).q
		if tss == 0 {
			return 0
		}
		k, p := float64(r.K), float64(r.P)
		adj := 1 - (r.QE/tss)*(k-1)/(k-p)
		return math.Max(0, 100*adj)
	}
	t0 := estimateTau2(m0, o).tau2
	if t0 == 0 {
		return 0
	}
	return math.Max(0, 100*(t0-r.Tau2)/t0)
}
