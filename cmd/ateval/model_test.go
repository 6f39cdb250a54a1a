package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestModel fits the one-stage model to the committed sample: the JSON has
// the documented fields, covers the sample's boroughs, and the baseline
// slope of SWEMWBS lies in (0, 1), as a score that regresses to the mean
// must; the model's agreement with lme4 is evaluation's TestMixedModel.
func TestModel(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "sample.db")
	if code, _, stderr := runCLI(t, append([]string{"import", "--db", dsn}, csvFiles(t, "../../sample-data")...)...); code != 0 {
		t.Fatalf("import sample: %s", stderr)
	}
	code, out, stderr := runCLI(t, "model", "--db", dsn, "--outcome", "swemwbs_raw", "--timepoint", "m6", "--json")
	if code != 0 {
		t.Fatalf("model: exit %d: %s", code, stderr)
	}
	var m struct {
		N, Boroughs int
		REML        *float64
		Singular    *bool
		Fixed       []struct {
			Name         string
			Estimate, SE float64
		}
		Random map[string]*float64
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if m.N < 100 || m.Boroughs < 3 || m.REML == nil || m.Singular == nil || len(m.Fixed) != 3 {
		t.Fatalf("model JSON incomplete:\n%s", out)
	}
	for i, name := range []string{"intercept", "baseline", "intervention"} {
		if m.Fixed[i].Name != name || !(m.Fixed[i].SE > 0) {
			t.Errorf("fixed[%d] = %+v, want %s with a positive SE", i, m.Fixed[i], name)
		}
	}
	if b := m.Fixed[1].Estimate; !(b > 0 && b < 1) {
		t.Errorf("baseline slope %g, want in (0, 1)", b)
	}
	for _, k := range []string{"tau_intercept", "tau_intervention", "rho", "sigma"} {
		if _, ok := m.Random[k]; !ok {
			t.Errorf("random has no %s:\n%s", k, out)
		}
	}
	for _, tc := range []struct{ args, msg string }{
		{"--outcome falls --timepoint m6", "no score outcome"},
		{"--outcome swemwbs_raw --timepoint w6", "not followed up"},
	} {
		code, _, stderr := runCLI(t, append([]string{"model", "--db", dsn}, strings.Fields(tc.args)...)...)
		if code != 1 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("model %s: exit %d, %q; want 1 and %q", tc.args, code, stderr, tc.msg)
		}
	}
}
