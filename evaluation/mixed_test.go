package evaluation

import (
	"math"
	"testing"
)

// boroughSums are one group's paired sums in one borough.
type boroughSums struct {
	borough                         string
	group, n                        int
	sumB, sumF, sumBB, sumFF, sumBF float64
}

// mixedCases hold resident-level data simulated in R, reduced to the
// per-borough, per-group sums the model is fitted from, and lme4's fit of
// the rows, made by testdata/mixed.R (lme4 1.1.31):
//
//	lmer(f ~ b + g + (1 + g | borough), data = d, REML = TRUE, control = tight)
//
// tight being nloptwrap with xtol_abs = 1e-12, ftol_abs = 1e-14 for the
// two regular fits (lme4's default stopping leaves the fixed effects some
// 1e-6 from its own optimum), and lme4's default control for the two
// singular ones. reml is as.numeric(logLik(m)); theta getME(m, "theta");
// tau, rho and sigma as.data.frame(VarCorr(m))$sdcor and sigma(m).
var mixedCases = []struct {
	name     string
	sums     []boroughSums
	reml     float64
	singular bool
	beta, se []float64
	theta    []float64
	tau      []float64
	rho      float64
	sigma    float64
	// better, when lme4 stops short of the optimum on the boundary, is
	// lme4's own REML log-likelihood (its devFunOnly deviance function) at
	// the θ ateval finds, and betterBeta lme4's fixed effects when started
	// there (testdata/mixed.R, last lines).
	better     float64
	betterBeta []float64
}{
	{name: "sixteen boroughs, varying effects",
		sums: []boroughSums{
			{"b01", 0, 7, 182, 112, 4934, 1884, 3024},
			{"b01", 1, 15, 332, 241, 7818, 4099, 5501},
			{"b02", 0, 21, 469, 316, 11145, 5290, 7558},
			{"b02", 1, 18, 416, 362, 10030, 7550, 8595},
			{"b03", 0, 19, 378, 287, 8002, 4673, 6010},
			{"b03", 1, 19, 427, 379, 10111, 7929, 8860},
			{"b04", 0, 19, 409, 325, 9399, 5847, 7267},
			{"b04", 1, 30, 650, 532, 14622, 9866, 11756},
			{"b05", 0, 23, 488, 364, 10680, 6216, 8024},
			{"b05", 1, 20, 461, 391, 11355, 8179, 9536},
			{"b06", 0, 23, 514, 353, 11836, 5697, 8058},
			{"b06", 1, 11, 231, 158, 5001, 2374, 3407},
			{"b07", 0, 19, 428, 226, 9960, 3032, 5333},
			{"b07", 1, 21, 454, 274, 10338, 3954, 6111},
			{"b08", 0, 32, 727, 511, 17417, 8897, 12183},
			{"b08", 1, 27, 598, 463, 13838, 8389, 10611},
			{"b09", 0, 19, 419, 276, 9741, 4254, 6366},
			{"b09", 1, 23, 450, 330, 9298, 5108, 6678},
			{"b10", 0, 20, 441, 320, 9981, 5244, 7145},
			{"b10", 1, 23, 498, 410, 11636, 7954, 9481},
			{"b11", 0, 28, 606, 432, 13750, 7266, 9814},
			{"b11", 1, 30, 688, 512, 16230, 9176, 12090},
			{"b12", 0, 15, 312, 198, 6796, 2852, 4240},
			{"b12", 1, 14, 278, 187, 6034, 2855, 4078},
			{"b13", 0, 15, 328, 247, 7530, 4309, 5651},
			{"b13", 1, 13, 286, 226, 6554, 4092, 5144},
			{"b14", 0, 20, 462, 319, 11282, 5527, 7767},
			{"b14", 1, 24, 502, 388, 10928, 6808, 8512},
			{"b15", 0, 12, 258, 201, 5890, 3741, 4627},
			{"b15", 1, 15, 328, 276, 7610, 5230, 6242},
			{"b16", 0, 13, 286, 204, 6518, 3394, 4620},
			{"b16", 1, 17, 387, 311, 9111, 5971, 7300},
		},
		reml: -1606.2074115548901, singular: false,
		beta:  []float64{1.6504639345247722, 0.62327862960615643, 1.7018670772913167},
		se:    []float64{0.65190009465816379, 0.024907270670696615, 0.28164496143726575},
		theta: []float64{0.39881467252643837, 0.09861884709551641, 0.14346273899139886},
		tau:   []float64{1.2202519905151936, 0.53266179897908328}, rho: 0.56648285031616075, sigma: 3.0596968330805336},
	{name: "eight boroughs, negative correlation",
		sums: []boroughSums{
			{"b01", 0, 13, 300, 199, 7098, 3135, 4679},
			{"b01", 1, 11, 241, 151, 5335, 2167, 3343},
			{"b02", 0, 12, 267, 213, 6241, 3923, 4910},
			{"b02", 1, 28, 638, 517, 15084, 9917, 12151},
			{"b03", 0, 16, 342, 270, 7780, 4746, 5987},
			{"b03", 1, 13, 297, 245, 6965, 4705, 5700},
			{"b04", 0, 22, 509, 336, 12393, 5794, 8359},
			{"b04", 1, 9, 227, 156, 5929, 2816, 4036},
			{"b05", 0, 8, 156, 82, 3258, 1022, 1761},
			{"b05", 1, 7, 152, 118, 3398, 2046, 2613},
			{"b06", 0, 11, 238, 196, 5456, 3610, 4383},
			{"b06", 1, 19, 432, 324, 10356, 5846, 7710},
			{"b07", 0, 14, 309, 265, 7369, 5265, 6135},
			{"b07", 1, 13, 276, 214, 6102, 3634, 4651},
			{"b08", 0, 12, 271, 159, 6425, 2319, 3752},
			{"b08", 1, 7, 148, 97, 3276, 1431, 2158},
		},
		reml: -516.9543927012877, singular: false,
		beta:  []float64{2.1855728926530986, 0.61612180786790371, 0.56491772814156094},
		se:    []float64{1.1871000575786734, 0.035317595169155114, 0.74295437513143459},
		theta: []float64{0.97952049729974966, -0.59265867198518207, 0.43878181406741174},
		tau:   []float64{2.4430851057414862, 1.8392221972307183}, rho: -0.80370285568826161, sigma: 2.4941643513089868},
	{name: "singular: no variation between boroughs",
		sums: []boroughSums{
			{"b01", 0, 3, 52, 34, 1022, 398, 620},
			{"b01", 1, 11, 238, 183, 5282, 3347, 4108},
			{"b02", 0, 11, 240, 182, 5496, 3122, 4104},
			{"b02", 1, 9, 199, 157, 4567, 2833, 3565},
			{"b03", 0, 8, 167, 123, 3605, 2073, 2695},
			{"b03", 1, 6, 146, 102, 3698, 1784, 2546},
			{"b04", 0, 15, 355, 230, 8623, 3684, 5524},
			{"b04", 1, 10, 240, 174, 6120, 3300, 4413},
			{"b05", 0, 8, 167, 128, 3783, 2200, 2830},
			{"b05", 1, 8, 183, 132, 4411, 2340, 3165},
			{"b06", 0, 8, 188, 144, 4460, 2688, 3424},
			{"b06", 1, 16, 330, 268, 7230, 5070, 5957},
		},
		reml: -292.38259705206821, singular: true,
		beta:  []float64{1.5405723532284277, 0.65288319372514314, 0.83284088534680756},
		se:    []float64{1.4418608502536228, 0.060918323975001736, 0.63518221997672442},
		theta: []float64{0.25298736656331133, -0.13629320922822832, 0},
		tau:   []float64{0.80288854554940181, 0.43254435196521002}, rho: -1, sigma: 3.1736309858321521},
	{name: "singular: five small boroughs",
		sums: []boroughSums{
			{"b01", 0, 5, 94, 63, 1810, 851, 1221},
			{"b01", 1, 4, 81, 52, 1689, 694, 1077},
			{"b02", 0, 6, 104, 79, 1842, 1087, 1398},
			{"b02", 1, 5, 122, 86, 3036, 1628, 2148},
			{"b03", 0, 5, 112, 88, 2562, 1602, 1956},
			{"b03", 1, 3, 64, 52, 1426, 934, 1152},
			{"b04", 0, 6, 140, 104, 3472, 2002, 2600},
			{"b04", 1, 2, 30, 22, 452, 274, 338},
			{"b05", 0, 3, 82, 57, 2244, 1085, 1560},
			{"b05", 1, 6, 123, 105, 2731, 2083, 2332},
		},
		reml: -119.09402222304941, singular: true,
		beta:  []float64{0.30706320042631219, 0.720532744340869, 0.36335404651015468},
		se:    []float64{2.3419625587091635, 0.10509611544602615, 1.1485578057052424},
		theta: []float64{0, -0.26861306519267325, 0.12185964955186353},
		tau:   []float64{0, 1.0250744696757981}, rho: math.NaN(), sigma: 3.4752729475060735,
		better:     -119.08215770122543,
		betterBeta: []float64{0.40804121835271445, 0.71627781034251814, 0.35571486132935942}},
}

