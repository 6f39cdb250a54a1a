package evaluation

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/ateval/ateval"
)

// CrossProducts are the sums of one borough a linear mixed model
// y = Xβ + Zb + ε is fitted from, without a row of its data: the number of
// residents n and XᵀX, XᵀZ, ZᵀZ, Xᵀy, Zᵀy and yᵀy, X being the n×p
// fixed-effects design and Z the n×q design of the borough's random
// effects. Every borough has the same p and q.
type CrossProducts struct {
	Borough string
	N       int
	XtX     *mat.SymDense // p×p
	XtZ     *mat.Dense    // p×q
	ZtZ     *mat.SymDense // q×q
	Xty     *mat.VecDense // p
	Zty     *mat.VecDense // q
	YtY     float64
}

// ChangeCrossProducts returns the cross-products of one borough for the
// one-stage model of a follow-up score f on its baseline b and the group g
// (1 for residents given devices),
//
//	f = β₀ + β₁ b + β₂ g + u₀ + u₁ g + ε,
//
// with X = [1, b, g] and Z = [1, g], from the two groups' paired sums.
// With n, Σb, Σf, Σb², Σf², Σbf over all the borough's residents and n₁,
// Σ₁b, Σ₁f, Σ₁bf over those given devices,
//
//	XᵀX = [n Σb n₁; Σb Σb² Σ₁b; n₁ Σ₁b n₁],  Xᵀy = (Σf, Σbf, Σ₁f),  yᵀy = Σf²,
//
// and Z's products are XᵀX's and Xᵀy's rows and columns 0 and 2.
func ChangeCrossProducts(borough string, comparison, intervention PairedSums) CrossProducts {
	n := float64(comparison.N + intervention.N)
	n1 := float64(intervention.N)
	sb := comparison.SumB + intervention.SumB
	xtx := mat.NewSymDense(3, []float64{
		n, sb, n1,
		sb, comparison.SumBB + intervention.SumBB, intervention.SumB,
		n1, intervention.SumB, n1,
	})
	xty := mat.NewVecDense(3, []float64{comparison.SumF + intervention.SumF, comparison.SumBF + intervention.SumBF, intervention.SumF})
	z := []int{0, 2}
	xtz := mat.NewDense(3, 2, nil)
	ztz := mat.NewSymDense(2, nil)
	zty := mat.NewVecDense(2, nil)
	for j, c := range z {
		for i := range 3 {
			xtz.Set(i, j, xtx.At(i, c))
		}
		for k, d := range z {
			ztz.SetSym(j, k, xtx.At(c, d))
		}
		zty.SetVec(j, xty.AtVec(c))
	}
	return CrossProducts{Borough: borough, N: comparison.N + intervention.N, XtX: xtx, XtZ: xtz, ZtZ: ztz, Xty: xty, Zty: zty, YtY: comparison.SumFF + intervention.SumFF}
}

// MixedFit is a linear mixed model fitted by REML.
type MixedFit struct {
	// N residents in Boroughs boroughs.
	N, Boroughs int
	// REML is the restricted log-likelihood at the optimum, as lme4's
	// logLik() reports it for a model fitted with REML = TRUE.
	REML float64
	// Theta are the relative covariance factor's parameters in lme4's
	// order: the lower triangle of Λ column by column, the random effects'
	// covariance being σ²ΛΛᵀ.
	Theta []float64
	// Singular reports an optimum on the boundary: a diagonal element of Λ
	// below 1e-4 (lme4's isSingular), so that a random effect has no
	// variance or two are perfectly correlated.
	Singular bool
	// Beta are the fixed effects, SE their standard errors, Cov their
	// covariance σ̂²(XᵀV⁻¹X)⁻¹.
	Beta, SE []float64
	Cov      *mat.SymDense
	// Sigma is the residual standard deviation; RandomCov the random
	// effects' covariance σ̂²ΛΛᵀ.
	Sigma     float64
	RandomCov *mat.SymDense
}

