package exports

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval"
)

// writeExport writes an export's CSV and its three syntax files to dir,
// as NAME.csv, NAME.R, NAME.do and NAME.sps, and returns the plan.
func writeExport(t *testing.T, dir, name string, src Source, opt Options) *Plan {
	t.Helper()
	opt.Today = ateval.NewDate(2026, 11, 23)
	p, err := Prepare(context.Background(), src, opt)
	if err != nil {
		t.Fatal(err)
	}
	var csvBuf bytes.Buffer
	if _, err := p.WriteCSV(context.Background(), &csvBuf, nil); err != nil {
		t.Fatal(err)
	}
	files := map[string]func() ([]byte, error){
		".csv": func() ([]byte, error) { return csvBuf.Bytes(), nil },
		".R": func() ([]byte, error) {
			var b bytes.Buffer
			err := p.Codebook().WriteR(&b, name+".csv")
			return b.Bytes(), err
		},
		".do": func() ([]byte, error) {
			var b bytes.Buffer
			err := p.Codebook().WriteStata(&b, name+".csv")
			return b.Bytes(), err
		},
		".sps": func() ([]byte, error) {
			var b bytes.Buffer
			err := p.Codebook().WriteSPSS(&b, name+".csv")
			return b.Bytes(), err
		},
	}
	for ext, f := range files {
		b, err := f()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+ext), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// rscript returns the path of Rscript, skipping the test where R is not
// installed, except in CI, whose .ci/run installs Debian's r-base-core.
func rscript(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("Rscript")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but no Rscript: .ci/run installs r-base-core")
		}
		t.Skip("no Rscript (Debian: apt-get install r-base-core)")
	}
	return bin
}

