package storage_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// migratedTo is the set-up of a migration's test: the database d as
// release last left it (migrated up to version last), with stmts run on
// it to hold the data the next migration moves. It returns the database,
// closed when the test ends, and its database/sql handle; the test then
// migrates the rest and checks what came of the data.
func migratedTo(t *testing.T, d storagetest.DSN, last int, stmts ...string) (*storage.DB, *sql.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, d.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.MigrateTo(ctx, last); err != nil {
		t.Fatal(err)
	}
	sqlDB, err := db.SQL()
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range stmts {
		if _, err := sqlDB.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return db, sqlDB
}
