package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/ateval/ateval/evaluation"
	"github.com/ateval/ateval/forms"
)

// intervalMethod says which interval the pooled estimates carry, and why.
func intervalMethod(r *Report) string {
	test := evaluation.Adhoc
	if len(r.Analyses) > 0 {
		test = r.Analyses[0].Test
	}
	switch test {
	case evaluation.Z:
		return "Intervals use the normal distribution; with few boroughs that vary, they cover the true effect less often than 95% of the time."
	case evaluation.KnHa:
		return "Intervals are Knapp and Hartung's, with t on k − 1 degrees of freedom; where their scaling factor is below 1 they are narrower than they should be."
	}
	return "The 95% confidence interval of each pooled estimate is Knapp and Hartung's with its scaling factor never below 1 (the ad hoc variant of Knapp and Hartung 2003 and Jackson et al. 2017), with t on k − 1 degrees of freedom. " +
		"It was chosen by simulation (REML, 2,000 meta-analyses in each of twelve scenarios of 3 to 20 boroughs, with and without between-borough variation): normal-theory intervals covered the true effect in as few as 84% of analyses of 3 to 5 varying boroughs; unmodified Knapp-Hartung intervals covered about 95% overall but 92% to 94% in the analyses where their scaling factor was below 1, which were most of them; the ad hoc interval covered at least 95% overall in every scenario, and no less than 94.3% where the factor was below 1 (within the simulation's error of 95%), at the price of wider intervals with 3 to 5 boroughs."
}

// Methods returns the methods' paragraphs, every part in order (the
// protocol's tables aside).
func (r *Report) Methods() []string {
	var out []string
	for _, m := range r.docMethods() {
		out = append(out, m.Paragraphs...)
	}
	return out
}

