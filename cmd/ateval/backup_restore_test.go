package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// importGenerated writes a sample of n residents and imports it into dsn.
func importGenerated(t *testing.T, dsn string, seed, n string) {
	t.Helper()
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "sample", "--out", dir, "--seed", seed, "--residents", n); code != 0 {
		t.Fatalf("sample: %s", errs)
	}
	if code, _, errs := runCLI(t, append([]string{"import", "--db", dsn}, csvFiles(t, dir)...)...); code != 0 {
		t.Fatalf("import: %s", errs)
	}
}

// addAdmin adds an administrator with a password, through the command.
func addAdmin(t *testing.T, dsn, email, password string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{Stdin: strings.NewReader(password + "\n"), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	if code := run(context.Background(), env, []string{"user", "add", "--db", dsn, "--email", email, "--role", "admin"}); code != 0 {
		t.Fatalf("user add: %s", errb.String())
	}
}

// TestBackupWhileServingAndRestore takes a backup of a file a running
// server holds open, changes the database, restores, and finds the backup's
// content, with every session ended; corrupt or foreign files are refused
// with nothing replaced.
func TestBackupWhileServingAndRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := filepath.Join(t.TempDir(), "live.db")
	importGenerated(t, dsn, "3", "200")
	addAdmin(t, dsn, "admin@camden.example", "backup-test-password")
	before := status(t, dsn)

	bin := buildBinary(t)
	_, base := startServer(t, bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	token := apiToken(t, base, "admin@camden.example", "backup-test-password")
	backup := filepath.Join(t.TempDir(), "copy.db")
	code, out, errs := runCLI(t, "backup", "--db", dsn, "--out", backup)
	if code != 0 || !strings.Contains(out, "integrity check ok") || !strings.Contains(out, "SHA-256") {
		t.Fatalf("backup while serving: exit %d, %s %s", code, out, errs)
	}
	if _, err := os.Stat(backup + ".manifest.json"); err != nil {
		t.Errorf("no manifest beside the copy: %v", err)
	}
	if code, _ := get(t, base+"healthz"); code != 200 {
		t.Errorf("server unhealthy after the backup: %d", code)
	}
	if code, _, errs := runCLI(t, "backup", "--db", dsn, "--out", backup); code != 1 || !strings.Contains(errs, "already exists") {
		t.Errorf("backup over an existing file: exit %d, %s", code, errs)
	}

	// Change the live database, then restore the copy over it.
	more := t.TempDir()
	os.WriteFile(filepath.Join(more, "b.csv"), []byte("borough,name,gss_code\nbarnet,Barnet,E09000003\n"), 0o600)
	if code, _, errs := runCLI(t, "import", "--db", dsn, filepath.Join(more, "b.csv")); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	if status(t, dsn) == before {
		t.Fatal("the change did not land")
	}
	code, out, errs = runCLI(t, "restore", "--db", dsn, "--from", backup)
	if code != 0 {
		t.Fatalf("restore: exit %d: %s %s", code, out, errs)
	}
	for _, want := range []string{"matches its manifest", "every session has ended", "may be given again"} {
		if !strings.Contains(out, want) {
			t.Errorf("restore does not say %q:\n%s", want, out)
		}
	}
	if got := status(t, dsn); got != before {
		t.Errorf("after restore the database holds %+v, want the backup's %+v", got, before)
	}
	if code, body := get(t, base); code != 200 || strings.Contains(body, "Barnet") {
		t.Errorf("the running server does not see the restored database (status %d)", code)
	}
	if code := getWithToken(t, base+"api/v1/me", token); code != http.StatusUnauthorized {
		t.Errorf("a session from before the restore: %d, want 401 (sessions end)", code)
	}

	// Files that are not good backups are refused, and nothing changes.
	garbage := filepath.Join(t.TempDir(), "garbage.db")
	os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 500)), 0o600)
	foreign := filepath.Join(t.TempDir(), "foreign.db")
	if out, err := exec.Command("sqlite3", foreign, "CREATE TABLE t(x); INSERT INTO t VALUES (1);").CombinedOutput(); err != nil {
		t.Skipf("sqlite3 CLI unavailable: %v %s", err, out)
	}
	truncated := filepath.Join(t.TempDir(), "truncated.db")
	b, _ := os.ReadFile(backup)
	os.WriteFile(truncated, b[:len(b)/2], 0o600)
	for name, path := range map[string]string{"garbage": garbage, "foreign": foreign, "truncated": truncated, "missing": filepath.Join(t.TempDir(), "none.db")} {
		for _, extra := range [][]string{nil, {"--without-manifest"}} {
			code, _, errs := runCLI(t, append([]string{"restore", "--db", dsn, "--from", path}, extra...)...)
			if code != 1 {
				t.Errorf("restore %v from a %s file: exit %d (%s), want 1", extra, name, code, errs)
			}
			if got := status(t, dsn); got != before {
				t.Errorf("a refused restore from a %s file changed the database to %+v", name, got)
			}
		}
	}
}

