// Package storagetest gives tests real databases: a SQLite file in the
// test's temporary folder, and, when ATEVAL_TEST_POSTGRES holds a
// postgres:// URL, a fresh PostgreSQL database on that server, created for
// the test and dropped after it. Nothing here mocks storage.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/ateval/ateval/storage"
)

// EnvPostgres names the environment variable holding the PostgreSQL server
// the storage suites also run against.
const EnvPostgres = "ATEVAL_TEST_POSTGRES"

// DSN is a named database for a test to open.
type DSN struct {
	Name string // "sqlite" or "postgres"
	URL  string
}

// DSNs returns a fresh SQLite path, and a fresh PostgreSQL database if the
// server is configured. It fails the test if the configured server does
// not answer: a suite that silently skips PostgreSQL would prove nothing.
func DSNs(t testing.TB) []DSN {
	t.Helper()
	out := []DSN{{"sqlite", filepath.Join(t.TempDir(), "ateval.db")}}
	if u := os.Getenv(EnvPostgres); u != "" {
		out = append(out, DSN{"postgres", NewPostgresDatabase(t, u)})
	}
	return out
}

// NewPostgresDatabase creates an empty database on the server named by
// serverURL and returns its URL; the database is dropped when the test ends.
func NewPostgresDatabase(t testing.TB, serverURL string) string {
	t.Helper()
	admin, err := gorm.Open(postgres.Open(serverURL), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvPostgres, err)
	}
	sqlDB, _ := admin.DB()
	b := make([]byte, 6)
	rand.Read(b)
	name := "ateval_test_" + hex.EncodeToString(b)
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		sqlDB.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		sqlDB.Close()
	})
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Open opens and migrates the database at dsn, closing it when the test ends.
func Open(t testing.TB, dsn string) *storage.DB {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", redact(dsn), err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// Each runs f as a subtest on every configured database.
func Each(t *testing.T, f func(t *testing.T, db *storage.DB)) {
	t.Helper()
	for _, d := range DSNs(t) {
		t.Run(d.Name, func(t *testing.T) { f(t, Open(t, d.URL)) })
	}
}

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return strings.TrimSpace(dsn)
}
