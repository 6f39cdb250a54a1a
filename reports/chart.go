package reports

import (
	"fmt"
	"math"
	"sync"

	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"

	"github.com/ateval/ateval/evaluation"
)

// The Okabe-Ito palette, safe for the common forms of colour blindness.
var (
	okBlack     = drawing.Color{R: 0, G: 0, B: 0, A: 255}
	okGreen     = drawing.Color{R: 0x00, G: 0x9E, B: 0x73, A: 255}
	okBlue      = drawing.Color{R: 0x00, G: 0x72, B: 0xB2, A: 255}
	okVermilion = drawing.Color{R: 0xD5, G: 0x5E, B: 0x00, A: 255}
	okGrey      = drawing.Color{R: 0x99, G: 0x99, B: 0x99, A: 255}
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

// forestChart is an analysis's forest plot (see forestPlot), which can
// be drawn again with a borough highlighted.
func (r *Report) forestChart(o Outcome, a *Analysis) Chart {
	p := a.Pooled
	f := r.forestOf(o, a)
	name := fmt.Sprintf("forest-%s-%s-%s-%s.png", a.Outcome, a.DeviceCategory, a.Timepoint, a.Measure)
	alt := fmt.Sprintf("Forest plot of %s for residents given %s at %s, %s: %s; pooled estimate %s (95%% CI %s to %s)",
		lowerFirst(o.Label), devicePhrase(a.DeviceCategory), TimepointName(a.Timepoint), DesignName(a.Design), a.RowsText(),
		a.EffectText(p.Estimate), a.EffectText(p.CILower), a.EffectText(p.CIUpper))
	if !math.IsNaN(p.PILower) {
		alt += fmt.Sprintf(", prediction interval %s to %s", a.EffectText(p.PILower), a.EffectText(p.PIUpper))
	}
	return Chart{Name: name, Title: fmt.Sprintf("%s, %s, %s (%s)", o.Label, CategoryName(a.DeviceCategory), TimepointName(a.Timepoint), DesignName(a.Design)),
		Alt: alt + ".", png: lazily(plotted{f}), plot: f, mark: func(own string) drawable {
			g := *f
			g.own = own
			return plotted{&g}
		}, marked: &sync.Map{}}
}

// defaultFont is go-chart's default font, loaded once. It is package state
// only in the sense that sync.Once is: a constant the library would
// otherwise load racily.
var defaultFont = sync.OnceValues(chart.GetDefaultFont)

// z95 is the normal critical value of the 95% intervals drawn around each
// borough's effect, from the one function that gives every critical value.
func z95() float64 { return evaluation.Critical(95, math.Inf(1)) }
