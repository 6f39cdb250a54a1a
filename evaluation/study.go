package evaluation

import (
	"fmt"
	"math"

	"github.com/ateval/ateval"
)

// Study is one borough's effect: an estimate Yi on some scale (a mean
// change, a standardised mean change, a log rate ratio, a proportion) and
// its sampling variance Vi.
type Study struct {
	// Label names the borough (or other unit) in messages and plots.
	Label string  `json:"study"`
	Yi    float64 `json:"yi"`
	Vi    float64 `json:"vi"`
}

// Method is an estimator of the between-borough variance τ².
type Method string

// The estimators of τ². FE fixes τ² = 0 (metafor's "FE", a common-effect
// model).
const (
	FE   Method = "FE"   // fixed (common) effect: τ² = 0
	DL   Method = "DL"   // DerSimonian and Laird, method of moments
	REML Method = "REML" // restricted maximum likelihood: Fisher scoring, then a bracketed search
	PM   Method = "PM"   // Paule and Mandel, generalised Q equal to k-p
)

// Test is how the pooled estimate is tested and its interval formed.
type Test string

// The tests: Wald-type z with the normal distribution, or Knapp and
// Hartung's (Hartung-Knapp-Sidik-Jonkman) adjusted variance with a t
// distribution on k-p degrees of freedom. The adjustment multiplies
// Var(β̂) by
//
//	s² = Σ w_i (y_i − x_iᵀβ̂)² / (k−p),
//
// which KnHa uses as it is and Adhoc truncates at 1, max(1, s²), so that
// the interval is never narrower than the z interval's variance with t
// quantiles (metafor 4's test="adhoc"; Knapp and Hartung 2003, Jackson et
// al. 2017, Stat Med 36:3923-3934).
const (
	Z     Test = "z"
	KnHa  Test = "knha"
	Adhoc Test = "adhoc"
)

// scaled reports whether the test scales Var(β̂) and uses t on k−p
// degrees of freedom.
func (t Test) scaled() bool { return t == KnHa || t == Adhoc }

// knhaFactor returns the factor by which the test t multiplies Var(β̂),
// given the weighted residual sum of squares rss on df degrees of
// freedom: 1 for z; s² = rss/df for KnHa (0 when rss is below R's
// double.eps, as metafor); max(1, s²) for Adhoc.
func knhaFactor(t Test, rss, df float64) float64 {
	if !t.scaled() {
		return 1
	}
	s2 := 0.0
	if rss > eps {
		s2 = rss / df
	}
	if t == Adhoc {
		s2 = math.Max(1, s2)
	}
	return s2
}

// ParseMethod returns the Method named by s (FE, DL, REML or PM, in any
// case), or an EINVALID error for anything else. Use it for outside input:
// the fitting functions panic on an unknown Method.
func ParseMethod(s string) (Method, error) {
	switch m := Method(upper(s)); m {
	case FE, DL, REML, PM:
		return m, nil
	}
	return "", ateval.Errorf(ateval.EINVALID, "unknown method %q: use FE, DL, REML or PM", s)
}

// ParseTest returns the Test named by s ("z", "knha" also spelled "hksj"
// or "kh", or "adhoc"), or an EINVALID error.
func ParseTest(s string) (Test, error) {
	switch upper(s) {
	case "Z":
		return Z, nil
	case "KNHA", "HKSJ", "KH":
		return KnHa, nil
	case "ADHOC":
		return Adhoc, nil
	}
	return "", ateval.Errorf(ateval.EINVALID, "unknown test %q: use z, knha or adhoc", s)
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// Options control a fit. The zero value asks for REML with Wald-type z
// tests and 95% intervals, as metafor's rma() does by default.
type Options struct {
	Method Method  // "" means REML
	Test   Test    // "" means Z
	Level  float64 // confidence level in percent, in (0, 100); 0 means 95
	// MaxIter bounds the Fisher scoring iterations of REML (0 means 100,
	// metafor's default); past it the bracketed search takes over.
	MaxIter int
	// Threshold is the change in τ² below which REML has converged (0 means
	// 1e-10; metafor's default is 1e-5).
	Threshold float64
}

func (o Options) withDefaults() Options {
	if o.Method == "" {
		o.Method = REML
	}
	switch o.Method {
	case FE, DL, REML, PM:
	default:
		panic(fmt.Sprintf("evaluation: unknown method %q", o.Method))
	}
	if o.Test == "" {
		o.Test = Z
	}
	if o.Test != Z && !o.Test.scaled() {
		panic(fmt.Sprintf("evaluation: unknown test %q", o.Test))
	}
	if o.Level == 0 {
		o.Level = 95
	}
	if !(o.Level > 0 && o.Level < 100) {
		panic(fmt.Sprintf("evaluation: level %v is not a percentage in (0, 100)", o.Level))
	}
	if o.MaxIter <= 0 {
		o.MaxIter = 100
	}
	if !(o.Threshold > 0) {
		o.Threshold = 1e-10
	}
	return o
}

// Bounds on what can be weighed without overflow: weights 1/vi are squared
// and cubed, residuals squared.
const (
	minVariance  = 1e-60
	maxMagnitude = 1e60
)

// checkStudies returns an EINVALID error naming every study whose effect or
// variance cannot be pooled: no study may be silently dropped.
func checkStudies(studies []Study) error {
	if len(studies) == 0 {
		return ateval.Errorf(ateval.EINVALID, "no boroughs to pool")
	}
	var bad []ateval.FieldError
	for i, s := range studies {
		if s.Vi >= minVariance && s.Vi <= maxMagnitude && math.Abs(s.Yi) <= maxMagnitude {
			continue // the common case, without formatting a name
		}
		name := label(studies, i)
		switch {
		case math.IsNaN(s.Yi) || math.IsInf(s.Yi, 0):
			bad = append(bad, ateval.FieldError{Field: name, Message: fmt.Sprintf("effect yi is %v, not a finite number", s.Yi)})
		case math.IsNaN(s.Vi) || math.IsInf(s.Vi, 0):
			bad = append(bad, ateval.FieldError{Field: name, Message: fmt.Sprintf("variance vi is %v, not a finite number", s.Vi)})
		case s.Vi <= 0:
			bad = append(bad, ateval.FieldError{Field: name, Message: fmt.Sprintf("variance vi must be positive, got %v", s.Vi)})
		case s.Vi < minVariance || s.Vi > maxMagnitude || math.Abs(s.Yi) > maxMagnitude:
			bad = append(bad, ateval.FieldError{Field: name, Message: fmt.Sprintf("effect %v with variance %v is outside the range that can be weighed (variances from %g to %g, effects up to %g)", s.Yi, s.Vi, minVariance, maxMagnitude, maxMagnitude)})
		}
	}
	if len(bad) > 0 {
		return ateval.Invalid("cannot pool: some boroughs have unusable effects", bad)
	}
	return nil
}
