package evaluation_test

import (
	"fmt"
	"strings"

	"github.com/ateval/ateval/evaluation"
)

// Five boroughs' mean change in a wellbeing score, pooled by REML with
// Knapp-Hartung intervals. metafor agrees:
// rma(c(1.8,0.9,2.6,0.4,1.2), c(.3,.25,.45,.2,.6), test="knha").
func ExamplePool() {
	studies := []evaluation.Study{
		{Label: "Camden", Yi: 1.8, Vi: 0.30},
		{Label: "Hackney", Yi: 0.9, Vi: 0.25},
		{Label: "Lambeth", Yi: 2.6, Vi: 0.45},
		{Label: "Newham", Yi: 0.4, Vi: 0.20},
		{Label: "Sutton", Yi: 1.2, Vi: 0.60},
	}
	p, err := evaluation.Pool(studies, evaluation.Options{Test: evaluation.KnHa})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("estimate %.3f, 95%% CI [%.3f, %.3f]\n", p.Estimate, p.CILower, p.CIUpper)
	fmt.Printf("tau2 %.3f, I2 %.1f%%, Q(%d) = %.2f\n", p.Tau2, p.I2, p.QDf, p.Q)
	fmt.Printf("prediction interval [%.3f, %.3f]\n", p.PILower, p.PIUpper)
	// Output:
	// estimate 1.305, 95% CI [0.248, 2.363]
	// tau2 0.411, I2 56.3%, Q(4) = 9.12
	// prediction interval [-0.766, 3.377]
}

// A variance of zero is a data problem: the error names the borough.
func ExamplePool_badVariance() {
	_, err := evaluation.Pool([]evaluation.Study{{Label: "Camden", Yi: 1, Vi: 0.2}, {Label: "Brent", Yi: 2, Vi: 0}}, evaluation.Options{})
	fmt.Println(err)
	// Output:
	// invalid: cannot pool: some boroughs have unusable effects
	//   Brent: variance vi must be positive, got 0
}

// A borough's paired summary, as a database query can return it, becomes
// a standardised mean change.
func ExampleSMCR() {
	c := evaluation.Change{N: 25, MeanBaseline: 20.0, MeanFollowUp: 22.5, SDBaseline: 3.9, SDFollowUp: 4.1, Corr: 0.6}
	e, _ := evaluation.SMCR(c)
	fmt.Printf("g = %.4f, v = %.4f\n", e.Yi, e.Vi)
	// Output:
	// g = 0.6207, v = 0.0397
}

// Falls per person-year after and before a fall detector was installed.
func ExampleLogRateRatio() {
	e, _ := evaluation.LogRateRatio(evaluation.Events{Count: 12, PersonTime: 100}, evaluation.Events{Count: 20, PersonTime: 110})
	fmt.Printf("log IRR = %.4f (v = %.4f)\n", e.Yi, e.Vi)
	// Output:
	// log IRR = -0.4155 (v = 0.1333)
}

func ExampleReadStudies() {
	in := "study,yi,sei\nCamden,0.25,0.2\nHackney,x,0.3\n"
	_, err := evaluation.ReadStudies(strings.NewReader(in))
	fmt.Println(err)
	// Output:
	// invalid: the file has values that cannot be pooled
	//   line 3: yi: "x" is not a number
}

// Does the effect depend on a borough characteristic? metafor agrees:
// rma(c(.1,.35,.2,.55,.4,.7), c(.02,.03,.02,.04,.03,.05), mods=~c(.2,.4,.3,.6,.5,.7)).
func ExampleRegress() {
	studies := []evaluation.Study{
		{Yi: 0.10, Vi: 0.02}, {Yi: 0.35, Vi: 0.03}, {Yi: 0.20, Vi: 0.02},
		{Yi: 0.55, Vi: 0.04}, {Yi: 0.40, Vi: 0.03}, {Yi: 0.70, Vi: 0.05},
	}
	share := evaluation.Moderator{Name: "living_alone", Values: []float64{0.2, 0.4, 0.3, 0.6, 0.5, 0.7}}
	r, _ := evaluation.Regress(studies, []evaluation.Moderator{share}, evaluation.Options{})
	for _, c := range r.Coef {
		fmt.Printf("%-12s %7.3f (se %.3f)\n", c.Name, c.Estimate, c.SE)
	}
	fmt.Printf("QM(%d) = %.2f, p = %.4f; residual tau2 = %.3f\n", r.QMDf, r.QM, r.QMP, r.Tau2)
	// Output:
	// intrcpt       -0.138 (se 0.181)
	// living_alone   1.154 (se 0.421)
	// QM(1) = 7.50, p = 0.0062; residual tau2 = 0.000
}
