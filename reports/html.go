package reports

import (
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
)

//go:embed templates/report.html
var templates embed.FS

// page is parsed once; a broken template is a broken build, caught by the
// tests.
var page = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"f": func(x float64) string {
		if math.IsNaN(x) {
			return "—"
		}
		return fmt.Sprintf("%.2f", x)
	},
	"pct": func(x jsonNumber) string {
		if math.IsNaN(float64(x)) {
			return "—"
		}
		return fmt.Sprintf("%.0f%%", 100*float64(x))
	},
	"money": func(x jsonNumber) string {
		if math.IsNaN(float64(x)) {
			return "—"
		}
		return fmt.Sprintf("%.0f", float64(x))
	},
	"rng": func(r any) string {
		var v Range
		switch x := r.(type) {
		case Range:
			v = x
		case *Range:
			v = *x
		default:
			return "—"
		}
		return fmt.Sprintf("%.0f (%.0f to %.0f)", v.Estimate, v.Lower, v.Upper)
	},
	"data": func(c Chart) (template.URL, error) {
		png, err := c.PNG()
		return dataURI(png), err
	},
	"hasPrefix": strings.HasPrefix,
}).ParseFS(templates, "templates/report.html"))

func dataURI(png []byte) template.URL {
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
}

type finding struct {
	Title string
	A     *Analysis
	Chart Chart // its forest plot
}

// findings lists the analyses with a forest plot, with their charts.
func (r *Report) findings() []finding {
	charts := map[string]Chart{}
	for _, c := range r.Charts {
		charts[c.Name] = c
	}
	var out []finding
	for i := range r.Analyses {
		a := &r.Analyses[i]
		if a.Chart == "" {
			continue
		}
		c := charts[a.Chart]
		out = append(out, finding{Title: c.Title, A: a, Chart: c})
	}
	return out
}

// shown lists the charts the page and the PDF show: each finding's forest
// plot, the trajectories, abandonment and follow-up completeness. Funnel
// plots are in charts/ only.
func (r *Report) shown() []Chart {
	var out []Chart
	for _, c := range r.Charts {
		if !strings.HasPrefix(c.Name, "funnel-") {
			out = append(out, c)
		}
	}
	return out
}

// Methods returns the methods section's paragraphs.
func (r *Report) Methods() []string {
	return []string{
		"Each borough is a study of a two-stage analysis. For every outcome, device category (the category of a resident's first device) and follow-up, each borough's residents with both a baseline and a follow-up measurement give a mean change from baseline (MC) with its variance, computed in the database from sums; where the borough has a comparison group, the difference between the two groups' changes (MC_DIFF) is analysed too. Events give the log rate ratio after against before (IRR; IRR_DIFF against the comparison group), and device use the proportion still in use (PR).",
		"Boroughs' effects are pooled, from the rows as published (rounded as disclosure control requires), by random-effects meta-analysis with the REML estimator of τ² and Knapp-Hartung (HKSJ) intervals, as R's metafor rma(..., test=\"knha\"); the prediction interval is where the effect in a new borough would be expected to lie. Funnel plots are drawn only with 10 or more boroughs.",
		r.Disclosure.Statement,
		CertaintyMethod(),
	}
}

// WriteHTML writes the report as one self-contained page: inline CSS and
// charts as data: URIs.
//
// The charts are drawn on every core while the page is written, which
// waits for each in turn, so that writing the page (mostly its charts'
// base64) is not left to one core once they are drawn.
func (r *Report) WriteHTML(w io.Writer) error {
	drawn := make(chan error, 1)
	go func() { drawn <- drawAll(r.shown()) }()
	err := page.Execute(w, map[string]any{"R": r, "Methods": r.Methods(), "Findings": r.findings(), "Charts": r.Charts})
	if derr := <-drawn; err == nil { // no drawing outlives the call
		err = derr
	}
	return err
}
