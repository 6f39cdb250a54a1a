package reports

import (
	"fmt"
	"math"
	"testing"

	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/evaluation"
	"github.com/ateval/ateval/reports/summary"
)

// ancovaBoroughs are evaluation's TestANCOVAMetafor's six simulated
// boroughs: the sums of the residents given devices, then of the
// comparison group (n, ΣB, ΣF, ΣB², ΣF², ΣBF), and R's lm(F ~ B + G)
// coefficient of G with its variance and coefficient of B; then the slope
// and residual variance of the unit's reference, each borough's two cells
// being all its cells (references): pooled within cells, each rounded to
// two significant figures or to a step of 1, 2 or 5 times a power of ten
// spanning its standard error,
//
//	ceil125 <- function(x) { p <- 10^floor(log10(x)); for (m in c(1,2,5,10)) if (m*p >= x*(1-1e-12)) return(m*p) }
//	roundse <- function(x, se) { s2 <- 10^(floor(log10(x))-1); v <- round(x/s2)*s2
//	  step <- ceil125(se); if (step <= s2) return(v); r <- round(x/step)*step; if (r > 0) r else NA }
//	set.seed(15)
//	for (b in 1:6) {
//	  nT <- sample(12:40, 1); nC <- sample(10:30, 1)
//	  G <- c(rep(1, nT), rep(0, nC))
//	  B <- round(rnorm(nT+nC, 20, 4))
//	  F <- round(8 + 0.6*B + (1 + b/5)*G + rnorm(nT+nC, 0, 3))
//	  m <- lm(F ~ B + G); coef(m)["G"]; vcov(m)["G", "G"]; coef(m)["B"]
//	  w <- function(x, y = x) sum((x[G==1]-mean(x[G==1]))*(y[G==1]-mean(y[G==1]))) + sum((x[G==0]-mean(x[G==0]))*(y[G==0]-mean(y[G==0])))
//	  df <- nT + nC - 2; bb <- w(B); bf <- w(B, F); ff <- w(F)
//	  slope <- bf/bb; res <- max(0, ff - bf*slope)/(df-1)
//	  print(c(sign(slope)*roundse(abs(slope), sqrt(res/bb)), roundse(res, res*sqrt(2/(df-1)))))
//	}
var ancovaBoroughs = []struct {
	t, c            [6]float64
	yi, vi, lmSlope float64
	slope, residual float64
}{
	{[6]float64{16, 330, 368, 7000, 8624, 7658}, [6]float64{24, 500, 474, 10674, 9612, 9990}, 3.33451875115463, 0.94754879480004, 0.405690005542214, 0.4, 10},
	{[6]float64{30, 624, 669, 13300, 15173, 14055}, [6]float64{27, 546, 543, 11460, 11231, 11186}, 1.91922106022358, 0.529696837566102, 0.466732780382258, 0.4, 8},
	{[6]float64{34, 674, 744, 13942, 16752, 15160}, [6]float64{16, 314, 308, 6336, 6116, 6154}, 2.49535259845282, 0.585325347791113, 0.690075800385822, 0.7, 6},
	{[6]float64{13, 266, 293, 5612, 6759, 6088}, [6]float64{17, 339, 356, 6983, 7710, 7259}, 1.26197069343487, 1.24980746698014, 0.644386754355602, 0.6, 10},
	{[6]float64{27, 552, 632, 11806, 15256, 13305}, [6]float64{22, 447, 433, 9461, 8839, 9075}, 3.63275104021023, 0.525590382176141, 0.73527842820163, 0.7, 6},
	{[6]float64{13, 240, 263, 4570, 5449, 4927}, [6]float64{28, 578, 565, 12364, 11977, 12010}, 1.64871878664386, 1.26749189199257, 0.731906345514312, 0.8, 10},
}

// released makes a named borough's released cell of a score's sums.
func released(borough, category, arm string, s [6]float64, key int64) disclosure.Released {
	return disclosure.Released{Unit: disclosure.Unit{ID: borough, Boroughs: []string{borough}, Group: "g", Named: true, Label: borough},
		Periods: []disclosure.Period{2025}, Category: category, Arm: arm, N: int(s[0]), Key: key, Sums: s[1:]}
}