func (r *Report) docMethods() []DocMethods {
	var out []DocMethods
	p := r.protocol
	if p != nil {
		proto := DocMethods{ID: "protocol", Title: "The evaluation protocol",
			Paragraphs: []string{"The framework's evaluation protocol (version " + r.FrameworkVersion + ") names, before any result is read, the questions each evaluation answers. " +
				"Primary questions are asked of every device category with at least 3 boroughs' residents, and the report opens with them. " +
				"Secondary questions are asked the same way but read as supporting evidence; every other outcome and follow-up is exploratory. " +
				"Where a borough has a comparison group (residents on usual care or a waiting list), the difference between the groups' changes is the finding, and each group's own change is context. " +
				"Secondary and exploratory analyses with a p-value carry a q-value, the false discovery rate of Benjamini and Hochberg (1995) across all of them in the report: a result with q above 0.05 could well be chance among so many, and none of them is a finding to act on alone."},
			Table: [][]string{{"Question", "Role", "Why"}}}
		for _, e := range p.Endpoints {
			proto.Table = append(proto.Table, []string{endpointName(e), e.Role, e.Why})
		}
		out = append(out, proto)
		mids := DocMethods{ID: "smallest-change", Title: "The smallest change that matters",
			Paragraphs: []string{"Each outcome's minimal important difference, the smallest change worth acting on, with its source. Where no published figure was found the protocol says so and gives its own judgement; figures not checked against their source say so."},
			Table:      [][]string{{"Outcome", "Smallest change that matters", "Source", "Checked against the source"}}}
		for _, o := range Outcomes() {
			m, ok := p.MID(o.Instrument, o.Score)
			if !ok {
				continue
			}
			checked := "yes"
			if !m.Verified {
				checked = "no"
			}
			if m.Note != "" {
				checked += ". " + m.Note
			}
			mids.Table = append(mids.Table, []string{o.Label, midOf(m).Text(), m.Source, checked})
		}
		out = append(out, mids)
	}
	out = append(out, DocMethods{ID: "how", Title: "How each finding is made", Paragraphs: []string{
		"Each borough is a study of a two-stage analysis. For every outcome, device category (the category of a resident's first device) and follow-up, each borough's residents with both a baseline and a follow-up measurement give a mean change from baseline, computed in the database from sums; where the borough has a comparison group, the difference between the two groups' changes is analysed too. Falls and hospital admissions give the ratio of the rate of events after to the rate before (against the same ratio in the comparison group, where there is one), and device use the share still in use, pooled as log odds so that its interval stays between 0% and 100%.",
		"Boroughs' effects are pooled, from the rows as published (rounded as disclosure control requires), by random-effects meta-analysis. " +
			"Every figure is made from what disclosure control lets leave each fixed cell of residents, never from the residents' exact sums: for scores, the cell's mean baseline score and mean change, each rounded as a published mean of its size is; for yes/no answers and events, the published (perturbed, rounded) counts. A borough that shares its evidence with a hub sends exactly these, so the hub's figures are the same. " +
			"For scores, a row's variance is not worked out from the row's own residents, whose spread of changes, even rounded, could tell one resident's change apart from the others: it is the spread of change in the whole borough at that follow-up (across all its device categories, both groups and every year, whatever the report selects) divided by the row's rounded number of residents, as meta-analyses do when a study's own spread cannot be used (Cochrane Handbook, imputing standard deviations for changes from baseline). The borough's spread is given by four numbers pooled within its cells, the spread of baseline scores, the spread of changes, the slope of follow-up on baseline scores and the spread about that slope, each rounded to two significant figures or, for a borough of few residents, more coarsely, to no finer than its own standard error. This assumes that the spread of change is the same across a borough's device categories and groups; the adjusted comparison likewise uses the borough's own slope of follow-up on baseline scores. " +
			"Small boroughs are analysed as their own studies and shown combined: where a row combines small boroughs and every one of them has at least " + fmt.Sprint(max(r.Disclosure.MinCell, r.Disclosure.MinValues)) + " residents in each group compared, each of them is pooled as a study of its own (its effect rounded as a row of its own would be, and for scores with the variance a row of its rounded counts would have, so that the pooled figures give back no more of it than a published row could), so that a borough's residents are compared only with each other and boroughs are not merged into one pretend borough; the row shown is still the combined one, and no figure is published for a borough on its own. Otherwise the combined row is pooled as shown. The between-borough variance τ² is estimated by restricted maximum likelihood (REML), found by Fisher scoring that never lets the likelihood fall and, when that stalls, a bracketed search of the likelihood, so that every fit reaches its maximum; a fit that still does not converge is not published: the finding says it was withheld and why, and shows only the boroughs' own results.",
		intervalMethod(r),
		"Sensitivity analysis adjusted for the baseline score: where a borough has a comparison group, the difference between the groups' changes assumes that a resident's follow-up score moves one for one with their baseline score. Beside it, each borough's difference in follow-up score between the groups adjusted for the baseline score (analysis of covariance: follow-up on baseline and group, with the borough's slope of follow-up on baseline scores described above) is pooled the same way. Where the two agree, the finding does not rest on that assumption, nor on the groups' different starting points; where they differ, the adjusted figure is the more trustworthy when the groups started apart.",
		"The prediction interval, always shown, is where the effect in a new borough would be expected to lie. τ² is given with its Q-profile 95% interval. An estimate of τ² = 0 means the differences between boroughs could not be told apart from chance, not that the boroughs share one effect. Each borough's share still in use is shown with Wilson's interval, which stays between 0% and 100%.",
		"Beside each primary finding on a score that compares residents given a device with the comparison group, the report gives a one-stage model: all residents in one model, boroughs allowed to differ. " +
			"It is the linear mixed model y(follow-up) = β₀ + β₁ y(baseline) + β₂ device + u₀ + u₁ device + ε, whose borough terms u₀ and u₁ (a borough's own level and its own effect of the device) vary at random between boroughs, fitted by restricted maximum likelihood exactly as lme4's lmer(y ~ baseline + device + (1 + device | borough), REML = TRUE) fits it, from each borough's sums of scores, squares and products: no resident's record is needed. Those sums are made from the protected cells described above, each cell's rounded means with the borough's spread within it, so it is the model of data with exactly those summaries, which at a hub are what the boroughs shared. " +
			"Its cells are the ones disclosure control releases, so a small borough is one unit with the other small boroughs of its partnership, or left out, as in the two-stage analysis; unlike the two-stage comparison, it also takes in boroughs with residents of one group only, so it may rest on more boroughs. The estimate shown is β₂ with the 95% interval β₂ ± 1.96 standard errors. " +
			"It uses each resident's baseline score where the two-stage analysis uses the change, so the two agree closely only when the groups start alike; a singular fit (a spread between boroughs estimated as zero) is said to be so, as its interval may then be too narrow.",
	}})
	out = append(out, DocMethods{ID: "certainty", Title: "Certainty", Paragraphs: []string{CertaintyMethod()}})
	out = append(out, DocMethods{ID: "disclosure", Title: "Disclosure control", Paragraphs: []string{r.Disclosure.Statement}})
	out = append(out, DocMethods{ID: "analysts", Title: "For analysts: reproducing the figures", Paragraphs: []string{
		"results.json holds every published row (yi, vi) and pooled estimate. Each pooled estimate of rows that combine no small boroughs analysed apart (pooled.k equal to the number of rows) is what R's metafor gives on its published rows: rma(yi, vi, method = \"REML\", test = \"adhoc\") " +
			"(test=\"adhoc\" from metafor 3.0; control = list(threshold = 1e-12) to reach the same optimum). Measures are named as metafor's escalc() names them where it has a name: " +
			"a mean change, a difference of mean changes between the groups, a log rate ratio after against before, a difference of log rate ratios between the groups, and the log odds of a share; the adjusted sensitivity analysis (\"adjusted\" in results.json) pools each borough's difference at follow-up between the groups adjusted with the borough's slope of follow-up on baseline scores (lm(follow-up ~ baseline + group) with that slope fixed). " +
			"q-values are p.adjust(p, method = \"BH\") over every secondary and exploratory analysis with a p-value.",
	}})
	return out
}

