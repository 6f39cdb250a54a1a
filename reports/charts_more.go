package reports

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	chart "github.com/wcharczuk/go-chart/v2"
)

// headlineTimepoint is the follow-up whose findings get a forest plot each.
const headlineTimepoint = "m6"

// buildCharts draws the report's charts from its published numbers only.
func (r *Report) buildCharts(outcomes []Outcome) error {
	byID := map[string]Outcome{}
	for _, o := range outcomes {
		byID[o.ID] = o
	}
	if err := r.findingCharts(byID); err != nil {
		return err
	}
	for _, o := range outcomes {
		if c, ok, err := r.trajectoryChart(o); err != nil {
			return err
		} else if ok {
			r.Charts = append(r.Charts, c)
		}
	}
	if c, ok, err := r.abandonmentChart(); err != nil {
		return err
	} else if ok {
		r.Charts = append(r.Charts, c)
	}
	c, err := r.completenessChart()
	if err != nil {
		return err
	}
	r.Charts = append(r.Charts, c)
	return nil
}

// trajectoryChart draws an outcome's mean change (or share in use) at each
// follow-up per series, with 95% intervals; withheld means are gaps.
func (r *Report) trajectoryChart(o Outcome) (Chart, bool, error) {
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
		return Chart{}, false, nil
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
	png, err := render(c)
	if err != nil {
		return Chart{}, false, err
	}
	return Chart{Name: "trajectory-" + o.ID + ".png", Title: o.Label + " over the follow-ups",
		Alt: "Line chart of " + o.Label + " by follow-up: " + joinShort(alt) + ".", PNG: png}, true, nil
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
func (r *Report) completenessChart() (Chart, error) {
	var bars []chart.Value
	var alt []string
	for _, f := range r.FollowUp {
		if f.Group != "intervention" || math.IsNaN(float64(f.Completeness)) {
			continue
		}
		col := palette[tpOrder(f.Timepoint)%len(palette)]
		bars = append(bars, chart.Value{Label: f.Borough + " " + f.Timepoint, Value: 100 * float64(f.Completeness),
			Style: chart.Style{FillColor: col, StrokeColor: col}})
		alt = append(alt, fmt.Sprintf("%s %s %.0f%%", f.Borough, f.Timepoint, 100*float64(f.Completeness)))
	}
	if len(bars) == 0 {
		bars = []chart.Value{{Label: "no follow-ups due", Value: 0}}
	}
	c := chart.BarChart{Width: max(chartWidth, 34*len(bars)), Height: 640, BarWidth: 22, BarSpacing: 10,
		Background: chart.Style{Padding: chart.Box{Top: 30, Left: 10, Right: 10, Bottom: 160}},
		XAxis:      chart.Style{FontSize: 11, TextRotationDegrees: 90},
		YAxis:      chart.YAxis{Name: "% of follow-ups due that were recorded", NameStyle: axisStyle(), Style: axisStyle(), Range: &chart.ContinuousRange{Min: 0, Max: 100}},
		Bars:       bars}
	png, err := render(c)
	if err != nil {
		return Chart{}, err
	}
	return Chart{Name: "follow-up-completeness.png", Title: "Follow-up completeness by borough and timepoint (residents given devices)",
		Alt: "Bar chart of follow-up completeness: " + joinShort(alt) + ".", PNG: png}, nil
}

// funnelChart plots each borough's effect against its standard error
// (inverted), with the pooled estimate and its pseudo 95% limits.
func funnelChart(o Outcome, a *Analysis) (Chart, error) {
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
		line("Pseudo 95% limits", []float64{m - 1.96*top, m, m + 1.96*top}, []float64{top, 0, top}, okGrey, 2, []float64{6, 4}),
	}
	c := chart.Chart{Width: chartWidth, Height: 640,
		Background: chart.Style{Padding: chart.Box{Top: 30, Left: 20, Right: 30, Bottom: 20}},
		XAxis:      chart.XAxis{Name: "Effect (" + a.Measure + ")", NameStyle: axisStyle(), Style: axisStyle()},
		YAxis:      chart.YAxis{Name: "Standard error (larger further down)", NameStyle: axisStyle(), Style: axisStyle(), Range: &chart.ContinuousRange{Min: 0, Max: top, Descending: true}},
		Series:     ss}
	c.Elements = []chart.Renderable{chart.LegendLeft(&c, chart.Style{FontSize: fontSize - 2})}
	png, err := render(c)
	if err != nil {
		return Chart{}, err
	}
	return Chart{Name: fmt.Sprintf("funnel-%s-%s-%s-%s.png", a.Outcome, a.DeviceCategory, a.Timepoint, a.Measure),
		Title: "Funnel plot: " + o.Label + ", " + CategoryName(a.DeviceCategory),
		Alt:   fmt.Sprintf("Funnel plot of %d boroughs' effects against their standard errors around the pooled estimate %s.", a.Pooled.K, num(m)), PNG: png}, nil
}

// findingCharts draws each headline finding's forest plot (and its funnel
// plot where k >= 10). They are independent and most of their cost is PNG
// encoding, so they are drawn on every core; they are added in the
// analyses' order whatever order they finish in.
func (r *Report) findingCharts(byID map[string]Outcome) error {
	var idx []int
	for i := range r.Analyses {
		if r.Analyses[i].Timepoint == headlineTimepoint {
			idx = append(idx, i)
		}
	}
	type drawn struct {
		forest, funnel Chart
		hasFunnel      bool
		err            error
	}
	out := make([]drawn, len(idx))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(idx)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j := int(next.Add(1) - 1)
				if j >= len(idx) {
					return
				}
				a := &r.Analyses[idx[j]]
				d := &out[j]
				if d.forest, d.err = forestChart(byID[a.Outcome], a); d.err != nil {
					continue
				}
				if a.Pooled.K >= 10 {
					d.funnel, d.err = funnelChart(byID[a.Outcome], a)
					d.hasFunnel = true
				}
			}
		}()
	}
	wg.Wait()
	for j, d := range out {
		if d.err != nil {
			return d.err
		}
		r.Analyses[idx[j]].Chart = d.forest.Name
		r.Charts = append(r.Charts, d.forest)
		if d.hasFunnel {
			r.Charts = append(r.Charts, d.funnel)
		}
	}
	return nil
}
