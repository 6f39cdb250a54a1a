package reports

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/ateval/ateval/evaluation"
	chart "github.com/wcharczuk/go-chart/v2"
)

// TestCanvasSamePixels paints a forest plot of 33 boroughs (twice, so
// that its texts come from the text cache the second time) with boxesPNG
// and with go-chart's raster renderer, and checks that every pixel is the
// same: the canvas's rectangles, closed paths filled as boxes, and its
// texts painted from kept spans.
func TestCanvasSamePixels(t *testing.T) {
	falls, _ := OutcomeByID("falls")
	a := &Analysis{Outcome: "falls", DeviceCategory: "fall-detector", Timepoint: "m6", Design: BeforeAfter, Measure: IRR}
	for i := range 33 {
		a.Boroughs = append(a.Boroughs, BoroughEffect{Borough: fmt.Sprintf("borough-%d", i), N: 100 + i, Yi: float64(i%9)/4 - 1, Vi: 0.02 + float64(i%5)/10})
	}
	a.Pooled = evaluation.Pooled{K: 33, Estimate: -0.1, CILower: -0.5, CIUpper: 0.3, PILower: -1.5, PIUpper: 1.4, Tau2: 0.3}
	p := (&Report{}).forestChart(falls, a).plot
	if p == nil {
		t.Fatal("the forest chart is not laid out on a canvas")
	}
	texts = &textCache{}
	c, err := paint(chart.PNG, p)
	if err != nil {
		t.Fatal(err)
	}
	var iw chart.ImageWriter
	if err := c.r.Save(&iw); err != nil {
		t.Fatal(err)
	}
	want, err := collected(&iw)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		c, err := paint(boxesPNG, p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want.Pix, c.r.(*boxRenderer).img.Pix) {
			t.Fatalf("drawing %d: the forest plot painted by boxesPNG differs from go-chart's", i+1)
		}
	}
	if len(texts.drawn) == 0 {
		t.Fatal("no text was kept: the second drawing did not use the cache")
	}
}
