package reports

import (
	"fmt"
	"math"

	"github.com/wcharczuk/go-chart/v2/drawing"
)

// heatmap is follow-up completeness: a row per borough, a column per
// follow-up, each cell coloured by the share of follow-ups due that were
// recorded and labelled with it; cells below the 80% that GRADE's
// attrition rule allows are outlined.
type heatmap struct {
	rows []heatRow
	cols []string // timepoints
	own  string
}

type heatRow struct {
	slug, label string
	cells       map[string]float64 // timepoint: share (NaN withheld)
}

const heatRowHeight = 30

func (h *heatmap) size() (int, int) {
	return chartWidth, 70 + heatRowHeight*len(h.rows) + 90
}

// shade is the colour of a share: from pale to dark blue.
func shade(v float64) drawing.Color {
	lo := [3]float64{0xEF, 0xF3, 0xFF}
	hi := [3]float64{0x08, 0x30, 0x6B}
	t := math.Max(0, math.Min(1, v))
	mix := func(i int) uint8 { return uint8(math.Round(lo[i] + t*(hi[i]-lo[i]))) }
	return drawing.Color{R: mix(0), G: mix(1), B: mix(2), A: 255}
}

func (h *heatmap) paint(c *canvas) {
	const base = 13.0
	w, ht := h.size()
	c.font(true, base, okBlack)
	labelW := c.width("Borough")
	c.font(false, base, okBlack)
	for _, r := range h.rows {
		labelW = max(labelW, c.width(r.label+" (yours)"))
	}
	x0 := 20 + labelW + 20
	cw := (w - 20 - x0) / max(1, len(h.cols))
	top := 50
	c.font(true, base, okBlack)
	c.text("Borough", 20, top-14, alignLeft)
	for j, tp := range h.cols {
		c.text(TimepointName(tp), x0+j*cw+cw/2, top-14, alignCentre)
	}
	for i, r := range h.rows {
		y := top + i*heatRowHeight
		own := r.slug != "" && r.slug == h.own
		col := okBlack
		label := r.label
		if own {
			col, label = okVermilion, label+" (yours)"
		}
		c.font(own, base, col)
		c.text(label, 20, y+heatRowHeight/2+5, alignLeft)
		for j, tp := range h.cols {
			v, ok := r.cells[tp]
			cx0, cy0, cx1, cy1 := x0+j*cw+2, y+2, x0+(j+1)*cw-2, y+heatRowHeight-2
			if !ok {
				c.rect(cx0, cy0, cx1, cy1, drawing.Color{R: 0xF8, G: 0xF8, B: 0xF8, A: 255})
				continue
			}
			if math.IsNaN(v) {
				c.rect(cx0, cy0, cx1, cy1, drawing.Color{R: 0xDD, G: 0xDD, B: 0xDD, A: 255})
				c.font(false, base-1, okBlack)
				c.text("withheld", (cx0+cx1)/2, y+heatRowHeight/2+5, alignCentre)
				continue
			}
			c.rect(cx0, cy0, cx1, cy1, shade(v))
			if v < 1-maxAttrition {
				c.outline(cx0+1, cy0+1, cx1-1, cy1-1, okVermilion, 3)
			}
			text := okBlack
			if v > 0.55 {
				text = drawing.ColorWhite
			}
			c.font(own, base, text)
			c.text(fmt.Sprintf("%.0f%%", 100*v), (cx0+cx1)/2, y+heatRowHeight/2+5, alignCentre)
		}
		if own {
			c.outline(16, y, w-18, y+heatRowHeight, okVermilion, 2)
		}
	}
	// The key, under the grid.
	y := top + len(h.rows)*heatRowHeight + 30
	c.font(false, base-1, okBlack)
	b := c.text("Share of the follow-ups due that were recorded:", 20, y+5, alignLeft)
	bx := b.x1 + 16
	for i := 0; i <= 10; i++ {
		c.rect(bx+i*22, y-8, bx+(i+1)*22, y+8, shade(float64(i)/10))
	}
	c.text("0%", bx, y+28, alignCentre)
	c.text("100%", bx+11*22, y+28, alignCentre)
	c.outline(bx+11*22+50, y-8, bx+11*22+90, y+8, okVermilion, 3)
	c.text("below 80%: certainty lowered for attrition", bx+11*22+100, y+5, alignLeft)
	_ = ht
}
