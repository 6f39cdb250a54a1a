package reports_test

import (
	"bytes"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ateval/ateval/reports"
)

var (
	styleRE = regexp.MustCompile(`(?s)<style.*?</style>`)
	altRE   = regexp.MustCompile(`alt="([^"]*)"`)
	tagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// pageText is what a reader of a page sees or hears: its text, folded
// parts included, and its images' alt text.
func pageText(page string) string {
	page = styleRE.ReplaceAllString(page, " ")
	var alts []string
	for _, m := range altRE.FindAllStringSubmatch(page, -1) {
		alts = append(alts, m[1])
	}
	return html.UnescapeString(tagRE.ReplaceAllString(page, " ") + "\n" + strings.Join(alts, "\n"))
}

// slugs are the borough slugs of a report's rows.
func slugs(r *reports.Report) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] && !strings.Contains(s, " ") {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, a := range r.Analyses {
		for _, b := range a.Boroughs {
			add(b.Borough)
		}
	}
	for _, f := range r.FollowUp {
		add(f.Borough)
	}
	return out
}

// TestPageInPlainEnglish: the self-contained page opens with the summary,
// then the contents, then the findings, and methods last; its text and
// alt text hold no internal code, no borough slug, no minus zero.
func TestPageInPlainEnglish(t *testing.T) {
	r := sampleReport(t)
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	order := []string{`<section id="summary">`, `<nav id="contents"`, `<section id="findings">`, `<section id="costs">`, `<section id="methods">`}
	last := -1
	for _, s := range order {
		i := strings.Index(page, s)
		if i <= last {
			t.Fatalf("%s is at %d, after the part before it (%d): want %v in order", s, i, last, order)
		}
		last = i
	}
	if codes := reports.CodesIn(pageText(page), slugs(r)...); len(codes) > 0 {
		t.Errorf("the page shows internal codes or slugs: %v", codes)
	}
	d := r.Document()
	if len(d.Summary.Findings) == 0 || len(d.Contents) < 5 || len(d.Methods) == 0 {
		t.Errorf("document: %d summary findings, %d contents entries, %d methods", len(d.Summary.Findings), len(d.Contents), len(d.Methods))
	}
}

// TestPDFDocument: the PDF embeds its fonts, has a title, author and
// subject, holds τ² as itself, and no internal code; checked with
// poppler's pdffonts, pdfinfo and pdftotext where they are installed.
func TestPDFDocument(t *testing.T) {
	r := sampleReport(t)
	var b bytes.Buffer
	if err := r.WritePDF(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"pdffonts", "pdfinfo", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian's poppler-utils)", tool)
		}
	}
	out, err := exec.Command("pdffonts", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no fonts:\n%s", out)
	}
	for _, l := range lines[2:] {
		// name type encoding emb sub uni object ID: emb is the
		// fourth field from the end.
		f := strings.Fields(l)
		if len(f) < 7 || f[len(f)-5] != "yes" {
			t.Errorf("a font is not embedded: %q", l)
		}
	}
	out, err = exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Title:           Evidence report: assistive technology across boroughs", "Author:", "Subject:"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, out)
		}
	}
	out, err = exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{"Summary: what works", "Contents", "τ²", "The smallest change that matters", "Unit costs"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
	if strings.Contains(text, "tau2") {
		t.Error("the PDF spells τ² as tau2")
	}
	first, _, _ := strings.Cut(text, "\f")
	if !strings.Contains(first, "Summary: what works") || !strings.Contains(first, "Does it matter?") {
		t.Errorf("the PDF's first page does not open with the summary:\n%.1500s", first)
	}
	if codes := reports.CodesIn(text, slugs(r)...); len(codes) > 0 {
		t.Errorf("the PDF shows internal codes or slugs: %v", codes)
	}
}
