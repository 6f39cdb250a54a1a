package reports

import (
	"io"
	"math"
	"sync"

	"github.com/golang/freetype/truetype"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// The charts are laid out by hand on go-chart's raster renderer, as
// metafor's forest() lays out its plots: go-chart's own charts place tick
// labels and legends where they fall, so labels collided ("0.670.8"),
// intervals ran into the borough names and legends covered points. A
// canvas measures every text before placing it, and records where each
// went, so that a test can check that none overlaps another or leaves the
// image.

// chartFonts are DejaVu Sans, regular and bold, the PDF's typeface, which
// has τ, ², ≥ and the true minus sign.
var chartFonts = sync.OnceValues(func() ([2]*truetype.Font, error) {
	regular, err := truetype.Parse(dejaVuSans)
	if err != nil {
		return [2]*truetype.Font{}, err
	}
	bold, err := truetype.Parse(dejaVuSansBold)
	return [2]*truetype.Font{regular, bold}, err
})

// plot is a chart drawn on a canvas.
type plot interface {
	size() (width, height int)
	paint(c *canvas)
}

// plotted makes a plot drawable by go-chart's renderer providers.
type plotted struct{ p plot }

func (p plotted) Render(rp chart.RendererProvider, w io.Writer) error {
	c, err := paint(rp, p.p)
	if err != nil {
		return err
	}
	return c.r.Save(w)
}

// paint draws p on a fresh canvas of its size, white.
func paint(rp chart.RendererProvider, p plot) (*canvas, error) {
	fonts, err := chartFonts()
	if err != nil {
		return nil, err
	}
	w, h := p.size()
	r, err := rp(w, h)
	if err != nil {
		return nil, err
	}
	r.SetDPI(96)
	c := &canvas{r: r, w: w, h: h, fonts: fonts}
	c.rect(0, 0, w, h, drawing.ColorWhite)
	p.paint(c)
	return c, nil
}

// textBox is where a text was drawn.
type textBox struct {
	s              string
	x0, y0, x1, y1 int
}

func (a textBox) overlaps(b textBox) bool {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

type canvas struct {
	r     chart.Renderer
	w, h  int
	fonts [2]*truetype.Font
	size  float64
	texts []textBox
}

// Alignments of a text about its x.
const (
	alignLeft = iota
	alignCentre
	alignRight
)

// font sets the font of the texts that follow: size in points at 96 dpi.
func (c *canvas) font(bold bool, size float64, col drawing.Color) {
	f := c.fonts[0]
	if bold {
		f = c.fonts[1]
	}
	c.r.SetFont(f)
	c.r.SetFontSize(size)
	c.r.SetFontColor(col)
	c.size = size
}

// width measures a text in the current font.
func (c *canvas) width(s string) int {
	b := c.r.MeasureText(s)
	return b.Right - b.Left
}

// ascent is the height of capitals above the baseline, and descent the
// depth below it, in pixels, of the current font size.
func (c *canvas) ascent() int  { return int(math.Ceil(c.size * 96 / 72 * 0.76)) }
func (c *canvas) descent() int { return int(math.Ceil(c.size * 96 / 72 * 0.24)) }

// text draws s with its baseline at y, aligned about x, and records its
// box.
func (c *canvas) text(s string, x, y, align int) textBox {
	w := c.width(s)
	switch align {
	case alignCentre:
		x -= w / 2
	case alignRight:
		x -= w
	}
	c.r.Text(s, x, y)
	b := textBox{s: s, x0: x, y0: y - c.ascent(), x1: x + w, y1: y + c.descent()}
	c.texts = append(c.texts, b)
	return b
}

// wrap writes sentences from x, baseline y, as many to a line as fit in
// width, lines apart by lead pixels.
func (c *canvas) wrap(sentences []string, x, y, width, lead int) {
	line := ""
	for _, s := range sentences {
		next := s
		if line != "" {
			next = line + " " + s
		}
		if line != "" && c.width(next) > width {
			c.text(line, x, y, alignLeft)
			y += lead
			next = s
		}
		line = next
	}
	if line != "" {
		c.text(line, x, y, alignLeft)
	}
}

func (c *canvas) line(x0, y0, x1, y1 int, col drawing.Color, width float64, dash []float64) {
	c.r.SetStrokeColor(col)
	c.r.SetStrokeWidth(width)
	c.r.SetStrokeDashArray(dash)
	c.r.MoveTo(x0, y0)
	c.r.LineTo(x1, y1)
	c.r.Stroke()
	c.r.SetStrokeDashArray(nil)
}

func (c *canvas) rect(x0, y0, x1, y1 int, fill drawing.Color) {
	c.r.SetFillColor(fill)
	c.r.SetStrokeColor(fill)
	c.r.SetStrokeWidth(0)
	c.r.MoveTo(x0, y0)
	c.r.LineTo(x1, y0)
	c.r.LineTo(x1, y1)
	c.r.LineTo(x0, y1)
	c.r.LineTo(x0, y0)
	c.r.Close()
	c.r.Fill()
}

func (c *canvas) outline(x0, y0, x1, y1 int, col drawing.Color, width float64) {
	c.r.SetStrokeColor(col)
	c.r.SetStrokeWidth(width)
	c.r.MoveTo(x0, y0)
	c.r.LineTo(x1, y0)
	c.r.LineTo(x1, y1)
	c.r.LineTo(x0, y1)
	c.r.LineTo(x0, y0)
	c.r.Close()
	c.r.Stroke()
}

// polygon fills a closed shape.
func (c *canvas) polygon(pts [][2]int, fill drawing.Color) {
	c.r.SetFillColor(fill)
	c.r.SetStrokeColor(fill)
	c.r.SetStrokeWidth(1)
	for i, p := range pts {
		if i == 0 {
			c.r.MoveTo(p[0], p[1])
		} else {
			c.r.LineTo(p[0], p[1])
		}
	}
	c.r.Close()
	c.r.FillStroke()
}

func (c *canvas) dot(x, y int, radius float64, col drawing.Color) {
	c.r.SetFillColor(col)
	c.r.SetStrokeColor(col)
	c.r.SetStrokeWidth(1)
	c.r.Circle(radius, x, y)
	c.r.FillStroke()
}

// axis maps values to pixels between x0 and x1, on a log scale if log.
type axis struct {
	min, max float64
	x0, x1   int
	log      bool
}

func (a axis) at(v float64) int {
	if a.log {
		v = math.Log(v)
	}
	lo, hi := a.min, a.max
	if a.log {
		lo, hi = math.Log(lo), math.Log(hi)
	}
	return a.x0 + int(math.Round((v-lo)/(hi-lo)*float64(a.x1-a.x0)))
}

func (a axis) inside(v float64) bool { return v >= a.min && v <= a.max }

// ticks draws, under the axis at y, the first of the sets of ticks
// (densest first) whose labels all fit with room between them and touch
// no text already drawn, so that ticks are evenly spaced and never run
// together; it returns the ticks drawn.
func (c *canvas) ticks(a axis, y int, sets [][]float64, label func(float64) string) []float64 {
	for _, set := range sets {
		var placed []float64
		var boxes []textBox
		ok := true
		for _, v := range set {
			if !a.inside(v) {
				continue
			}
			s := label(v)
			w := c.width(s)
			x := a.at(v)
			b := textBox{x0: x - w/2, x1: x + w/2, y0: y + 8, y1: y + 8 + c.ascent() + c.descent()}
			if b.x0 < 0 || b.x1 > c.w {
				ok = false
				break
			}
			for _, o := range boxes {
				if b.x0-14 < o.x1 && o.x0 < b.x1+14 {
					ok = false
				}
			}
			for _, o := range c.texts { // the labels of another axis
				if b.overlaps(o) {
					ok = false
				}
			}
			if !ok {
				break
			}
			boxes = append(boxes, b)
			placed = append(placed, v)
		}
		if !ok || len(placed) < 2 {
			continue
		}
		for i, v := range placed {
			x := a.at(v)
			c.line(x, y, x, y+6, okBlack, 1.5, nil)
			c.text(label(v), x, boxes[i].y0+c.ascent(), alignCentre)
		}
		return placed
	}
	return nil
}

// linearTicks are sets of round values from lo to hi, densest first:
// steps of 1, 2, 2.5 and 5 × 10^k from about a tenth of the range up.
func linearTicks(lo, hi float64) [][]float64 {
	var sets [][]float64
	step := niceStep((hi - lo) / 12)
	for range 8 {
		var set []float64
		for v := math.Ceil(lo/step-1e-9) * step; v <= hi+1e-9*step; v += step {
			set = append(set, cleanZero(v))
		}
		sets = append(sets, set)
		step = niceStep(step * 1.01)
	}
	return sets
}

func cleanZero(v float64) float64 {
	if math.Abs(v) < 1e-12 {
		return 0
	}
	return v
}

// ratioTicks are sets of round ratios for a log scale, densest first.
var ratioTicks = [][]float64{
	{0.1, 0.2, 0.25, 0.33, 0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 10},
	{0.1, 0.2, 0.25, 0.5, 0.75, 1, 1.5, 2, 4, 5, 10},
	{0.1, 0.25, 0.5, 1, 2, 4, 10},
	{0.01, 0.1, 0.5, 1, 2, 10, 100},
	{0.01, 0.1, 1, 10, 100},
}

// shareTicks are sets of shares, densest first.
var shareTicks = [][]float64{
	{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1},
	{0, 0.2, 0.4, 0.6, 0.8, 1},
	{0, 0.25, 0.5, 0.75, 1},
	{0, 0.5, 1},
}

// niceStep is the least of 1, 2, 2.5 or 5 × 10^k at least x.
func niceStep(x float64) float64 {
	if !(x > 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= x*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// tickText formats a tick value briefly: "0", "2.5", "−1", "0.25".
func tickText(v float64) string {
	s := short(v)
	if len(s) > 0 && s[0] == '-' {
		s = "−" + s[1:]
	}
	return s
}
