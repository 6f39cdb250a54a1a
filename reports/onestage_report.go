package reports

import (
	"fmt"
	"math"

	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/reports/summary"
)

// OneStageEffect is what results.json gives, beside a primary analysis of
// a score comparing the groups, of the one-stage model of the same
// residents (FitReleased over the report's released cells): the
// difference the device makes to the follow-up score, adjusted for the
// baseline score, with every resident in one model and each borough (or
// combined unit of small boroughs) allowed its own level and its own
// effect. Estimate and SE are lme4's fixed effect of the intervention and
// its standard error; the 95% interval is Wald's, estimate ± 1.96 SE (lme4
// gives no degrees of freedom).
type OneStageEffect struct {
	Estimate jsonNumber `json:"estimate"`
	SE       jsonNumber `json:"se"`
	CILower  jsonNumber `json:"ci_lower"`
	CIUpper  jsonNumber `json:"ci_upper"`
	// TauIntervention is the standard deviation of the boroughs' effects.
	TauIntervention jsonNumber `json:"tau_intervention"`
	// Boroughs are the model's units (a named borough, or small boroughs
	// combined); Residents the residents in it, adjusted and rounded as
	// every published count is.
	Boroughs  int `json:"boroughs"`
	Residents int `json:"residents"`
	// Singular is lme4's isSingular: a borough-level spread estimated as
	// zero, or two perfectly correlated.
	Singular bool `json:"singular"`
	// Withheld says why there is no fit; its figures are then null.
	Withheld string `json:"withheld,omitempty"`
}

// z975 is the normal distribution's 97.5th percentile.
const z975 = 1.959963984540054

// oneStageOf fits the one-stage model of a primary score outcome from the
// released cells of the category's intervention arm and of the
// comparison arm (the analysis's residents, whole cells only).
func (r *Report) oneStageOf(o Outcome, category, tp string, rel []disclosure.Released) *OneStageEffect {
	none := jsonNumber(math.NaN())
	out := &OneStageEffect{Estimate: none, SE: none, CILower: none, CIUpper: none, TauIntervention: none}
	n, key := 0, int64(0)
	for _, x := range rel {
		if x.Arm == summary.Comparison || (x.Arm == summary.Intervention && x.Category == category) {
			n += x.N
			key += x.Key
		}
	}
	out.Residents = r.count(n, key)
	m, err := FitReleased(o.ID, tp, rel, category)
	if err != nil {
		out.Withheld = "the one-stage model could not be fitted to these residents"
		return out
	}
	b := m.Fixed[2]
	out.Estimate, out.SE = jsonNumber(b.Estimate), jsonNumber(b.SE)
	out.CILower, out.CIUpper = jsonNumber(b.Estimate-z975*b.SE), jsonNumber(b.Estimate+z975*b.SE)
	out.TauIntervention = jsonNumber(m.Random.TauIntervention)
	out.Boroughs, out.Singular = m.Boroughs, m.Singular
	return out
}

// primaryScore says whether an outcome at a follow-up is a primary
// endpoint of the protocol measured as a score (one the one-stage model
// fits).
func (r *Report) primaryScore(o Outcome, tp string) bool {
	return o.Kind == KindChange && r.protocol != nil && r.protocol.Role(o.Instrument, o.Score, forms.Timepoint(tp)) == forms.RolePrimary
}

// OneStageText says the one-stage model in plain English, for the page
// and the PDF; "" when the analysis has none.
func (a *Analysis) OneStageText(o Outcome) string {
	m := a.OneStage
	if m == nil {
		return ""
	}
	if m.Withheld != "" {
		return "All residents in one model, boroughs allowed to differ: " + m.Withheld + "."
	}
	dp := 2
	if o.ID == "eq5d5l_index" {
		dp = 3
	}
	s := fmt.Sprintf("%s (95%% CI %s to %s): all residents in one model, boroughs allowed to differ; %d boroughs or groups of small boroughs, about %d residents.",
		o.Units(fixed(float64(m.Estimate), dp)), fixed(float64(m.CILower), dp), fixed(float64(m.CIUpper), dp), m.Boroughs, m.Residents)
	if m.Singular {
		s += " The data could not tell how much the boroughs differ (the fit is singular: a spread between boroughs estimated as zero, or two that move together exactly), so this interval may be too narrow."
	}
	return s
}