// MixedModel fits y = Xβ + Zbᵢ + ε, bᵢ ~ N(0, σ²ΛΛᵀ) independently per
// borough, ε ~ N(0, σ²I), by REML from the boroughs' cross-products, as
// lme4's lmer(..., REML = TRUE) does from the rows. For given θ, with
// Mᵢ = ΛᵀZᵢᵀZᵢΛ + I (so that |Vᵢ| = |Mᵢ| for Vᵢ = I + ZᵢΛΛᵀZᵢᵀ, and by
// Woodbury Vᵢ⁻¹ = I − ZᵢΛMᵢ⁻¹ΛᵀZᵢᵀ),
//
//	A = Σᵢ XᵢᵀVᵢ⁻¹Xᵢ,  c = Σᵢ XᵢᵀVᵢ⁻¹yᵢ,  β̂ = A⁻¹c,  r² = Σᵢ yᵢᵀVᵢ⁻¹yᵢ − cᵀβ̂,
//
// and σ² and β profile out of the REML deviance, which lme4 minimises:
//
//	−2ℓ_R(θ) = Σᵢ log|Mᵢ| + log|A| + (n − p)(1 + log(2π r²/(n − p))).
//
// θ is searched by Nelder–Mead from several starts, each polished by BFGS
// with finite-difference gradients, and again with each diagonal element
// of Λ held at zero, so that an optimum on the boundary is found exactly
// rather than approached. It returns an EINVALID error when there are
// fewer than two boroughs or n ≤ p, or when the fixed effects are not
// identified (XᵀX singular: a group missing, a baseline that never varies).
// It panics when the boroughs' matrices differ in shape.
func MixedModel(bs []CrossProducts) (MixedFit, error) {
	if len(bs) < 2 {
		return MixedFit{}, ateval.Errorf(ateval.EINVALID, "a mixed model needs at least 2 boroughs, got %d", len(bs))
	}
	p, q := bs[0].XtX.SymmetricDim(), bs[0].ZtZ.SymmetricDim()
	n := 0
	for _, b := range bs {
		if b.XtX.SymmetricDim() != p || b.ZtZ.SymmetricDim() != q || b.Xty.Len() != p || b.Zty.Len() != q {
			panic("evaluation: boroughs' cross-products differ in shape")
		}
		if r, c := b.XtZ.Dims(); r != p || c != q {
			panic("evaluation: XᵀZ is not p×q")
		}
		n += b.N
	}
	if n <= p {
		return MixedFit{}, ateval.Errorf(ateval.EINVALID, "a mixed model with %d fixed effects needs more than %d residents, got %d", p, p, n)
	}
	m := mixed{bs: sortedBoroughs(bs), p: p, q: q, n: n}
	for _, b := range m.bs {
		m.flat = append(m.flat, flatten(b, p, q))
	}
	diag := m.diagonal()
	// At θ = 0 the model is ordinary least squares: if that fails, the
	// fixed effects are not identified whatever θ is.
	zero := make([]float64, len(diag)*(len(diag)+1)/2)
	ols, ok := m.profile(zero)
	if !ok {
		return MixedFit{}, ateval.Errorf(ateval.EINVALID, "the fixed effects of the mixed model are not identified: each group needs residents and the baseline must vary")
	}
	best, bestDev := zero, ols.dev
	try := func(theta []float64, dev float64) {
		if dev < bestDev {
			best, bestDev = theta, dev
		}
	}
	for _, s := range []float64{1, 0.5, 0.1, 2} {
		for _, off := range []float64{0, 0.5, -0.5} {
			x0 := make([]float64, len(diag)*(len(diag)+1)/2)
			for i := range x0 {
				x0[i] = off * s
			}
			for _, d := range diag {
				x0[d] = s
			}
			try(m.minimise(x0, nil))
		}
	}
	// The boundary: each non-empty set of diagonal elements held at zero,
	// started from the best interior point.
	for mask := 1; mask < 1<<len(diag); mask++ {
		var zero []int
		for i, d := range diag {
			if mask&(1<<i) != 0 {
				zero = append(zero, d)
			}
		}
		x0 := append([]float64(nil), best...)
		try(m.minimise(x0, zero))
	}
	return m.fit(best, bestDev), nil
}

// mixed is the REML problem of MixedModel.
type mixed struct {
	bs      []CrossProducts
	flat    []flat
	p, q, n int
}

// diagonal returns the indices in θ of Λ's diagonal elements.
func (m mixed) diagonal() []int {
	var d []int
	i := 0
	for c := range m.q {
		d = append(d, i)
		i += m.q - c
	}
	return d
}

// lambda returns Λ from θ, the diagonal taken in absolute value so that an
// unconstrained search covers exactly lme4's domain (diagonal ≥ 0).
func (m mixed) lambda(theta []float64) *mat.Dense {
	l := mat.NewDense(m.q, m.q, nil)
	i := 0
	for c := range m.q {
		for r := c; r < m.q; r++ {
			v := theta[i]
			if r == c {
				v = math.Abs(v)
			}
			l.Set(r, c, v)
			i++
		}
	}
	return l
}

// profiled are the quantities of the profiled REML deviance at one θ.
type profiled struct {
	dev  float64
	beta *mat.VecDense
	aSym *mat.SymDense // A = Σᵢ XᵢᵀVᵢ⁻¹Xᵢ
	r2   float64
}

// flat is one borough's cross-products as row-major slices, read in the
// inner loop of the search.
type flat struct {
	xtx, xtz, ztz, xty, zty []float64
	yty                     float64
}

