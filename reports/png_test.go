package reports

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math/rand/v2"
	"testing"

	"github.com/ateval/ateval/evaluation"
)

// TestEncodePNG checks encodePNG against image/png's decoder: every pixel
// read back as written, for an opaque image, one not at the origin (a
// sub-image, whose rows do not start at the buffer's start), and ones with
// transparency, which image/png encodes instead.
func TestEncodePNG(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noisy := func(w, h int, alpha bool) *image.RGBA {
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		for i := range m.Pix {
			m.Pix[i] = uint8(rng.IntN(256))
			if i%4 == 3 && !alpha {
				m.Pix[i] = 255
			}
		}
		return m
	}
	chartLike := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for y := range 200 {
		for x := range 300 {
			c := color.RGBA{255, 255, 255, 255}
			if x == y || y == 100 {
				c = color.RGBA{0xD5, 0x5E, 0x00, 255}
			}
			chartLike.SetRGBA(x, y, c)
		}
	}
	// Enough noise that chunks are written before the one clear pixel.
	lastClear := noisy(200, 200, false)
	lastClear.Pix[len(lastClear.Pix)-1] = 0
	for _, tc := range []struct {
		name string
		m    *image.RGBA
	}{
		{"chart-like", chartLike},
		{"noise", noisy(67, 31, false)},
		{"one pixel", noisy(1, 1, false)},
		{"sub-image", noisy(90, 60, false).SubImage(image.Rect(13, 7, 71, 50)).(*image.RGBA)},
		{"transparent", noisy(40, 20, true)},
		{"transparent at the end", lastClear},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			b.WriteString("before")
			if err := encodePNG(&b, tc.m); err != nil {
				t.Fatal(err)
			}
			if before := string(b.Next(6)); before != "before" {
				t.Fatalf("encodePNG wrote over what the buffer held: %q", before)
			}
			got, err := png.Decode(&b)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.m.Bounds()
			if got.Bounds().Dx() != want.Dx() || got.Bounds().Dy() != want.Dy() {
				t.Fatalf("decoded %v, want the size of %v", got.Bounds(), want)
			}
			for y := range want.Dy() {
				for x := range want.Dx() {
					g := color.NRGBAModel.Convert(got.At(got.Bounds().Min.X+x, got.Bounds().Min.Y+y))
					w := color.NRGBAModel.Convert(tc.m.At(want.Min.X+x, want.Min.Y+y))
					if g != w {
						t.Fatalf("pixel (%d, %d) = %v, want %v", x, y, g, w)
					}
				}
			}
		})
	}
}

// forestOf33 is a forest plot of 33 boroughs, the report's most drawn
// chart at London scale.
func forestOf33() Chart {
	o, _ := OutcomeByID("swemwbs_raw")
	a := &Analysis{Outcome: o.ID, DeviceCategory: "fall-detector", Timepoint: "m6", Design: BeforeAfter, Measure: MC}
	for i := range 33 {
		a.Boroughs = append(a.Boroughs, BoroughEffect{Borough: fmt.Sprintf("Borough %d", i+1), N: 100 + i, Yi: float64(i%7) - 3, Vi: 0.5})
	}
	a.Pooled = evaluation.Pooled{K: 33, Estimate: 0.1, CILower: -0.4, CIUpper: 0.6, PILower: -2, PIUpper: 2.2}
	return (&Report{}).forestChart(o, a)
}

// BenchmarkForestPlot draws and encodes a forest plot of 33 boroughs.
func BenchmarkForestPlot(b *testing.B) {
	for b.Loop() {
		if _, err := forestOf33().PNG(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodePNG encodes a forest plot of 33 boroughs, as drawn.
func BenchmarkEncodePNG(b *testing.B) {
	p, err := forestOf33().PNG()
	if err != nil {
		b.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(p))
	if err != nil {
		b.Fatal(err)
	}
	m := image.NewRGBA(img.Bounds())
	draw.Draw(m, m.Bounds(), img, image.Point{}, draw.Src)
	for b.Loop() {
		var buf bytes.Buffer
		if err := encodePNG(&buf, m); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEncodePNGPalette: a chart of a few colours with a few hundred rare
// shades on its edges is written with a palette, each rare shade drawn in
// the nearest common colour and every other pixel exactly; an image whose
// rare colours are more than a few pixels keeps every colour (see the
// noise cases above).
func TestEncodePNGPalette(t *testing.T) {
	m := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for y := range 300 {
		for x := range 400 {
			c := color.RGBA{255, 255, 255, 255}
			switch {
			case y < 50:
				c = color.RGBA{uint8(x % 250), 0x5E, 0x00, 255} // 250 colours, each in 12,000 pixels
			case y == 150 && x < 300:
				c = color.RGBA{0x10, uint8(x % 150), uint8(x / 150), 255} // 300 rare shades, one or two pixels each
			}
			m.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := encodePNG(&b, m); err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := got.(*image.Paletted)
	if !ok {
		t.Fatalf("decoded a %T, want a paletted image", got)
	}
	if len(p.Palette) != 256 {
		t.Errorf("palette of %d colours, want 256", len(p.Palette))
	}
	for y := range 300 {
		for x := range 400 {
			g := color.RGBAModel.Convert(got.At(x, y)).(color.RGBA)
			w := m.RGBAAt(x, y)
			if y != 150 && g != w {
				t.Fatalf("pixel (%d, %d) = %v, want exactly %v", x, y, g, w)
			}
			if d := dist(g, w); y == 150 && d > 150*150+2 {
				t.Fatalf("rare pixel (%d, %d) = %v for %v: %d apart", x, y, g, w, d)
			}
		}
	}
}

func dist(a, b color.RGBA) int {
	dr, dg, db := int(a.R)-int(b.R), int(a.G)-int(b.G), int(a.B)-int(b.B)
	return dr*dr + dg*dg + db*db
}
