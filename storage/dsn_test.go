package storage

import (
	"context"
	"os"
	"testing"
)

// TestPostgresDSNTurnsJITOff: ateval's PostgreSQL sessions run without
// just-in-time compilation unless the URL says otherwise, and the rest of
// the URL (user, password, host, other settings) is kept as it was.
func TestPostgresDSNTurnsJITOff(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:p%40ss@db.example:5432/ateval?sslmode=disable": "postgres://u:p%40ss@db.example:5432/ateval?jit=off&sslmode=disable",
		"postgres://db.example/ateval":                               "postgres://db.example/ateval?jit=off",
		"postgres://db.example/ateval?jit=on":                        "postgres://db.example/ateval?jit=on",
	} {
		if got := postgresDSN(in); got != want {
			t.Errorf("postgresDSN(%q) = %q, want %q", in, got, want)
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