func mixedInput(sums []boroughSums) []CrossProducts {
	groups := map[string][2]PairedSums{}
	var order []string
	for _, s := range sums {
		g, ok := groups[s.borough]
		if !ok {
			order = append(order, s.borough)
		}
		g[s.group] = PairedSums{N: s.n, SumB: s.sumB, SumF: s.sumF, SumBB: s.sumBB, SumFF: s.sumFF, SumBF: s.sumBF}
		groups[s.borough] = g
	}
	var bs []CrossProducts
	for _, b := range order {
		bs = append(bs, ChangeCrossProducts(b, groups[b][0], groups[b][1]))
	}
	return bs
}

func TestMixedModel(t *testing.T) {
	for _, c := range mixedCases {
		got, err := MixedModel(mixedInput(c.sums))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got.Singular != c.singular {
			t.Errorf("%s: singular %v, want %v (theta %v)", c.name, got.Singular, c.singular, got.Theta)
		}
		if c.singular {
			// On the boundary lme4 stops where its optimiser gives up: the
			// fit must reach at least its REML log-likelihood.
			if got.REML < c.reml-1e-9 {
				t.Errorf("%s: REML %.10g below lme4's %.10g", c.name, got.REML, c.reml)
			}
			want, beta, tol := c.reml, c.beta, 1e-3
			if c.better != 0 {
				want, beta, tol = c.better, c.betterBeta, 1e-4
			}
			if !near(got.REML, want, 1e-9) {
				t.Errorf("%s: REML %.12g, want %.12g", c.name, got.REML, want)
			}
			for i := range beta {
				if !near(got.Beta[i], beta[i], tol) {
					t.Errorf("%s: beta[%d] %.8g, lme4 %.8g", c.name, i, got.Beta[i], beta[i])
				}
			}
			continue
		}
		if !near(got.REML, c.reml, 1e-7) {
			t.Errorf("%s: REML %.12g, want %.12g", c.name, got.REML, c.reml)
		}
		for i := range c.beta {
			if !near(got.Beta[i], c.beta[i], 1e-5) {
				t.Errorf("%s: beta[%d] %.10g, want %.10g", c.name, i, got.Beta[i], c.beta[i])
			}
			if !near(got.SE[i], c.se[i], 1e-5) {
				t.Errorf("%s: se[%d] %.10g, want %.10g", c.name, i, got.SE[i], c.se[i])
			}
		}
		for i := range c.theta {
			if !near(got.Theta[i], c.theta[i], 1e-4) {
				t.Errorf("%s: theta %v, want %v", c.name, got.Theta, c.theta)
				break
			}
		}
		tau0, tau1 := math.Sqrt(got.RandomCov.At(0, 0)), math.Sqrt(got.RandomCov.At(1, 1))
		rho := got.RandomCov.At(0, 1) / (tau0 * tau1)
		for _, v := range []struct {
			name      string
			got, want float64
		}{{"tau0", tau0, c.tau[0]}, {"tau1", tau1, c.tau[1]}, {"rho", rho, c.rho}, {"sigma", got.Sigma, c.sigma}} {
			if !near(v.got, v.want, 1e-4) {
				t.Errorf("%s: %s %.10g, want %.10g", c.name, v.name, v.got, v.want)
			}
		}
	}
}

