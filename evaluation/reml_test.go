package evaluation

import (
	"math"
	"testing"
)

// hardREML are analyses on which the Fisher scoring of ateval before issue
// 15 (and of metafor 3.8-1 with its default step) did not converge: the
// per-borough rows of reports on the sample data, rebuilt with
//
//	ateval sample --seed S --boroughs B; ateval import; ateval report --as-of 2026-06-30
//
// "published rows" are results.json's rows, rounded by the disclosure gate
// as pooled; "exact rows" are the same rows before rounding (the report
// built with the gate's rounding switched off). The reference values are
// metafor 3.8-1's REML maximum, with the damped step its help page gives as
// the remedy for non-convergence:
//
//	r <- rma(yi, vi, method="REML",
//	         control=list(threshold=1e-12, maxiter=1000, stepadj=0.5))
//	sprintf("%.15g", c(r$tau2, r$beta, r$se))
//
// Each was checked against the maximum of the restricted likelihood found
// by R's optimize() on [0, 10 max(var(yi), vi) + 1] (to 1e-8, optimize's
// precision). On seed 7's published hospital_admissions rows metafor's
// default step stops with "Fisher scoring algorithm did not converge".
var hardREML = []struct {
	name          string
	yi, vi        []float64
	tau2, est, se float64
}{
	{"seed 7, 16 boroughs, exact rows: ons4_worthwhile, fall-detector, w6, difference-in-change",
		[]float64{0.19333333333333336, -0.4842857142857149, 0.9835526315789469, 0.22222222222222232, 0.48522167487684786, 0.7833333333333332, 0.14380952380952383, 0.22499999999999964, 0.1212121212121211, -0.5164835164835164, 0.4341372912801491},
		[]float64{0.3242925436841404, 0.2739733182161754, 0.12511187464391665, 0.30925800716199664, 0.4347579972261479, 0.5505676328502417, 0.29560568552624283, 0.5443011229314416, 0.17985448894539843, 0.46602262206657724, 0.43581594216367636},
		0.0381643708595843, 0.28803716872001, 0.176304807529748},
	{"seed 7, 16 boroughs, exact rows: eq5d5l_vas, video-carephone, m3, before-after",
		[]float64{5.299999999999997, 4.846153846153847, 6.699999999999996, -1.1000000000000014, 2.9090909090909065, 3},
		[]float64{16.68999999999999, 26.895463510848156, 12.401111111111096, 7.546842105263164, 25.953719008264503, 15.595238095238104},
		1.52372305750649, 3.00444799242799, 1.65078489025443},
	{"seed 7, 16 boroughs, exact rows: home_care_hours, gps-location, w6, before-after",
		[]float64{0.3666666666666667, -0.5833333333333339, 0.2999999999999998, 0, -0.08333333333333304, 0.6363636363636367, -0.09090909090909083, -0.2666666666666666, 0.38461538461538414, -0.04545454545454586, 0.19999999999999973},
		[]float64{0.09396825396825412, 0.291035353535353, 0.14555555555555488, 0.08823529411764694, 0.16544117647058776, 0.432231404958678, 0.008264462809917267, 0.16396825396825349, 0.14792899408284216, 0.37024793388430055, 0.042380952380953345},
		0.00640155428548608, 0.023474664488408, 0.0838414230184596},
	{"seed 7, 16 boroughs, exact rows: hospital_admissions, gps-location, m3, before-after",
		[]float64{-0.12254534041192677, -1.252762968495368, -1.2904284713818424, -0.4833075948720982, 1.2184808308155137, 0.27496861917879567, 0.5894547220028157, 0.5582278626605746, -1.2611929446558268, -1.374769875267937},
		[]float64{1.5, 2.2857142857142856, 2.2857142857142856, 2.6666666666666665, 0.75, 2, 2, 2, 1.1666666666666667, 1.1666666666666667},
		0.0678175998041183, -0.210322864774418, 0.403337408816108},
	{"seed 7, 16 boroughs, exact rows: hospital_admissions, medication-dispenser, m6, before-after",
		[]float64{-1.107461903945092, -1.3389803795838215, 0.01117330059812538, 0.7689660171172967, -1.2233214433272153, -0.06693948267511018},
		[]float64{2.6666666666666665, 2.6666666666666665, 4, 0.47619047619047616, 0.6428571428571428, 4},
		0.427186003101756, -0.348877896921679, 0.564359844274258},
	{"seed 7, 33 boroughs, exact rows: home_care_hours, gps-location, m3, before-after",
		[]float64{-0.7999999999999998, 0.10784313725490247, -0.04166666666666696, -1.0909090909090908, 0.015151515151514694},
		[]float64{0.212222222222222, 0.057708573625528545, 0.08030753968253972, 0.2900826446280989, 0.05704775022956842},
		0.00330130201440194, -0.111571175740212, 0.137399608373536},
	{"seed 2024, 33 boroughs, exact rows: falls, fall-detector, w6, before-after",
		[]float64{-0.15415067982725805, -0.3340884452659365, -0.5774453111073861, 0.11840823105030118, 0.5914600702684281, 0.22440697536098142, 1.0833448165373216, 0.33950714031636764, 0.1588944238988148, -0.5013872830356298, 0.9059953280130557, -0.49198253596451114, -0.1914373902019646, 0.3959549181071722},
		[]float64{0.47619047619047616, 1.3333333333333333, 0.4242424242424242, 0.19166666666666665, 0.30952380952380953, 0.39285714285714285, 0.8333333333333333, 0.2777777777777778, 0.5333333333333333, 0.6428571428571428, 0.13025210084033612, 0.43333333333333335, 0.1984126984126984, 0.34285714285714286},
		0.0189696796435785, 0.207969298985596, 0.159361341819225},
	{"seed 11, 16 boroughs, exact rows: home_care_hours, fall-detector, w6, before-after",
		[]float64{0.3500000000000001, 0.023809523809523725, 0.3333333333333339, -0.02777777777777768, -0.2413793103448274, 0.18181818181818166, 0.666666666666667, 0.75, 0.25, -0.04999999999999982, 0.3611111111111107, 0.13333333333333286},
		[]float64{0.10802631578947341, 0.06842403628117955, 0.04329196217494088, 0.07920297748729194, 0.03240190249702737, 0.17396694214876066, 0.5770202020202005, 0.28333333333333405, 0.10855263157894726, 0.3080555555555563, 0.16144698620188908, 0.08846743295019147},
		0.0126000880118433, 0.123152125986099, 0.0957450547006927},
	{"seed 11, 16 boroughs, exact rows: device_in_use, community-alarm, m12, before-after",
		[]float64{0.9761904761904762, 0.875, 0.75, 0.9807692307692307, 0.96875, 0.96875, 0.9761904761904762, 0.9545454545454546, 0.9761904761904762, 0.9545454545454546, 0.8333333333333334, 0.96875, 0.6666666666666666, 0.9807692307692307, 0.6666666666666666},
		[]float64{0.001106791923118455, 0.002734375, 0.0046875, 0.0007254210286754681, 0.00189208984375, 0.00189208984375, 0.001106791923118455, 0.00394440270473328, 0.001106791923118455, 0.00394440270473328, 0.0046296296296296285, 0.00189208984375, 0.014814814814814815, 0.0007254210286754681, 0.014814814814814815},
		0.00018190594838456, 0.953984098216362, 0.01166197704097},
	{"seed 7, 16 boroughs, published rows: eq5d5l_vas, video-carephone, m3, before-after",
		[]float64{5.5, 5, 6.5, -1.2, 3, 3},
		[]float64{16.7, 26.9, 12.4, 7.54, 25.95, 15.6},
		1.68924943657256, 2.9979233597416, 1.66044039042093},
	{"seed 7, 16 boroughs, published rows: home_care_hours, gps-location, w6, before-after",
		[]float64{0.35, -0.6, 0.3, 0, -0.1, 0.65, -0.1, -0.25, 0.4, -0.05, 0.2},
		[]float64{0.094, 0.291, 0.1455, 0.0882, 0.1654, 0.432, 0.0085, 0.164, 0.148, 0.37, 0.0424},
		0.00729769676441832, 0.0218484941778183, 0.0855430369807359},
	{"seed 7, 16 boroughs, published rows: hospital_admissions, fall-detector, w6, difference-in-change",
		[]float64{1, -0.8, 0.8, 2.2, 0.6, -0.6},
		[]float64{1, 0.5, 5, 5, 5, 5},
		0.314403172629957, 0.125116733536164, 0.603971542025138},
	{"seed 7, 16 boroughs, published rows: hospital_admissions, medication-dispenser, m6, before-after",
		[]float64{-1.2, -1.4, 0, 0.8, -1.2, 0},
		[]float64{5, 5, 5, 0.5, 1, 5},
		0.384327434549363, -0.171446546099061, 0.620642651506007},
	{"seed 7, 33 boroughs, published rows: home_care_hours, gps-location, m3, before-after",
		[]float64{-0.8, 0.11, -0.04, -1.1, 0.02},
		[]float64{0.212, 0.0577, 0.0803, 0.29, 0.05705},
		0.0155296803554488, -0.126404341150857, 0.148189879771568},
	{"seed 11, 16 boroughs, published rows: home_care_hours, fall-detector, w6, before-after",
		[]float64{0.36, 0.02, 0.33, -0.05, -0.24, 0.2, 0.65, 0.75, 0.26, -0.05, 0.35, 0.14},
		[]float64{0.108, 0.0684, 0.0433, 0.0792, 0.0324, 0.174, 0.577, 0.2834, 0.1086, 0.308, 0.1614, 0.08845},
		0.0127044880651307, 0.122492176681448, 0.0958080368407232},
}

