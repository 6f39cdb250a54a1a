package reports

import (
	"fmt"
	"math"
	"strconv"
	"sync"

	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"

	"github.com/ateval/ateval/evaluation"
)

// The Okabe-Ito palette, safe for the common forms of colour blindness.
var (
	okBlack     = drawing.Color{R: 0, G: 0, B: 0, A: 255}
	okOrange    = drawing.Color{R: 0xE6, G: 0x9F, B: 0x00, A: 255}
	okSky       = drawing.Color{R: 0x56, G: 0xB4, B: 0xE9, A: 255}
	okGreen     = drawing.Color{R: 0x00, G: 0x9E, B: 0x73, A: 255}
	okBlue      = drawing.Color{R: 0x00, G: 0x72, B: 0xB2, A: 255}
	okVermilion = drawing.Color{R: 0xD5, G: 0x5E, B: 0x00, A: 255}
	okPurple    = drawing.Color{R: 0xCC, G: 0x79, B: 0xA7, A: 255}
	okGrey      = drawing.Color{R: 0x99, G: 0x99, B: 0x99, A: 255}
	palette     = []drawing.Color{okBlue, okVermilion, okGreen, okOrange, okPurple, okSky, okBlack}
)

// Print-size charts: 1200 px wide is 16 cm at 190 dpi; fonts at 14 px and
// up stay legible when the PDF scales the image to the page.
const (
	chartWidth = 1200
	fontSize   = 15
)

func axisStyle() chart.Style {
	return chart.Style{FontSize: fontSize, FontColor: okBlack, StrokeColor: okBlack}
}

func line(name string, xs, ys []float64, color drawing.Color, width float64, dash []float64) chart.ContinuousSeries {
	return chart.ContinuousSeries{Name: name, XValues: xs, YValues: ys,
		Style: chart.Style{StrokeColor: color, StrokeWidth: width, StrokeDashArray: dash}}
}