func TestMixedModelRefuses(t *testing.T) {
	one := mixedInput(mixedCases[0].sums)[:1]
	if _, err := MixedModel(one); err == nil {
		t.Error("one borough: no error")
	}
	// Nobody given devices: the group's effect is not identified.
	s := append([]boroughSums(nil), mixedCases[0].sums...)
	for i := range s {
		if s[i].group == 1 {
			s[i] = boroughSums{borough: s[i].borough, group: 1}
		}
	}
	if _, err := MixedModel(mixedInput(s)); err == nil {
		t.Error("no intervention residents: no error")
	}
}

// TestMixedModelOrder: the fit does not depend on the order the boroughs
// come in.
func TestMixedModelOrder(t *testing.T) {
	bs := mixedInput(mixedCases[1].sums)
	want, err := MixedModel(bs)
	if err != nil {
		t.Fatal(err)
	}
	rev := make([]CrossProducts, len(bs))
	for i, b := range bs {
		rev[len(bs)-1-i] = b
	}
	got, err := MixedModel(rev)
	if err != nil {
		t.Fatal(err)
	}
	if got.REML != want.REML || got.Beta[2] != want.Beta[2] {
		t.Errorf("reversed boroughs: REML %.17g beta %.17g, want %.17g %.17g", got.REML, got.Beta[2], want.REML, want.Beta[2])
	}
}

func BenchmarkMixedModel(b *testing.B) {
	bs := mixedInput(mixedCases[0].sums)
	for b.Loop() {
		if _, err := MixedModel(bs); err != nil {
			b.Fatal(err)
		}
	}
}
