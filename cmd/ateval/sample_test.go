package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runSampleForTest(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = run(context.Background(), env, append([]string{"sample"}, args...))
	return out.String(), errb.String(), code
}

func TestSampleWritesFiles(t *testing.T) {
	dir := t.TempDir()
	out, errs, code := runSampleForTest(t, "--out", dir, "--seed", "5", "--residents", "200", "--boroughs", "33")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, name := range []string{"boroughs.csv", "devices.csv", "residents.csv", "device_issues.csv", "assessments.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || len(b) == 0 {
			t.Errorf("%s not written: %v", name, err)
		}
		if !strings.Contains(out, name) {
			t.Errorf("output does not mention %s:\n%s", name, out)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "residents.csv"))
	if got := strings.Count(string(b), "\n") - 1; got != 200 {
		t.Errorf("%d residents written, want 200", got)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "boroughs.csv"))
	if got := strings.Count(string(b), "\n") - 1; got != 33 {
		t.Errorf("%d boroughs written, want 33", got)
	}
}

func TestSampleAssessmentsTarget(t *testing.T) {
	dir := t.TempDir()
	out, errs, code := runSampleForTest(t, "--out", dir, "--assessments-target", "20000")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "assessments.csv"))
	if got := strings.Count(string(b), "\n") - 1; got < 17000 || got > 23000 {
		t.Errorf("%d assessments for a target of 20000\n%s", got, out)
	}
}

func TestSampleUsage(t *testing.T) {
	for _, args := range [][]string{
		{},                           // no --out
		{"--out", "x", "extra"},      // stray argument
		{"--out", "x", "--nonsense"}, // unknown flag
		{"--out", "x", "--residents", "100", "--assessments-target", "5000"},
	} {
		if _, _, code := runSampleForTest(t, args...); code != 2 {
			t.Errorf("sample %v: exit %d, want 2", args, code)
		}
	}
	dir := t.TempDir()
	_, errs, code := runSampleForTest(t, "--out", dir, "--boroughs", "12")
	if code != 1 || !strings.Contains(errs, "16") {
		t.Errorf("--boroughs 12: exit %d, stderr %q; want 1 and a message naming 16 and 33", code, errs)
	}
}
