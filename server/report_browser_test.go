package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/importer"
	"github.com/ateval/ateval/internal/browsertest"
	"github.com/ateval/ateval/reports"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/server"
	"github.com/ateval/ateval/storage/auth"
	"github.com/ateval/ateval/storage/storagetest"
)

// evidenceSite serves a generated sixteen-borough sample of 900
// residents (a report builds in about a second), with a commissioner and
// an evaluator named on an agreement covering three boroughs. It returns
// the residents' CSV, identifiers and all.
func evidenceSite(t *testing.T) (*browsertest.Site, []byte) {
	t.Helper()
	browsertest.FindChromium(t)
	var bufs [5]bytes.Buffer
	cfg := sampledata.Config{Seed: 7, Residents: 900, Boroughs: 16}
	if _, err := sampledata.Generate(cfg, sampledata.Writers{Boroughs: &bufs[0], Devices: &bufs[1], Residents: &bufs[2], DeviceIssues: &bufs[3], Assessments: &bufs[4]}); err != nil {
		t.Fatal(err)
	}
	var srcs []importer.Source
	for i, name := range sampledata.Files() {
		srcs = append(srcs, importer.Source{Name: name, R: bytes.NewReader(bufs[i].Bytes())})
	}
	db := storagetest.Open(t, filepath.Join(t.TempDir(), "ateval.db"))
	ctx := ateval.SystemContext(context.Background())
	if _, err := importer.Import(ctx, db, srcs, importer.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []ateval.User{{Email: "commissioner@demo.ateval", Role: ateval.RoleCommissioner}, {Email: "evaluator@demo.ateval", Role: ateval.RoleEvaluator}} {
		if err := auth.New(db).CreateUser(ctx, &u, browsertest.Password); err != nil {
			t.Fatal(err)
		}
	}
	a := exports.Agreement{Name: "UCL falls study", Purpose: "falls outcomes", Boroughs: []string{"camden", "brent", "croydon"},
		ExpiresOn: ateval.DateOf(time.Now()).AddDays(365), Evaluators: []string{"evaluator@demo.ateval"}}
	if err := db.CreateAgreement(ctx, &a, forms.Default()); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, db)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &browsertest.Site{URL: hs.URL, DB: db, Server: srv}, bufs[2].Bytes()
}

