package storage

import (
	"context"
	"os"
	"testing"
	"time"
)

// TestPostgresDSNTurnsJITOff: ateval's PostgreSQL sessions run without
// just-in-time compilation unless the URL says otherwise, and the rest of
// the URL (user, password, host, other settings) is kept as it was.
// A lock timeout becomes the session's lock_timeout, unless the URL sets it.
func TestPostgresDSNTurnsJITOff(t *testing.T) {
	for _, c := range []struct {
		in   string
		lock time.Duration
		want string
	}{
		{"postgres://u:p%40ss@db.example:5432/ateval?sslmode=disable", 0, "postgres://u:p%40ss@db.example:5432/ateval?jit=off&sslmode=disable"},
		{"postgres://db.example/ateval", 0, "postgres://db.example/ateval?jit=off"},
		{"postgres://db.example/ateval?jit=on", 0, "postgres://db.example/ateval?jit=on"},
		{"postgres://db.example/ateval", 10 * time.Second, "postgres://db.example/ateval?jit=off&lock_timeout=10000"},
		{"postgres://db.example/ateval?lock_timeout=1s", 10 * time.Second, "postgres://db.example/ateval?jit=off&lock_timeout=1s"},
	} {
		if got := postgresDSN(c.in, c.lock); got != c.want {
			t.Errorf("postgresDSN(%q, %s) = %q, want %q", c.in, c.lock, got, c.want)
		}
	}
	server := os.Getenv("ATEVAL_TEST_POSTGRES")
	if server == "" {
		return
	}
	db, err := Open(context.Background(), server)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var jit string
	if err := db.gorm.Raw("SHOW jit").Scan(&jit).Error; err != nil {
		t.Fatal(err)
	}
	if jit != "off" {
		t.Errorf("a session's jit = %q, want off", jit)
	}
	locked, err := OpenWith(context.Background(), server, Options{LockTimeout: 1500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer locked.Close()
	var lockTimeout string
	if err := locked.gorm.Raw("SHOW lock_timeout").Scan(&lockTimeout).Error; err != nil {
		t.Fatal(err)
	}
	if lockTimeout != "1500ms" {
		t.Errorf("a session's lock_timeout = %q, want 1500ms", lockTimeout)
	}
}

// TestSQLiteConnectionsMapTheFile: every SQLite connection reads the file
// through a memory map, set by the driver's connect hook.
func TestSQLiteConnectionsMapTheFile(t *testing.T) {
	db, err := Open(context.Background(), t.TempDir()+"/mmap.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var size int64
	if err := db.gorm.Raw("PRAGMA mmap_size").Scan(&size).Error; err != nil {
		t.Fatal(err)
	}
	if size != sqliteMmapBytes {
		t.Errorf("mmap_size = %d, want %d", size, sqliteMmapBytes)
	}
}
