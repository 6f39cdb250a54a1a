package main

import (
	"context"
	"fmt"

	"github.com/ateval/ateval/storage"
)

func runMigrate(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "migrate", "migrate --db PATH|URL")
	dsn := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := storage.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(env.Stdout, "schema is up to date (version %d)\n", v)
	} else {
		fmt.Fprintf(env.Stdout, "applied migrations %v; schema is at version %d\n", applied, v)
	}
	return nil
}
