package reports

import (
	"image"
	"image/color"
	"sync"

	"github.com/golang/freetype/raster"
	"github.com/golang/freetype/truetype"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// Text is most of the time of drawing a forest plot: go-chart turns every
// glyph of every text into a path and rasterizes it, and measures a text
// by loading each of its glyphs, for every chart. A report at a million
// assessments draws the same borough names, counts, headings and tick
// labels hundreds of times. So boxRenderer keeps what go-chart's drawing
// of a text that recurs comes to, the rasterizer's spans (each row's runs
// of pixels with their coverage), and paints them again where the text is
// drawn next, with the same painter go-chart uses; and it keeps each
// text's measure.
//
// The pixels are the same as go-chart's: a text's path is made of points
// on a 1/64-pixel grid (the glyphs' points and advances are 26.6 fixed
// point), its curves are flattened by halving, exact in float64 at these
// sizes, and the rasterizer works in 26.6 fixed point, so the same text
// drawn a whole number of pixels away gives the same spans moved by that
// many pixels, while every coordinate stays positive (the rasterizer
// truncates) and no span is clipped by the image's edge. A text is kept
// only when it lay at least a pixel inside its image, and painted from the
// cache only where it will too; elsewhere go-chart draws it. Every chart
// of the committed sample and of a million assessments was compared byte
// for byte with go-chart's own drawing (TestTextCacheSamePixels).

// textKey is a text in a font, size and resolution.
type textKey struct {
	font      *truetype.Font
	size, dpi float64
	s         string
}

// span is a raster.Span relative to the text's origin, packed: a text's
// spans are a few thousand, and a report keeps a few thousand texts.
type span struct {
	y, x0, x1 int16
	alpha     uint16 // raster.Span.Alpha is at most 0xffff
}

// textSpans is a text's drawing: its spans and their extent.
type textSpans struct {
	spans                  []span
	minX, maxX, minY, maxY int // maxX is the largest X1
}

// textCache holds the spans of texts drawn more than once and the measures
// of texts, shared by every chart (charts are drawn on several goroutines
// and by several reports at once), within a bound: when full it is
// emptied, so a long-running server keeps at most that much.
type textCache struct {
	mu       sync.Mutex
	seen     map[textKey]struct{} // drawn once, not yet kept
	drawn    map[textKey]*textSpans
	measured map[textKey]chart.Box
	spans    int // spans kept in drawn
}

// Bounds of the text cache: about 8 MB of spans, and the keys with them.
const (
	maxCachedSpans = 1 << 20
	maxCachedKeys  = 1 << 15
)

var texts = &textCache{}

func (c *textCache) measure(k textKey) (chart.Box, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.measured[k]
	return b, ok
}

func (c *textCache) keepMeasure(k textKey, b chart.Box) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.measured == nil || len(c.measured) >= maxCachedKeys {
		c.measured = map[textKey]chart.Box{}
	}
	c.measured[k] = b
}

// lookup returns the text's kept spans, or whether it is worth keeping
// them: a text is kept the second time it is drawn, since most texts
// drawn once (a borough's estimate) are never drawn again.
func (c *textCache) lookup(k textKey) (t *textSpans, keep bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := c.drawn[k]; t != nil {
		return t, false
	}
	if _, ok := c.seen[k]; ok {
		return nil, true
	}
	if c.seen == nil || len(c.seen) >= maxCachedKeys {
		c.seen = map[textKey]struct{}{}
	}
	c.seen[k] = struct{}{}
	return nil, false
}

func (c *textCache) keep(k textKey, t *textSpans) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.drawn == nil || c.spans+len(t.spans) > maxCachedSpans || len(c.drawn) >= maxCachedKeys {
		c.drawn, c.spans = map[textKey]*textSpans{}, 0
	}
	c.drawn[k] = t
	c.spans += len(t.spans)
	delete(c.seen, k)
}

// spanRecorder is a raster.Painter that keeps copies of the spans it is
// given, relative to an origin.
type spanRecorder struct {
	ox, oy int
	t      textSpans
}

func (r *spanRecorder) SetColor(color.Color) {}

func (r *spanRecorder) Paint(ss []raster.Span, done bool) {
	for _, s := range ss {
		if s.X0 >= s.X1 || s.Alpha == 0 {
			continue
		}
		x0, x1, y := s.X0-r.ox, s.X1-r.ox, s.Y-r.oy
		if len(r.t.spans) == 0 {
			r.t.minX, r.t.maxX, r.t.minY, r.t.maxY = x0, x1, y, y
		}
		r.t.minX, r.t.maxX = min(r.t.minX, x0), max(r.t.maxX, x1)
		r.t.minY, r.t.maxY = min(r.t.minY, y), max(r.t.maxY, y)
		r.t.spans = append(r.t.spans, span{int16(y), int16(x0), int16(x1), uint16(s.Alpha)})
	}
}

