package evaluation

import (
	"math"

	"github.com/ateval/ateval"
)

// Effect is one borough's effect and its sampling variance, as metafor's
// escalc() returns them in yi and vi.
type Effect struct {
	Yi, Vi float64
	// Corrected reports that a continuity correction was added to zero
	// cells.
	Corrected bool
}

// Study labels the effect as a borough's study, ready to pool.
func (e Effect) Study(label string) Study { return Study{Label: label, Yi: e.Yi, Vi: e.Vi} }

// Change summarises one outcome of one borough's residents, measured at
// baseline and at a follow-up (paired: the same N residents at both).
type Change struct {
	N                          int
	MeanBaseline, MeanFollowUp float64
	SDBaseline, SDFollowUp     float64 // with the n−1 denominator
	// Corr is the correlation between baseline and follow-up scores.
	Corr float64
}

// ChangeFromSums returns the Change of n paired scores from their sums, as
// a database computes them: Σb, Σf, Σb², Σf² and Σbf over residents, with b
// the baseline and f the follow-up score. Variances use n−1; when either
// score does not vary the correlation is set to 0, which leaves every
// variance below unchanged.
func ChangeFromSums(n int, sumB, sumF, sumBB, sumFF, sumBF float64) (Change, error) {
	if n < 2 {
		return Change{}, ateval.Errorf(ateval.EINVALID, "a change needs at least 2 residents, got %d", n)
	}
	fn := float64(n)
	vb := (sumBB - sumB*sumB/fn) / (fn - 1)
	vf := (sumFF - sumF*sumF/fn) / (fn - 1)
	cov := (sumBF - sumB*sumF/fn) / (fn - 1)
	c := Change{N: n, MeanBaseline: sumB / fn, MeanFollowUp: sumF / fn,
		SDBaseline: math.Sqrt(math.Max(0, vb)), SDFollowUp: math.Sqrt(math.Max(0, vf))}
	if c.SDBaseline > 0 && c.SDFollowUp > 0 {
		c.Corr = math.Max(-1, math.Min(1, cov/(c.SDBaseline*c.SDFollowUp)))
	}
	return c, nil
}

// CorrFromSDChange returns the baseline–follow-up correlation implied by
// the SD of the change scores: r = (sd_b² + sd_f² − sd_d²) / (2 sd_b sd_f).
func CorrFromSDChange(sdBaseline, sdFollowUp, sdChange float64) float64 {
	return (sdBaseline*sdBaseline + sdFollowUp*sdFollowUp - sdChange*sdChange) / (2 * sdBaseline * sdFollowUp)
}

// SDChange returns the SD of the change scores,
// sd_d = √(sd_f² + sd_b² − 2 r sd_f sd_b).
func (c Change) SDChange() float64 {
	v := c.SDFollowUp*c.SDFollowUp + c.SDBaseline*c.SDBaseline - 2*c.Corr*c.SDFollowUp*c.SDBaseline
	return math.Sqrt(math.Max(0, v))
}

func (c Change) check(minN int) error {
	switch {
	case c.N < minN:
		return ateval.Errorf(ateval.EINVALID, "a change needs at least %d residents, got %d", minN, c.N)
	case !(c.SDBaseline >= 0) || !(c.SDFollowUp >= 0):
		return ateval.Errorf(ateval.EINVALID, "standard deviations must be non-negative numbers")
	case !(math.Abs(c.Corr) <= 1):
		return ateval.Errorf(ateval.EINVALID, "correlation %v is not in [-1, 1]", c.Corr)
	case math.IsNaN(c.MeanBaseline) || math.IsNaN(c.MeanFollowUp):
		return ateval.Errorf(ateval.EINVALID, "means must be numbers")
	}
	return nil
}

// MeanChange returns the raw mean change from baseline to follow-up,
// metafor's "MC" with m1i the follow-up and m2i the baseline:
//
//	y = m_f − m_b,  v = sd_d² / n.
func MeanChange(c Change) (Effect, error) {
	if err := c.check(2); err != nil {
		return Effect{}, err
	}
	sd := c.SDChange()
	return Effect{Yi: c.MeanFollowUp - c.MeanBaseline, Vi: sd * sd / float64(c.N)}, nil
}

// hedges returns the exact small-sample correction of Hedges (1981),
// c(m) = Γ(m/2) / (√(m/2) Γ((m−1)/2)), as metafor's .cmicalc.
func hedges(m float64) float64 {
	a, _ := math.Lgamma(m / 2)
	b, _ := math.Lgamma((m - 1) / 2)
	return math.Exp(a - math.Log(math.Sqrt(m/2)) - b)
}

// SMCC returns the standardised mean change with change-score
// standardisation (Gibbons et al. 1993), metafor's "SMCC": the mean change
// divided by the SD of the change scores, with Hedges' correction,
//
//	g = c(n−1) (m_f − m_b) / sd_d,  v = 1/n + g²/(2n).
func SMCC(c Change) (Effect, error) {
	if err := c.check(3); err != nil {
		return Effect{}, err
	}
	sd := c.SDChange()
	if sd == 0 {
		return Effect{}, ateval.Errorf(ateval.EINVALID, "the change scores do not vary: no standardised change")
	}
	n := float64(c.N)
	g := hedges(n-1) * (c.MeanFollowUp - c.MeanBaseline) / sd
	return Effect{Yi: g, Vi: 1/n + g*g/(2*n)}, nil
}