// forestChart draws one row per borough (its n, effect and 95% CI), the
// pooled estimate as a diamond, the prediction interval as a dashed line
// under it, and a vertical line at no effect. Ratios are drawn on the log
// scale with their axis labelled as ratios.
func forestChart(o Outcome, a *Analysis) Chart {
	k := len(a.Boroughs)
	ratio := a.Measure == IRR || a.Measure == IRRDiff
	xlabel := a.Measure + " (" + o.Unit + ")"
	switch a.Measure {
	case MC:
		xlabel = "Mean change from baseline, " + o.Unit
	case MCDiff:
		xlabel = "Difference in mean change (devices − comparison), " + o.Unit
	case IRR:
		xlabel = "Rate ratio, after / before (log scale)"
	case IRRDiff:
		xlabel = "Ratio of rate ratios, devices / comparison (log scale)"
	case PR:
		xlabel = "Proportion still in use"
	}
	var series []chart.Series
	var ticks []chart.Tick
	lo, hi := math.Inf(1), math.Inf(-1)
	grow := func(v ...float64) {
		for _, x := range v {
			if !math.IsNaN(x) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	for i, b := range a.Boroughs {
		y := float64(k - i + 2) // boroughs from the top, pooled rows below
		h := z95() * math.Sqrt(b.Vi)
		series = append(series, line("", []float64{b.Yi - h, b.Yi + h}, []float64{y, y}, okBlack, 2, nil))
		series = append(series, chart.ContinuousSeries{XValues: []float64{b.Yi}, YValues: []float64{y},
			Style: chart.Style{StrokeWidth: chart.Disabled, DotWidth: 6, DotColor: okBlue}})
		n := fmt.Sprintf("n=%d", b.N)
		if b.NComparison > 0 {
			n = fmt.Sprintf("n=%d/%d", b.N, b.NComparison)
		}
		ticks = append(ticks, chart.Tick{Value: y, Label: fmt.Sprintf("%s (%s)", b.Borough, n)})
		grow(b.Yi-h, b.Yi+h)
	}
	p := a.Pooled
	if a.Withheld != "" {
		ticks = append(ticks, chart.Tick{Value: 1.5, Label: "Pooled estimate withheld (see text)"})
	} else {
		series = append(series, chart.ContinuousSeries{Name: "Pooled (95% CI)",
			XValues: []float64{p.CILower, p.Estimate, p.CIUpper, p.Estimate, p.CILower},
			YValues: []float64{1.5, 1.85, 1.5, 1.15, 1.5},
			Style:   chart.Style{StrokeColor: okVermilion, FillColor: okVermilion, StrokeWidth: 2}})
		ticks = append(ticks, chart.Tick{Value: 1.5, Label: "Pooled, " + a.RowsText()})
		grow(p.CILower, p.CIUpper)
	}
	if !math.IsNaN(p.PILower) {
		series = append(series, line("Prediction interval", []float64{p.PILower, p.PIUpper}, []float64{0.6, 0.6}, okVermilion, 3, []float64{8, 5}))
		ticks = append(ticks, chart.Tick{Value: 0.6, Label: "Prediction interval"})
		grow(p.PILower, p.PIUpper)
	}
	top := float64(k + 3)
	ticks = append([]chart.Tick{{Value: 0, Label: ""}}, ticks...)
	ticks = append(ticks, chart.Tick{Value: top, Label: ""})
	if a.Measure != PR && a.Measure != PLO {
		series = append(series, line("No effect", []float64{0, 0}, []float64{0, top}, okGrey, 2, []float64{4, 4}))
		grow(0)
	}
	pad := (hi - lo) * 0.08
	if pad == 0 {
		pad = 1
	}
	xr := &chart.ContinuousRange{Min: lo - pad, Max: hi + pad}
	xaxis := chart.XAxis{Name: xlabel, NameStyle: axisStyle(), Style: axisStyle(), Range: xr}
	if !ratio {
		// go-chart draws the axis from the first tick to the last, so the
		// ticks must enclose every interval, or lines run into the labels.
		xaxis.Ticks = niceTicks(xr.Min, xr.Max)
		if t := xaxis.Ticks; len(t) > 0 {
			xr.Min, xr.Max = math.Min(xr.Min, t[0].Value), math.Max(xr.Max, t[len(t)-1].Value)
		}
	}
	if ratio {
		// Ticks at round ratios, placed on the log scale.
		var xt []chart.Tick
		for _, r := range []float64{0.25, 0.33, 0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 3, 4} {
			if l := math.Log(r); l >= xr.Min && l <= xr.Max {
				xt = append(xt, chart.Tick{Value: l, Label: fmt.Sprintf("%g", r)})
			}
		}
		xaxis.Ticks = xt
	}
	c := chart.Chart{
		Width: chartWidth, Height: 140 + 48*(k+3),
		Background: chart.Style{Padding: chart.Box{Top: 30, Left: 330, Right: 40, Bottom: 20}},
		XAxis:      xaxis,
		YAxis: chart.YAxis{Style: axisStyle(), Ticks: ticks, Range: &chart.ContinuousRange{Min: 0, Max: top},
			AxisType: chart.YAxisSecondary},
		Series: series,
	}
	name := fmt.Sprintf("forest-%s-%s-%s-%s.png", a.Outcome, a.DeviceCategory, a.Timepoint, a.Measure)
	alt := fmt.Sprintf("Forest plot of %s for residents given %s at %s, %s: %s; pooled estimate %s (95%% CI %s to %s)",
		lowerFirst(o.Label), devicePhrase(a.DeviceCategory), TimepointName(a.Timepoint), DesignName(a.Design), a.RowsText(),
		a.EffectText(p.Estimate), a.EffectText(p.CILower), a.EffectText(p.CIUpper))
	if !math.IsNaN(p.PILower) {
		alt += fmt.Sprintf(", prediction interval %s to %s", a.EffectText(p.PILower), a.EffectText(p.PIUpper))
	}
	return Chart{Name: name, Title: fmt.Sprintf("%s, %s, %s (%s)", o.Label, CategoryName(a.DeviceCategory), TimepointName(a.Timepoint), DesignName(a.Design)), Alt: alt + ".", png: lazily(c)}
}

// niceTicks returns about six ticks at round values from the last at or
// below lo to the first at or above hi.
func niceTicks(lo, hi float64) []chart.Tick {
	step := math.Pow(10, math.Floor(math.Log10((hi-lo)/5)))
	for _, m := range []float64{1, 2, 5, 10} {
		if (hi-lo)/(step*m) <= 7 {
			step *= m
			break
		}
	}
	var t []chart.Tick
	first, last := math.Floor(lo/step+1e-9), math.Ceil(hi/step-1e-9)
	for i := first; i <= last; i++ {
		x := i * step
		t = append(t, chart.Tick{Value: x, Label: strconv.FormatFloat(x, 'g', 4, 64)})
	}
	return t
}

// defaultFont is go-chart's default font, loaded once. It is package state
// only in the sense that sync.Once is: a constant the library would
// otherwise load racily.
var defaultFont = sync.OnceValues(chart.GetDefaultFont)

// z95 is the normal critical value of the 95% intervals drawn around each
// borough's effect, from the one function that gives every critical value.
func z95() float64 { return evaluation.Critical(95, math.Inf(1)) }
