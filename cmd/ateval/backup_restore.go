package main

import (
	"context"
	"fmt"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
)

func runBackup(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "backup", "backup --db PATH --out FILE")
	dsn := dbFlag(fs, env)
	out := fs.String("out", "", "file to write the copy to (must not exist); its manifest is written beside it, FILE.manifest.json")
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
	res, err := db.Backup(ctx, *out)
	for _, p := range res.Swept {
		fmt.Fprintf(env.Stderr, "removed %s, left by an interrupted backup\n", p)
	}
	if err != nil {
		return err
	}
	m := res.Manifest
	fmt.Fprintf(env.Stdout, "wrote %s: the database as of %s, schema version %d, %d residents, %d assessments; integrity check ok\n",
		*out, m.TakenAt.Format("2006-01-02 15:04:05 MST"), m.SchemaVersion, m.Counts.Residents, m.Counts.Assessments)
	fmt.Fprintf(env.Stdout, "wrote %s: %d bytes, SHA-256 %s; keep it with the copy, restore checks the copy against it\n",
		storage.ManifestPath(*out), m.Bytes, m.SHA256)
	return nil
}

func runRestore(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "restore", "restore --db PATH --from FILE [--check] [--without-manifest]")
	dsn := dbFlag(fs, env)
	from := fs.String("from", "", "backup file made by ateval backup, with FILE.manifest.json beside it")
	checkOnly := fs.Bool("check", false, "verify the backup and say what it holds, replacing nothing")
	noManifest := fs.Bool("without-manifest", false, "restore a copy that has no manifest (made before backups had them) on SQLite's integrity check alone; a manifest that is there is checked all the same")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" {
		fmt.Fprintln(env.Stderr, "ateval restore: --from is required")
		return errUsage
	}
	opt := storage.RestoreOptions{WithoutManifest: *noManifest}
	v, err := opt.Verify(ctx, *from)
	if err != nil {
		return err
	}
	c := v.Info.Counts
	taken := "an unknown time (no manifest)"
	if !v.Manifest.TakenAt.IsZero() {
		taken = v.Manifest.TakenAt.Format("2006-01-02 15:04:05 MST")
		fmt.Fprintf(env.Stdout, "%s matches its manifest: %d bytes, SHA-256 %s\n", *from, v.Manifest.Bytes, v.Manifest.SHA256)
	}
	fmt.Fprintf(env.Stdout, "%s checks out: the database as of %s, schema version %d, %d boroughs, %d residents, %d device issues, %d assessments\n",
		*from, taken, v.Info.SchemaVersion, c.Boroughs, c.Residents, c.DeviceIssues, c.Assessments)
	if *checkOnly {
		return nil
	}
	if *dsn == "" {
		return ateval.Errorf(ateval.EINVALID, "no database given: pass --db PATH or set ATEVAL_DB")
	}
	db, err := storage.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Restore(ctx, *from, opt); err != nil {
		return err
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "restored %s into %s\n", *from, *dsn)
	fmt.Fprintf(env.Stdout, "every session has ended: everyone signs in again\n")
	fmt.Fprintf(env.Stdout, "what was recorded after %s is not in the database, and the ids it was acknowledged with may be given again to new records\n", taken)
	return nil
}
