package storagetest

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "github.com/mattn/go-sqlite3"    // the "sqlite3" database/sql driver

	"github.com/ateval/ateval/storage"
)

// HoldWriteLock takes the database's write lock from a connection of its
// own, as an import in another process holds it for the whole of its
// transaction, until release is called or the test ends. On SQLite it is
// a BEGIN IMMEDIATE transaction; on PostgreSQL a transaction holding every
// table in EXCLUSIVE mode, which lets reads through and makes every write
// wait. The database must be migrated.
func HoldWriteLock(t testing.TB, dsn string) (release func()) {
	t.Helper()
	ctx := context.Background()
	driver, source := "sqlite3", "file:"+dsn+"?_busy_timeout=10000"
	if storage.IsPostgresURL(dsn) {
		driver, source = "pgx", dsn
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	var stmts []string
	if driver == "sqlite3" {
		// A write as well, so the lock is held for certain, whatever the
		// journal mode.
		stmts = []string{"BEGIN IMMEDIATE", "UPDATE schema_migrations SET name = name"}
	} else {
		var tables []string
		rows, err := conn.QueryContext(ctx, `SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema()`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name string
			rows.Scan(&name)
			tables = append(tables, name)
		}
		rows.Close()
		stmts = []string{"BEGIN", "LOCK TABLE " + strings.Join(tables, ", ") + " IN EXCLUSIVE MODE"}
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			conn.Close()
			db.Close()
			t.Fatalf("hold the write lock: %s: %v", s, err)
		}
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			conn.ExecContext(ctx, "ROLLBACK")
			conn.Close()
			db.Close()
		})
	}
	t.Cleanup(release)
	return release
}