// TestAdjustedSensitivity: with a comparison group, a score's difference
// in change carries the baseline-adjusted sensitivity analysis, whose
// rows are the difference at follow-up adjusted with the unit's reference
// slope (above, from R), at the precision the gate publishes them, within
// the step and the slopes' difference of lm()'s coefficient of the group,
// with the reference's residual variance over the published counts; its
// pooled estimate is metafor's on those rows:
//
//	yi <- c(3.5, 2, 2.5, 1.5, 3.6, 2)   # the rows as published
//	res2 <- c(10, 8, 6, 10, 6, 10)
//	n1 <- c(15, 30, 35, 15, 25, 15); n0 <- c(25, 25, 15, 15, 20, 30)  # published
//	vi <- res2 * (1/n1 + 1/n0)
//	r <- rma(yi, vi, method="REML", test="adhoc", control=list(threshold=1e-12, tol=1e-12))
//	print(c(r$beta, r$se, r$ci.lb, r$ci.ub, r$tau2), digits=17)  # metafor 3.8-1
func TestAdjustedSensitivity(t *testing.T) {
	o, _ := OutcomeByID("swemwbs_raw")
	var rel []disclosure.Released
	for i, b := range ancovaBoroughs {
		name := fmt.Sprintf("borough-%d", i+1)
		rel = append(rel, released(name, "fall-detector", summary.Intervention, b.t, int64(100*i+7)),
			released(name, "", summary.Comparison, b.c, int64(100*i+61)))
	}
	r := &Report{Disclosure: Disclosure{Rules: disclosure.Defaults()}}
	opt := &Options{Method: evaluation.REML, Test: evaluation.Adhoc, MinBoroughs: 3}
	a, ok := r.analyse(o, "fall-detector", "m6", DifferenceInChange, rel, opt)
	if !ok || a.Adjusted == nil {
		t.Fatalf("no analysis (%v) or no adjusted sensitivity analysis: %+v", ok, a)
	}
	s := a.Adjusted
	if s.Design != AdjustedForBaseline || s.Measure != MDAdjusted || len(s.Boroughs) != len(ancovaBoroughs) || s.Withheld != "" {
		t.Fatalf("sensitivity analysis %+v", s)
	}
	for i, b := range s.Boroughs {
		want := ancovaBoroughs[i]
		tc, cc := cellOf(KindChange, int(want.t[0]), int64(100*i+7), want.t[1:]), cellOf(KindChange, int(want.c[0]), int64(100*i+61), want.c[1:])
		// The row is the difference made with the reference's slope, at
		// the gate's step, with the reference's residual variance over
		// the published counts; lm()'s coefficient is within the step
		// and what the slope's difference from lm()'s moves it.
		ys := r.yiStep(o, tc, cc)
		db := want.t[1]/want.t[0] - want.c[1]/want.c[0]
		yi := disclosure.Round(want.t[2]/want.t[0]-want.c[2]/want.c[0]-want.slope*db, ys)
		vi := want.residual * (1/float64(b.N) + 1/float64(b.NComparison))
		if b.Yi != yi || math.Abs(b.Vi-vi) > 1e-12*vi || math.Abs(b.Yi-want.yi) > ys/2+math.Abs(want.slope-want.lmSlope)*math.Abs(db)+1e-12 || b.NComparison == 0 {
			t.Errorf("row %d: %g (%g), want %g (%g); lm() %g (%g) at step %g", i+1, b.Yi, b.Vi, yi, vi, want.yi, want.vi, ys)
		}
	}
	p := s.Pooled
	got := []float64{p.Estimate, p.SE, p.CILower, p.CIUpper, p.Tau2}
	want := []float64{2.60911627662094858, 0.35368831954568708, 1.69993150692007289, 3.51830104632182428, 0}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Errorf("pooled value %d = %.15g, metafor %.15g", i, got[i], want[i])
		}
	}
	// Neither a before-after analysis nor a rate has one.
	if b, _ := r.analyse(o, "fall-detector", "m6", BeforeAfter, rel, opt); b.Adjusted != nil {
		t.Error("a before-after analysis carries an adjusted sensitivity analysis")
	}
}

