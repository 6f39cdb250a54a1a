package reports

import (
	"embed"
	"encoding/base64"
	"html/template"
	"io"
	"strings"
)

//go:embed templates/report.html
var templates embed.FS

// page is parsed once; a broken template is a broken build, caught by the
// tests. Its charts are drawn through the functions Execute is given.
var page = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"data":  func(Chart) (template.URL, error) { return "", nil },
	"chart": func(string) (template.URL, error) { return "", nil },
}).ParseFS(templates, "templates/report.html"))

func dataURI(png []byte) template.URL {
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
}

// shown lists the charts the page and the PDF show: the forest plots of
// the primary and secondary findings, the trajectories, abandonment and
// follow-up completeness. Funnel plots are in charts/ only.
func (r *Report) shown() []Chart {
	var out []Chart
	for _, c := range r.Charts {
		if !strings.HasPrefix(c.Name, "funnel-") {
			out = append(out, c)
		}
	}
	return out
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
	byName := map[string]Chart{}
	for _, c := range r.Charts {
		byName[c.Name] = c
	}
	data := func(c Chart) (template.URL, error) {
		png, err := c.PNG()
		return dataURI(png), err
	}
	t, err := page.Clone()
	if err == nil {
		t.Funcs(template.FuncMap{"data": data, "chart": func(name string) (template.URL, error) { return data(byName[name]) }})
		err = t.Execute(w, map[string]any{"R": r, "D": r.Document()})
	}
	if derr := <-drawn; err == nil { // no drawing outlives the call
		err = derr
	}
	return err
}
