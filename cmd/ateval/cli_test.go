package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ateval/ateval/storage/storagetest"
)

// runCLI runs the command in-process, as the binary would, and returns its
// exit code and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

type counts struct {
	Boroughs     int `json:"boroughs"`
	Residents    int `json:"residents"`
	Devices      int `json:"devices"`
	DeviceIssues int `json:"device_issues"`
	Assessments  int `json:"assessments"`
}

func status(t *testing.T, dsn string) counts {
	t.Helper()
	code, out, errs := runCLI(t, "status", "--db", dsn, "--json")
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, errs)
	}
	var c counts
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("status --json printed %q: %v", out, err)
	}
	return c
}

func csvFiles(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil || len(paths) != 5 {
		t.Fatalf("%s holds %d CSV files (%v), want 5", dir, len(paths), err)
	}
	return paths
}

// TestSampleMigrateImportStatus is the foundation's promise: the sample
// generator's files load into a fresh database, on SQLite and PostgreSQL,
// and status counts the residents asked for.
func TestSampleMigrateImportStatus(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "sample", "--out", dir, "--seed", "7", "--residents", "600"); code != 0 {
		t.Fatalf("sample: exit %d: %s", code, errs)
	}
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			if code, _, errs := runCLI(t, "migrate", "--db", d.URL); code != 0 {
				t.Fatalf("migrate: exit %d: %s", code, errs)
			}
			args := append([]string{"import", "--db", d.URL}, csvFiles(t, dir)...)
			if code, _, errs := runCLI(t, args...); code != 0 {
				t.Fatalf("import: exit %d: %s", code, errs)
			}
			c := status(t, d.URL)
			if c.Residents != 600 || c.Boroughs != 16 || c.Assessments == 0 || c.DeviceIssues == 0 || c.Devices == 0 {
				t.Errorf("status = %+v, want 600 residents in 16 boroughs with devices, issues and assessments", c)
			}
		})
	}
}

// TestImportBadRowChangesNothing imports a file whose third line is bad
// after a good import: the refusal names the line, and no count moves.
func TestImportBadRowChangesNothing(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "sample", "--out", dir, "--seed", "8", "--residents", "300"); code != 0 {
		t.Fatalf("sample: exit %d: %s", code, errs)
	}
	dsn := filepath.Join(t.TempDir(), "ateval.db")
	args := append([]string{"import", "--db", dsn}, csvFiles(t, dir)...)
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	before := status(t, dsn)

	bad := filepath.Join(t.TempDir(), "more.csv")
	body := "borough,resident_ref,year_of_birth,sex,ethnic_group,living_alone,primary_support_reason,registered_on\n" +
		"camden,NEW-1,1941,female,white,true,physical,2025-01-06\n" +
		"camden,NEW-2,1941,female,white,maybe,physical,2025-01-06\n" +
		"camden,NEW-3,1939,male,white,false,physical,2025-01-06\n"
	if err := os.WriteFile(bad, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "import", "--db", dsn, bad)
	if code != 1 {
		t.Errorf("import of a bad file: exit %d, want 1", code)
	}
	if want := `more.csv line 3: living_alone: "maybe" is not true or false`; !strings.Contains(errs, want) {
		t.Errorf("stderr %q does not contain %q", errs, want)
	}
	if after := status(t, dsn); after != before {
		t.Errorf("counts changed from %+v to %+v", before, after)
	}
	// --dry-run of the good rows writes nothing either.
	good := strings.Replace(body, "maybe", "true", 1)
	os.WriteFile(bad, []byte(good), 0o600)
	if code, out, errs := runCLI(t, "import", "--db", dsn, "--dry-run", bad); code != 0 || !strings.Contains(out, "would import 0 boroughs, 0 devices, 3 residents") {
		t.Errorf("dry run: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if after := status(t, dsn); after != before {
		t.Errorf("dry run changed counts from %+v to %+v", before, after)
	}
}

