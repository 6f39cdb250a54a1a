package reports_test

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/ateval/ateval/reports"
)

// TestChartsReadAtAGlance lays out every chart of the sample's report, and
// each borough chart again with a borough highlighted, and checks that no
// text touches another or leaves the image: tick labels that ran together
// ("0.670.8") or a legend over the data are what this catches.
func TestChartsReadAtAGlance(t *testing.T) {
	r := sampleReport(t)
	own := ""
	for _, a := range r.Analyses {
		if len(a.Boroughs) > 0 && a.Boroughs[0].Combined == 0 {
			own = a.Boroughs[0].Borough
			break
		}
	}
	kinds := map[string]int{}
	for _, c := range r.Charts {
		for _, variant := range []reports.Chart{c, c.Highlighting(own)} {
			problems, err := reports.TextCollisions(variant)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Errorf("%s: %s", c.Name, p)
			}
		}
		kinds[c.Name[:5]]++
	}
	if kinds["fores"] == 0 || kinds["traje"] == 0 || kinds["follo"] == 0 || kinds["aband"] == 0 {
		t.Errorf("charts of each kind: %v", kinds)
	}
}

// TestHighlightedChart: a borough lead's forest plot differs from the
// commissioner's, and is drawn as a PNG.
func TestHighlightedChart(t *testing.T) {
	r := sampleReport(t)
	for _, a := range r.Analyses {
		if a.Chart == "" || len(a.Boroughs) == 0 || a.Boroughs[0].Combined > 0 {
			continue
		}
		var c reports.Chart
		for _, ch := range r.Charts {
			if ch.Name == a.Chart {
				c = ch
			}
		}
		plain, err := c.PNG()
		if err != nil {
			t.Fatal(err)
		}
		marked, err := c.Highlighting(a.Boroughs[0].Borough).PNG()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(plain, marked) {
			t.Errorf("%s: highlighting %s changed nothing", c.Name, a.Boroughs[0].Borough)
		}
		if _, err := png.Decode(bytes.NewReader(marked)); err != nil {
			t.Errorf("%s highlighted: %v", c.Name, err)
		}
		return
	}
	t.Fatal("no forest plot with a named borough")
}
