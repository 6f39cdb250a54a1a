package reports

import (
	"fmt"
	"math"

	"github.com/wcharczuk/go-chart/v2/drawing"
)

// forestPlot is laid out as metafor's forest(): the boroughs by name and
// their residents in columns on the left, each borough's estimate and 95%
// interval in the middle (a square sized by its weight), the estimate and
// interval as text in a column on the right, the pooled estimate as a
// diamond and the prediction interval beneath. An interval running off
// the axis ends in an arrow. Every figure is on the scale people read
// (ratios, shares), as the page gives them.
type forestPlot struct {
	rows     []forestRow
	pooled   forestRow // Lo, Hi its CI; NaN Est when withheld
	pooledOK bool
	pi       [2]float64 // NaN when not shown
	null     float64    // no effect, NaN for a share
	mid      [2]float64 // thresholds of the smallest change that matters; NaN none
	log      bool
	share    bool
	xlabel   string
	midText  string
	nHeader  string
	own      string // the borough highlighted, by slug
}

type forestRow struct {
	slug, label, n string
	est, lo, hi    float64
	weight         float64
	text           string
}

const (
	forestWidth = 1200
	rowHeight   = 34
	forestPad   = 20
)

func (f *forestPlot) size() (int, int) {
	rows := len(f.rows) + 2 // the pooled estimate and the prediction interval
	return forestWidth, 58 + rowHeight*rows + 8 + 136
}

// forestOf lays an analysis out as a forest plot.
func (r *Report) forestOf(o Outcome, a *Analysis) *forestPlot {
	p := a.Pooled
	f := &forestPlot{log: a.Measure == IRR || a.Measure == IRRDiff, share: a.Measure == PLO, null: 0,
		mid: [2]float64{math.NaN(), math.NaN()}, pi: [2]float64{math.NaN(), math.NaN()}, nHeader: "Residents"}
	switch a.Measure {
	case MC:
		f.xlabel = "Mean change since baseline, " + o.Unit
	case MCDiff:
		f.xlabel = "Change with the device less change without it, " + o.Unit
		f.nHeader = "With / without"
	case IRR:
		f.xlabel = "Rate after ÷ rate before (log scale; below 1: fewer " + lowerFirst(o.Label) + ")"
		f.null = 1
	case IRRDiff:
		f.xlabel = "Rate ratio with the device ÷ rate ratio without it (log scale)"
		f.null = 1
		f.nHeader = "With / without"
	case PLO:
		f.xlabel = "Share of residents still using the device"
		f.null = math.NaN()
	}
	if a.MID != nil && !f.share {
		lo, hi := a.thresholds()
		f.mid = [2]float64{a.Readable(lo), a.Readable(hi)}
		f.midText = a.MID.Text()
	}
	tau2 := p.Tau2
	if math.IsNaN(tau2) {
		tau2 = 0
	}
	for _, b := range a.Boroughs {
		lo, hi := a.RowInterval(b)
		n := fmt.Sprint(b.N)
		if b.NComparison > 0 {
			n = fmt.Sprintf("%d / %d", b.N, b.NComparison)
		}
		est := a.Readable(b.Yi)
		if a.Measure == PLO {
			est = RowShare(b)
		}
		f.rows = append(f.rows, forestRow{slug: b.Borough, label: r.BoroughName(b.Borough), n: n, est: est, lo: lo, hi: hi,
			weight: 1 / (b.Vi + tau2), text: readableText(a, est) + " [" + readableText(a, lo) + ", " + readableText(a, hi) + "]"})
	}
	f.pooled = forestRow{label: "Pooled estimate, " + a.RowsText(), est: math.NaN(), lo: math.NaN(), hi: math.NaN(), text: "withheld"}
	if a.Withheld == "" {
		f.pooledOK = true
		f.pooled.est, f.pooled.lo, f.pooled.hi = a.Readable(p.Estimate), a.Readable(p.CILower), a.Readable(p.CIUpper)
		f.pooled.text = a.EffectText(p.Estimate) + " [" + a.EffectText(p.CILower) + ", " + a.EffectText(p.CIUpper) + "]"
		if !math.IsNaN(p.PILower) {
			f.pi = [2]float64{a.Readable(p.PILower), a.Readable(p.PIUpper)}
		}
	}
	return f
}

