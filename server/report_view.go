package server

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/evaluation"
	"github.com/ateval/ateval/reports"
)

// reportView is what the report page shows. Numbers are formatted here,
// from the report's already disclosure-controlled figures, so the
// template only lays them out.
type reportView struct {
	Query    reportQuery
	QS       string
	User     *ateval.User
	Errors   []ateval.FieldError
	Building *buildProgress
	// Evaluator is set for evaluators, who are pointed to their exports.
	Evaluator bool

	Outcomes     []choice
	Categories   []choice
	Partnerships []choice
	From, To     []choice

	Ready       bool
	GeneratedAt string
	AsOf        string
	Disclosure  reports.Disclosure
	// Own is the borough lead's borough, highlighted wherever it appears.
	Own      string
	OwnShown bool
	Summary  []findingRow
	Findings []findingRow
	FollowUp []followUpRow
	Quality  []qualityRow
	Costs    []costRow
	// Abandonment rows: category, time since issue, devices followed,
	// abandoned, share.
	Abandonment [][5]string
	Charts      []chartLink // trajectories and completeness
	Notes       []string
	Methods     []string
}

type choice struct {
	Value, Label string
	Selected     bool
	Hint         string
}

type findingRow struct {
	Title, Outcome, Category, Timepoint, Design string
	Sentence, Certainty, CertaintyReasons       string
	K                                           string
	Estimate, CI, Interval, Prediction          string
	Heterogeneity                               string
	Chart                                       *chartLink
	Rows                                        []boroughRowView
	Notes                                       []string
}

type boroughRowView struct {
	Borough, N, Effect string
	Own                bool
}

type followUpRow struct {
	Borough, Group, Timepoint, Due, Recorded, NotRecorded, Completeness string
	Own                                                                 bool
}

type qualityRow struct{ Instrument, Timepoint, Recorded, Incomplete, Share string }

type costRow struct {
	Category, Residents, DeviceCost, CareHours, Falls, Admissions, Net string
}

type chartLink struct{ URL, Title, Alt string }

func (v *reportView) fillChoices(known []ateval.Borough) {
	v.Outcomes = []choice{{Value: "", Label: "All outcomes", Selected: v.Query.Outcome == ""}}
	for _, o := range reports.Outcomes() {
		v.Outcomes = append(v.Outcomes, choice{Value: o.ID, Label: o.Label, Selected: o.ID == v.Query.Outcome})
	}
	v.Categories = []choice{{Value: "", Label: "All device categories", Selected: v.Query.Category == ""}}
	for _, c := range devices.Categories() {
		v.Categories = append(v.Categories, choice{Value: c.ID, Label: c.Name, Selected: c.ID == v.Query.Category})
	}
	v.Evaluator = v.User != nil && v.User.Role == ateval.RoleEvaluator
	chosen := map[string]bool{}
	for _, b := range v.Query.Boroughs {
		chosen[b] = true
	}
	names := map[string]string{}
	for _, b := range known {
		names[b.Slug] = b.Name
		if v.User != nil && v.User.BoroughID == b.ID {
			v.Own = b.Slug
		}
	}
	for _, g := range partnerships(known) {
		// A partnership is chosen when any of its boroughs is: the report
		// covers it whole.
		any := false
		var members []string
		for _, b := range g.Boroughs {
			any = any || chosen[b]
			members = append(members, names[b])
		}
		v.Partnerships = append(v.Partnerships, choice{Value: g.ID, Label: g.Name, Selected: any, Hint: strings.Join(members, ", ")})
	}
	// Financial years, April to March, from the first to the current one.
	from, _ := ateval.ParseDate(v.Query.From)
	to, _ := ateval.ParseDate(v.Query.To)
	v.From = []choice{{Value: "", Label: "The start", Selected: from.IsZero()}}
	v.To = []choice{{Value: "", Label: "Now", Selected: to.IsZero()}}
	for p := disclosure.Period(2019); p <= disclosure.PeriodOf(ateval.DateOf(time.Now())); p++ {
		v.From = append(v.From, choice{Value: p.From().String(), Label: "1 April " + strconv.Itoa(int(p)) + " (" + p.String() + ")",
			Selected: !from.IsZero() && disclosure.PeriodOf(from) == p})
		v.To = append(v.To, choice{Value: p.To().String(), Label: "31 March " + strconv.Itoa(int(p)+1) + " (end of " + p.String() + ")",
			Selected: !to.IsZero() && disclosure.PeriodOf(to) == p})
	}
}

