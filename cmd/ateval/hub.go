package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"text/tabwriter"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/federation"
	"github.com/ateval/ateval/reports"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/hub"
	"github.com/ateval/ateval/storage/summaries"
)

// runHub keeps a hub's federated evidence: the keys it trusts and the
// bundles boroughs send it.
func runHub(ctx context.Context, env *cliEnv, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "trust":
		return runHubTrust(ctx, env, args)
	case "import":
		return runHubImport(ctx, env, args)
	case "list":
		return runHubList(ctx, env, args)
	case "retire":
		return runHubRetire(ctx, env, args)
	}
	fmt.Fprintln(env.Stderr, "Usage: ateval hub trust|retire|import|list [flags]\n\n  trust   trust a borough's public key for its bundles (--retire-old: rotate to it)\n  retire  retire a borough's key: bundles it signed are refused from then on\n  import  verify and store evidence bundles\n  list    list each borough's latest bundle")
	if sub == "-h" || sub == "--help" {
		return nil
	}
	return errUsage
}

func runHubTrust(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "hub trust", "hub trust --db PATH|URL --borough SLUG --public-key FILE [--retire-old]\n\n"+
		"A borough already trusted keeps its other keys, so that bundles signed before a rotation still import;\n"+
		"--retire-old retires them in the same step. Bundle numbers run on across a borough's keys.")
	dsn := dbFlag(fs, env)
	borough := fs.String("borough", "", "the borough whose bundles the key signs")
	keyPath := fs.String("public-key", "", "the borough's public key (KEY.pub from ateval keygen)")
	retireOld := fs.Bool("retire-old", false, "retire the borough's other keys: bundles they signed are refused from then on")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *borough == "" || *keyPath == "" || fs.NArg() > 0 {
		fmt.Fprintln(env.Stderr, "ateval hub trust: --borough and --public-key are required")
		fs.Usage()
		return errUsage
	}
	pub, err := federation.ReadPublicKey(*keyPath)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, storage.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	trust := hub.Of(db).TrustKey
	if *retireOld {
		trust = hub.Of(db).RotateKey
	}
	if err := trust(ateval.SystemContext(ctx), *borough, pub); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "trusted key %s for %s\n", federation.KeyID(pub), *borough)
	return printKeys(ctx, env, db, *borough)
}

func runHubRetire(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "hub retire", "hub retire --db PATH|URL --borough SLUG --public-key FILE")
	dsn := dbFlag(fs, env)
	borough := fs.String("borough", "", "the borough whose key it is")
	keyPath := fs.String("public-key", "", "the key to retire (the KEY.pub the borough sent)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *borough == "" || *keyPath == "" || fs.NArg() > 0 {
		fmt.Fprintln(env.Stderr, "ateval hub retire: --borough and --public-key are required")
		fs.Usage()
		return errUsage
	}
	pub, err := federation.ReadPublicKey(*keyPath)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := hub.Of(db).RetireKey(ateval.SystemContext(ctx), *borough, pub); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "retired key %s of %s: bundles it signed are refused from now on\n", federation.KeyID(pub), *borough)
	return printKeys(ctx, env, db, *borough)
}

// printKeys lists a borough's keys, in use and retired.
func printKeys(ctx context.Context, env *cliEnv, db *storage.DB, borough string) error {
	ks, err := hub.Of(db).TrustedKeys(ateval.SystemContext(ctx))
	if err != nil {
		return err
	}
	for _, k := range ks {
		if k.Borough != borough {
			continue
		}
		state := "in use"
		if !k.RetiredAt.IsZero() {
			state = "retired " + k.RetiredAt.Format("2006-01-02")
		}
		fmt.Fprintf(env.Stdout, "  key %s of %s: trusted %s, %s\n", k.KeyID, borough, k.TrustedAt.Format("2006-01-02"), state)
	}
	return nil
}

// runHubImport reads every file first, and imports none if any is not a
// bundle; then imports each in its own transaction, so that a bundle
// refused (bad signature, untrusted key, replay) leaves nothing of itself,
// and reports every refusal.
func runHubImport(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "hub import", "hub import --db PATH|URL FILE...")
	dsn := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(env.Stderr, "ateval hub import: name at least one bundle file")
		fs.Usage()
		return errUsage
	}
	var bundles []federation.Bundle
	for _, path := range fs.Args() {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		b, err := federation.Parse(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %s (nothing imported)", path, describe(err))
		}
		bundles = append(bundles, b)
	}
	db, err := openDB(ctx, *dsn, storage.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	var refused []error
	for i, b := range bundles {
		if _, err := hub.Of(db).ImportBundle(ateval.SystemContext(ctx), b); err != nil {
			refused = append(refused, fmt.Errorf("%s: refused: %s", fs.Arg(i), describe(err)))
			continue
		}
		fmt.Fprintf(env.Stdout, "%s: imported bundle %d of %s (financial years %d to %d)\n", fs.Arg(i), b.Sequence, b.Borough, b.PeriodFrom, b.PeriodTo)
	}
	return errors.Join(refused...)
}

func runHubList(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "hub list", "hub list --db PATH|URL")
	dsn := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	bs, err := hub.Of(db).LatestBundles(ateval.SystemContext(ctx))
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "BOROUGH\tSEQUENCE\tMADE\tIMPORTED\tYEARS\tCELLS")
	for _, b := range bs {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%d-%d\t%d\n", b.Borough, b.Sequence, b.Made.Format("2006-01-02"), b.ImportedAt.Format("2006-01-02"), b.PeriodFrom, b.PeriodTo, b.Cells)
	}
	return w.Flush()
}

// reportSource is where a report or model reads its summaries: on a hub
// (a database holding imported bundles) the cells boroughs shared,
// otherwise the database's residents; boroughs are the hub's.
func reportSource(ctx context.Context, db *storage.DB) (src reports.Source, hubBoroughs []string, err error) {
	bs, err := hub.Of(db).LatestBundles(ateval.SystemContext(ctx))
	if err != nil || len(bs) == 0 {
		return summaries.Of(db), nil, err
	}
	h, err := reports.NewHubSource(ateval.ReportContext(ctx), summaries.Of(db))
	if err != nil {
		return nil, nil, err
	}
	return h, h.Boroughs(), nil
}

// reportSourceFor returns reportSource's source and sets opt's boroughs
// and their names: every borough the database knows and, on a hub, every
// borough that shared, so that a report and a model build one gate.
func reportSourceFor(ctx context.Context, db *storage.DB, opt *reports.Options) (reports.Source, []string, error) {
	known, err := db.View(ateval.SystemContext(ctx)).Boroughs()
	if err != nil {
		return nil, nil, err
	}
	opt.BoroughNames = map[string]string{}
	for _, b := range known {
		opt.Boroughs = append(opt.Boroughs, b.Slug)
		opt.BoroughNames[b.Slug] = b.Name
	}
	if opt.Trials, err = db.RandomisedTrials(ateval.SystemContext(ctx)); err != nil {
		return nil, nil, err
	}
	src, hubBoroughs, err := reportSource(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	for _, b := range hubBoroughs {
		if !slices.Contains(opt.Boroughs, b) {
			opt.Boroughs = append(opt.Boroughs, b)
		}
	}
	return src, hubBoroughs, nil
}