// TestREMLHardCases checks that REML reaches metafor's maximum on every
// hard case, and that at least one of them needs the bracketed search.
func TestREMLHardCases(t *testing.T) {
	searched := 0
	for _, c := range hardREML {
		p, err := PoolValues(c.yi, c.vi, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Searched {
			searched++
		}
		if !p.Converged || !near(p.Tau2, c.tau2, 1e-9) || !near(p.Estimate, c.est, 1e-9) || !near(p.SE, c.se, 1e-9) {
			t.Errorf("%s: converged %v, tau2 %.15g est %.15g se %.15g; metafor %.15g %.15g %.15g",
				c.name, p.Converged, p.Tau2, p.Estimate, p.SE, c.tau2, c.est, c.se)
		}
		// The maximum: ℓ_R no lower than at nearby τ².
		m := &intercept{y: c.yi, v: c.vi}
		l := m.at(p.Tau2).ll()
		for _, d := range []float64{1e-6, -1e-6} {
			if x := p.Tau2 * (1 + d); x >= 0 && m.at(x).ll() > l+llTol(l) {
				t.Errorf("%s: ℓ_R higher at τ² = %.15g than at the fit's %.15g", c.name, x, p.Tau2)
			}
		}
	}
	if searched == 0 {
		t.Error("no hard case needed the bracketed search: the test no longer tests it")
	}
}

// TestREMLHardLeaveOneOut checks that refits find the maximum too:
//
//	l <- leave1out(r)   # r as for hardREML
//	sprintf("%.15g", l$tau2); sprintf("%.15g", l$estimate)
func TestREMLHardLeaveOneOut(t *testing.T) {
	for _, c := range []struct {
		name      string
		tau2, est []float64
	}{
		{"seed 7, 16 boroughs, published rows: hospital_admissions, medication-dispenser, m6, before-after",
			[]float64{0.436669984982953, 0.418908471120272, 0.516708264734887, 0, 0, 0.516708264734888},
			[]float64{-0.103082967198871, -0.0837665249272134, -0.217511063661043, -0.955555555555555, 0.385714285714286, -0.217511063661043}},
		{"seed 7, 16 boroughs, exact rows: eq5d5l_vas, video-carephone, m3, before-after",
			[]float64{2.35133427077535, 2.42422043120285, 0, 0, 2.90848665654686, 3.70942463763071},
			[]float64{2.64802536781643, 2.85684615823614, 1.97570450093227, 4.78790734848558, 3.09624420394196, 3.13302737694763}},
	} {
		var data []Study
		for _, h := range hardREML {
			if h.name == c.name {
				data = studies(h.yi, h.vi)
			}
		}
		if data == nil {
			t.Fatalf("no hard case %q", c.name)
		}
		l, err := LeaveOneOut(data, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range l {
			// metafor stops short of the boundary: 1e-9 absolute there.
			if !p.Converged || !near(p.Tau2, c.tau2[i], 1e-9) || !near(p.Estimate, c.est[i], 1e-8) {
				t.Errorf("%s without %d: converged %v tau2 %.15g est %.15g; metafor %.15g %.15g",
					c.name, i+1, p.Converged, p.Tau2, p.Estimate, c.tau2[i], c.est[i])
			}
		}
	}
}

// TestBrentRoot checks the root finder on functions with known roots.
func TestBrentRoot(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func(float64) float64
		a, b float64
		want float64
	}{
		{"x²−2", func(x float64) float64 { return x*x - 2 }, 0, 2, math.Sqrt2},
		{"cos x − x", func(x float64) float64 { return math.Cos(x) - x }, 0, 1, 0.739085133215160641655312087673873},
		{"steep", func(x float64) float64 { return math.Tanh(1e4 * (x - 1e-3)) }, 0, 1, 1e-3},
		{"decreasing", func(x float64) float64 { return 1/x - 4 }, 0.1, 10, 0.25},
	} {
		x, ok := brentRoot(c.f, c.a, c.b, c.f(c.a), c.f(c.b))
		if !ok || math.Abs(x-c.want) > 4e-16*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s: %.17g (ok %v), want %.17g", c.name, x, ok, c.want)
		}
	}
}