// TestSyntaxR runs the R script written beside a long and a wide export in
// R itself, and checks in R what it built: every column the codebook
// calls a number is numeric (blank in every row or not), every text
// category and missing-reason column a factor with the codebook's
// levels, every choice item a number with a labelled factor beside it,
// the values where the test put them, and the reasons apart from them.
func TestSyntaxR(t *testing.T) {
	bin := rscript(t)
	for _, layout := range []string{LayoutLong, LayoutWide} {
		dir := t.TempDir()
		p := writeExport(t, dir, "export", population(60), Options{Agreement: agreement(1), Layout: layout})
		var numbers, factors, choices []string
		for _, c := range p.Columns() {
			switch {
			case c.isNumber():
				numbers = append(numbers, rString(c.Name))
				if c.Type == "category" {
					choices = append(choices, rString(c.Name))
				}
			case c.Type == "category":
				factors = append(factors, rString(c.Name))
			}
		}
		metric, reason, item2 := "swemwbs_metric", "swemwbs_metric_missing", "swemwbs_2_missing"
		rows := "timepoint == \"3 months\""
		if layout == LayoutWide {
			metric, reason, item2, rows = "swemwbs_metric_bl", "swemwbs_metric_m3_missing", "swemwbs_2_m3_missing", "TRUE"
		}
		check := `source("export.R")
stopifnot(is.data.frame(data), nrow(data) == ` + map[string]string{LayoutLong: "120", LayoutWide: "60"}[layout] + `)
numbers <- c(` + strings.Join(numbers, ", ") + `)
for (n in numbers) if (!is.numeric(data[[n]])) stop(n, " is not numeric but ", class(data[[n]])[1])
for (n in c(` + strings.Join(factors, ", ") + `)) if (!is.factor(data[[n]])) stop(n, " is not a factor")
for (n in c(` + strings.Join(choices, ", ") + `)) if (!is.factor(data[[paste0(n, ".factor")]])) stop(n, " has no labelled factor")
if (length(numbers) < 100) stop("only ", length(numbers), " numeric columns")
sel <- with(data, ` + rows + `)
stopifnot(all(data$` + metric + `[data$timepoint != "3 months" | is.na(data$timepoint)] %in% c(17.43, NA)))
stopifnot(all(grepl("^Could not be scored", as.character(data$` + reason + `[sel]))))
stopifnot(all(grepl("^Refused$", as.character(data$` + item2 + `[sel]))))
stopifnot(all(is.na(data$swemwbs_1_missing)))
stopifnot(!is.null(attr(data$pseudonym, "label")), levels(data$group)[1] == "Comparison")
cat("checked", length(numbers), "numeric columns\n")
`
		if layout == LayoutWide {
			check = strings.Replace(check, `data$timepoint != "3 months" | is.na(data$timepoint)`, "TRUE", 1)
			check = strings.Replace(check, `stopifnot(all(is.na(data$swemwbs_1_missing)))`, `stopifnot(all(is.na(data$swemwbs_1_bl_missing)), all(data$swemwbs_1_bl == 3))`, 1)
		}
		if err := os.WriteFile(filepath.Join(dir, "check.R"), []byte(check), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--vanilla", "check.R")
		cmd.Dir = dir
		done := make(chan struct{})
		timer := time.AfterFunc(5*time.Minute, func() { cmd.Process.Kill(); close(done) })
		out, err := cmd.CombinedOutput()
		timer.Stop()
		if err != nil {
			script, _ := os.ReadFile(filepath.Join(dir, "export.R"))
			t.Fatalf("%s: Rscript: %v\n%s\nscript:\n%.3000s", layout, err, out, script)
		}
		if !strings.Contains(string(out), "checked") {
			t.Errorf("%s: Rscript said %s", layout, out)
		}
		t.Logf("%s: %s", layout, strings.TrimSpace(string(out)))
	}
}

// TestSyntaxSPSS runs the SPSS syntax written beside a long and a wide
// export in GNU PSPP (Debian's pspp), which exits non-zero on any error:
// DESCRIPTIVES refuses a variable that is not numeric, so every column
// the codebook calls a number must be read as one; and blank reasons are
// missing, so the reasons given are counted where the test put them.
func TestSyntaxSPSS(t *testing.T) {
	bin, err := exec.LookPath("pspp")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but no pspp: .ci/run installs it")
		}
		t.Skip("no pspp (Debian: apt-get install pspp)")
	}
	for _, layout := range []string{LayoutLong, LayoutWide} {
		dir := t.TempDir()
		p := writeExport(t, dir, "export", population(60), Options{Agreement: agreement(1), Layout: layout})
		var numbers []string
		for _, c := range p.Columns() {
			if c.isNumber() {
				numbers = append(numbers, c.Name)
			}
		}
		reason := map[string]string{LayoutLong: "swemwbs_2_missing", LayoutWide: "swemwbs_2_m3_missing"}[layout]
		script, err := os.ReadFile(filepath.Join(dir, "export.sps"))
		if err != nil {
			t.Fatal(err)
		}
		check := string(script) + "DESCRIPTIVES /VARIABLES=" + strings.Join(numbers, "\n  ") + ".\n" +
			"COMPUTE refused = (" + reason + " = 'refused').\nFREQUENCIES /VARIABLES=refused " + reason + ".\n"
		if err := os.WriteFile(filepath.Join(dir, "check.sps"), []byte(check), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "-O", "format=txt", "-o", "out.txt", "check.sps")
		cmd.Dir = dir
		timer := time.AfterFunc(5*time.Minute, func() { cmd.Process.Kill() })
		msgs, err := cmd.CombinedOutput()
		timer.Stop()
		out, _ := os.ReadFile(filepath.Join(dir, "out.txt"))
		if err != nil || strings.Contains(string(out), "error:") {
			t.Fatalf("%s: pspp: %v\n%s\n%.4000s", layout, err, msgs, out)
		}
		// 60 residents refused swemwbs_2 at 3 months, and no one else.
		if !regexp.MustCompile(`Valid +Refused\s*\|\s*60\|`).Match(out) || !strings.Contains(string(out), "Valid N (listwise)") {
			t.Errorf("%s: pspp's output ends:\n%s", layout, out[max(0, len(out)-3000):])
		}
	}
}
