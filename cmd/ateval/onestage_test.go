package main

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// checkOneStage builds the report of the database at dsn and checks that
// every one-stage model it shows (beside the primary analyses of a score
// comparing the groups) is the fit `ateval model` gives for the same
// outcome, follow-up and device category, both being fitted from the
// cells the disclosure gate releases: the intervention effect and its
// standard error to 1e-9, the Wald interval from them, and the page, in
// words, beside the pooled estimate. It returns how many it compared.
func checkOneStage(t *testing.T, dsn string) int {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report")
	if code, _, stderr := runCLI(t, "report", "--db", dsn, "--out", out); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Analyses []struct {
			Outcome, Timepoint, Role, Design string
			DeviceCategory                   string `json:"device_category"`
			OneStage                         *struct {
				Estimate, SE        *float64
				CILower             *float64 `json:"ci_lower"`
				CIUpper             *float64 `json:"ci_upper"`
				Boroughs, Residents int
				Singular            bool
				Withheld            string
			} `json:"one_stage"`
		}
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range r.Analyses {
		if a.OneStage == nil {
			continue
		}
		if a.Role != "primary" || a.Design != "difference-in-change" {
			t.Errorf("%s %s %s: a one-stage model beside a %s %s analysis", a.Outcome, a.DeviceCategory, a.Timepoint, a.Role, a.Design)
		}
		m := a.OneStage
		if m.Withheld != "" || m.Estimate == nil || m.SE == nil || m.CILower == nil {
			t.Errorf("%s %s: one-stage model withheld: %q", a.Outcome, a.DeviceCategory, m.Withheld)
			continue
		}
		code, js, stderr := runCLI(t, "model", "--db", dsn, "--outcome", a.Outcome, "--timepoint", a.Timepoint, "--device-category", a.DeviceCategory, "--json")
		if code != 0 {
			t.Fatalf("model: exit %d: %s", code, stderr)
		}
		var fit struct {
			Boroughs int
			Singular bool
			Fixed    []struct {
				Name         string
				Estimate, SE float64
			}
		}
		if err := json.Unmarshal([]byte(js), &fit); err != nil || len(fit.Fixed) != 3 {
			t.Fatalf("model JSON: %v\n%s", err, js)
		}
		b := fit.Fixed[2]
		for _, v := range []struct {
			name      string
			got, want float64
		}{{"estimate", *m.Estimate, b.Estimate}, {"se", *m.SE, b.SE}, {"ci_lower", *m.CILower, b.Estimate - 1.959963984540054*b.SE}, {"ci_upper", *m.CIUpper, b.Estimate + 1.959963984540054*b.SE}} {
			if math.Abs(v.got-v.want) > 1e-9 {
				t.Errorf("%s %s: report's one-stage %s %.12g, ateval model's %.12g", a.Outcome, a.DeviceCategory, v.name, v.got, v.want)
			}
		}
		if m.Boroughs != fit.Boroughs || m.Singular != fit.Singular {
			t.Errorf("%s %s: report's one-stage model has %d units (singular %v), ateval model %d (%v)", a.Outcome, a.DeviceCategory, m.Boroughs, m.Singular, fit.Boroughs, fit.Singular)
		}
		n++
	}
	text := string(page)
	if n > 0 && (!strings.Contains(text, "<dt>One-stage model</dt>") || !strings.Contains(text, "all residents in one model, boroughs allowed to differ")) {
		t.Errorf("the page does not show the one-stage model in words")
	}
	singular := false
	for _, a := range r.Analyses {
		singular = singular || (a.OneStage != nil && a.OneStage.Singular)
	}
	if singular != strings.Contains(text, "the fit is singular") {
		t.Errorf("a fit singular: %v; the page says so: %v", singular, !singular)
	}
	if n > 0 {
		txt, err := exec.Command("pdftotext", "-layout", filepath.Join(out, "report.pdf"), "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		if words := strings.Join(strings.Fields(string(txt)), " "); !strings.Contains(words, "One-stage model") || !strings.Contains(words, "boroughs allowed to differ") {
			t.Errorf("the PDF does not show the one-stage model")
		}
	}
	return n
}

// TestReportOneStage: on the committed sample, the report shows the
// one-stage model beside each primary comparison of a score, equal to
// `ateval model` on the same released cells.
func TestReportOneStage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the sample's report")
	}
	if n := checkOneStage(t, sampleDB(t)); n == 0 {
		t.Fatal("the sample's report shows no one-stage model")
	} else {
		t.Logf("%d one-stage models equal to ateval model", n)
	}
}
