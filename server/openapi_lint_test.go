package server

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestOpenAPILint runs Redocly CLI's linter (npm @redocly/cli) over
// openapi.json with redocly.yaml: the recommended rules, which ask among
// others for an operationId and a 4xx answer on every operation. It
// fails on any error or warning. ATEVAL_REDOCLY names the redocly
// command (.ci/run installs it); without it the test looks on the PATH,
// and skips where there is none, except in CI.
func TestOpenAPILint(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Node: not in -short")
	}
	bin := os.Getenv("ATEVAL_REDOCLY")
	if bin == "" {
		bin, _ = exec.LookPath("redocly")
	}
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but no redocly: .ci/run installs @redocly/cli and sets ATEVAL_REDOCLY")
		}
		t.Skip("no redocly: npm install @redocly/cli and set ATEVAL_REDOCLY to its bin/redocly")
	}
	cmd := exec.Command(bin, "lint", "openapi.json", "--config", "redocly.yaml", "--format", "json")
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("redocly lint: %v\n%s\n%.3000s", err, errOut.String(), out.String())
		}
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("redocly lint took over 3 minutes")
	}
	var report struct {
		Totals   struct{ Errors, Warnings, Ignored int } `json:"totals"`
		Problems []struct {
			RuleID  string `json:"ruleId"`
			Message string `json:"message"`
		} `json:"problems"`
	}
	if err := json.Unmarshal(out.Bytes(), &report); err != nil {
		t.Fatalf("redocly lint's JSON report: %v\n%.2000s", err, out.String())
	}
	if report.Totals.Errors+report.Totals.Warnings > 0 {
		t.Errorf("redocly lint: %d errors, %d warnings", report.Totals.Errors, report.Totals.Warnings)
		for _, p := range report.Problems {
			t.Errorf("%s: %s", p.RuleID, p.Message)
		}
	}
}
