package reports

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	chart "github.com/wcharczuk/go-chart/v2"
)

// Chart is one chart of the report: its file name under charts/, its
// title and the alt text a screen reader reads. Its PNG is drawn the first
// time a page, the PDF or charts/ asks for it, and only then: a report
// read as results.json, or a page showing a few of its charts, does not
// pay for drawing the rest.
type Chart struct {
	Name  string
	Title string
	Alt   string

	png func() ([]byte, error) // draws once; later calls return the same bytes
	// mark draws the chart again with a borough highlighted (nil for a
	// chart of no borough); marked keeps each borough's drawing.
	mark   func(own string) drawable
	marked *sync.Map
	// plot is what the chart draws, when it is laid out on a canvas (for
	// the tests that check its labels).
	plot plot
}

// Highlighting returns the chart with a borough highlighted (a borough
// lead's own), drawn once for each borough asked for; the chart itself
// when it shows no borough by name.
func (c Chart) Highlighting(own string) Chart {
	if c.mark == nil || own == "" {
		return c
	}
	d := c.mark(own)
	f, _ := c.marked.LoadOrStore(own, lazily(d))
	c.png = f.(func() ([]byte, error))
	c.mark = nil
	if p, ok := d.(plotted); ok {
		c.plot = p.p
	}
	return c
}

var errNotDrawable = errors.New("reports: a Chart not made by Build has no PNG")

// PNG returns the chart as a PNG, drawing it on the first call. It is safe
// to call from several goroutines; the chart is drawn once.
func (c Chart) PNG() ([]byte, error) {
	if c.png == nil {
		return nil, errNotDrawable
	}
	return c.png()
}

// drawable is a go-chart chart: chart.Chart, chart.BarChart.
type drawable interface {
	Render(rp chart.RendererProvider, w io.Writer) error
}

// lazily returns a function drawing c as a PNG on its first call only.
func lazily(c drawable) func() ([]byte, error) {
	return sync.OnceValues(func() ([]byte, error) { return render(c) })
}

// render draws c with go-chart's raster renderer and encodes the PNG
// itself (see encodePNG): go-chart's own encoding, png.Encode at a
// compression level callers cannot set, took two thirds of the time of
// drawing a chart.
func render(c drawable) ([]byte, error) {
	// go-chart loads its default font lazily behind an unsynchronised
	// check, a data race when charts are drawn at once (as drawAll and
	// concurrent report builds do); loading it through a sync.Once first
	// orders that one write before every read.
	if _, err := defaultFont(); err != nil {
		return nil, err
	}
	// The raster renderer hands its image to a writer that collects it,
	// instead of encoding it.
	var iw chart.ImageWriter
	if err := c.Render(boxesPNG, &iw); err != nil {
		return nil, err
	}
	rgba, err := collected(&iw)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := encodePNG(&b, rgba); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// drawAll draws the charts not yet drawn on every core, before a writer
// that needs them all (the page, the PDF, charts/) reads them in order. It
// returns the first error in the charts' order.
func drawAll(charts []Chart) error {
	errs := make([]error, len(charts))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(charts)) {
		wg.Go(func() {
			for {
				j := int(next.Add(1) - 1)
				if j >= len(charts) {
					return
				}
				_, errs[j] = charts[j].PNG()
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
