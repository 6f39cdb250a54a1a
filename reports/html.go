package reports

import (
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/ateval/ateval/evaluation"
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
	"g3": func(x float64) string {
		if math.IsNaN(x) {
			return "—"
		}
		return fmt.Sprintf("%.3g", x)
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

// intervalMethod says which interval the pooled estimates carry, and why.
func intervalMethod(r *Report) string {
	test := evaluation.Adhoc
	if len(r.Analyses) > 0 {
		test = r.Analyses[0].Test
	}
	switch test {
	case evaluation.Z:
		return "Intervals use the normal distribution (Wald-type z), as metafor's test=\"z\"; with few boroughs that vary, they cover the true effect less often than 95% of the time."
	case evaluation.KnHa:
		return "Intervals are Knapp and Hartung's (HKSJ), with t on k−1 degrees of freedom, as metafor's test=\"knha\"; where their scaling factor is below 1 they are narrower than they should be."
	}
	return "The 95% confidence interval of each pooled estimate is Knapp and Hartung's with its scaling factor never below 1 (the ad hoc variant of Knapp and Hartung 2003 and Jackson et al. 2017, metafor's test=\"adhoc\"), with t on k−1 degrees of freedom. " +
		"It was chosen by simulation (REML, 2,000 meta-analyses in each of twelve scenarios of 3 to 20 boroughs, with and without between-borough variation): normal-theory (z) intervals covered the true effect in as few as 84% of analyses of 3 to 5 varying boroughs; unmodified Knapp-Hartung intervals covered about 95% overall but 92% to 94% in the analyses where their scaling factor was below 1, which were most of them; the ad hoc interval covered at least 95% overall in every scenario, and no less than 94.3% where the factor was below 1 (within the simulation's error of 95%), at the price of wider intervals with 3 to 5 boroughs."
}

// Methods returns the methods section's paragraphs.
func (r *Report) Methods() []string {
	return []string{
		"Each borough is a study of a two-stage analysis. For every outcome, device category (the category of a resident's first device) and follow-up, each borough's residents with both a baseline and a follow-up measurement give a mean change from baseline (MC) with its variance, computed in the database from sums; where the borough has a comparison group, the difference between the two groups' changes (MC_DIFF) is analysed too. Events give the log rate ratio after against before (IRR; IRR_DIFF against the comparison group), and device use the proportion still in use (PR).",
		"Boroughs' effects are pooled, from the rows as published (rounded as disclosure control requires), by random-effects meta-analysis, as R's metafor rma(). The between-borough variance τ² is estimated by restricted maximum likelihood (REML), found by Fisher scoring that never lets the likelihood fall and, when that stalls, a bracketed search of the likelihood, so that every fit reaches its maximum; a fit that still does not converge is not published: the finding says it was withheld and why, and shows only the boroughs' own results.",
		intervalMethod(r),
		"The prediction interval, always shown, is where the effect in a new borough would be expected to lie. τ² is given with its Q-profile 95% interval. An estimate of τ² = 0 means the differences between boroughs could not be told apart from chance, not that the boroughs share one effect. Funnel plots are drawn only with 10 or more boroughs.",
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
