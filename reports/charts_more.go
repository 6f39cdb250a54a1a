package reports

import (
	"fmt"
	"math"

	chart "github.com/wcharczuk/go-chart/v2"

	"github.com/ateval/ateval/evaluation"
	"github.com/ateval/ateval/forms"
)

// buildCharts lists the report's charts, made from its published numbers
// only; each is drawn when it is first asked for (see Chart).
func (r *Report) buildCharts(outcomes []Outcome) {
	byID := map[string]Outcome{}
	for _, o := range outcomes {
		byID[o.ID] = o
	}
	for i := range r.Analyses {
		a := &r.Analyses[i]
		if a.Role == forms.RoleExploratory {
			continue // in a table: a forest plot each would bury the findings
		}
		forest := forestChart(byID[a.Outcome], a)
		a.Chart = forest.Name
		r.Charts = append(r.Charts, forest)
		if a.Pooled.K >= evaluation.MinFunnel && a.Withheld == "" {
			r.Charts = append(r.Charts, funnelChart(byID[a.Outcome], a))
		}
	}
	for _, o := range outcomes {
		if c, ok := r.trajectoryChart(o); ok {
			r.Charts = append(r.Charts, c)
		}
	}
	if c, ok := r.abandonmentChart(); ok {
		r.Charts = append(r.Charts, c)
	}
	r.Charts = append(r.Charts, r.completenessChart())
}

// trajectoryChart draws an outcome's mean change (or share in use) at each
// follow-up per series, with 95% intervals; withheld means are gaps.
func (r *Report) trajectoryChart(o Outcome) (Chart, bool) {
	series := map[string][]Trajectory{}
	var order []string
	for _, t := range r.Trajectories {
		if t.Outcome != o.ID || math.IsNaN(float64(t.Mean)) {
			continue
		}
		if _, ok := series[t.Series]; !ok {
			order = append(order, t.Series)
		}
		series[t.Series] = append(series[t.Series], t)
	}
	if len(order) == 0 {
		return Chart{}, false
	}
	var ss []chart.Series
	var alt []string
	for i, name := range order {
		col := palette[i%len(palette)]
		var xs, ys []float64
		for _, t := range series[name] {
			x := float64(tpOrder(t.Timepoint))
			xs, ys = append(xs, x), append(ys, float64(t.Mean))
			ss = append(ss, line("", []float64{x, x}, []float64{float64(t.CILower), float64(t.CIUpper)}, col, 2, nil))
			alt = append(alt, fmt.Sprintf("%s at %s %s", label(name), TimepointName(t.Timepoint), num(float64(t.Mean))))
		}
		ss = append(ss, chart.ContinuousSeries{Name: label(name), XValues: xs, YValues: ys,
			Style: chart.Style{StrokeColor: col, StrokeWidth: 3, DotColor: col, DotWidth: 5}})
	}
	var ticks []chart.Tick
	for i, tp := range []string{"w6", "m3", "m6", "m12"} {
		ticks = append(ticks, chart.Tick{Value: float64(i + 1), Label: TimepointName(tp)})
	}
	yname := "Mean change from baseline, " + o.Unit
	if o.Kind == KindProportion {
		yname = "Share still in use"
	}
	c := chart.Chart{Width: chartWidth, Height: 600,
		Background: chart.Style{Padding: chart.Box{Top: 30, Left: 260, Right: 30, Bottom: 20}},
		XAxis:      chart.XAxis{Name: "Follow-up", NameStyle: axisStyle(), Style: axisStyle(), Ticks: ticks, Range: &chart.ContinuousRange{Min: 0.7, Max: 4.3}},
		YAxis:      chart.YAxis{Name: yname, NameStyle: axisStyle(), Style: axisStyle()},
		Series:     ss}
	c.Elements = []chart.Renderable{chart.LegendLeft(&c, chart.Style{FontSize: fontSize - 2})}
	return Chart{Name: "trajectory-" + o.ID + ".png", Title: o.Label + " over the follow-ups",
		Alt: "Line chart of " + o.Label + " by follow-up: " + joinShort(alt) + ".", png: lazily(c)}, true
}

func label(series string) string {
	switch series {
	case "intervention":
		return "Given devices"
	case "comparison":
		return "Comparison group"
	}
	return CategoryName(series)
}

