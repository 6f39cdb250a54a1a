package evaluation

import (
	"math"
	"testing"
)

// TestPoolAdhocMetafor checks Knapp-Hartung with s² truncated at 1 against
// metafor 5.1-12 (test="adhoc" is in metafor from 4.0 on), for dat.bcg
// (s² > 1: the same as knha) and generated(40) (s² < 1: truncated, so the
// standard error is the z test's):
//
//	r  <- rma(yi, vi, data=d, method=M, test="adhoc",
//	          control=list(threshold=1e-13, maxiter=10000))
//	p  <- predict(r)
//	ci <- confint(r, control=list(tol=1e-13))$random["tau^2", ]
//	sprintf("%.15g", c(r$beta, r$se, r$ci.lb, r$ci.ub, r$zval, r$pval, r$tau2,
//	                   ci[2], ci[3], r$I2, r$H2, r$QE, r$QEp, p$pi.lb, p$pi.ub))
func TestPoolAdhocMetafor(t *testing.T) {
	for _, c := range []struct {
		name   string
		data   []Study
		method Method
		want   []float64
	}{
		{"bcg", bcg, REML, []float64{-0.714532342158139, 0.180791744092848, -1.10844371368555, -0.320620970630728, -3.95223988652481, 0.00192001509605729, 0.313243258136481, 0.119718361141261, 1.11147908406093, 92.221384521269, 12.8557582353092, 152.233008082373, 1.99676459084597e-26, -1.9960168341962, 0.566952149879924}},
		{"bcg", bcg, DL, []float64{-0.714117222073227, 0.180696628335547, -1.10782135416833, -0.320413089978125, -3.95202294946609, 0.00192076676704736, 0.308760262862376, 0.119718361141261, 1.11147908406093, 92.1173468545621, 12.6860840068644, 152.233008082373, 1.99676459084597e-26, -1.98720696343074, 0.558972519284285}},
		{"generated(40)", generated(40), REML, []float64{0.0121369120456924, 0.0468105008244319, -0.0825462629342592, 0.106820087025644, 0.259277551659045, 0.796784834418788, 0.0438555218582462, 0.0145802172966766, 0.0900172456556139, 55.4669424919411, 2.24552289008909, 88.5073512854227, 1.02923060646937e-05, -0.421902325642319, 0.446176149733704}},
		{"generated(40)", generated(40), DL, []float64{0.0121510586003485, 0.0470526293509484, -0.0830218675516701, 0.107323984752367, 0.258243986955928, 0.79757659613474, 0.0446969258539718, 0.0145802172966766, 0.0900172456556139, 55.9358635937133, 2.26941926372879, 88.5073512854227, 1.02923060646937e-05, -0.42594192265725, 0.450244039857947}},
	} {
		p, err := Pool(c.data, Options{Method: c.method, Test: Adhoc})
		if err != nil {
			t.Fatal(err)
		}
		got := []float64{p.Estimate, p.SE, p.CILower, p.CIUpper, p.Stat, p.PValue, p.Tau2, p.Tau2CILower, p.Tau2CIUpper,
			p.I2, p.H2, p.Q, p.QP, p.PILower, p.PIUpper}
		names := []string{"estimate", "se", "ci.lb", "ci.ub", "tval", "pval", "tau2", "tau2.lb", "tau2.ub", "I2", "H2", "QE", "QEp", "pi.lb", "pi.ub"}
		for i := range got {
			tol := 1e-8
			if names[i] == "QEp" {
				tol = 1e-6 * c.want[i] // as small as 2e-26: relative
			}
			if !near(got[i], c.want[i], tol) {
				t.Errorf("%s %s adhoc: %s = %.15g, metafor %.15g", c.name, c.method, names[i], got[i], c.want[i])
			}
		}
		if p.Test != Adhoc || p.Df != float64(len(c.data)-1) {
			t.Errorf("%s %s adhoc: test %s df %v", c.name, c.method, p.Test, p.Df)
		}
	}
	if tst, err := ParseTest("AdHoc"); tst != Adhoc || err != nil {
		t.Errorf("ParseTest(AdHoc) = %v, %v", tst, err)
	}
}

// TestCritical checks the one critical value every interval uses against R:
// qnorm(0.975), qnorm(0.95), qt(0.975, 12), qt(0.995, 3).
func TestCritical(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct{ level, df, want float64 }{
		{95, inf, 1.95996398454005}, {90, inf, 1.64485362695147}, {95, 12, 2.17881282966723}, {99, 3, 5.84090930973335},
	} {
		if got := Critical(c.level, c.df); !near(got, c.want, 1e-13) {
			t.Errorf("Critical(%v, %v) = %.15g, R %.15g", c.level, c.df, got, c.want)
		}
	}
}