// inside reports whether t drawn with its origin at x, y lies at least a
// pixel inside an image of bounds b, and fits span's fields.
func (t *textSpans) inside(x, y int, b image.Rectangle) bool {
	return x+t.minX > b.Min.X && x+t.maxX < b.Max.X && y+t.minY > b.Min.Y && y+t.maxY < b.Max.Y-1 &&
		t.minX > -1<<14 && t.maxX < 1<<14 && t.minY > -1<<14 && t.maxY < 1<<14
}

// textStyle is what boxRenderer tracks of the raster renderer's text
// style, which go-chart keeps to itself.
type textStyle struct {
	font  *truetype.Font
	size  float64
	color drawing.Color
	dpi   float64
}

func (b *boxRenderer) SetFont(f *truetype.Font) {
	b.text.font = f
	b.Renderer.SetFont(f)
}

func (b *boxRenderer) SetFontSize(size float64) {
	b.text.size = size
	b.Renderer.SetFontSize(size)
}

func (b *boxRenderer) SetFontColor(c drawing.Color) {
	b.text.color = c
	b.Renderer.SetFontColor(c)
}

func (b *boxRenderer) SetDPI(dpi float64) {
	b.text.dpi = dpi
	b.Renderer.SetDPI(dpi)
}

// MeasureText is the raster renderer's, kept for each text.
func (b *boxRenderer) MeasureText(body string) chart.Box {
	k, ok := b.textKey(body)
	if !ok {
		return b.Renderer.MeasureText(body)
	}
	if box, ok := texts.measure(k); ok {
		return box
	}
	box := b.Renderer.MeasureText(body)
	texts.keepMeasure(k, box)
	return box
}

// textKey returns the key of body in the current style, and whether
// boxRenderer may draw or measure it from the cache: not rotated, with a
// font, size and resolution set (the resolution go-chart's own charts
// leave at its default is not tracked here).
func (b *boxRenderer) textKey(body string) (textKey, bool) {
	s := b.text
	return textKey{s.font, s.size, s.dpi, body}, !b.rotated && s.font != nil && s.size > 0 && s.dpi > 0
}

func (b *boxRenderer) Text(body string, x, y int) {
	b.replay() // the raster renderer fills text as part of the current path
	k, ok := b.textKey(body)
	if !ok || len(b.path) > 0 {
		b.Renderer.Text(body, x, y)
		return
	}
	t, keep := texts.lookup(k)
	switch {
	case t != nil && t.inside(x, y, b.img.Bounds()):
		b.paintSpans(t, x, y)
	case keep:
		t := b.rasterize(body, x, y)
		if t.inside(x, y, b.img.Bounds()) {
			texts.keep(k, t)
		}
		b.paintSpans(t, x, y)
	default:
		b.Renderer.Text(body, x, y)
	}
}

// rasterize draws body at x, y as the raster renderer does, on a graphic
// context of the image's size whose painter records the spans.
func (b *boxRenderer) rasterize(body string, x, y int) *textSpans {
	rec := &spanRecorder{ox: x, oy: y}
	gc := drawing.NewRasterGraphicContextWithPainter(b.img, rec)
	gc.SetDPI(b.text.dpi)
	gc.SetFont(b.text.font)
	gc.SetFontSize(b.text.size)
	gc.SetFillColor(b.text.color)
	if _, err := gc.CreateStringPath(body, float64(x), float64(y)); err != nil {
		return &textSpans{}
	}
	gc.Fill()
	return &rec.t
}

// paintSpans paints t with its origin at x, y in the font's colour, with
// the painter go-chart's raster renderer paints with.
func (b *boxRenderer) paintSpans(t *textSpans, x, y int) {
	if b.painter == nil {
		b.painter = raster.NewRGBAPainter(b.img)
	}
	b.painter.SetColor(b.text.color)
	ss := b.spanBuf[:0]
	for _, s := range t.spans {
		ss = append(ss, raster.Span{Y: int(s.y) + y, X0: int(s.x0) + x, X1: int(s.x1) + x, Alpha: uint32(s.alpha)})
	}
	b.spanBuf = ss
	b.painter.Paint(ss, true)
}