// endpointName says an endpoint as a question: "Wellbeing (SWEMWBS, 7–35)
// at 6 months".
func endpointName(e forms.Endpoint) string {
	for _, o := range Outcomes() {
		if o.Instrument == e.Instrument && o.Score == e.Score {
			return o.Label + " at " + TimepointName(string(e.Timepoint))
		}
	}
	return InstrumentName(e.Instrument) + " at " + TimepointName(string(e.Timepoint))
}

// docCosts lays out the costs section: what the signs mean, why a row has
// no figure, and the unit costs with their sources and price years.
func (r *Report) docCosts() DocCosts {
	c := DocCosts{Explain: []string{
		"For each kind of device: what a year of it costs per resident (its price plus 52 weeks of monitoring), against the value of the changes in home care hours, falls and hospital admissions at 12 months, each priced with the unit costs below.",
		"Signs: a positive figure is a saving (less home care, fewer ambulance call-outs to falls, fewer admissions); a negative figure is extra cost (more of them). The net figure is the savings less the device's cost, so a negative net figure means the device costs more than it saves. Every figure has its 95% range; the net range adds the ends of the ranges, which is wider, and more cautious, than a joint interval.",
		"A saving rests on the comparison with residents without the device where there is one; otherwise on the change since baseline, which also holds what would have happened anyway. A dash means there is no figure: no pooled 12-month estimate of that consequence (fewer than 3 boroughs with enough residents), not a saving of zero.",
	}}
	c.Explain = append(c.Explain, r.UnitCosts.priceYearText())
	c.PriceYear = r.UnitCosts.PriceYear
	for _, cc := range r.CostConsequence {
		row := DocCostRow{ID: cc.DeviceCategory, Category: CategoryTitle(cc.DeviceCategory), Residents: fmt.Sprint(cc.Residents),
			DeviceCost: poundsText(float64(cc.DeviceCost)), CareHours: rangeText(cc.Savings, "home_care_hour"),
			Falls: rangeText(cc.Savings, "fall_ambulance"), Admissions: rangeText(cc.Savings, "hospital_admission"), Net: "—"}
		if cc.Net != nil {
			row.Net = fmt.Sprintf("%s (%s to %s)", poundsText(cc.Net.Estimate), poundsText(cc.Net.Lower), poundsText(cc.Net.Upper))
			row.Saves = cc.Net.Lower > 0
		}
		var why []string
		for _, n := range cc.Notes {
			why = append(why, upperFirst(n))
		}
		var missing []string
		for _, u := range []struct{ id, name string }{{"home_care_hour", "home care"}, {"fall_ambulance", "falls"}, {"hospital_admission", "admissions"}} {
			if _, ok := cc.Savings[u.id]; !ok && cc.Net != nil {
				missing = append(missing, u.name)
			}
		}
		if len(missing) > 0 {
			why = append(why, "No pooled 12-month estimate of "+joinAnd(missing)+", so "+plural(len(missing), "it is", "they are")+" not priced")
		}
		row.Why = strings.Join(why, ". ")
		var basis []string
		for _, o := range []string{"home_care_hours", "falls", "hospital_admissions"} {
			if a, ok := r.finding(o, cc.DeviceCategory, "m12"); ok {
				basis = append(basis, DesignName(a.Design))
			}
		}
		if len(basis) > 0 {
			if strings.Contains(strings.Join(basis, " "), "no comparison group") {
				row.Basis = "partly a change since baseline with no comparison group"
			} else {
				row.Basis = "compared with residents without the device"
			}
		}
		c.Rows = append(c.Rows, row)
	}
	for _, u := range r.UnitCosts.Items {
		d := DocUnitCost{Item: u.Label, Price: "£" + moneyFormat(u.Uprated), Unit: u.Unit, PriceYear: u.PriceYear,
			SourcePrice: "£" + moneyFormat(u.Pounds), Source: u.Source, Verified: u.Verified, NotUprated: u.NotUprated}
		if u.NotUprated == "" {
			d.Uprating = fmt.Sprintf("£%s at %s prices × %.4f", moneyFormat(u.Pounds), u.PriceYear, u.Factor)
		} else {
			d.Price += " (at " + u.PriceYear + " prices: not uprated)"
		}
		c.UnitCosts = append(c.UnitCosts, d)
	}
	return c
}

// poundsText is "£450", "−£120", or a dash with why for a withheld figure.
func poundsText(x float64) string {
	if x != x {
		return "— (withheld: too few residents)"
	}
	s := "£" + moneyFormat(math.Round(abs(x)))
	if fixed(x, 0) != "0" && x < 0 {
		return "−" + s
	}
	return s
}

func rangeText(m map[string]Range, id string) string {
	r, ok := m[id]
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%s (%s to %s)", poundsText(r.Estimate), poundsText(r.Lower), poundsText(r.Upper))
}

// moneyFormat writes whole pounds with thousands separators, pence only
// when there are any: "1,250", "145.83".
func moneyFormat(x float64) string {
	whole := fmt.Sprintf("%.0f", x)
	if frac := x - float64(int64(x)); frac > 0.005 && x < 1000 {
		return fmt.Sprintf("%.2f", x)
	}
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
