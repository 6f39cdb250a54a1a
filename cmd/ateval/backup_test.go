package main

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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

// TestBackupWhileServingAndRestore takes a backup of a file a running
// server holds open, changes the database, restores, and finds the backup's
// content; corrupt or foreign files are refused with nothing replaced.
func TestBackupWhileServingAndRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := filepath.Join(t.TempDir(), "live.db")
	importGenerated(t, dsn, "3", "200")
	before := status(t, dsn)

	bin := buildBinary(t)
	_, base := startServer(t, bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	backup := filepath.Join(t.TempDir(), "copy.db")
	if code, out, errs := runCLI(t, "backup", "--db", dsn, "--out", backup); code != 0 || !strings.Contains(out, "integrity check ok") {
		t.Fatalf("backup while serving: exit %d, %s %s", code, out, errs)
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
	if code, out, errs := runCLI(t, "restore", "--db", dsn, "--from", backup); code != 0 {
		t.Fatalf("restore: exit %d: %s %s", code, out, errs)
	}
	if got := status(t, dsn); got != before {
		t.Errorf("after restore the database holds %+v, want the backup's %+v", got, before)
	}
	if code, body := get(t, base); code != 200 || strings.Contains(body, "Barnet") {
		t.Errorf("the running server does not see the restored database (status %d)", code)
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
		code, _, errs := runCLI(t, "restore", "--db", dsn, "--from", path)
		if code != 1 {
			t.Errorf("restore from a %s file: exit %d (%s), want 1", name, code, errs)
		}
		if got := status(t, dsn); got != before {
			t.Errorf("a refused restore from a %s file changed the database to %+v", name, got)
		}
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
