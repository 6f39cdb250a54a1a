package server

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports"
	"github.com/ateval/ateval/storage/auth"
)

// TestReportPage reads the report as a commissioner and a borough lead:
// findings with their sentence, certainty, intervals and a forest plot
// served as a PNG with alt text; the PDF and results.json of the same
// filters; and filters that are wrong, named in an error summary.
func TestReportPage(t *testing.T) {
	w, _ := newEvidenceWorld(t)
	cookie, _ := w.session("commissioner", auth.CookieSession)
	rec := w.reportPage("/reports", cookie)
	body := rec.Body.String()
	if rec.Code != ok {
		t.Fatalf("GET /reports: %d\n%.500s", rec.Code, body)
	}
	for _, want := range []string{"Summary: what works", `<nav id="contents"`, "Findings by device category", "Across ", "Certainty", "Prediction interval",
		"Knapp and Hartung", "I² =", "Follow-up and data quality", "Costs and consequences", "The smallest change that matters", `href="/reports/report.pdf"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the report page lacks %q", want)
		}
	}
	img := regexp.MustCompile(`<img class="app-chart" src="(/reports/charts/forest-[^"]+)" alt="(Forest plot of [^"]+)"`).FindStringSubmatch(body)
	if img == nil {
		t.Fatal("the report page has no forest plot with alt text")
	}
	png := w.do(request{path: strings.ReplaceAll(img[1], "&amp;", "&"), cookie: cookie})
	if png.Code != ok || png.Header().Get("Content-Type") != "image/png" || !strings.HasPrefix(png.Body.String(), "\x89PNG") {
		t.Errorf("forest plot %s: %d %s", img[1], png.Code, png.Header().Get("Content-Type"))
	}
	pdf := w.do(request{path: "/reports/report.pdf", cookie: cookie})
	if pdf.Code != ok || pdf.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body.String(), "%PDF-") ||
		!strings.Contains(pdf.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("PDF: %d %s %q", pdf.Code, pdf.Header().Get("Content-Type"), pdf.Body.String()[:min(8, pdf.Body.Len())])
	}

	// What a reader sees or hears, folded parts and alt text included,
	// holds no internal code and no borough slug.
	known, err := w.db.View(ateval.SystemContext(context.Background())).Boroughs()
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, b := range known {
		slugs = append(slugs, b.Slug)
	}
	if codes := reports.CodesIn(readerText(body), slugs...); len(codes) > 0 {
		t.Errorf("the report page shows internal codes or slugs: %v", codes)
	}

	// The summary comes first: before the contents, the findings, and
	// the methods last.
	at := func(s string) int { return strings.Index(body, s) }
	if !(at(`id="summary"`) < at(`<nav id="contents"`) && at(`<nav id="contents"`) < at(`id="findings"`) &&
		at(`id="findings"`) < at(`id="costs"`) && at(`id="costs"`) < at(`id="methods"`)) {
		t.Error("the page is not in order: summary, contents, findings, costs, methods")
	}

	// The API answers results.json for a filter, and the page of the same
	// filter shows the same findings (those with a forest plot, the
	// primary and secondary ones, in full).
	tok, _ := w.session("evaluator", auth.BearerSession)
	q := "outcome=swemwbs_raw&from=2020-01-01" // widened to whole financial years: 1 April 2019
	rec = w.do(request{path: "/api/v1/reports?" + q, bearer: tok})
	var got struct {
		Filter struct {
			Outcomes []string `json:"outcomes"`
			From     string   `json:"from"`
		} `json:"filter"`
		Analyses []struct {
			Outcome  string `json:"outcome"`
			Chart    string `json:"chart"`
			Sentence string `json:"sentence"`
		} `json:"analyses"`
	}
	if rec.Code != ok || json.Unmarshal(rec.Body.Bytes(), &got) != nil {
		t.Fatalf("GET /api/v1/reports?%s: %d %.300s", q, rec.Code, rec.Body.String())
	}
	if len(got.Analyses) == 0 || got.Filter.From != "2019-04-01" || len(got.Filter.Outcomes) != 1 {
		t.Fatalf("results.json for %s: %d analyses, filter %+v", q, len(got.Analyses), got.Filter)
	}
	page := html.UnescapeString(w.reportPage("/reports?"+q, cookie).Body.String())
	for _, a := range got.Analyses {
		if a.Outcome != "swemwbs_raw" {
			t.Errorf("filtered to swemwbs_raw, results.json has %s", a.Outcome)
		}
		if a.Chart != "" && !strings.Contains(page, a.Sentence) {
			t.Errorf("the page of the same filter lacks the finding %q", a.Sentence)
		}
	}

	// An evaluator is pointed to their exports.
	evalCookie, _ := w.session("evaluator", auth.CookieSession)
	if body := w.reportPage("/reports", evalCookie).Body.String(); !strings.Contains(body, `href="/exports"`) {
		t.Error("the evaluator's report page has no link to the exports")
	}

	// The borough lead sees their borough highlighted.
	lead, _ := w.session("borough_lead", auth.CookieSession)
	leadPage := w.reportPage("/reports", lead).Body.String()
	if !strings.Contains(leadPage, "Camden (your borough)") {
		t.Error("the borough lead's report does not highlight Camden")
	}
	// Their charts too: the forest plot's URL asks for Camden highlighted,
	// and is drawn otherwise than the commissioner's.
	m := regexp.MustCompile(`src="(/reports/charts/forest-[^"]+highlight=camden[^"]*)"`).FindStringSubmatch(leadPage)
	if m == nil {
		t.Fatal("the borough lead's forest plots do not ask for Camden highlighted")
	}
	leadPNG := w.do(request{path: html.UnescapeString(m[1]), cookie: lead})
	plain := w.do(request{path: strings.Replace(html.UnescapeString(m[1]), "highlight=camden", "", 1), cookie: lead})
	if leadPNG.Code != ok || plain.Code != ok || leadPNG.Body.String() == plain.Body.String() {
		t.Errorf("the borough lead's chart (%d) is the same as the plain one (%d)", leadPNG.Code, plain.Code)
	}
	if spoof := w.do(request{path: strings.Replace(html.UnescapeString(m[1]), "highlight=camden", "highlight=brent", 1), cookie: lead}); spoof.Body.String() != plain.Body.String() {
		t.Error("a borough lead can have another borough highlighted")
	}

	for _, tc := range []struct{ query, field string }{
		{"outcome=wellbeing", "outcome"},
		{"device_category=Fall%20Detector", "device_category"},
		{"borough=atlantis", "borough"},
		{"from=2026-13-01", "from"},
		{"from=2026-02-01&to=2026-01-01", "to"},
	} {
		rec := w.do(request{path: "/reports?" + tc.query, cookie: cookie})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `href="#`+tc.field+`"`) ||
			!strings.Contains(rec.Body.String(), `id="`+tc.field+`"`) {
			t.Errorf("/reports?%s: %d, want 422 with an error summary linking to #%s", tc.query, rec.Code, tc.field)
		}
		if rec := w.do(request{path: "/api/v1/reports?" + tc.query, bearer: tok}); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("/api/v1/reports?%s: %d, want 422", tc.query, rec.Code)
		}
	}
}

var (
	styleRE = regexp.MustCompile(`(?s)<style.*?</style>`)
	altRE   = regexp.MustCompile(`alt="([^"]*)"`)
	tagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// readerText is what a reader of a page sees or hears: its text, folded
// parts included, and its images' alt text.
func readerText(page string) string {
	page = styleRE.ReplaceAllString(page, " ")
	var alts []string
	for _, m := range altRE.FindAllStringSubmatch(page, -1) {
		alts = append(alts, m[1])
	}
	return html.UnescapeString(tagRE.ReplaceAllString(page, " ") + "\n" + strings.Join(alts, "\n"))
}

// reportPage gets a report page as a browser would: while the report is
// being built the page says so and asks to be refreshed, and the browser
// comes back.
func (w *world) reportPage(path, cookie string) *httptest.ResponseRecorder {
	w.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		rec := w.do(request{path: path, cookie: cookie})
		if rec.Header().Get("Refresh") == "" {
			return rec
		}
		if !strings.Contains(rec.Body.String(), "The report is being built") {
			w.t.Fatalf("%s asks to be refreshed but does not say the report is being built", path)
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("%s: the report was not built within 2 minutes", path)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