// apiToken signs in through the API and returns the bearer token.
func apiToken(t *testing.T, base, email, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := http.Post(base+"api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&r)
	if resp.StatusCode != 200 || r.Token == "" {
		t.Fatalf("sign in as %s: %d", email, resp.StatusCode)
	}
	return r.Token
}

func getWithToken(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestRestoreRefusesAChangedCopy overwrites 8 bytes inside an assessment's
// answers in a backup, as the harness did: SQLite's integrity check still
// passes (it reads the file's structure, not what a row holds), so only
// the manifest's SHA-256 can tell. Restore and restore --check refuse the
// copy, naming it and what differs, and the database is left as it was;
// so is a copy cut short beside its manifest.
func TestRestoreRefusesAChangedCopy(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "live.db")
	importGenerated(t, dsn, "3", "100")
	before := status(t, dsn)
	dir := t.TempDir()
	backup := filepath.Join(dir, "copy.db")
	if code, out, errs := runCLI(t, "backup", "--db", dsn, "--out", backup); code != 0 {
		t.Fatalf("backup: exit %d, %s %s", code, out, errs)
	}
	if code, out, errs := runCLI(t, "restore", "--db", dsn, "--from", backup, "--check"); code != 0 || !strings.Contains(out, "matches its manifest") {
		t.Fatalf("restore --check of a good copy: exit %d, %s %s", code, out, errs)
	}

	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(b, []byte("swemwbs_1="))
	if at < 0 {
		t.Fatal("no assessment's answers found in the copy")
	}
	copy(b[at+2:at+10], "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8")
	changed := filepath.Join(dir, "changed.db")
	os.WriteFile(changed, b, 0o600)
	cutShort := filepath.Join(dir, "cut.db")
	os.WriteFile(cutShort, b[:len(b)/2], 0o600)
	manifest, _ := os.ReadFile(backup + ".manifest.json")
	for _, p := range []string{changed, cutShort} {
		os.WriteFile(p+".manifest.json", manifest, 0o600)
	}
	if _, err := storage.CheckBackup(context.Background(), changed); err != nil {
		t.Fatalf("SQLite's integrity check caught the change (%v): change bytes it does not read, or this test proves nothing of the manifest", err)
	}

	for _, c := range []struct {
		path, want string
	}{{changed, "SHA-256"}, {cutShort, "bytes"}} {
		for _, check := range [][]string{{"--check"}, nil, {"--without-manifest"}} {
			code, _, errs := runCLI(t, append([]string{"restore", "--db", dsn, "--from", c.path}, check...)...)
			if code != 1 || !strings.Contains(errs, c.path) || !strings.Contains(errs, c.want) || !strings.Contains(errs, "manifest") {
				t.Errorf("restore %v from %s: exit %d, %q; want 1, naming the file and its %s", check, filepath.Base(c.path), code, errs, c.want)
			}
		}
	}
	if got := status(t, dsn); got != before {
		t.Errorf("a refused restore changed the database to %+v", got)
	}
}

// TestKilledBackupLeavesNothingInTheWay kills a backup with SIGKILL while
// it writes its copy. Nothing is left under the copy's name; the partial
// copy is refused by restore --check as an interrupted copy (it used to
// say "attempt to write a readonly database"); and the next backup to the
// same name succeeds, sweeping away what the killed one left.
func TestKilledBackupLeavesNothingInTheWay(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	dsn := filepath.Join(t.TempDir(), "live.db")
	importGenerated(t, dsn, "3", "50")
	// 256 MiB of filler, so the copy takes long enough to be killed.
	if out, err := exec.Command("sqlite3", dsn, "CREATE TABLE filler(b BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 256) INSERT INTO filler SELECT randomblob(1048576) FROM n;").CombinedOutput(); err != nil {
		t.Skipf("sqlite3 CLI unavailable: %v %s", err, out)
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "copy.db")
	cmd := exec.Command(bin, "backup", "--db", dsn, "--out", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	partial := ""
	deadline := time.Now().Add(60 * time.Second)
	for partial == "" {
		if ps, _ := filepath.Glob(filepath.Join(dir, ".copy.db.partial-*")); len(ps) > 0 {
			if fi, err := os.Stat(ps[0]); err == nil && fi.Size() > 16<<20 {
				partial = ps[0]
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the backup never started writing; stderr: %s", stderr.String())
		}
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("the backup finished before it could be killed (%v); use more filler", err)
	}
	for _, p := range []string{out, out + ".manifest.json"} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("a killed backup left %s", p)
		}
	}
	if code, _, errs := runCLI(t, "restore", "--db", dsn, "--from", partial, "--check"); code != 1 || !strings.Contains(errs, "interrupted") || strings.Contains(errs, "readonly") {
		t.Errorf("restore --check of the partial copy: exit %d, %q; want 1, saying it is an interrupted copy", code, errs)
	}
	if code, _, errs := runCLI(t, "restore", "--db", dsn, "--from", partial, "--check", "--without-manifest"); code != 1 || !strings.Contains(errs, "interrupted") {
		t.Errorf("restore --check --without-manifest of the partial copy: exit %d, %q; want 1, saying it is an interrupted copy", code, errs)
	}

	code, stdout, errs := runCLI(t, "backup", "--db", dsn, "--out", out)
	if code != 0 || !strings.Contains(errs, "interrupted backup") {
		t.Fatalf("the next backup to the same name: exit %d, %s %s; want success, saying what it swept", code, stdout, errs)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".copy.db.partial-*")); len(left) > 0 {
		t.Errorf("left after the next backup: %v", left)
	}
	if code, _, errs := runCLI(t, "restore", "--db", dsn, "--from", out, "--check"); code != 0 {
		t.Errorf("the next backup does not check out: %s", errs)
	}
}

