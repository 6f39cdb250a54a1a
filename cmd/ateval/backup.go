package main

import (
	"context"
	"fmt"

	"github.com/ateval/ateval/storage"
)

func runBackup(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "backup", "backup --db PATH --out FILE")
	dsn := dbFlag(fs, env)
	out := fs.String("out", "", "file to write the copy to (must not exist)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(env.Stderr, "ateval backup: --out is required")
		return errUsage
	}
	// Neither made nor migrated: a backup copies the database as it is,
	// and a mistyped path is refused, not copied as an empty database.
	db, err := openUnmigrated(ctx, *dsn, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	info, err := storage.CheckBackup(ctx, *out)
	if err != nil {
		return fmt.Errorf("the copy was written but does not check out: %w", err)
	}
	fmt.Fprintf(env.Stdout, "wrote %s: schema version %d, %d residents, %d assessments; integrity check ok\n",
		*out, info.SchemaVersion, info.Counts.Residents, info.Counts.Assessments)
	return nil
}

func runRestore(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "restore", "restore --db PATH --from FILE [--check]")
	dsn := dbFlag(fs, env)
	from := fs.String("from", "", "backup file made by ateval backup")
	checkOnly := fs.Bool("check", false, "check the backup and say what it holds, replacing nothing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" {
		fmt.Fprintln(env.Stderr, "ateval restore: --from is required")
		return errUsage
	}
	info, err := storage.CheckBackup(ctx, *from)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s checks out: schema version %d, %d boroughs, %d residents, %d device issues, %d assessments\n",
		*from, info.SchemaVersion, info.Counts.Boroughs, info.Counts.Residents, info.Counts.DeviceIssues, info.Counts.Assessments)
	if *checkOnly {
		return nil
	}
	db, err := storage.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Restore(ctx, *from); err != nil {
		return err
	}
	// A backup from an older build is brought up to this build's schema.
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "restored %s into %s\n", *from, *dsn)
	return nil
}