// TestBrowserReport: a commissioner signs in and lands on the report,
// whose first screen holds the summary of what works, before the contents
// and the detail; reads a finding and sees its forest plot; finds no
// internal code or slug in what they see or hear; and downloads the PDF.
func TestBrowserReport(t *testing.T) {
	site, _ := evidenceSite(t)
	b := site.NewBrowser(t)
	b.Login("commissioner@demo.ateval")
	deadline := time.Now().Add(time.Minute)
	for (b.Exists(".app-report-building") || !b.Exists(".app-service-nav")) && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond) // the page refreshes itself
	}
	if p := b.Path(); !strings.HasPrefix(p, "/reports") {
		t.Fatalf("the commissioner landed on %s, want /reports", p)
	}
	b.ScreenshotFirstScreen("first-screen")
	summary, contents, findings, methods := b.Top("#summary"), b.Top("#contents"), b.Top("#findings"), b.Top("#methods")
	if !(0 <= summary && summary < contents && contents < findings && findings < methods) {
		t.Errorf("the page is not summary first: summary at %.0f px, contents %.0f, findings %.0f, methods %.0f", summary, contents, findings, methods)
	}
	if row, screen := b.Top("#summary table tbody tr"), b.ViewportHeight(); row < 0 || row > screen {
		t.Errorf("the summary's first finding is at %.0f px, below the first screen (%.0f px)", row, screen)
	}
	if got := b.Text("#summary table tbody tr"); !strings.Contains(got, "95% CI") {
		t.Errorf("the summary's first finding reads %q", got)
	}
	var slugs []string
	known, err := site.DB.View(ateval.SystemContext(context.Background())).Boroughs()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range known {
		slugs = append(slugs, k.Slug)
	}
	if codes := reports.CodesIn(b.ReaderText(), slugs...); len(codes) > 0 {
		t.Errorf("the report's text and alt text show internal codes or slugs: %v", codes)
	}
	if got := b.Text(".app-finding .app-finding__sentence"); !strings.HasPrefix(got, "Across ") || !strings.Contains(got, "95% CI") {
		t.Errorf("first finding's sentence %q", got)
	}
	if alt := b.Attr(".app-finding img.app-chart", "alt"); !strings.HasPrefix(alt, "Forest plot of ") {
		t.Errorf("forest plot alt text %q", alt)
	}
	if !b.ImageShown(".app-finding img.app-chart") {
		t.Error("the forest plot image did not load")
	}
	b.Screenshot("report")
	name, pdf := b.Download(".app-report-downloads a.app-button")
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !strings.HasSuffix(name, ".pdf") || len(pdf) < 10_000 {
		t.Errorf("downloaded %q, %d bytes starting %q: want a PDF", name, len(pdf), pdf[:min(len(pdf), 8)])
	}

	// One borough and one day, as an intruder would ask: the report covers
	// the borough's whole partnership and financial year, and says so
	// above the findings; the form shows what it covers.
	b.Visit("/reports?borough=westminster&to=2025-06-22&outcome=swemwbs_raw")
	deadline = time.Now().Add(time.Minute)
	for (b.Exists(".app-report-building") || !b.Exists(".app-service-nav")) && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
	}
	if got := b.Text("#widened"); !strings.Contains(got, "whole partnerships") || !strings.Contains(got, "31 March 2026") {
		t.Errorf("the widened report says %q, want the partnership and the end of 2025-26", got)
	}
	if !b.Exists("#partnership-central-london-forward:checked") {
		t.Error("the form does not show Central London Forward as chosen")
	}
	if !b.Exists("#to option[value='2026-03-31']:checked") {
		t.Error("the form does not show the end of 2025-26 as chosen")
	}
	b.Screenshot("widened")
}

// TestBrowserExport: an evaluator signs in, opens the exports page, asks
// for a wide export under their agreement, and gets the CSV: a pseudonym
// per row and no identifier.
func TestBrowserExport(t *testing.T) {
	site, residentsCSV := evidenceSite(t)
	b := site.NewBrowser(t)
	b.Login("evaluator@demo.ateval")
	b.Visit("/exports")
	if got := b.Text("main table"); !strings.Contains(got, "UCL falls study") {
		t.Fatalf("the evaluator's agreements: %q", got)
	}
	b.Click("#layout-wide")
	b.Screenshot("exports")
	name, data := b.Download(".app-export-form button[type=submit]")
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) < 10 || !strings.HasSuffix(name, ".csv") {
		t.Fatalf("downloaded %q: %d rows, %v", name, len(rows), err)
	}
	h := strings.Join(rows[0], ",")
	for _, want := range []string{"pseudonym,", ",age_band,", ",borough,"} {
		if !strings.Contains(h, want) {
			t.Errorf("CSV header lacks %q: %.200s", want, h)
		}
	}
	for _, bad := range []string{"given_name", "family_name", "nhs_number", "postcode", "address", "resident_ref", "date_of_birth"} {
		if strings.Contains(h, bad) {
			t.Errorf("CSV header has %s", bad)
		}
	}
	residents, _ := csv.NewReader(bytes.NewReader(residentsCSV)).ReadAll()
	for _, r := range residents[1:] {
		for _, secret := range []string{r[1], r[11] + " " + r[12], r[13]} { // reference, name, NHS number
			if strings.TrimSpace(secret) != "" && bytes.Contains(data, []byte(secret)) {
				t.Fatalf("the export holds %q", secret)
			}
		}
	}
}