func flatten(b CrossProducts, p, q int) flat {
	f := flat{xtx: make([]float64, p*p), xtz: make([]float64, p*q), ztz: make([]float64, q*q), xty: make([]float64, p), zty: make([]float64, q), yty: b.YtY}
	for i := range p {
		for j := range p {
			f.xtx[i*p+j] = b.XtX.At(i, j)
		}
		for j := range q {
			f.xtz[i*q+j] = b.XtZ.At(i, j)
		}
		f.xty[i] = b.Xty.AtVec(i)
	}
	for i := range q {
		for j := range q {
			f.ztz[i*q+j] = b.ZtZ.At(i, j)
		}
		f.zty[i] = b.Zty.AtVec(i)
	}
	return f
}

// cholesky factors the symmetric positive definite n×n matrix a in place
// into its lower factor L (a = LLᵀ), returning log|a|; ok is false when a
// is not positive definite.
func cholesky(a []float64, n int) (logDet float64, ok bool) {
	for j := range n {
		d := a[j*n+j]
		for k := range j {
			d -= a[j*n+k] * a[j*n+k]
		}
		if !(d > 0) {
			return 0, false
		}
		d = math.Sqrt(d)
		a[j*n+j] = d
		logDet += 2 * math.Log(d)
		for i := j + 1; i < n; i++ {
			v := a[i*n+j]
			for k := range j {
				v -= a[i*n+k] * a[j*n+k]
			}
			a[i*n+j] = v / d
		}
	}
	return logDet, true
}

