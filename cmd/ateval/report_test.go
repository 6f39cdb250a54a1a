package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/ateval/ateval/reports"
)

// sampleReport imports the committed sample into a fresh SQLite file and
// runs `ateval report` on it, returning the output directory.
func sampleReport(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	dsn := filepath.Join(dir, "sample.db")
	args := append([]string{"import", "--db", dsn}, csvFiles(t, "../../sample-data")...)
	if code, _, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("import sample: %s", stderr)
	}
	out := filepath.Join(dir, "report")
	if code, _, stderr := runCLI(t, "report", "--db", dsn, "--out", out, "--as-of", "2026-11-01"); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	return out
}

// TestReportPooledEqualsPool checks every pooled estimate of results.json
// against `ateval pool --json` run on that analysis's borough rows written
// as a CSV of study, yi, vi: the report publishes exactly the rows it
// pooled, and pools them as the command does; except where it pooled the
// small boroughs of a combined row apart (k above the rows).
func TestReportPooledEqualsPool(t *testing.T) {
	out := sampleReport(t)
	for _, name := range []string{"results.json", "index.html", "report.pdf"} {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s not written: %v", name, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Analyses []struct {
			Outcome, DeviceCategory, Timepoint, Measure string
			Method, Test                                string
			Boroughs                                    []reports.BoroughEffect
			Pooled                                      json.RawMessage
		}
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Analyses) == 0 {
		t.Fatal("no analyses")
	}
	csvPath := filepath.Join(t.TempDir(), "boroughs.csv")
	apart := 0
	for _, a := range res.Analyses {
		var pk struct {
			K int `json:"k"`
		}
		if err := json.Unmarshal(a.Pooled, &pk); err != nil {
			t.Fatal(err)
		}
		if pk.K != len(a.Boroughs) {
			// Small boroughs shown combined were pooled apart: the rows
			// alone do not give the estimate (reports'
			// TestReportAgreesWithMetafor checks it on the studies
			// pooled). Only a combined row may be split.
			combined := slices.ContainsFunc(a.Boroughs, func(b reports.BoroughEffect) bool { return b.Combined > 1 })
			if pk.K < len(a.Boroughs) || !combined {
				t.Errorf("%s %s %s %s: k = %d from %d rows, none of them combined: %v", a.Outcome, a.DeviceCategory, a.Timepoint, a.Measure, pk.K, len(a.Boroughs), combined)
			}
			apart++
			continue
		}
		var csv bytes.Buffer
		csv.WriteString("study,yi,vi\n")
		for _, b := range a.Boroughs {
			csv.WriteString(strconv.Quote(b.Borough) + "," + strconv.FormatFloat(b.Yi, 'g', -1, 64) + "," + strconv.FormatFloat(b.Vi, 'g', -1, 64) + "\n")
		}
		if err := os.WriteFile(csvPath, csv.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runCLI(t, "pool", "--method", a.Method, "--test", a.Test, "--json", csvPath)
		if code != 0 {
			t.Fatalf("pool %s %s %s: %s", a.Outcome, a.DeviceCategory, a.Timepoint, stderr)
		}
		var got, want map[string]any
		if err := json.Unmarshal([]byte(stdout), &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(a.Pooled, &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("%s %s %s %s: pooled has %d fields, pool --json %d", a.Outcome, a.DeviceCategory, a.Timepoint, a.Measure, len(got), len(want))
		}
		for k, w := range want {
			if k == "p_value" && a.Measure == reports.PLO {
				// A share's p-value (that half still use their device)
				// answers no question, and the report leaves it out.
				if got[k] != nil {
					t.Errorf("%s %s %s: a share's p_value is published: %v", a.Outcome, a.DeviceCategory, a.Timepoint, got[k])
				}
				continue
			}
			if g := got[k]; g != w {
				t.Errorf("%s %s %s %s: %s = %v, pool --json gives %v", a.Outcome, a.DeviceCategory, a.Timepoint, a.Measure, k, g, w)
			}
		}
	}
	if apart == len(res.Analyses) {
		t.Error("every analysis pooled small boroughs apart: nothing was checked against pool")
	}
	t.Logf("%d of %d analyses pooled small boroughs apart", apart, len(res.Analyses))
}