// limits chooses the axis: it holds every estimate, the pooled interval,
// the prediction interval, no effect and the smallest change that
// matters, with a margin; a borough's interval beyond it gets an arrow.
func (f *forestPlot) limits() (lo, hi float64) {
	if f.share {
		return 0, 1
	}
	tr := func(v float64) float64 {
		if f.log {
			return math.Log(v)
		}
		return v
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	grow := func(vs ...float64) {
		for _, v := range vs {
			if !math.IsNaN(v) && !math.IsInf(v, 0) && (!f.log || v > 0) {
				lo, hi = math.Min(lo, tr(v)), math.Max(hi, tr(v))
			}
		}
	}
	for _, r := range f.rows {
		grow(r.est)
	}
	grow(f.pooled.lo, f.pooled.hi, f.pi[0], f.pi[1], f.null, f.mid[0], f.mid[1])
	if math.IsInf(lo, 0) {
		lo, hi = -1, 1
	}
	span := hi - lo
	if span == 0 {
		span = 1
	}
	core := [2]float64{lo - 0.35*span, hi + 0.35*span}
	for _, r := range f.rows {
		for _, v := range []float64{r.lo, r.hi} {
			if !math.IsNaN(v) && (!f.log || v > 0) && tr(v) >= core[0] && tr(v) <= core[1] {
				lo, hi = math.Min(lo, tr(v)), math.Max(hi, tr(v))
			}
		}
	}
	pad := 0.04 * (hi - lo)
	lo, hi = lo-pad, hi+pad
	if f.log {
		return math.Exp(lo), math.Exp(hi)
	}
	step := niceStep((hi - lo) / 6)
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step
}

func (f *forestPlot) paint(c *canvas) {
	w, h := f.size()
	piText := "—"
	if !math.IsNaN(f.pi[0]) {
		piText = "[" + f.fmt(f.pi[0]) + ", " + f.fmt(f.pi[1]) + "]"
	}
	// The columns: names, residents, the plot, the estimates. The pooled
	// rows have no residents, so their labels may run under that column.
	// Long names (the unnamed groups of small boroughs) take a smaller
	// size before they take the plot's width below minPlot.
	const minPlot = 440
	var base float64
	var xName, xN, xEst int
	var ax axis
	lo, hi := f.limits()
	for base = 13.0; ; base -= 0.5 {
		c.font(true, base, okBlack)
		nameW, pooledW := c.width("Borough"), c.width(f.pooled.label)
		c.font(false, base, okBlack)
		yours := ""
		if f.own != "" {
			yours = " (yours)"
		}
		for _, r := range f.rows {
			nameW = max(nameW, c.width(r.label+yours))
		}
		pooledW = max(pooledW, c.width("In a new borough (prediction)"))
		c.font(true, base, okBlack)
		nW, estW := c.width(f.nHeader), c.width("Estimate [95% CI]")
		c.font(false, base, okBlack)
		for _, r := range f.rows {
			nW, estW = max(nW, c.width(r.n)), max(estW, c.width(r.text))
		}
		estW = max(estW, c.width(f.pooled.text), c.width(piText))
		xName = forestPad
		xN = xName + nameW + 16 + nW // right edge of the residents
		xEst = w - forestPad         // right edge of the estimates
		ax = axis{min: lo, max: hi, x0: max(xN, xName+pooledW) + 36, x1: xEst - estW - 36, log: f.log}
		if ax.x1-ax.x0 >= minPlot || base <= 10 {
			break
		}
	}

	top := 58
	c.font(true, base, okBlack)
	c.text("Borough", xName, top-20, alignLeft)
	c.text(f.nHeader, xN, top-20, alignRight)
	c.text("Estimate [95% CI]", xEst, top-20, alignRight)
	c.line(forestPad, top-10, w-forestPad, top-10, okGrey, 1, nil)

	yOf := func(i int) int { return top + rowHeight*i + rowHeight/2 }
	bottomRows := yOf(len(f.rows)+1) + rowHeight/2
	// Reference lines: no effect, and the smallest change that matters.
	if !math.IsNaN(f.null) && ax.inside(f.null) {
		x := ax.at(f.null)
		c.line(x, top-6, x, bottomRows, okBlack, 1.5, []float64{6, 4})
	}
	for _, m := range f.mid {
		if !math.IsNaN(m) && ax.inside(m) {
			x := ax.at(m)
			c.line(x, top-6, x, bottomRows, okGrey, 1.2, []float64{2, 4})
		}
	}
	maxW := 0.0
	for _, r := range f.rows {
		maxW = math.Max(maxW, r.weight)
	}
	for i, r := range f.rows {
		y := yOf(i)
		own := r.slug != "" && r.slug == f.own
		col := okBlack
		if own {
			c.rect(forestPad-6, y-rowHeight/2+2, w-forestPad+6, y+rowHeight/2-2, drawing.Color{R: 0xFB, G: 0xE9, B: 0xD6, A: 255})
			col = okVermilion
		}
		c.font(own, base, col)
		label := r.label
		if own {
			label += " (yours)"
		}
		c.text(label, xName, y+6, alignLeft)
		c.text(r.n, xN, y+6, alignRight)
		c.text(r.text, xEst, y+6, alignRight)
		f.interval(c, ax, r.lo, r.hi, y, col)
		if ax.inside(r.est) {
			half := 4 + int(math.Round(5*math.Sqrt(r.weight/math.Max(maxW, 1e-12))))
			c.rect(ax.at(r.est)-half, y-half, ax.at(r.est)+half, y+half, blueOr(own))
		}
	}
	// The pooled estimate, as a diamond spanning its CI.
	y := yOf(len(f.rows))
	c.line(forestPad, y-rowHeight/2, w-forestPad, y-rowHeight/2, okGrey, 1, nil)
	c.font(true, base, okBlack)
	c.text(f.pooled.label, xName, y+6, alignLeft)
	c.text(f.pooled.text, xEst, y+6, alignRight)
	if f.pooledOK {
		l, m, rr := ax.at(clamp(f.pooled.lo, ax)), ax.at(clamp(f.pooled.est, ax)), ax.at(clamp(f.pooled.hi, ax))
		c.polygon([][2]int{{l, y}, {m, y - 11}, {rr, y}, {m, y + 11}}, okVermilion)
	}
	// The prediction interval, dashed, with its ends marked.
	y = yOf(len(f.rows) + 1)
	c.font(false, base, okBlack)
	c.text("In a new borough (prediction)", xName, y+6, alignLeft)
	c.text(piText, xEst, y+6, alignRight)
	if !math.IsNaN(f.pi[0]) {
		f.interval(c, ax, f.pi[0], f.pi[1], y, okVermilion)
	}
	// The axis, its ticks (never touching) and its title.
	ya := bottomRows + 8
	c.line(ax.x0, ya, ax.x1, ya, okBlack, 1.5, nil)
	c.font(false, base, okBlack)
	var sets [][]float64
	label := tickText
	switch {
	case f.share:
		sets = shareTicks
		label = func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }
	case f.log:
		sets = ratioTicks
	default:
		sets = linearTicks(lo, hi)
	}
	c.ticks(ax, ya, sets, label)
	c.font(false, base, okBlack)
	c.text(f.xlabel, (ax.x0+ax.x1)/2, ya+52, alignCentre)
	key := []string{"Squares: each borough's estimate, sized by its weight, with its 95% interval.", "Diamond: the pooled estimate and its 95% CI."}
	if f.nHeader != "Residents" {
		key = append(key, "With / without: residents with the device and without it.")
	}
	if !math.IsNaN(f.null) {
		key = append(key, "Dashed line: no effect.")
	}
	if f.midText != "" {
		key = append(key, "Dotted lines: the smallest change that matters ("+f.midText+").")
	}
	c.font(false, base-2, okGrey)
	c.wrap(key, forestPad, h-52, w-2*forestPad, 18)
}

