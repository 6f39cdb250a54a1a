package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/reports"
	"github.com/ateval/ateval/reports/summary"
)

// runReport builds the comparative evidence report from a database and
// writes DIR/index.html, DIR/report.pdf, DIR/charts/*.png and
// DIR/results.json.
func runReport(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "report", "report --db PATH|URL --out DIR [--outcome ID] [--device-category ID] [--boroughs a,b] [--from DATE] [--to DATE]")
	dsn := dbFlag(fs, env)
	out := fs.String("out", "", "directory to write the report to (created if missing)")
	outcome := fs.String("outcome", "", "only this outcome (e.g. swemwbs_raw, falls); default all")
	category := fs.String("device-category", "", "only this device category (e.g. fall-detector); default all")
	boroughs := fs.String("boroughs", "", "only these boroughs, by slug, comma-separated; default all")
	from := fs.String("from", "", "only residents enrolled on or after this date (YYYY-MM-DD)")
	to := fs.String("to", "", "only residents enrolled on or before this date (YYYY-MM-DD)")
	asOf := fs.String("as-of", "", "judge follow-ups due as of this date (default today)")
	unitCosts := fs.String("unit-costs", "", "unit-cost table (JSON, as reports/data/unit-costs.json); default the shipped table")
	minN := fs.Int("min-borough-n", 10, "fewest residents with which a borough is shown on its own (may be raised, never lowered)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(env.Stderr, "ateval report: --out DIR is required and no other arguments are taken")
		fs.Usage()
		return errUsage
	}
	opt := reports.Options{Filter: summary.Filter{DeviceCategory: *category}, Disclosure: disclosure.Rules{MinBoroughN: *minN}}
	if *outcome != "" {
		opt.Outcomes = []string{*outcome}
	}
	if *boroughs != "" {
		for _, b := range strings.Split(*boroughs, ",") {
			if b = strings.TrimSpace(b); b != "" {
				opt.Filter.Boroughs = append(opt.Filter.Boroughs, b)
			}
		}
	}
	for _, d := range []struct {
		flag, s string
		to      *ateval.Date
	}{{"--from", *from, &opt.Filter.From}, {"--to", *to, &opt.Filter.To}, {"--as-of", *asOf, &opt.AsOf}} {
		if d.s == "" {
			continue
		}
		v, err := ateval.ParseDate(d.s)
		if err != nil {
			return fmt.Errorf("%s: %w", d.flag, err)
		}
		*d.to = v
	}
	if *unitCosts != "" {
		f, err := os.Open(*unitCosts)
		if err != nil {
			return err
		}
		uc, err := reports.ReadUnitCosts(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *unitCosts, err)
		}
		opt.UnitCosts = &uc
	}
	defer startProfiles(env)()
	db, err := openDB(ctx, *dsn, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	src, hubBoroughs, err := reportSourceFor(ctx, db, &opt)
	if err != nil {
		return err
	}
	if hubBoroughs != nil {
		fmt.Fprintf(env.Stderr, "ateval report: a hub: built from the bundles of %d boroughs (no follow-up, quality, cost or abandonment sections)\n", len(hubBoroughs))
	}
	bar := newProgressBar(env, "report")
	opt.Progress = func(done, total int) { bar.Update(int64(done), int64(total)) }
	r, err := reports.Build(ateval.ReportContext(ctx), src, opt)
	bar.Done()
	if err != nil {
		return err
	}
	if err := reports.WriteDir(*out, r); err != nil {
		return err
	}
	for _, n := range r.Disclosure.Widened {
		fmt.Fprintln(env.Stderr, "ateval report: "+n)
	}
	fmt.Fprintf(env.Stdout, "wrote %d analyses to %s\n", len(r.Analyses), filepath.Join(*out, "index.html"))
	return nil
}