func TestUsage(t *testing.T) {
	if code, _, _ := runCLI(t, "no-such-command"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if code, _, _ := runCLI(t, "status", "--no-such-flag"); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	if code, _, errs := runCLI(t, "status"); code != 1 || !strings.Contains(errs, "ATEVAL_DB") {
		t.Errorf("status without a database: exit %d, stderr %q", code, errs)
	}
	for name := range commands() {
		if code, _, errs := runCLI(t, name, "--help"); code != 0 || !strings.Contains(errs, "Usage: ateval "+name) {
			t.Errorf("%s --help: exit %d, stderr %q", name, code, errs)
		}
	}
}

// buildBinary builds ateval once per test binary run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ateval")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

var urlRE = regexp.MustCompile(`url=(http://[0-9.:]+/)`)

// startServer starts `ateval args...` and waits for the URL it logs.
func startServer(t *testing.T, bin string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stderr, _ := cmd.StderrPipe()
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := urlRE.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
	}()
	select {
	case u := <-urlc:
		return cmd, u
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start within 60s")
	}
	return nil, ""
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeAndShutdown runs the real binary over a real file: it answers
// /healthz and the home page over HTTP, and exits cleanly on SIGTERM.
func TestServeAndShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dsn := filepath.Join(t.TempDir(), "ateval.db")
	cmd, url := startServer(t, bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	if code, body := get(t, url+"healthz"); code != 200 || !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("GET /healthz = %d %s", code, body)
	}
	if code, body := get(t, url); code != 200 || !strings.Contains(body, "Sign in") || strings.Contains(body, "What this database holds") {
		t.Errorf("GET / signed out = %d; want a sign-in link and no counts", code)
	}
	if code, _ := get(t, url+"no-such-page"); code != 404 {
		t.Errorf("GET /no-such-page = %d, want 404", code)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after SIGTERM: %v, want a clean exit", err)
		}
	case <-time.After(15 * time.Second):
		t.Error("server did not stop within 15s of SIGTERM")
	}
}

// TestDemo starts the demo as a newcomer would and finds the sample loaded.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dsn := filepath.Join(t.TempDir(), "demo.db")
	_, url := startServer(t, bin, "demo", "--db", dsn, "--addr", "127.0.0.1:0")
	code, body := get(t, url)
	if code != 200 || !strings.Contains(body, "Tower Hamlets") {
		t.Errorf("GET / = %d; the home page does not list the sample's boroughs", code)
	}
	if c := status(t, dsn); c.Residents == 0 || c.Boroughs != 16 {
		t.Errorf("demo database holds %+v, want the 16-borough sample", c)
	}
}

// TestReadOnlyCommandsMakeNoDatabase: backup, status, report and restore
// --check given a path where there is no database refuse, naming it, and
// make no file; a scheduled backup of a mistyped path used to copy a
// fresh empty database and report success.
func TestReadOnlyCommandsMakeNoDatabase(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	for _, args := range [][]string{
		{"backup", "--db", missing, "--out", filepath.Join(dir, "x.db")},
		{"status", "--db", missing},
		{"report", "--db", missing, "--out", filepath.Join(dir, "report")},
		{"restore", "--db", filepath.Join(dir, "target.db"), "--from", missing, "--check"},
	} {
		code, out, errs := runCLI(t, args...)
		if code != 1 || !strings.Contains(errs, missing) || !strings.Contains(errs, "not exist") {
			t.Errorf("%s: exit %d, %q %q; want 1 with a message naming %s", strings.Join(args, " "), code, out, errs, missing)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("%s was made", e.Name())
	}
}

// TestImportSaysItHoldsTheWriteLock imports into SQLite with a terminal
// on standard error: the progress bar says that the import holds the
// write lock, for which the server's writes wait, and the import says at
// the end for how long it held it.
func TestImportSaysItHoldsTheWriteLock(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "sample", "--out", dir, "--seed", "9", "--residents", "1500"); code != 0 {
		t.Fatalf("sample: %s", errs)
	}
	var out, errb bytes.Buffer
	env := &cliEnv{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, IsTerminal: true}
	args := append([]string{"import", "--db", filepath.Join(t.TempDir(), "ateval.db")}, csvFiles(t, dir)...)
	if code := run(context.Background(), env, args); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"holding the write lock", "a server's writes wait for it", "held the database's write lock for"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("the import's terminal output does not say %q:\n%s", want, errb.String())
		}
	}
}
