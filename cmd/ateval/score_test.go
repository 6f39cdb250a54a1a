package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ateval/ateval"
)

func testEnv() (*cliEnv, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &cliEnv{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, &out, &errb
}

func TestRunScore(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		score       any // float64, or nil for a null score
		notScorable string
		errItem     string // an error naming this item
	}{
		// Warwick conversion table: raw 23 -> 20.73.
		{"swemwbs", []string{"--instrument", "swemwbs", "--answers", "1,5,3,4,2,5,3"}, 20.73, "", ""},
		{"swemwbs refused", []string{"--instrument", "swemwbs", "--answers", "4,3,refused,5,4,4,3"}, nil, "swemwbs_3 is missing (refused); every item is needed", ""},
		// EQ-5D-5L England: 23245 -> 0.247 (Devlin 2018, as in R's eq5d).
		{"eq5d5l", []string{"--instrument", "eq5d5l", "--answers", "2,3,2,4,5,70"}, 0.247, "", ""},
		{"device use, skipped item", []string{"--instrument", "device-use", "--answers", "0,,2,5"}, 0.0, "", ""},
		{"ascot without weights", []string{"--instrument", "ascot-sct4", "--answers", "1,1,1,1,1,1,1,1"}, nil, "weights not loaded (licensed from PSSRU): load the Netten et al. 2012 preference weights with LoadValueSet", ""},
		{"out of range", []string{"--instrument", "swemwbs", "--answers", "1,5,3,4,2,5,9"}, nil, "", "swemwbs_7"},
		{"not a number", []string{"--instrument", "ucla3", "--answers", "1,x,2"}, nil, "", "ucla3_2"},
		{"hidden item answered", []string{"--instrument", "device-use", "--answers", "1,5,4,3"}, nil, "", "device_use_stop_reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, out, _ := testEnv()
			err := runScore(context.Background(), env, tt.args)
			if tt.errItem != "" {
				found := false
				for _, f := range ateval.ErrorFields(err) {
					found = found || f.Field == tt.errItem
				}
				if !found {
					t.Fatalf("error = %v, want one naming %s", err, tt.errItem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if got["instrument"] != tt.args[1] || got["framework_version"] != "2026.1" {
				t.Errorf("output %s", out)
			}
			if s, ok := got["score"]; !ok || s != tt.score {
				t.Errorf("score = %v, want %v (%s)", got["score"], tt.score, out)
			}
			if tt.notScorable != "" && got["not_scorable"] != tt.notScorable {
				t.Errorf("not_scorable = %v, want %q", got["not_scorable"], tt.notScorable)
			}
			if _, ok := got["scores"].([]any); !ok {
				t.Errorf("no scores list in %s", out)
			}
		})
	}
}

func TestRunScoreUsage(t *testing.T) {
	env, _, _ := testEnv()
	if err := runScore(context.Background(), env, nil); err != errUsage {
		t.Errorf("no instrument: %v, want usage error", err)
	}
	if err := runScore(context.Background(), env, []string{"--instrument", "phq9"}); ateval.ErrorCode(err) != ateval.EINVALID {
		t.Errorf("unknown instrument: %v", err)
	}
	if err := runScore(context.Background(), env, []string{"--instrument", "ucla3", "--answers", "1,2,3,4"}); ateval.ErrorCode(err) != ateval.EINVALID {
		t.Errorf("too many answers: %v", err)
	}
}
