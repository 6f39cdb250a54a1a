package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
)

// TestExportFiles is issue 17's done-when for the evaluator's export
// page, on the committed sample: the page links the R, Stata and SPSS
// syntax written for each layout in plain words; the R script and the
// CSV downloaded from the page read each other in R, with the codes
// labelled in the pages' words; and each download is in the audit log.
func TestExportFiles(t *testing.T) {
	site := Start(t, Options{Sample: true})
	sys := ateval.SystemContext(context.Background())
	a := exports.Agreement{Name: "UCL falls study", Purpose: "Whether falls detectors reduce admissions", Parties: []string{"London Borough of Camden", "UCL"},
		Boroughs: []string{"camden"}, ExpiresOn: ateval.DateOf(site.DB.Now()).AddDays(365), Evaluators: []string{"evaluator@demo.ateval"}, MinK: 5}
	if err := site.DB.CreateAgreement(sys, &a, forms.Default()); err != nil {
		t.Fatal(err)
	}
	b := site.NewBrowser(t)
	b.Login("evaluator@demo.ateval")
	b.Visit("/exports")
	files := b.Text("#files ~ .app-export-files")
	for _, want := range []string{"Long layout", "Wide layout", "R script to read the CSV", "Stata do-file to read the CSV", "SPSS syntax to read the CSV", "Codebook to read", "Disclosure report"} {
		if !strings.Contains(files, want) {
			t.Errorf("the export page's files lack %q: %q", want, files)
		}
	}
	b.Shots("exports")

	name, script := b.Download(`a[href$="layout=long&format=r"]`)
	if name != "ateval-agreement-1-long.R" && !strings.HasSuffix(name, "-long.R") {
		t.Errorf("the R script is saved as %q", name)
	}
	for _, want := range []string{"Refused", "Wellbeing, metric score (7 to 35)", "Female", "3 months", "Taken from records"} {
		if !strings.Contains(string(script), want) {
			t.Errorf("the R script does not label codes as the pages do: it lacks %q", want)
		}
	}
	if _, sps := b.Download(`a[href$="layout=wide&format=spss"]`); !strings.Contains(string(sps), "VALUE LABELS") {
		t.Errorf("the SPSS syntax: %.300q", sps)
	}
	if _, do := b.Download(`a[href$="layout=long&format=stata"]`); !strings.Contains(string(do), "label define") {
		t.Errorf("the Stata do-file: %.300q", do)
	}
	csvName, csv := b.Download(`main form.app-export-form button[type=submit]`)
	if !strings.HasSuffix(csvName, ".csv") || len(csv) == 0 {
		t.Fatalf("the CSV: %q, %d bytes", csvName, len(csv))
	}

	es, _, err := site.DB.AuditLog(sys, storage.AuditFilter{Action: ateval.ActionExportCodebook})
	if err != nil {
		t.Fatal(err)
	}
	var details []string
	for _, e := range es {
		details = append(details, e.Detail)
		if e.UserEmail != "evaluator@demo.ateval" || e.ObjectID != a.ID {
			t.Errorf("audit entry %+v", e)
		}
	}
	for _, want := range []string{"r syntax, long layout, k 5", "spss syntax, wide layout, k 5", "stata syntax, long layout, k 5"} {
		if !strings.Contains(strings.Join(details, "; "), want) {
			t.Errorf("the audit log lacks %q: %q", want, details)
		}
	}

	// The script, saved beside the CSV the form downloaded, reads it.
	rscript, err := exec.LookPath("Rscript")
	if err != nil {
		t.Skip("no Rscript to read the export with")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, csvName), csv, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), script, 0o644); err != nil {
		t.Fatal(err)
	}
	check := `source("` + name + `")
stopifnot(nrow(data) > 0, is.factor(data$sex), all(levels(data$sex) %in% c("Female", "Male", "Other", "Not stated", "Suppressed for disclosure control")))
stopifnot(all(levels(data$timepoint) == c("Baseline", "6 weeks", "3 months", "6 months", "12 months")))
cat("read", nrow(data), "rows\n")
`
	if err := os.WriteFile(filepath.Join(dir, "check.R"), []byte(check), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(rscript, "--vanilla", "check.R")
	cmd.Dir = dir
	timer := time.AfterFunc(3*time.Minute, func() { cmd.Process.Kill() })
	out, err := cmd.CombinedOutput()
	timer.Stop()
	if err != nil || !strings.Contains(string(out), "read") {
		t.Errorf("R could not read the export with the page's script: %v\n%s", err, out)
	}
	t.Logf("R: %s", strings.TrimSpace(string(out)))
}
