package reports

import (
	"fmt"
	"math"

	"github.com/wcharczuk/go-chart/v2/drawing"
)

// lineChart draws values at the follow-ups, each with its 95% interval,
// in one panel with a legend above it (never over the data), or as small
// multiples, a panel per series titled with its name, which need no
// legend and no more colours than one.
type lineChart struct {
	panels  []linePanel
	cols    int
	ylabel  string
	percent bool    // values are shares, drawn as percentages
	ymin    float64 // NaN: from the data
	ymax    float64
	zero    bool // draw a line at 0
}

type linePanel struct {
	title  string
	series []lineSeries
}

type lineSeries struct {
	name string
	col  drawing.Color
	dash []float64
	pts  []linePoint
}

// linePoint is a value at a follow-up (0 for 6 weeks … 3 for 12 months);
// NaN values are gaps.
type linePoint struct {
	x         int
	y, lo, hi float64
}

var followUpNames = []string{"6 weeks", "3 months", "6 months", "12 months"}

const (
	panelHeight = 250
	legendRow   = 34
)

func (l *lineChart) size() (int, int) {
	rows := (len(l.panels) + l.cols - 1) / l.cols
	h := rows*panelHeight + 60
	if len(l.panels) == 1 {
		h = 470 + legendRow
	}
	return chartWidth, h
}

// yRange is the shared vertical range: every value and interval, 0, and
// round ends.
func (l *lineChart) yRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range l.panels {
		for _, s := range p.series {
			for _, pt := range s.pts {
				for _, v := range []float64{pt.y, pt.lo, pt.hi} {
					if !math.IsNaN(v) {
						lo, hi = math.Min(lo, v), math.Max(hi, v)
					}
				}
			}
		}
	}
	if l.zero || math.IsInf(lo, 0) {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	if !math.IsNaN(l.ymin) {
		lo = l.ymin
	}
	if !math.IsNaN(l.ymax) {
		hi = l.ymax
	}
	if hi <= lo {
		hi = lo + 1
	}
	step := niceStep((hi - lo) / 5)
	return math.Floor(lo/step+1e-9) * step, math.Ceil(hi/step-1e-9) * step
}

func (l *lineChart) fmtY(v float64) string {
	if l.percent {
		return fmt.Sprintf("%.0f%%", 100*v)
	}
	return tickText(v)
}

func (l *lineChart) paint(c *canvas) {
	w, _ := l.size()
	lo, hi := l.yRange()
	// The vertical axis's labels: round values, never closer than a line.
	step := niceStep((hi - lo) / 5)
	var yt []float64
	for v := lo; v <= hi+step*1e-9; v += step {
		yt = append(yt, cleanZero(v))
	}
	const base = 13.0
	c.font(false, base-1, okBlack)
	labelW := 0
	for _, v := range yt {
		labelW = max(labelW, c.width(l.fmtY(v)))
	}
	top := 16
	if len(l.panels) == 1 && len(l.panels[0].series) > 1 {
		// The legend, above the plot, in a row of its own.
		x := 70 + labelW
		c.font(false, base, okBlack)
		for _, s := range l.panels[0].series {
			c.line(x, top+10, x+34, top+10, s.col, 3, s.dash)
			c.dot(x+17, top+10, 5, s.col)
			b := c.text(s.name, x+44, top+16, alignLeft)
			x = b.x1 + 36
		}
		top += legendRow
	}
	pw := (w - 20) / l.cols
	ph := panelHeight
	if len(l.panels) == 1 {
		ph = 470 - 30
	}
	for i, p := range l.panels {
		px, py := 10+(i%l.cols)*pw, top+(i/l.cols)*ph
		l.panel(c, p, px, py, pw, ph, lo, hi, yt, labelW, i%l.cols == 0)
	}
}

// panel draws one panel in the box at (px, py) of width pw and height
// ph: its title, axes and series.
func (l *lineChart) panel(c *canvas, p linePanel, px, py, pw, ph int, lo, hi float64, yt []float64, labelW int, first bool) {
	const base = 13.0
	titleH := 0
	if p.title != "" {
		// The title fits its panel: in a smaller size if need be, and
		// cut short with an ellipsis as a last resort.
		room := pw - labelW - 30
		size, title := base, p.title
		for c.font(true, size, okBlack); c.width(title) > room && size > 10; c.font(true, size, okBlack) {
			size -= 0.5
		}
		for c.width(title) > room && len([]rune(title)) > 4 {
			r := []rune(title)
			title = string(r[:len(r)-2]) + "…"
		}
		c.text(title, px+labelW+18, py+16, alignLeft)
		titleH = 26
	}
	// Plot area.
	x0, x1 := px+labelW+18, px+pw-16
	y0, y1 := py+titleH+8, py+ph-44
	if len(l.panels) == 1 {
		y0 += 24 // room for the axis title above the axis
	}
	yAt := func(v float64) int { return y1 - int(math.Round((v-lo)/(hi-lo)*float64(y1-y0))) }
	xAt := func(i int) int { return x0 + int(math.Round((float64(i)+0.5)/4*float64(x1-x0))) }
	c.font(false, base-1, okBlack)
	for _, v := range yt {
		y := yAt(v)
		c.line(x0, y, x1, y, drawing.Color{R: 0xE5, G: 0xE5, B: 0xE5, A: 255}, 1, nil)
		c.text(l.fmtY(v), x0-8, y+5, alignRight)
	}
	if l.zero && lo < 0 && hi > 0 {
		c.line(x0, yAt(0), x1, yAt(0), okBlack, 1.2, []float64{5, 4})
	}
	c.line(x0, y1, x1, y1, okBlack, 1.5, nil)
	c.line(x0, y0, x0, y1, okBlack, 1.5, nil)
	names := followUpNames
	for i, name := range names {
		// Each name in the quarter of the axis it labels, with room
		// between: or else shorter names.
		if c.width(name)+12 > (x1-x0)/4 {
			names = []string{"6 wk", "3 mo", "6 mo", "12 mo"}
			break
		}
		_ = i
	}
	for i, name := range names {
		c.text(name, xAt(i), y1+20, alignCentre)
	}
	if len(l.panels) == 1 {
		c.font(false, base-1, okBlack)
		c.text("Follow-up", (x0+x1)/2, y1+42, alignCentre)
		// The vertical axis's title, written above the axis (go-chart's
		// raster renderer turns text about its own origin, which would
		// clip it).
		c.text(l.ylabel, x0-8-labelW, y0-18, alignLeft)
	}
	n := len(p.series)
	for si, s := range p.series {
		dodge := 0
		if n > 1 {
			dodge = (si*2 - (n - 1)) * 7
		}
		prevX, prevY := -1, -1
		for _, pt := range s.pts {
			if math.IsNaN(pt.y) {
				prevX = -1
				continue
			}
			x, y := xAt(pt.x)+dodge, yAt(pt.y)
			if !math.IsNaN(pt.lo) {
				c.line(x, yAt(math.Max(lo, pt.lo)), x, yAt(math.Min(hi, pt.hi)), s.col, 2, nil)
				c.line(x-5, yAt(math.Max(lo, pt.lo)), x+5, yAt(math.Max(lo, pt.lo)), s.col, 2, nil)
				c.line(x-5, yAt(math.Min(hi, pt.hi)), x+5, yAt(math.Min(hi, pt.hi)), s.col, 2, nil)
			}
			if prevX >= 0 {
				c.line(prevX, prevY, x, y, s.col, 3, s.dash)
			}
			c.dot(x, y, 5, s.col)
			prevX, prevY = x, y
		}
	}
}
