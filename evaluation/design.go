package evaluation

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// design is the model of a meta-regression, y = Xβ + u + e, with X of k
// rows and p columns. It keeps its work space, so evaluations at a new τ²
// allocate nothing.
type design struct {
	y, v []float64
	yv   *mat.VecDense // y as a vector
	x    *mat.Dense
	// work space
	w    []float64
	wx   *mat.Dense // W X, k×p
	xtwx *mat.SymDense
	chol mat.Cholesky
	b    *mat.Dense // (XᵀWX)⁻¹ XᵀW, p×k
	beta *mat.VecDense
	vb   *mat.SymDense // (XᵀWX)⁻¹
	ok   bool          // XᵀWX was positive definite at the last evaluation
}

func newDesign(y, v []float64, x *mat.Dense) *design {
	k, p := x.Dims()
	return &design{y: y, v: v, yv: mat.NewVecDense(len(y), y), x: x, w: make([]float64, k),
		wx: mat.NewDense(k, p, nil), xtwx: mat.NewSymDense(p, nil),
		b: mat.NewDense(p, k, nil), beta: mat.NewVecDense(p, nil), vb: mat.NewSymDense(p, nil)}
}

func (d *design) k() int { return len(d.y) }
func (d *design) p() int { _, p := d.x.Dims(); return p }

// solve computes the weighted least-squares fit at τ²: w, β̂ and
// (XᵀWX)⁻¹. It returns false when XᵀWX is singular.
func (d *design) solve(tau2 float64) bool {
	k, p := d.x.Dims()
	for i := range k {
		d.w[i] = 1 / (d.v[i] + tau2)
		for j := range p {
			d.wx.Set(i, j, d.w[i]*d.x.At(i, j))
		}
	}
	for a := range p {
		for b := a; b < p; b++ {
			var s float64
			for i := range k {
				s += d.wx.At(i, a) * d.x.At(i, b)
			}
			d.xtwx.SetSym(a, b, s)
		}
	}
	if d.ok = d.chol.Factorize(d.xtwx); !d.ok {
		return false
	}
	if err := d.chol.InverseTo(d.vb); err != nil {
		d.ok = false
		return false
	}
	// B = (XᵀWX)⁻¹ (WX)ᵀ; β̂ = B y.
	d.b.Mul(d.vb, d.wx.T())
	d.beta.MulVec(d.b, d.yv)
	return true
}

// at evaluates the fit at τ². With e = y − Xβ̂: Py = W e, so
// Q = Σ w_i e_i² and yᵀPPy = Σ w_i² e_i²; P = W − (WX)B is formed to get
// tr(P) and tr(PP) = ‖P‖²_F (P is symmetric).
func (d *design) at(tau2 float64) wstats {
	if !d.solve(tau2) {
		return wstats{q: math.NaN(), trP: math.NaN(), trPP: math.NaN(), yPPy: math.NaN()}
	}
	k, p := d.x.Dims()
	var s wstats
	s.logDet = d.chol.LogDet()
	for i := range k {
		s.logV += math.Log(d.v[i] + tau2)
		fit := 0.0
		for j := range p {
			fit += d.x.At(i, j) * d.beta.AtVec(j)
		}
		e := d.y[i] - fit
		s.q += d.w[i] * e * e
		s.yPPy += d.w[i] * d.w[i] * e * e
		for j := range k {
			var h float64
			for c := range p {
				h += d.wx.At(i, c) * d.b.At(c, j)
			}
			pij := -h
			if i == j {
				pij += d.w[i]
				s.trP += pij
			}
			s.trPP += pij * pij
		}
	}
	return s
}
