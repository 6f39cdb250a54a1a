package reports

import (
	"errors"
	"image"
	"image/draw"

	"github.com/golang/freetype/raster"

	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// boxRenderer is go-chart's raster renderer, except that it fills a
// rectangle of opaque colour by setting its pixels. The rasterizer
// computes every pixel's coverage of a path, which for the chart's
// background and canvas, each most of the image, took a third of the
// time of drawing a chart; a rectangle on whole pixels covers each of
// its pixels fully and no other, so the pixels come out the same.
// Everything else, and the rectangle's outline, is drawn by the raster
// renderer.
type boxRenderer struct {
	chart.Renderer
	img *image.RGBA

	fill    drawing.Color
	rotated bool   // text rotation moves the raster renderer's origin
	path    []step // MoveTo and LineTo held back
	closed  bool   // and a Close after them

	// text is the raster renderer's text style, for drawing texts from
	// the cache (textcache.go) with painter.
	text    textStyle
	painter *raster.RGBAPainter
	spanBuf []raster.Span
}

// boxesPNG is a chart.RendererProvider: go-chart's raster renderer,
// filling rectangles itself (see boxRenderer).
func boxesPNG(width, height int) (chart.Renderer, error) {
	r, err := chart.PNG(width, height)
	if err != nil {
		return nil, err
	}
	// The raster renderer hands its image to a writer that collects it.
	var iw chart.ImageWriter
	if err := r.Save(&iw); err != nil {
		return nil, err
	}
	rgba, err := collected(&iw)
	if err != nil {
		return nil, err
	}
	return &boxRenderer{Renderer: r, img: rgba}, nil
}

// collected returns the image go-chart's raster renderer handed to iw.
func collected(iw *chart.ImageWriter) (*image.RGBA, error) {
	img, err := iw.Image()
	if err != nil {
		return nil, err
	}
	rgba, ok := img.(*image.RGBA)
	if !ok {
		return nil, errors.New("reports: go-chart's raster renderer drew no RGBA image")
	}
	return rgba, nil
}

func (b *boxRenderer) ResetStyle() {
	b.fill, b.rotated = drawing.Color{}, false
	b.text = textStyle{font: b.text.font, dpi: b.text.dpi} // as the raster renderer keeps its font
	b.Renderer.ResetStyle()
}

func (b *boxRenderer) SetFillColor(c drawing.Color) {
	b.fill = c
	b.Renderer.SetFillColor(c)
}

func (b *boxRenderer) SetTextRotation(radians float64) {
	b.rotated = true
	b.Renderer.SetTextRotation(radians)
}

func (b *boxRenderer) ClearTextRotation() {
	b.rotated = false
	b.Renderer.ClearTextRotation()
}

// MoveTo and LineTo are held back until the path is drawn, and then
// given to the raster renderer unless it is a box filled here.

func (b *boxRenderer) MoveTo(x, y int) {
	b.path = append(b.path, step{image.Point{x, y}, true})
}

func (b *boxRenderer) LineTo(x, y int) {
	b.path = append(b.path, step{image.Point{x, y}, false})
}

// Close is held back too when it closes what may be a box, as the
// canvas's rectangles are drawn: a box filled here has no use for it, and
// one drawn by the raster renderer gets it after its steps.
func (b *boxRenderer) Close() {
	if b.boxPath() {
		b.closed = true
		return
	}
	b.replay()
	b.Renderer.Close()
}

func (b *boxRenderer) QuadCurveTo(cx, cy, x, y int) {
	b.replay()
	b.Renderer.QuadCurveTo(cx, cy, x, y)
}

func (b *boxRenderer) ArcTo(cx, cy int, rx, ry, startAngle, delta float64) {
	b.replay()
	b.Renderer.ArcTo(cx, cy, rx, ry, startAngle, delta)
}

func (b *boxRenderer) Circle(radius float64, x, y int) {
	b.replay()
	b.Renderer.Circle(radius, x, y)
}

func (b *boxRenderer) Fill() {
	if b.fillBox() {
		b.path, b.closed = b.path[:0], false
		return
	}
	b.replay()
	b.Renderer.Fill()
}

func (b *boxRenderer) FillStroke() {
	if b.fillBox() {
		b.replay()
		b.Renderer.Stroke()
		return
	}
	b.replay()
	b.Renderer.FillStroke()
}

func (b *boxRenderer) Stroke() {
	b.replay()
	b.Renderer.Stroke()
}

// step is one MoveTo or LineTo held back.
type step struct {
	p    image.Point
	move bool
}

// replay gives the steps held back to the raster renderer.
func (b *boxRenderer) replay() {
	for _, s := range b.path {
		if s.move {
			b.Renderer.MoveTo(s.p.X, s.p.Y)
		} else {
			b.Renderer.LineTo(s.p.X, s.p.Y)
		}
	}
	b.path = b.path[:0]
	if b.closed {
		b.Renderer.Close()
		b.closed = false
	}
}

// boxPath reports whether the path held back has a box's shape: one
// MoveTo and four LineTo back to its start, each side along an axis.
func (b *boxRenderer) boxPath() bool {
	p := b.path
	if len(p) != 5 || !p[0].move || p[4].p != p[0].p {
		return false
	}
	for _, s := range p[1:] {
		if s.move {
			return false
		}
	}
	// Corners 0 and 2 are opposite; 1 and 3 share one coordinate with each.
	c0, c1, c2, c3 := p[0].p, p[1].p, p[2].p, p[3].p
	horizontalFirst := c1.Y == c0.Y && c1.X == c2.X && c3.X == c0.X && c3.Y == c2.Y
	verticalFirst := c1.X == c0.X && c1.Y == c2.Y && c3.Y == c0.Y && c3.X == c2.X
	return horizontalFirst || verticalFirst
}

// fillBox fills the path held back itself if it is a rectangle (one
// MoveTo and four LineTo back to its start, as go-chart draws a box) in
// an opaque colour, with no rotation, and reports whether it did. The
// path stays held back, for its outline.
func (b *boxRenderer) fillBox() bool {
	if b.rotated || b.fill.A != 255 || !b.boxPath() {
		return false
	}
	r := image.Rectangle{b.path[0].p, b.path[2].p}.Canon().Intersect(b.img.Bounds())
	draw.Draw(b.img, r, image.NewUniform(b.fill), image.Point{}, draw.Src)
	return true
}
