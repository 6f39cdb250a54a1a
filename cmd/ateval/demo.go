package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/importer"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/server"
)

func runDemo(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "demo", "demo [--db PATH] [--addr HOST:PORT]")
	dbPath := fs.String("db", "", "SQLite file to create (default: a new file in a temporary folder)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "ateval-demo-")
		if err != nil {
			return err
		}
		*dbPath = filepath.Join(dir, "ateval.db")
	} else if _, err := os.Stat(*dbPath); err == nil {
		return fmt.Errorf("%s already exists: the demo starts from a fresh file, so remove it or name another", *dbPath)
	}
	fmt.Fprintf(env.Stdout, "Creating %s and loading the sample data...\n", *dbPath)
	db, err := openDB(ctx, *dbPath, mayCreate)
	if err != nil {
		return err
	}
	defer db.Close()
	srcs, err := importer.FromFS(sampledata.Committed())
	if err != nil {
		return err
	}
	bar := newProgressBar(env, "loading sample")
	sum, err := importer.Import(ateval.SystemContext(ctx), db, srcs, importer.Options{Progress: bar.Update})
	bar.Done()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Loaded %d boroughs, %d devices, %d residents, %d device issues, %d assessments.\n",
		sum.Boroughs, sum.Devices, sum.Residents, sum.DeviceIssues, sum.Assessments)
	trials, err := sampledata.Trials()
	if err != nil {
		return err
	}
	for i := range trials {
		if err := db.RecordRandomisedTrial(ateval.SystemContext(ctx), &trials[i]); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "Recorded %d randomised trials (sample-data/design/randomised_trials.csv).\n", len(trials))
	if err := createDemoAccounts(ctx, db, env.Stdout); err != nil {
		return err
	}
	return serve(ctx, env, db, server.Config{Addr: *addr}, func(url string) {
		fmt.Fprintf(env.Stdout, "\nateval is running at %s\nPress Ctrl+C to stop.\n", url)
	})
}