// cholSolve solves LLᵀx = b in place in b, L from cholesky.
func cholSolve(l []float64, n int, b []float64) {
	for i := range n {
		v := b[i]
		for k := range i {
			v -= l[i*n+k] * b[k]
		}
		b[i] = v / l[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		v := b[i]
		for k := i + 1; k < n; k++ {
			v -= l[k*n+i] * b[k]
		}
		b[i] = v / l[i*n+i]
	}
}

// profile evaluates the REML deviance at θ; ok is false where it is not
// defined (A or some Mᵢ not positive definite, r² ≤ 0).
func (m mixed) profile(theta []float64) (profiled, bool) {
	p, q := m.p, m.q
	lam := m.lambda(theta)
	l := make([]float64, q*q)
	for i := range q {
		for j := range q {
			l[i*q+j] = lam.At(i, j)
		}
	}
	a := make([]float64, p*p)
	c := make([]float64, p)
	s, logM := 0.0, 0.0
	t := make([]float64, q*q)
	mm := make([]float64, q*q)
	xzl := make([]float64, p*q)
	zyl := make([]float64, q)
	w := make([]float64, q*p) // column j of M⁻¹(XZΛ)ᵀ at w[j*q:]
	col := make([]float64, q)
	for _, b := range m.flat {
		// T = ZᵀZΛ, M = ΛᵀT + I
		for i := range q {
			for j := range q {
				v := 0.0
				for k := range q {
					v += b.ztz[i*q+k] * l[k*q+j]
				}
				t[i*q+j] = v
			}
		}
		for i := range q {
			for j := range q {
				v := 0.0
				for k := range q {
					v += l[k*q+i] * t[k*q+j]
				}
				if i == j {
					v++
				}
				mm[i*q+j] = v
			}
		}
		// symmetrise against rounding before factoring
		for i := range q {
			for j := i + 1; j < q; j++ {
				v := (mm[i*q+j] + mm[j*q+i]) / 2
				mm[i*q+j], mm[j*q+i] = v, v
			}
		}
		ld, ok := cholesky(mm, q)
		if !ok {
			return profiled{}, false
		}
		logM += ld
		for i := range p {
			for j := range q {
				v := 0.0
				for k := range q {
					v += b.xtz[i*q+k] * l[k*q+j]
				}
				xzl[i*q+j] = v
			}
		}
		for j := range q {
			v := 0.0
			for k := range q {
				v += l[k*q+j] * b.zty[k]
			}
			zyl[j] = v
		}
		for i := range p {
			for k := range q {
				col[k] = xzl[i*q+k]
			}
			cholSolve(mm, q, col)
			copy(w[i*q:], col)
		}
		copy(col, zyl)
		cholSolve(mm, q, col)
		for i := range p {
			for j := range p {
				v := 0.0
				for k := range q {
					v += xzl[i*q+k] * w[j*q+k]
				}
				a[i*p+j] += b.xtx[i*p+j] - v
			}
			v := 0.0
			for k := range q {
				v += xzl[i*q+k] * col[k]
			}
			c[i] += b.xty[i] - v
		}
		v := 0.0
		for k := range q {
			v += zyl[k] * col[k]
		}
		s += b.yty - v
	}
	for i := range p {
		for j := i + 1; j < p; j++ {
			v := (a[i*p+j] + a[j*p+i]) / 2
			a[i*p+j], a[j*p+i] = v, v
		}
	}
	var pr profiled
	asym := mat.NewSymDense(p, append([]float64(nil), a...))
	logA, ok := cholesky(a, p)
	if !ok {
		return profiled{}, false
	}
	beta := append([]float64(nil), c...)
	cholSolve(a, p, beta)
	pr.r2 = s
	for i := range p {
		pr.r2 -= c[i] * beta[i]
	}
	df := float64(m.n - p)
	if !(pr.r2 > 0) {
		return profiled{}, false
	}
	pr.dev = logM + logA + df*(1+math.Log(2*math.Pi*pr.r2/df))
	if !finite(pr.dev) {
		return profiled{}, false
	}
	pr.beta = mat.NewVecDense(p, beta)
	pr.aSym = asym
	return pr, true
}

// deviance is profile's deviance, +Inf where it is not defined.
func (m mixed) deviance(theta []float64) float64 {
	pr, ok := m.profile(theta)
	if !ok {
		return math.Inf(1)
	}
	return pr.dev
}

// minimise searches θ from x0 with the elements zero held at 0, by
// Nelder–Mead and then BFGS, and returns the point and its deviance.
func (m mixed) minimise(x0 []float64, zero []int) ([]float64, float64) {
	free := make([]int, 0, len(x0))
	for i := range x0 {
		if !contains(zero, i) {
			free = append(free, i)
		}
	}
	full := func(x []float64) []float64 {
		t := make([]float64, len(x0))
		for k, i := range free {
			t[i] = x[k]
		}
		return t
	}
	start := make([]float64, len(free))
	for k, i := range free {
		start[k] = x0[i]
	}
	f := func(x []float64) float64 { return m.deviance(full(x)) }
	if len(free) == 0 {
		return full(nil), f(nil)
	}
	problem := optimize.Problem{Func: f}
	settings := &optimize.Settings{Converger: &optimize.FunctionConverge{Absolute: 1e-13, Relative: 1e-15, Iterations: 200}, MajorIterations: 20000}
	x, dev := start, f(start)
	if r, err := optimize.Minimize(problem, x, settings, &optimize.NelderMead{}); r != nil && (err == nil || r.F < dev) && r.F < dev {
		x, dev = r.X, r.F
	}
	problem.Grad = func(g, x []float64) {
		fd.Gradient(g, f, x, &fd.Settings{Formula: fd.Central, Step: 1e-6})
	}
	for range 3 {
		r, _ := optimize.Minimize(problem, x, &optimize.Settings{Converger: &optimize.FunctionConverge{Absolute: 1e-14, Iterations: 50}}, &optimize.BFGS{})
		if r == nil || !(r.F < dev) {
			break
		}
		x, dev = r.X, r.F
	}
	return full(x), dev
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// fit turns the optimum into a MixedFit.
func (m mixed) fit(theta []float64, dev float64) MixedFit {
	pr, _ := m.profile(theta)
	l := m.lambda(theta)
	t := make([]float64, len(theta))
	copy(t, theta)
	for _, d := range m.diagonal() {
		t[d] = math.Abs(t[d])
	}
	// Λ's columns with a zero diagonal beneath which all is zero carry no
	// sign; lme4 reports non-negative diagonals, as here.
	f := MixedFit{N: m.n, Boroughs: len(m.bs), REML: -dev / 2, Theta: t}
	for _, d := range m.diagonal() {
		if t[d] < 1e-4 {
			f.Singular = true
		}
	}
	df := float64(m.n - m.p)
	s2 := pr.r2 / df
	f.Sigma = math.Sqrt(s2)
	f.Beta = mat.Col(nil, 0, pr.beta)
	var chol mat.Cholesky
	var inv mat.SymDense
	if !chol.Factorize(pr.aSym) {
		panic("evaluation: A not positive definite at the optimum")
	}
	if err := chol.InverseTo(&inv); err == nil {
		inv.ScaleSym(s2, &inv)
		f.Cov = &inv
		for i := range m.p {
			f.SE = append(f.SE, math.Sqrt(inv.At(i, i)))
		}
	}
	var ll mat.Dense
	ll.Mul(l, l.T())
	rc := mat.NewSymDense(m.q, nil)
	for i := range m.q {
		for j := i; j < m.q; j++ {
			rc.SetSym(i, j, s2*ll.At(i, j))
		}
	}
	f.RandomCov = rc
	return f
}

// sortedBoroughs returns the boroughs' cross-products ordered by borough,
// so that a fit does not depend on the order they were read in.
func sortedBoroughs(bs []CrossProducts) []CrossProducts {
	out := append([]CrossProducts(nil), bs...)
	sort.Slice(out, func(i, j int) bool { return out[i].Borough < out[j].Borough })
	return out
}
