package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/importer"
	"github.com/ateval/ateval/storage"
)

func runImport(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "import", "import --db PATH|URL [--dry-run] FILE.csv...")
	dsn := dbFlag(fs, env)
	dryRun := fs.Bool("dry-run", false, "check every row and report problems, writing nothing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(env.Stderr, "ateval import: name at least one CSV file")
		fs.Usage()
		return errUsage
	}
	db, err := openDB(ctx, *dsn, mayCreate)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := importFiles(ctx, env, db, fs.Args(), importer.Options{DryRun: *dryRun})
	if err != nil {
		return err
	}
	verb := "imported"
	if *dryRun {
		verb = "dry run: all rows are valid; would import"
	}
	fmt.Fprintf(env.Stdout, "%s %d boroughs, %d devices, %d residents, %d device issues, %d assessments\n",
		verb, sum.Boroughs, sum.Devices, sum.Residents, sum.DeviceIssues, sum.Assessments)
	return nil
}

// importFiles opens the named files and imports them in one transaction,
// drawing a progress bar on a terminal.
func importFiles(ctx context.Context, env *cliEnv, db *storage.DB, paths []string, opt importer.Options) (importer.Summary, error) {
	var srcs []importer.Source
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return importer.Summary{}, err
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return importer.Summary{}, err
		}
		srcs = append(srcs, importer.Source{Name: filepath.Base(p), R: f, Size: fi.Size()})
	}
	bar := newProgressBar(env, "importing")
	opt.Progress = bar.Update
	// On SQLite the import's transaction holds the database's write lock
	// from its start to its commit, and a server's writes wait for it (up
	// to the server's lock timeout, then they answer 503): say so, and for
	// how long, so that the operator knows what the users see.
	var locked atomic.Int64
	if db.Dialect() == storage.SQLite {
		opt.Began = func() {
			locked.Store(time.Now().UnixNano())
			bar.HoldsWriteLock()
		}
	}
	sum, err := importer.Import(ateval.SystemContext(ctx), db, srcs, opt)
	bar.Done()
	if at := locked.Load(); at != 0 {
		fmt.Fprintf(env.Stderr, "held the database's write lock for %s; meanwhile a server's writes waited, or answered 503 after its lock timeout\n",
			time.Since(time.Unix(0, at)).Round(100*time.Millisecond))
	}
	return sum, err
}