// TestPostgresDumpRestore checks that the documented PostgreSQL backup,
// pg_dump and pg_restore, round-trips an ateval database.
func TestPostgresDumpRestore(t *testing.T) {
	server := os.Getenv(storagetest.EnvPostgres)
	if server == "" || testing.Short() {
		t.Skip("needs " + storagetest.EnvPostgres)
	}
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Skip("pg_dump not installed")
	}
	src := storagetest.NewPostgresDatabase(t, server)
	importGenerated(t, src, "4", "150")
	want := status(t, src)
	if code, _, errs := runCLI(t, "backup", "--db", src, "--out", filepath.Join(t.TempDir(), "x")); code != 1 || !strings.Contains(errs, "pg_dump") {
		t.Errorf("backup on PostgreSQL should point to pg_dump: exit %d, %s", code, errs)
	}
	dump := filepath.Join(t.TempDir(), "ateval.dump")
	if out, err := exec.Command("pg_dump", "-Fc", "-f", dump, libpqURL(src)).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	dst := storagetest.NewPostgresDatabase(t, server)
	if out, err := exec.Command("pg_restore", "--no-owner", "-d", libpqURL(dst), dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	if got := status(t, dst); got != want {
		t.Errorf("restored database holds %+v, want %+v", got, want)
	}
}

// libpqURL drops query parameters libpq tools may not know.
func libpqURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := url.Values{}
	if v := u.Query().Get("sslmode"); v != "" {
		q.Set("sslmode", v)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