func (f *forestPlot) fmt(v float64) string {
	switch {
	case f.share:
		return fmt.Sprintf("%.0f%%", 100*v)
	case f.log:
		return fixed(v, 2)
	}
	return fixed(v, 2)
}

func clamp(v float64, a axis) float64 { return math.Max(a.min, math.Min(a.max, v)) }

func blueOr(own bool) drawing.Color {
	if own {
		return okVermilion
	}
	return okBlue
}

// interval draws an interval at y, ending in an arrow where it runs off
// the axis.
func (f *forestPlot) interval(c *canvas, ax axis, lo, hi float64, y int, col drawing.Color) {
	if math.IsNaN(lo) || math.IsNaN(hi) || (f.log && (lo <= 0 || hi <= 0)) {
		return
	}
	x0, x1 := ax.at(clamp(lo, ax)), ax.at(clamp(hi, ax))
	c.line(x0, y, x1, y, col, 2, nil)
	if lo < ax.min {
		c.polygon([][2]int{{x0 - 2, y}, {x0 + 9, y - 6}, {x0 + 9, y + 6}}, col)
	} else {
		c.line(x0, y-5, x0, y+5, col, 2, nil)
	}
	if hi > ax.max {
		c.polygon([][2]int{{x1 + 2, y}, {x1 - 9, y - 6}, {x1 - 9, y + 6}}, col)
	} else {
		c.line(x1, y-5, x1, y+5, col, 2, nil)
	}
}
