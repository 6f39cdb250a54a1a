package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunFramework(t *testing.T) {
	env, out, _ := testEnv()
	if err := runFramework(context.Background(), env, []string{"--json"}); err != nil {
		t.Fatal(err)
	}
	var fw struct {
		Version     string `json:"version"`
		Instruments []struct {
			ID string `json:"id"`
		} `json:"instruments"`
	}
	if err := json.Unmarshal(out.Bytes(), &fw); err != nil || fw.Version != "2026.1" || len(fw.Instruments) != 11 {
		t.Errorf("--json: %v, %+v", err, fw)
	}

	env, out, _ = testEnv()
	if err := runFramework(context.Background(), env, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Evaluation framework 2026.1", "swemwbs", "licensed: load it", "m12"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}

	env, out, _ = testEnv()
	if err := runFramework(context.Background(), env, []string{"--redcap"}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(out).ReadAll()
	if err != nil || len(rows[0]) != 18 || rows[1][0] != "record_id" {
		t.Errorf("--redcap: %v, %d rows", err, len(rows))
	}

	env, out, _ = testEnv()
	if err := runFramework(context.Background(), env, []string{"--fhir", "ons4"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"resourceType": "Questionnaire"`) {
		t.Errorf("--fhir: %s", out)
	}
	if err := runFramework(context.Background(), env, []string{"--fhir", "nope"}); err == nil {
		t.Error("--fhir of an unknown instrument succeeded")
	}
	if err := runFramework(context.Background(), env, []string{"--framework", t.TempDir()}); err == nil {
		t.Error("an empty framework directory loaded")
	}
}

// TestFrameworkFromREDCap is the REDCap round trip through the command
// line: the dictionary `framework --redcap` writes, read back with
// `framework --from-redcap FILE --json`, prints the framework `framework
// --json` prints, byte for byte (instrument ids, items, scoring and
// schedule alike); --out writes it as a directory that --framework loads
// and scores with; and a borough's dictionary becomes a draft.
func TestFrameworkFromREDCap(t *testing.T) {
	run := func(args ...string) string {
		t.Helper()
		env, out, errs := testEnv()
		if err := runFramework(context.Background(), env, args); err != nil {
			t.Fatalf("framework %s: %v\n%s", strings.Join(args, " "), err, errs)
		}
		return out.String()
	}
	dir := t.TempDir()
	dict := filepath.Join(dir, "ateval.csv")
	if err := os.WriteFile(dict, []byte(run("--redcap")), 0o644); err != nil {
		t.Fatal(err)
	}
	want, got := run("--json"), run("--from-redcap", dict, "--json")
	if got != want {
		t.Fatalf("framework --from-redcap --json differs from framework --json:\n%.2000s", got)
	}
	draft := filepath.Join(dir, "draft")
	run("--from-redcap", dict, "--out", draft)
	if again := run("--framework", draft, "--json"); again != want {
		t.Error("the directory --out wrote loads as another framework")
	}
	env, out, _ := testEnv()
	if err := runScore(context.Background(), env, []string{"--framework", draft, "--instrument", "ons4", "--answers", "7,8,6,2"}); err != nil || !strings.Contains(out.String(), "7") {
		t.Errorf("score with the draft: %v %s", err, out)
	}
	if err := runFramework(context.Background(), env, []string{"--from-redcap", dict, "--out", draft}); err == nil {
		t.Error("--out over an existing directory succeeded")
	}

	borough := filepath.Join(dir, "borough.csv")
	header := strings.SplitN(run("--redcap"), "\n", 2)[0]
	if err := os.WriteFile(borough, []byte(header+"\nrecord_id,home_safety,,text,Record ID,,,,,,,,,,,,,\n"+
		"home_safety_rating,home_safety,Home safety check,radio,How safe do you feel at home?,\"1, Not at all | 2, A little | 3, Fairly | 4, Very\",,,,,,,y,,,,,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	summary := run("--from-redcap", borough)
	if !strings.Contains(summary, "Evaluation framework 2026.1-draft") || !strings.Contains(summary, "home_safety") || !strings.Contains(summary, "swemwbs") {
		t.Errorf("a borough's dictionary as a draft:\n%s", summary)
	}
}
