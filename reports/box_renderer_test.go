package reports

import (
	"bytes"
	"image"
	"testing"

	chart "github.com/wcharczuk/go-chart/v2"
)

// TestBoxesPNG draws charts with go-chart's raster renderer and with
// boxesPNG, and checks that every pixel is the same: a line chart with a
// legend and rotated text, and a bar chart, whose bars are boxes too.
func TestBoxesPNG(t *testing.T) {
	if _, err := defaultFont(); err != nil {
		t.Fatal(err)
	}
	lines := chart.Chart{Width: 500, Height: 320,
		Background: chart.Style{Padding: chart.Box{Top: 20, Left: 60, Right: 20, Bottom: 20}},
		XAxis:      chart.XAxis{Name: "Follow-up", NameStyle: axisStyle(), Style: axisStyle()},
		YAxis:      chart.YAxis{Name: "Mean change", NameStyle: axisStyle(), Style: axisStyle()},
		Series: []chart.Series{
			line("Given devices", []float64{1, 2, 3, 4}, []float64{0.5, 1.5, 1, 2}, okBlue, 3, nil),
			line("Comparison group", []float64{1, 2, 3, 4}, []float64{0, 0.2, 0.1, 0.4}, okVermilion, 2, []float64{6, 4}),
			chart.ContinuousSeries{Name: "Pooled", XValues: []float64{1, 2, 3, 2, 1}, YValues: []float64{1, 1.3, 1, 0.7, 1},
				Style: chart.Style{StrokeColor: okVermilion, FillColor: okVermilion, StrokeWidth: 2}},
		}}
	lines.Elements = []chart.Renderable{chart.LegendLeft(&lines, chart.Style{FontSize: fontSize - 2})}
	bars := chart.BarChart{Width: 500, Height: 320, BarWidth: 22, BarSpacing: 10,
		Background: chart.Style{Padding: chart.Box{Top: 30, Left: 10, Right: 10, Bottom: 100}},
		XAxis:      chart.Style{FontSize: 11, TextRotationDegrees: 90},
		YAxis:      chart.YAxis{Style: axisStyle(), Range: &chart.ContinuousRange{Min: 0, Max: 100}},
		Bars: []chart.Value{{Label: "brent w6", Value: 80, Style: chart.Style{FillColor: okBlue, StrokeColor: okBlue}},
			{Label: "brent m3", Value: 55.5, Style: chart.Style{FillColor: okGreen, StrokeColor: okGreen}}}}
	for _, tc := range []struct {
		name string
		c    drawable
	}{{"lines", lines}, {"bars", bars}} {
		t.Run(tc.name, func(t *testing.T) {
			draw := func(rp chart.RendererProvider) *image.RGBA {
				var iw chart.ImageWriter
				if err := tc.c.Render(rp, &iw); err != nil {
					t.Fatal(err)
				}
				img, err := iw.Image()
				if err != nil {
					t.Fatal(err)
				}
				return img.(*image.RGBA)
			}
			want, got := draw(chart.PNG), draw(boxesPNG)
			if got.Rect != want.Rect || !bytes.Equal(got.Pix, want.Pix) {
				n := 0
				for i := range got.Pix {
					if got.Pix[i] != want.Pix[i] {
						n++
					}
				}
				t.Errorf("%d of %d bytes differ from go-chart's raster renderer", n, len(want.Pix))
			}
		})
	}
}
