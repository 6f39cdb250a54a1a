package reports

import (
	"fmt"
	"math"
	"sync"

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
		forest := r.forestChart(byID[a.Outcome], a)
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

// trajectoryChart draws an outcome's mean change (or share in use) at
// each follow-up with 95% intervals: for scores, residents given devices
// and the comparison group in one panel with a legend above it; for
// device use, a small panel per device category. Withheld means are gaps.
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
	lc := &lineChart{cols: 1, ymin: math.NaN(), ymax: math.NaN(), zero: true, ylabel: "Mean change since baseline, " + o.Unit}
	var alt []string
	points := func(name string) []linePoint {
		var pts []linePoint
		for _, t := range series[name] {
			pts = append(pts, linePoint{x: tpOrder(t.Timepoint) - 1, y: float64(t.Mean), lo: float64(t.CILower), hi: float64(t.CIUpper)})
			v := num(float64(t.Mean))
			if o.Kind == KindProportion {
				v = fmt.Sprintf("%.0f%%", 100*float64(t.Mean))
			}
			alt = append(alt, fmt.Sprintf("%s at %s %s", label(name), TimepointName(t.Timepoint), v))
		}
		return pts
	}
	if o.Kind == KindProportion {
		lc.cols, lc.percent, lc.zero, lc.ymin, lc.ymax = 3, true, false, 0, 1
		lc.ylabel = "Share still using the device"
		for _, name := range order {
			lc.panels = append(lc.panels, linePanel{title: CategoryTitle(name), series: []lineSeries{{name: label(name), col: okBlue, pts: points(name)}}})
		}
	} else {
		p := linePanel{}
		for i, name := range order {
			col, dash := okBlue, []float64(nil)
			if i > 0 {
				col, dash = okVermilion, []float64{8, 5}
			}
			p.series = append(p.series, lineSeries{name: label(name), col: col, dash: dash, pts: points(name)})
		}
		lc.panels = []linePanel{p}
	}
	return Chart{Name: "trajectory-" + o.ID + ".png", Title: o.Label + " over the follow-ups",
		Alt: "Line chart of " + lowerFirst(o.Label) + " by follow-up: " + joinShort(alt) + ".", png: lazily(plotted{lc}), plot: lc}, true
}

func label(series string) string {
	switch series {
	case "intervention":
		return "Residents given devices"
	case "comparison":
		return "Residents without devices (comparison group)"
	}
	return CategoryTitle(series)
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

// completenessChart is follow-up completeness of residents given devices
// as a heatmap: a row per borough, a column per follow-up.
func (r *Report) completenessChart() Chart {
	h := &heatmap{}
	var alt []string
	rows := map[string]*heatRow{}
	seen := map[string]bool{}
	for _, f := range r.FollowUp {
		if f.Group != "intervention" {
			continue
		}
		row := rows[f.Borough]
		if row == nil {
			row = &heatRow{slug: f.Borough, label: r.BoroughName(f.Borough), cells: map[string]float64{}}
			rows[f.Borough] = row
			h.rows = append(h.rows, *row)
		}
		row.cells[f.Timepoint] = float64(f.Completeness)
		seen[f.Timepoint] = true
		if !math.IsNaN(float64(f.Completeness)) {
			alt = append(alt, fmt.Sprintf("%s at %s %.0f%%", r.BoroughName(f.Borough), TimepointName(f.Timepoint), 100*float64(f.Completeness)))
		}
	}
	for i := range h.rows {
		h.rows[i] = *rows[h.rows[i].slug]
	}
	for _, tp := range []string{"w6", "m3", "m6", "m12"} {
		if seen[tp] {
			h.cols = append(h.cols, tp)
		}
	}
	return Chart{Name: "follow-up-completeness.png", Title: "Follow-up completeness by borough and follow-up (residents given devices)",
		Alt: "Table of follow-up completeness, shaded: " + joinShort(alt) + ".", png: lazily(plotted{h}), plot: h,
		mark: func(own string) drawable {
			g := *h
			g.own = own
			return plotted{&g}
		}, marked: &sync.Map{}}
}
