package reports

import (
	"fmt"
	"math"
)

// Certainty is how sure a reader can be of a finding, in the spirit of
// GRADE: it starts high and each concern below lowers it one level, to
// moderate, low and very low.
type Certainty struct {
	Level   string   `json:"level"`
	Reasons []string `json:"reasons"`
}

// The levels of certainty.
var certaintyLevels = []string{"high", "moderate", "low", "very low"}

// Thresholds of the concerns that lower certainty.
const (
	smallK            = 5    // fewer boroughs than this: too few to judge consistency
	highI2            = 50.0 // I² above this (percent): substantial heterogeneity
	poorCompleteness  = 0.7  // fewer than this share of due follow-ups recorded
	certaintyMethodNB = "Certainty starts at high and is lowered one level for each of: " +
		"fewer than 5 boroughs; an imprecise estimate (the 95% CI includes no effect); " +
		"inconsistency between boroughs (I² above 50%, or a prediction interval that includes no effect " +
		"when the CI does not); attrition (fewer than 70% of the follow-ups due recorded); " +
		"and no comparison group (a before-after change that may be partly what would have happened anyway)."
)

// CertaintyMethod explains how certainty is judged, for the methods
// section.
func CertaintyMethod() string { return certaintyMethodNB }

// certainty judges an analysis; a withheld pooled estimate is not judged.
func certainty(a *Analysis, _ *Options) Certainty {
	if a.Withheld != "" {
		return Certainty{Level: "not judged", Reasons: []string{"the pooled estimate is withheld"}}
	}
	p := a.Pooled
	null := nullValue(a.Measure)
	var reasons []string
	if p.K < smallK {
		reasons = append(reasons, fmt.Sprintf("few boroughs (%d)", p.K))
	}
	if p.CILower <= null && p.CIUpper >= null {
		reasons = append(reasons, "imprecision (the 95% CI includes no effect)")
	}
	piCrosses := !math.IsNaN(p.PILower) && p.PILower <= null && p.PIUpper >= null
	ciCrosses := p.CILower <= null && p.CIUpper >= null
	if p.I2 > highI2 || (piCrosses && !ciCrosses) {
		reasons = append(reasons, fmt.Sprintf("inconsistency between boroughs (I² %.0f%%)", p.I2))
	}
	if c := float64(a.Completeness); !math.IsNaN(c) && c < poorCompleteness {
		reasons = append(reasons, fmt.Sprintf("attrition (%.0f%% of follow-ups due were recorded)", 100*c))
	}
	if a.Design == BeforeAfter && a.Measure != PR {
		reasons = append(reasons, "no comparison group")
	}
	level := certaintyLevels[min(len(reasons), len(certaintyLevels)-1)]
	if reasons == nil {
		reasons = []string{}
	}
	return Certainty{Level: level, Reasons: reasons}
}

// nullValue is the effect of no change on the measure's scale (all are 0:
// log rate ratios, mean changes), except a proportion, which has none.
func nullValue(measure string) float64 {
	if measure == PR {
		return math.NaN()
	}
	return 0
}