func joinShort(s []string) string {
	if len(s) > 12 {
		s = append(s[:12:12], "…")
	}
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "; "
		}
		out += x
	}
	return out
}

// completenessChart draws, per borough, the share of follow-ups due that
// were recorded for residents given devices, one bar per timepoint.
func (r *Report) completenessChart() Chart {
	var bars []chart.Value
	var alt []string
	for _, f := range r.FollowUp {
		if f.Group != "intervention" || math.IsNaN(float64(f.Completeness)) {
			continue
		}
		col := palette[tpOrder(f.Timepoint)%len(palette)]
		bars = append(bars, chart.Value{Label: f.Borough + " " + f.Timepoint, Value: 100 * float64(f.Completeness),
			Style: chart.Style{FillColor: col, StrokeColor: col}})
		alt = append(alt, fmt.Sprintf("%s at %s %.0f%%", r.BoroughName(f.Borough), TimepointName(f.Timepoint), 100*float64(f.Completeness)))
	}
	if len(bars) == 0 {
		bars = []chart.Value{{Label: "no follow-ups due", Value: 0}}
	}
	c := chart.BarChart{Width: max(chartWidth, 34*len(bars)), Height: 640, BarWidth: 22, BarSpacing: 10,
		Background: chart.Style{Padding: chart.Box{Top: 30, Left: 10, Right: 10, Bottom: 160}},
		XAxis:      chart.Style{FontSize: 11, TextRotationDegrees: 90},
		YAxis:      chart.YAxis{Name: "% of follow-ups due that were recorded", NameStyle: axisStyle(), Style: axisStyle(), Range: &chart.ContinuousRange{Min: 0, Max: 100}},
		Bars:       bars}
	return Chart{Name: "follow-up-completeness.png", Title: "Follow-up completeness by borough and timepoint (residents given devices)",
		Alt: "Bar chart of follow-up completeness: " + joinShort(alt) + ".", png: lazily(c)}
}

// funnelChart plots each borough's effect against its standard error
// (inverted), with the pooled estimate and its pseudo 95% limits.
func funnelChart(o Outcome, a *Analysis) Chart {
	var xs, ys []float64
	maxSE := 0.0
	for _, b := range a.Boroughs {
		se := math.Sqrt(b.Vi)
		xs, ys = append(xs, b.Yi), append(ys, se)
		maxSE = math.Max(maxSE, se)
	}
	m := a.Pooled.Estimate
	top := maxSE * 1.1
	ss := []chart.Series{
		chart.ContinuousSeries{Name: "Boroughs", XValues: xs, YValues: ys, Style: chart.Style{StrokeWidth: chart.Disabled, DotWidth: 6, DotColor: okBlue}},
		line("Pooled estimate", []float64{m, m}, []float64{0, top}, okVermilion, 2, nil),
		line("Pseudo 95% limits", []float64{m - z95()*top, m, m + z95()*top}, []float64{top, 0, top}, okGrey, 2, []float64{6, 4}),
	}
	c := chart.Chart{Width: chartWidth, Height: 640,
		Background: chart.Style{Padding: chart.Box{Top: 30, Left: 20, Right: 30, Bottom: 20}},
		XAxis:      chart.XAxis{Name: "Effect (" + a.Measure + ")", NameStyle: axisStyle(), Style: axisStyle()},
		YAxis:      chart.YAxis{Name: "Standard error (larger further down)", NameStyle: axisStyle(), Style: axisStyle(), Range: &chart.ContinuousRange{Min: 0, Max: top, Descending: true}},
		Series:     ss}
	c.Elements = []chart.Renderable{chart.LegendLeft(&c, chart.Style{FontSize: fontSize - 2})}
	return Chart{Name: fmt.Sprintf("funnel-%s-%s-%s-%s.png", a.Outcome, a.DeviceCategory, a.Timepoint, a.Measure),
		Title: "Funnel plot: " + o.Label + ", " + CategoryName(a.DeviceCategory),
		Alt:   fmt.Sprintf("Funnel plot of %d boroughs' effects against their standard errors around the pooled estimate %s.", a.Pooled.K, a.EffectText(m)), png: lazily(c)}
}
