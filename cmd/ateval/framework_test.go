package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
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