// fillReport lays out a built report: the summary of findings, a
// section per finding with a forest plot, follow-up and data quality,
// costs and consequences.
func (v *reportView) fillReport(r *reports.Report, known []ateval.Borough) {
	names := map[string]string{}
	for _, b := range known {
		names[b.Slug] = b.Name
	}
	name := func(slug string) string {
		if n, ok := names[slug]; ok {
			return n
		}
		return slug // "Other boroughs (3)"
	}
	v.Ready = true
	v.GeneratedAt = r.GeneratedAt.Format("2 January 2006 at 15:04 UTC")
	v.AsOf = r.AsOf.String()
	v.Disclosure = r.Disclosure
	v.Methods = r.Methods()
	charts := map[string]reports.Chart{}
	for _, ch := range r.Charts {
		charts[ch.Name] = ch
	}
	link := func(ch reports.Chart) *chartLink {
		u := "/reports/charts/" + url.PathEscape(ch.Name)
		if v.QS != "" {
			u += "?" + v.QS
		}
		return &chartLink{URL: u, Title: ch.Title, Alt: ch.Alt}
	}
	for i := range r.Analyses {
		a := &r.Analyses[i]
		o, _ := reports.OutcomeByID(a.Outcome)
		f := findingRow{Outcome: o.Label, Category: reports.CategoryName(a.DeviceCategory), Timepoint: reports.TimepointName(a.Timepoint),
			Design: designName(a.Design), Sentence: a.Sentence, Certainty: a.Certainty.Level,
			CertaintyReasons: strings.Join(a.Certainty.Reasons, "; "), K: a.RowsText(),
			Estimate: effectText(a, a.Pooled.Estimate), Interval: intervalText(a),
			CI: effectText(a, a.Pooled.CILower) + " to " + effectText(a, a.Pooled.CIUpper), Prediction: predictionText(a),
			Heterogeneity: heterogeneityText(a.Pooled), Notes: a.Notes}
		f.Title = fmt.Sprintf("%s: %s, %s", o.Label, f.Category, f.Timepoint)
		for _, b := range a.Boroughs {
			n := fmt.Sprint(b.N)
			if b.NComparison > 0 {
				n = fmt.Sprintf("%d and %d in the comparison group", b.N, b.NComparison)
			}
			ci := evaluation.Critical(95, math.Inf(1)) * math.Sqrt(b.Vi)
			f.Rows = append(f.Rows, boroughRowView{Borough: name(b.Borough), N: n, Own: b.Borough == v.Own,
				Effect: fmt.Sprintf("%s (%s to %s)", effectText(a, b.Yi), effectText(a, b.Yi-ci), effectText(a, b.Yi+ci))})
			if b.Borough == v.Own {
				v.OwnShown = true
			}
		}
		if ch, ok := charts[a.Chart]; ok && a.Chart != "" {
			f.Chart = link(ch)
			v.Findings = append(v.Findings, f)
		}
		v.Summary = append(v.Summary, f)
	}
	for _, fu := range r.FollowUp {
		v.FollowUp = append(v.FollowUp, followUpRow{Borough: name(fu.Borough), Group: fu.Group, Timepoint: reports.TimepointName(fu.Timepoint),
			Due: fmt.Sprint(fu.Due), Recorded: fmt.Sprint(fu.Recorded), NotRecorded: fmt.Sprint(fu.NotRecorded),
			Completeness: percent(float64(fu.Completeness)), Own: fu.Borough == v.Own})
		if fu.Borough == v.Own {
			v.OwnShown = true
		}
	}
	for _, q := range r.Quality {
		v.Quality = append(v.Quality, qualityRow{Instrument: q.Instrument, Timepoint: reports.TimepointName(q.Timepoint),
			Recorded: fmt.Sprint(q.Recorded), Incomplete: fmt.Sprint(q.Incomplete), Share: percent(float64(q.Share))})
	}
	for _, cc := range r.CostConsequence {
		row := costRow{Category: reports.CategoryName(cc.DeviceCategory), Residents: fmt.Sprint(cc.Residents),
			DeviceCost: pounds(float64(cc.DeviceCost)), CareHours: rangeText(cc.Savings, "home_care_hour"),
			Falls: rangeText(cc.Savings, "fall_ambulance"), Admissions: rangeText(cc.Savings, "hospital_admission"), Net: "—"}
		if cc.Net != nil {
			row.Net = fmt.Sprintf("%s (%s to %s)", pounds(cc.Net.Estimate), pounds(cc.Net.Lower), pounds(cc.Net.Upper))
		}
		v.Costs = append(v.Costs, row)
	}
	for _, a := range r.Abandonment {
		v.Abandonment = append(v.Abandonment, [5]string{reports.CategoryName(a.DeviceCategory), reports.TimepointName(a.Timepoint),
			fmt.Sprint(a.AtRisk), fmt.Sprint(a.Abandoned), percent(float64(a.Share))})
	}
	for _, ch := range r.Charts {
		if strings.HasPrefix(ch.Name, "trajectory-") || ch.Name == "follow-up-completeness.png" || ch.Name == "abandonment.png" {
			v.Charts = append(v.Charts, *link(ch))
		}
	}
}

