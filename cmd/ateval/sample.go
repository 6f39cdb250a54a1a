package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	sampledata "github.com/ateval/ateval/sample-data"
)

// runSample writes the synthetic multi-borough dataset as CSV files.
func runSample(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "sample", "sample --out DIR [--seed N] [--residents N | --assessments-target N] [--boroughs 16|33]")
	out := fs.String("out", "", "directory to write the CSV files into (required)")
	seed := fs.Uint64("seed", sampledata.DefaultSeed, "random seed; one seed always gives the same files")
	residents := fs.Int("residents", sampledata.DefaultResidents, "total residents over all boroughs")
	boroughs := fs.Int("boroughs", sampledata.DefaultBoroughs, "16 for the LOTI boroughs, 33 for all of London")
	target := fs.Int("assessments-target", 0, "choose the number of residents to give about this many assessments (instead of --residents)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case *out == "":
		fmt.Fprintln(env.Stderr, "ateval sample: --out is required")
		fs.Usage()
		return errUsage
	case fs.NArg() > 0:
		fmt.Fprintf(env.Stderr, "ateval sample: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	case set["residents"] && set["assessments-target"]:
		fmt.Fprintln(env.Stderr, "ateval sample: give --residents or --assessments-target, not both")
		return errUsage
	}
	cfg := sampledata.Config{Seed: *seed, Residents: *residents, Boroughs: *boroughs}
	if *target > 0 {
		n, err := sampledata.ResidentsFor(cfg, *target)
		if err != nil {
			return err
		}
		cfg.Residents = n
		fmt.Fprintf(env.Stdout, "%d residents for about %d assessments\n", n, *target)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	sum, err := sampledata.WriteDir(*out, cfg)
	if err != nil {
		return err
	}
	counts := []int{sum.Boroughs, sum.Devices, sum.Residents, sum.DeviceIssues, sum.Assessments}
	for i, name := range sampledata.Files() {
		fmt.Fprintf(env.Stdout, "wrote %s (%d rows)\n", filepath.Join(*out, name), counts[i])
	}
	fmt.Fprintf(env.Stdout, "seed %d, %d boroughs, data as of %s\n", cfg.Seed, cfg.Boroughs, sampledata.AsOf())
	return nil
}
