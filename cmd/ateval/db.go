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

// openDB opens and migrates the database named by dsn. A SQLite file is
// made if there is none, unless opt.MustExist: the commands that only
// read ask for that, so that a mistyped path is refused rather than read
// as an empty database.
func openDB(ctx context.Context, dsn string, opt storage.Options) (*storage.DB, error) {
	db, err := openUnmigrated(ctx, dsn, opt)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openUnmigrated opens the database named by dsn as it is.
func openUnmigrated(ctx context.Context, dsn string, opt storage.Options) (*storage.DB, error) {
	if dsn == "" {
		return nil, ateval.Errorf(ateval.EINVALID, "no database given: pass --db PATH|URL or set ATEVAL_DB")
	}
	return storage.OpenWith(ctx, dsn, opt)
}

// The options of the commands that write, which may begin a database,
// and of those that only read, which must find one.
var (
	mayCreate = storage.Options{}
	mustExist = storage.Options{MustExist: true}
)
