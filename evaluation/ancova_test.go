package evaluation

import (
	"testing"
)

// TestANCOVAMetafor checks the adjusted difference of six simulated
// boroughs against R's lm() on the residents' scores, then the pooled
// estimate against metafor 5.1-12:
//
//	set.seed(15)
//	for (b in 1:6) {
//	  nT <- sample(12:40, 1); nC <- sample(10:30, 1)
//	  G <- c(rep(1, nT), rep(0, nC))
//	  B <- round(rnorm(nT+nC, 20, 4))
//	  F <- round(8 + 0.6*B + (1 + b/5)*G + rnorm(nT+nC, 0, 3))
//	  # the sums for G == 1, then G == 0: n, ΣB, ΣF, ΣB², ΣF², ΣBF
//	  m <- lm(F ~ B + G); coef(m)["G"]; vcov(m)["G", "G"]
//	}
//	r <- rma(yi, vi, method="REML", test="adhoc",
//	         control=list(threshold=1e-13, maxiter=10000))
//	c(r$beta, r$se, r$ci.lb, r$ci.ub, r$tau2)
func TestANCOVAMetafor(t *testing.T) {
	boroughs := []struct {
		t, c   PairedSums
		yi, vi float64
	}{
		{PairedSums{16, 330, 368, 7000, 8624, 7658}, PairedSums{24, 500, 474, 10674, 9612, 9990}, 3.33451875115463, 0.94754879480004},
		{PairedSums{30, 624, 669, 13300, 15173, 14055}, PairedSums{27, 546, 543, 11460, 11231, 11186}, 1.91922106022358, 0.529696837566102},
		{PairedSums{34, 674, 744, 13942, 16752, 15160}, PairedSums{16, 314, 308, 6336, 6116, 6154}, 2.49535259845282, 0.585325347791113},
		{PairedSums{13, 266, 293, 5612, 6759, 6088}, PairedSums{17, 339, 356, 6983, 7710, 7259}, 1.26197069343487, 1.24980746698014},
		{PairedSums{27, 552, 632, 11806, 15256, 13305}, PairedSums{22, 447, 433, 9461, 8839, 9075}, 3.63275104021023, 0.525590382176141},
		{PairedSums{13, 240, 263, 4570, 5449, 4927}, PairedSums{28, 578, 565, 12364, 11977, 12010}, 1.64871878664386, 1.26749189199257},
	}
	var studies []Study
	for i, b := range boroughs {
		e, err := ANCOVA(b.t, b.c)
		if err != nil {
			t.Fatal(err)
		}
		if !near(e.Yi, b.yi, 1e-10) || !near(e.Vi, b.vi, 1e-10) {
			t.Errorf("borough %d: %.15g (%.15g), lm %.15g (%.15g)", i+1, e.Yi, e.Vi, b.yi, b.vi)
		}
		studies = append(studies, e.Study(""))
	}
	p, err := Pool(studies, Options{Test: Adhoc})
	if err != nil {
		t.Fatal(err)
	}
	got := []float64{p.Estimate, p.SE, p.CILower, p.CIUpper, p.Tau2}
	want := []float64{2.51685333406169, 0.381552351042941, 1.53604179112638, 3.49766487699701, 0.122817530835713}
	for i := range got {
		if !near(got[i], want[i], 1e-9) {
			t.Errorf("pooled value %d = %.15g, metafor %.15g", i, got[i], want[i])
		}
	}
	for _, c := range []struct{ t, c PairedSums }{
		{PairedSums{N: 2, SumB: 2, SumBB: 2}, PairedSums{N: 1, SumB: 1, SumBB: 1}},
		{PairedSums{N: 3, SumB: 3, SumBB: 3}, PairedSums{N: 3, SumB: 6, SumBB: 12}},
		{PairedSums{N: 5}, PairedSums{}},
	} {
		if _, err := ANCOVA(c.t, c.c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}
