package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports"
	"github.com/ateval/ateval/reports/summary"
)

// runModel fits the one-stage model of an outcome at a follow-up,
// y(TP) ~ y(baseline) + intervention + (1 + intervention | borough), by
// REML from the cross-products of the cells the disclosure gate releases
// (as the report does: reports.FitOneStage), and prints it.
func runModel(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "model", "model --db PATH|URL --outcome ID --timepoint TP [--device-category ID] [--json]\n\n"+
		"Fits y(TP) ~ y(baseline) + intervention + (1 + intervention | borough) by REML, as lme4's lmer does.\n"+
		"The model is fitted from the cells the disclosure gate releases, never from residents' rows or\n"+
		"unreleased sums: every borough's summaries pass the gate as the report's do, a small borough is\n"+
		"combined with others of its partnership (one level of the model) or withheld, and each cell is\n"+
		"its residents' rounded means with the borough's reference spread within it, as a bundle carries\n"+
		"it. A hub's database fits from the cells boroughs shared, so the figures are the report's\n"+
		"one-stage model, centrally and at a hub.")
	dsn := dbFlag(fs, env)
	outcome := fs.String("outcome", "", "outcome id, a score measured at baseline and follow-up (e.g. swemwbs_raw)")
	tp := fs.String("timepoint", "", "follow-up (w6, m3, m6, m12)")
	category := fs.String("device-category", "", "only residents given this category of device, against the whole comparison group (default every device)")
	asJSON := fs.Bool("json", false, "print the fit as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *outcome == "" || *tp == "" || fs.NArg() > 0 {
		fmt.Fprintln(env.Stderr, "ateval model: --outcome and --timepoint are required and no other arguments are taken")
		fs.Usage()
		return errUsage
	}
	db, err := openDB(ctx, *dsn, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	opt := reports.Options{Filter: summary.Filter{DeviceCategory: *category}}
	src, _, err := reportSourceFor(ctx, db, &opt)
	if err != nil {
		return err
	}
	m, err := reports.FitOneStage(ateval.ReportContext(ctx), src, opt, *outcome, *tp)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	}
	fmt.Fprintf(env.Stdout, "%s at %s: %d residents in %d boroughs, REML log-likelihood %.4f", m.Outcome, m.Timepoint, m.N, m.Boroughs, m.REML)
	if m.Singular {
		fmt.Fprint(env.Stdout, " (singular fit: a borough-level variance is zero or a correlation ±1)")
	}
	fmt.Fprintln(env.Stdout)
	for _, f := range m.Fixed {
		fmt.Fprintf(env.Stdout, "  %-13s %10.4f  (SE %.4f)\n", f.Name, f.Estimate, f.SE)
	}
	r := m.Random
	fmt.Fprintf(env.Stdout, "  between boroughs: SD of intercepts %.4f, of intervention effects %.4f", r.TauIntercept, r.TauIntervention)
	if r.Rho != nil {
		fmt.Fprintf(env.Stdout, ", correlation %.3f", *r.Rho)
	}
	fmt.Fprintf(env.Stdout, "; residual SD %.4f\n", r.Sigma)
	return nil
}
