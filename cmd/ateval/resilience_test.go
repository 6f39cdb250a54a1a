package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ateval/ateval/storage/storagetest"
)

// TestImportKilledMidwayLeavesNothing kills an import with SIGKILL while it
// is writing (its WAL file growing), then checks that the database passes
// its integrity check, still holds every row of an earlier, acknowledged
// import, and holds nothing of the interrupted one.
func TestImportKilledMidwayLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and imports a large sample")
	}
	bin := buildBinary(t)
	dsn := filepath.Join(t.TempDir(), "crash.db")
	first := filepath.Join(t.TempDir(), "boroughs.csv")
	os.WriteFile(first, []byte("borough,name,gss_code\nbarnet,Barnet,E09000003\n"), 0o600)
	if code, _, errs := runCLI(t, "import", "--db", dsn, first); code != 0 {
		t.Fatalf("first import: %s", errs)
	}
	acknowledged := status(t, dsn)

	dir := t.TempDir()
	if code, _, errs := runCLI(t, "sample", "--out", dir, "--seed", "5", "--residents", "30000"); code != 0 {
		t.Fatalf("sample: %s", errs)
	}
	cmd := exec.Command(bin, append([]string{"import", "--db", dsn}, csvFiles(t, dir)...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the import is writing: its uncommitted pages go to the WAL.
	deadline := time.Now().Add(60 * time.Second)
	for {
		if fi, err := os.Stat(dsn + "-wal"); err == nil && fi.Size() > 8<<20 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the import never started writing; stderr: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("the import finished before it could be killed (%v); use a larger sample", err)
	}

	if code, out, errs := runCLI(t, "backup", "--db", dsn, "--out", filepath.Join(t.TempDir(), "after.db")); code != 0 || !strings.Contains(out, "integrity check ok") {
		t.Errorf("after the crash the database does not check out: %s %s", out, errs)
	}
	if got := status(t, dsn); got != acknowledged {
		t.Errorf("after the crash the database holds %+v, want exactly the acknowledged %+v", got, acknowledged)
	}
	// And the same import, run again, lands whole.
	if code, _, errs := runCLI(t, append([]string{"import", "--db", dsn}, csvFiles(t, dir)...)...); code != 0 {
		t.Fatalf("import after the crash: %s", errs)
	}
	if got := status(t, dsn); got.Residents != 30000 {
		t.Errorf("after re-importing, %d residents, want 30000", got.Residents)
	}
}

// TestTwoServersOnePostgres runs two server processes on one PostgreSQL
// database: a token from signing in on one works on the other, and signing
// out on the second ends it on the first, because sessions live in the
// database, not in either process.
func TestTwoServersOnePostgres(t *testing.T) {
	server := os.Getenv(storagetest.EnvPostgres)
	if server == "" || testing.Short() {
		t.Skip("needs " + storagetest.EnvPostgres)
	}
	dsn := storagetest.NewPostgresDatabase(t, server)
	var out, errb bytes.Buffer
	env := &cliEnv{Stdin: strings.NewReader("a-long-enough-password\n"), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	if code := run(t.Context(), env, []string{"user", "add", "--db", dsn, "--email", "admin@example.org", "--role", "admin"}); code != 0 {
		t.Fatalf("user add: %s", errb.String())
	}
	bin := buildBinary(t)
	_, a := startServer(t, bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	_, b := startServer(t, bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")

	body, _ := json.Marshal(map[string]string{"email": "admin@example.org", "password": "a-long-enough-password"})
	resp, err := http.Post(a+"api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	if resp.StatusCode != 200 || login.Token == "" {
		t.Fatalf("login on the first server: %d", resp.StatusCode)
	}
	call := func(method, url string) int {
		req, _ := http.NewRequest(method, url, nil)
		req.Header.Set("Authorization", "Bearer "+login.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := call("GET", b+"api/v1/me"); got != 200 {
		t.Errorf("the first server's token on the second server: %d, want 200", got)
	}
	if got := call("POST", b+"api/v1/logout"); got != 200 && got != 204 {
		t.Errorf("logout on the second server: %d", got)
	}
	if got := call("GET", a+"api/v1/me"); got != 401 {
		t.Errorf("after logging out on the second server, the first still accepts the token: %d, want 401", got)
	}
}
