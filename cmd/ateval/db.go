package main

import (
	"context"
	"flag"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
)

// dbFlag registers --db, defaulting to $ATEVAL_DB.
func dbFlag(fs *flag.FlagSet, env *cliEnv) *string {
	return fs.String("db", env.Getenv("ATEVAL_DB"), "database: a SQLite file path or a postgres:// URL (default $ATEVAL_DB)")
}

// openDB opens and migrates the database named by dsn.
func openDB(ctx context.Context, dsn string) (*storage.DB, error) {
	if dsn == "" {
		return nil, ateval.Errorf(ateval.EINVALID, "no database given: pass --db PATH|URL or set ATEVAL_DB")
	}
	db, err := storage.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