func designName(d string) string {
	if d == reports.DifferenceInChange {
		return "compared with residents without devices"
	}
	return "change from baseline"
}

// effectText shows an effect on the scale people read: ratios for the
// log rate ratios, percentages for proportions.
func effectText(a *reports.Analysis, x float64) string {
	switch {
	case math.IsNaN(x):
		return "—"
	case a.Measure == reports.IRR || a.Measure == reports.IRRDiff:
		return fmt.Sprintf("%.2f", math.Exp(x))
	case a.Measure == reports.PR:
		return fmt.Sprintf("%.0f%%", 100*x)
	}
	return fmt.Sprintf("%.2f", x)
}

func intervalText(a *reports.Analysis) string {
	p := a.Pooled
	if a.Withheld != "" {
		return "withheld: " + a.Withheld
	}
	kind := "normal (z)"
	switch p.Test {
	case evaluation.KnHa:
		kind = "Knapp-Hartung (t)"
	case evaluation.Adhoc:
		kind = "Knapp-Hartung with its scaling factor at least 1 (t)"
	}
	return fmt.Sprintf("%s to %s (95%% CI, %s, τ² by %s)", effectText(a, p.CILower), effectText(a, p.CIUpper), kind, p.Method)
}

func predictionText(a *reports.Analysis) string {
	if math.IsNaN(a.Pooled.PILower) {
		return "—"
	}
	return fmt.Sprintf("%s to %s", effectText(a, a.Pooled.PILower), effectText(a, a.Pooled.PIUpper))
}

func heterogeneityText(p evaluation.Pooled) string {
	if math.IsNaN(p.Tau2) {
		return fmt.Sprintf("τ² withheld, Q(%d) = %.2f, p = %.3f", p.QDf, p.Q, p.QP)
	}
	return fmt.Sprintf("τ² = %.3g (95%% CI %.3g to %.3g, Q-profile), I² = %.0f%%, Q(%d) = %.2f, p = %.3f",
		p.Tau2, p.Tau2CILower, p.Tau2CIUpper, p.I2, p.QDf, p.Q, p.QP)
}

func percent(x float64) string {
	if math.IsNaN(x) {
		return "— (withheld)"
	}
	return fmt.Sprintf("%.0f%%", 100*x)
}

func pounds(x float64) string {
	if math.IsNaN(x) {
		return "— (withheld)"
	}
	if x < 0 {
		return fmt.Sprintf("−£%.0f", -x)
	}
	return fmt.Sprintf("£%.0f", x)
}

func rangeText(m map[string]reports.Range, id string) string {
	r, ok := m[id]
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%s (%s to %s)", pounds(r.Estimate), pounds(r.Lower), pounds(r.Upper))
}