// SMCR returns the standardised mean change with raw-score
// standardisation (Becker 1988), metafor's "SMCR" with sd1i the baseline
// SD: the mean change divided by the baseline SD, with Hedges' correction,
//
//	g = c(n−1) (m_f − m_b) / sd_b,  v = 2(1−r)/n + g²/(2n).
func SMCR(c Change) (Effect, error) {
	if err := c.check(3); err != nil {
		return Effect{}, err
	}
	if c.SDBaseline == 0 {
		return Effect{}, ateval.Errorf(ateval.EINVALID, "the baseline scores do not vary: no standardised change")
	}
	n := float64(c.N)
	g := hedges(n-1) * (c.MeanFollowUp - c.MeanBaseline) / c.SDBaseline
	return Effect{Yi: g, Vi: 2*(1-c.Corr)/n + g*g/(2*n)}, nil
}

// DiffMeanChange returns the difference in raw mean change between a group
// given devices and a comparison group (independent groups):
//
//	y = MC_t − MC_c,  v = v_t + v_c.
func DiffMeanChange(treated, comparison Change) (Effect, error) {
	return diff(MeanChange, treated, comparison)
}

// DiffSMCR returns the difference in standardised mean change between a
// group given devices and a comparison group, each standardised by its own
// baseline SD (Becker 1988; the approach metafor's documentation suggests):
//
//	g = SMCR_t − SMCR_c,  v = v_t + v_c.
//
// Morris's (2008) d_ppc2, standardised by the pooled baseline SD, is not
// offered: it has no escalc() counterpart to check it against.
func DiffSMCR(treated, comparison Change) (Effect, error) {
	return diff(SMCR, treated, comparison)
}

func diff(f func(Change) (Effect, error), t, c Change) (Effect, error) {
	et, err := f(t)
	if err != nil {
		return Effect{}, err
	}
	ec, err := f(c)
	if err != nil {
		return Effect{}, err
	}
	return Effect{Yi: et.Yi - ec.Yi, Vi: et.Vi + ec.Vi}, nil
}

// Events counts events (falls, admissions) over person-time.
type Events struct {
	Count      float64
	PersonTime float64
}

// LogRateRatio returns the log incidence rate ratio of events after
// against before device issue, metafor's "IRR" with x1i, t1i after and
// x2i, t2i before:
//
//	y = log(x_a/t_a) − log(x_b/t_b),  v = 1/x_a + 1/x_b.
//
// When either count is zero, 1/2 is added to both counts (escalc's default
// add=1/2, to="only0"), and Corrected is set. The variance treats the two
// periods as independent, as escalc does.
func LogRateRatio(after, before Events) (Effect, error) {
	if !(after.Count >= 0) || !(before.Count >= 0) {
		return Effect{}, ateval.Errorf(ateval.EINVALID, "event counts must be non-negative numbers")
	}
	if !(after.PersonTime > 0) || !(before.PersonTime > 0) {
		return Effect{}, ateval.Errorf(ateval.EINVALID, "person-time must be positive")
	}
	xa, xb := after.Count, before.Count
	var e Effect
	if xa == 0 || xb == 0 {
		xa, xb, e.Corrected = xa+0.5, xb+0.5, true
	}
	e.Yi = math.Log(xa/after.PersonTime) - math.Log(xb/before.PersonTime)
	e.Vi = 1/xa + 1/xb
	return e, nil
}

// proportion applies escalc's correction: 1/2 added to events and
// non-events when either is zero.
func proportion(x, n int) (xi, ni float64, corrected bool, err error) {
	if n <= 0 || x < 0 || x > n {
		return 0, 0, false, ateval.Errorf(ateval.EINVALID, "need 0 ≤ events ≤ n and n > 0, got %d of %d", x, n)
	}
	xi, mi := float64(x), float64(n-x)
	if x == 0 || x == n {
		xi, mi, corrected = xi+0.5, mi+0.5, true
	}
	return xi, xi + mi, corrected, nil
}

// Proportion returns the raw proportion of x residents out of n (still
// using their device at 12 months, say), metafor's "PR":
//
//	y = x/n,  v = y(1−y)/n,
//
// with 1/2 added to x and n−x when either is zero (so n grows by 1).
func Proportion(x, n int) (Effect, error) {
	xi, ni, corr, err := proportion(x, n)
	if err != nil {
		return Effect{}, err
	}
	p := xi / ni
	return Effect{Yi: p, Vi: p * (1 - p) / ni, Corrected: corr}, nil
}

// LogitProportion returns the log odds of a proportion, metafor's "PLO":
//
//	y = log(x/(n−x)),  v = 1/x + 1/(n−x),
//
// with the same correction as Proportion.
func LogitProportion(x, n int) (Effect, error) {
	xi, ni, corr, err := proportion(x, n)
	if err != nil {
		return Effect{}, err
	}
	return Effect{Yi: math.Log(xi / (ni - xi)), Vi: 1/xi + 1/(ni-xi), Corrected: corr}, nil
}
