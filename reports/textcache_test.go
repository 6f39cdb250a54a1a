package reports

import (
	"bytes"
	"testing"

	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// TestTextCacheSamePixels draws texts, each several times at different
// places (so that the second and later are painted from the cache), in
// both fonts and several sizes and colours, some touching or crossing the
// image's edges, with boxesPNG and with go-chart's raster renderer, and
// checks that every pixel is the same.
func TestTextCacheSamePixels(t *testing.T) {
	fonts, err := chartFonts()
	if err != nil {
		t.Fatal(err)
	}
	texts = &textCache{} // a fresh cache, whatever other tests kept
	words := []string{"Barking and Dagenham", "Kensington and Chelsea", "−0.052 [−0.087, −0.017]", "τ² = 0.004", "≥ 12", "0.25", "Jiggly", "W"}
	draw := func(r chart.Renderer) {
		r.SetDPI(96)
		for i, size := range []float64{9, 11, 13.5} {
			r.SetFont(fonts[i%2])
			r.SetFontSize(size)
			r.SetFontColor([]drawing.Color{okBlack, okBlue, {R: 120, G: 120, B: 120, A: 180}}[i])
			for j, w := range words {
				for k := range 3 {
					r.Text(w, 3+17*j+97*k+i, 20+30*j+11*k+40*i)
				}
			}
			// At and over the edges: drawn by go-chart, not from the cache.
			r.Text("Edge", -3, 10)
			r.Text("Edge", 0, 12)
			r.Text("Edge", 460, 300)
			r.Text("Edge", 200, 398)
			r.Text("Edge", 200, 408)
		}
		r.ResetStyle()
		r.SetFont(fonts[0])
		r.SetFontSize(10)
		r.Text("after a reset", 100, 380) // colour reset with the style
	}
	want, err := chart.PNG(480, 400)
	if err != nil {
		t.Fatal(err)
	}
	got, err := boxesPNG(480, 400)
	if err != nil {
		t.Fatal(err)
	}
	draw(want)
	draw(got)
	var iw chart.ImageWriter
	if err := want.Save(&iw); err != nil {
		t.Fatal(err)
	}
	wantImg, err := collected(&iw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(wantImg.Pix, got.(*boxRenderer).img.Pix) {
		t.Fatal("texts drawn through the text cache differ from go-chart's")
	}
	if len(texts.drawn) == 0 {
		t.Fatal("no text was kept: the test does not test the cache")
	}
	// A text is measured as go-chart measures it.
	for _, w := range words {
		if a, b := want.MeasureText(w), got.MeasureText(w); a != b {
			t.Errorf("%q measured %v, go-chart %v", w, b, a)
		}
	}
}
