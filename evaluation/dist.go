package evaluation

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// critical returns the two-sided critical value for level 1−alpha: the
// normal quantile when df is +Inf, otherwise Student's t on df degrees of
// freedom.
func critical(alpha, df float64) float64 {
	if math.IsInf(df, 1) {
		return distuv.UnitNormal.Quantile(1 - alpha/2)
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(1 - alpha/2)
}

// twoSided returns the two-sided p-value of statistic x, normal when df is
// +Inf, t on df degrees of freedom otherwise.
func twoSided(x, df float64) float64 {
	if math.IsNaN(x) {
		return math.NaN()
	}
	a := -math.Abs(x)
	if math.IsInf(df, 1) {
		return 2 * distuv.UnitNormal.CDF(a)
	}
	return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.CDF(a)
}

// chi2Upper returns P(X > x) for X chi-squared on df degrees of freedom.
func chi2Upper(x, df float64) float64 {
	if df <= 0 {
		return math.NaN()
	}
	return distuv.ChiSquared{K: df}.Survival(x)
}

// chi2Quantile returns the p quantile of chi-squared on df.
func chi2Quantile(p, df float64) float64 {
	return distuv.ChiSquared{K: df}.Quantile(p)
}

// fUpper returns P(X > x) for X distributed F(d1, d2), computed from the
// regularised incomplete beta function so that small p-values keep their
// precision.
func fUpper(x, d1, d2 float64) float64 {
	if x <= 0 {
		return 1
	}
	return mathext.RegIncBeta(d2/2, d1/2, d2/(d2+d1*x))
}

// Critical returns the two-sided critical value for a confidence level in
// percent, α = 1 − level/100: the normal quantile z_{1−α/2} when df is
// +Inf, otherwise Student's t_{df; 1−α/2}, as R's qnorm(1 − α/2) and
// qt(1 − α/2, df). Critical(95, math.Inf(1)) = 1.959963984540054. Every
// interval of ateval takes its critical value from here. It panics if
// level is not in (0, 100) or df is not positive.
func Critical(level, df float64) float64 {
	if !(level > 0 && level < 100) {
		panic(fmt.Sprintf("evaluation: level %v is not a percentage in (0, 100)", level))
	}
	if !(df > 0) {
		panic(fmt.Sprintf("evaluation: %v degrees of freedom", df))
	}
	return critical(1-level/100, df)
}
