package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/ateval/ateval"
)

const trialUsage = `Usage: ateval trial add --db PATH|URL --borough SLUG --device-category ID --from YYYY-MM-DD [--to YYYY-MM-DD]
       ateval trial remove --db PATH|URL --id ID
       ateval trial list --db PATH|URL [--json]`

// runTrial keeps the record of which boroughs allocated residents of a
// device category at random: a report's comparison resting only on them
// starts at high certainty.
func runTrial(ctx context.Context, env *cliEnv, args []string) error {
	switch {
	case len(args) > 0 && args[0] == "add":
		return runTrialAdd(ctx, env, args[1:])
	case len(args) > 0 && args[0] == "remove":
		return runTrialRemove(ctx, env, args[1:])
	case len(args) > 0 && args[0] == "list":
		return runTrialList(ctx, env, args[1:])
	}
	fmt.Fprintln(env.Stderr, trialUsage)
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		return nil
	}
	return errUsage
}

func runTrialAdd(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "trial add", "trial add --db PATH|URL --borough SLUG --device-category ID --from YYYY-MM-DD [--to YYYY-MM-DD]")
	dsn := dbFlag(fs, env)
	borough := fs.String("borough", "", "slug of the borough that allocated residents at random")
	category := fs.String("device-category", "", "the device category it allocated at random (e.g. fall-detector)")
	from := fs.String("from", "", "the first day residents were allocated at random, YYYY-MM-DD")
	to := fs.String("to", "", "the last day, if the trial has ended, YYYY-MM-DD")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "ateval trial add: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	t := ateval.RandomisedTrial{Borough: *borough, DeviceCategory: *category}
	var errs []ateval.FieldError
	var err error
	if t.From, err = ateval.ParseDate(*from); err != nil {
		errs = append(errs, ateval.FieldError{Field: "from", Message: err.Error()})
	}
	if t.To, err = ateval.ParseDate(*to); err != nil {
		errs = append(errs, ateval.FieldError{Field: "to", Message: err.Error()})
	}
	if len(errs) > 0 {
		return ateval.Invalid("The randomised trial is not valid.", errs)
	}
	db, err := openDB(ctx, *dsn, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.RecordRandomisedTrial(ateval.SystemContext(ctx), &t); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, t.ID)
	return nil
}

func runTrialRemove(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "trial remove", "trial remove --db PATH|URL --id ID")
	dsn := dbFlag(fs, env)
	id := fs.Int64("id", 0, "id of the trial, as trial list prints it")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *id <= 0 || fs.NArg() > 0 {
		fmt.Fprintln(env.Stderr, "ateval trial remove: --id ID is required, and nothing else")
		fs.Usage()
		return errUsage
	}
	db, err := openDB(ctx, *dsn, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.RemoveRandomisedTrial(ateval.SystemContext(ctx), *id)
}

func runTrialList(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "trial list", "trial list --db PATH|URL [--json]")
	dsn := dbFlag(fs, env)
	asJSON := fs.Bool("json", false, "print the trials as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	trials, err := db.RandomisedTrials(ateval.SystemContext(ctx))
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(trials)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tBOROUGH\tDEVICE CATEGORY\tFROM\tTO\tCOUNTS FOR")
	for _, t := range trials {
		to := t.To.String()
		if to == "" {
			to = "running"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Borough, t.DeviceCategory, t.From, to, t.Years())
	}
	return tw.Flush()
}
