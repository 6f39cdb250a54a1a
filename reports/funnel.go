package reports

import (
	"fmt"
	"math"
)

// funnelPlot is each borough's estimate against its standard error
// (larger further down), with the pooled estimate and its pseudo 95%
// limits; the key sits under the plot.
type funnelPlot struct {
	xs, ses []float64
	pooled  float64
	xlabel  string
}

func (f *funnelPlot) size() (int, int) { return chartWidth, 620 }

func (f *funnelPlot) paint(c *canvas) {
	const base = 13.0
	w, h := f.size()
	maxSE := 0.0
	for _, s := range f.ses {
		maxSE = math.Max(maxSE, s)
	}
	top := maxSE * 1.1
	if top == 0 {
		top = 1
	}
	lo, hi := f.pooled-z95()*top, f.pooled+z95()*top
	for _, x := range f.xs {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	step := niceStep((hi - lo) / 6)
	lo, hi = math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	ystep := niceStep(top / 5)
	top = math.Ceil(top/ystep) * ystep
	c.font(false, base-1, okBlack)
	labelW := c.width(fixed(top, 2))
	ax := axis{min: lo, max: hi, x0: 60 + labelW, x1: w - 30}
	y0, y1 := 40, h-150
	yAt := func(se float64) int { return y0 + int(math.Round(se/top*float64(y1-y0))) }
	for v := 0.0; v <= top+ystep*1e-9; v += ystep {
		y := yAt(v)
		c.line(ax.x0, y, ax.x1, y, okGrey, 0.5, nil)
		c.text(fixed(v, 2), ax.x0-8, y+5, alignRight)
	}
	c.text("Standard error (larger further down)", ax.x0-8-labelW, y0-16, alignLeft)
	c.line(ax.x0, y1, ax.x1, y1, okBlack, 1.5, nil)
	c.line(ax.x0, y0, ax.x0, y1, okBlack, 1.5, nil)
	c.line(ax.at(f.pooled), yAt(0), ax.at(clampV(f.pooled-z95()*top, lo, hi)), yAt(top), okGrey, 2, []float64{6, 4})
	c.line(ax.at(f.pooled), yAt(0), ax.at(clampV(f.pooled+z95()*top, lo, hi)), yAt(top), okGrey, 2, []float64{6, 4})
	c.line(ax.at(f.pooled), y0, ax.at(f.pooled), y1, okVermilion, 2, nil)
	for i, x := range f.xs {
		c.dot(ax.at(x), yAt(f.ses[i]), 6, okBlue)
	}
	c.ticks(ax, y1, linearTicks(lo, hi), tickText)
	c.font(false, base-1, okBlack)
	c.text(f.xlabel, (ax.x0+ax.x1)/2, y1+52, alignCentre)
	// The key, under the plot.
	y := h - 40
	x := ax.x0
	c.dot(x+8, y-5, 6, okBlue)
	b := c.text("A borough", x+22, y, alignLeft)
	x = b.x1 + 36
	c.line(x, y-5, x+34, y-5, okVermilion, 2, nil)
	b = c.text("Pooled estimate", x+44, y, alignLeft)
	x = b.x1 + 36
	c.line(x, y-5, x+34, y-5, okGrey, 2, []float64{6, 4})
	c.text("Pseudo 95% limits", x+44, y, alignLeft)
}

func clampV(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// funnelChart plots each borough's effect against its standard error.
func funnelChart(o Outcome, a *Analysis) Chart {
	f := &funnelPlot{pooled: a.Pooled.Estimate}
	for _, b := range a.Boroughs {
		f.xs, f.ses = append(f.xs, b.Yi), append(f.ses, math.Sqrt(b.Vi))
	}
	switch a.Measure {
	case IRR, IRRDiff:
		f.xlabel = "Each borough's estimate, as a log rate ratio"
	case PLO:
		f.xlabel = "Each borough's share still in use, as log odds"
	default:
		f.xlabel = "Each borough's estimate, " + o.Unit
	}
	return Chart{Name: fmt.Sprintf("funnel-%s-%s-%s-%s.png", a.Outcome, a.DeviceCategory, a.Timepoint, a.Measure),
		Title: "Funnel plot: " + o.Label + ", " + CategoryName(a.DeviceCategory),
		Alt:   fmt.Sprintf("Funnel plot of %d boroughs' effects against their standard errors around the pooled estimate %s.", a.Pooled.K, a.EffectText(a.Pooled.Estimate)), png: lazily(plotted{f}), plot: f}
}