// combinedUnit makes an unnamed unit's released cell of the members'
// sums, each member a disclosure.Cell of its own.
func combinedUnit(category, arm string, members map[string][6]float64, key int64) disclosure.Released {
	u := disclosure.Released{Unit: disclosure.Unit{ID: "other:g:" + category + ":" + arm, Group: "g", Label: "Other boroughs of G (2)"},
		Periods: []disclosure.Period{2025}, Category: category, Arm: arm}
	for _, b := range []string{"small-a", "small-b"} {
		s := members[b]
		u.Unit.Boroughs = append(u.Unit.Boroughs, b)
		m := disclosure.Cell{Borough: b, Category: category, Arm: arm, N: int(s[0]), Key: key, Sums: append([]float64(nil), s[1:]...)}
		u.Members = append(u.Members, m)
		u.N += m.N
		u.Key += m.Key
		if u.Sums == nil {
			u.Sums = make([]float64, 5)
		}
		for i := range 5 {
			u.Sums[i] += s[i+1]
		}
	}
	return u
}

// TestSmallBoroughsAnalysedApart: a row of small boroughs combined is
// shown as one row and pooled as its boroughs, each a study, when each has
// at least 8 residents in each arm compared; otherwise as the one row.
// Only the row is published.
func TestSmallBoroughsAnalysedApart(t *testing.T) {
	o, _ := OutcomeByID("swemwbs_raw")
	var named []disclosure.Released
	for i, b := range ancovaBoroughs[:3] {
		name := fmt.Sprintf("borough-%d", i+1)
		named = append(named, released(name, "fall-detector", summary.Intervention, b.t, int64(100*i+7)),
			released(name, "", summary.Comparison, b.c, int64(100*i+61)))
	}
	// Nine and eight residents given devices; eight and nine without.
	tA, tB := [6]float64{9, 180, 200, 3700, 4550, 4080}, [6]float64{8, 150, 150, 2900, 2900, 2850}
	cA, cB := [6]float64{8, 170, 168, 3690, 3600, 3610}, [6]float64{9, 185, 180, 3850, 3700, 3740}
	r := &Report{Disclosure: Disclosure{Rules: disclosure.Defaults()}}
	opt := &Options{Method: evaluation.REML, Test: evaluation.Adhoc, MinBoroughs: 3}
	for _, c := range []struct {
		name     string
		cB       [6]float64
		design   string
		analysed int
	}{
		{"every member with 8 or more in each arm", cB, DifferenceInChange, 5},
		{"every member with 8 or more given devices", cB, BeforeAfter, 5},
		{"one member with 5 in the comparison group", [6]float64{5, 100, 98, 2010, 1950, 1970}, DifferenceInChange, 4},
	} {
		rel := append(append([]disclosure.Released(nil), named...),
			combinedUnit("fall-detector", summary.Intervention, map[string][6]float64{"small-a": tA, "small-b": tB}, 3),
			combinedUnit("", summary.Comparison, map[string][6]float64{"small-a": cA, "small-b": c.cB}, 5))
		a, ok := r.analyse(o, "fall-detector", "m6", c.design, rel, opt)
		if !ok {
			t.Fatalf("%s: no analysis", c.name)
		}
		if len(a.Boroughs) != 4 || a.Boroughs[3].Combined != 2 || len(a.Analysed()) != c.analysed || a.Pooled.K != c.analysed {
			t.Errorf("%s: %d rows shown (last %+v), %d pooled (k %d), want 4 shown and %d pooled",
				c.name, len(a.Boroughs), a.Boroughs[len(a.Boroughs)-1], len(a.Analysed()), a.Pooled.K, c.analysed)
		}
		if c.design == DifferenceInChange && (a.Adjusted == nil || len(a.Adjusted.Analysed()) != c.analysed) {
			t.Errorf("%s: the adjusted analysis does not pool the same studies", c.name)
		}
	}
}
