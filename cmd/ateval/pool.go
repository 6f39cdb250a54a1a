package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/evaluation"
)

// runPool pools per-borough effects read from a CSV file (columns study,
// yi and vi or sei, and any others to group by or regress on) and prints
// the pooled estimate, and the subgroups, meta-regression, leave-one-out
// and Egger's test asked for, as tables with a text forest plot or as one
// JSON object.
func runPool(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "pool", "pool [--method FE|DL|REML|PM] [--test z|knha|adhoc] [--level 95] [--by COLUMN] [--mods A,B] [--leave-one-out] [--egger] [--json] FILE.csv")
	method := fs.String("method", "REML", "estimator of the between-borough variance τ²: FE, DL, REML or PM")
	test := fs.String("test", "z", "test and intervals: z, knha for Knapp-Hartung (HKSJ), or adhoc for Knapp-Hartung with its scaling factor truncated at 1")
	level := fs.Float64("level", 95, "confidence level, in percent")
	asJSON := fs.Bool("json", false, "print the pooled estimate as one JSON object")
	by := fs.String("by", "", "pool the subgroups of this column on their own, and test for differences between them")
	mods := fs.String("mods", "", "meta-regression on these columns, comma-separated (numbers as they are, anything else as a factor)")
	loo := fs.Bool("leave-one-out", false, "pool again without each study in turn")
	egger := fs.Bool("egger", false, "Egger's regression test for funnel-plot asymmetry (meant for 10 or more studies)")
	// Flags may come before or after the file.
	var files []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprintf(env.Stderr, "ateval pool: expected one CSV file, got %d\n", len(files))
		fs.Usage()
		return errUsage
	}
	opts := evaluation.Options{Level: *level}
	var err error
	if opts.Method, err = evaluation.ParseMethod(*method); err == nil {
		opts.Test, err = evaluation.ParseTest(*test)
	}
	if err == nil && !(*level > 0 && *level < 100) {
		err = fmt.Errorf("--level %v is not a percentage between 0 and 100", *level)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "ateval pool: %s\n", describe(err))
		return errUsage
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	t, err := readTableFile(env, files[0])
	if err != nil {
		return err
	}
	p, err := evaluation.Pool(t.Studies, opts)
	if err != nil {
		return err
	}
	po := poolOptions{by: strings.TrimSpace(*by), leaveOneOut: *loo, egger: *egger}
	for _, m := range strings.Split(*mods, ",") {
		if m = strings.TrimSpace(m); m != "" {
			po.mods = append(po.mods, m)
		}
	}
	more, err := runMore(env.Stderr, t, opts, po)
	if err != nil {
		return err
	}
	if *asJSON {
		return writePoolJSON(env.Stdout, p, more)
	}
	if err := writePooled(env.Stdout, t.Studies, p); err != nil {
		return err
	}
	more.writeText(env.Stdout, p)
	return nil
}

// readTableFile reads the studies and their other columns from name ("-"
// for standard input), naming the file in any error.
func readTableFile(env *cliEnv, name string) (evaluation.Table, error) {
	var r io.Reader = env.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return evaluation.Table{}, err
		}
		defer f.Close()
		r = f
	}
	t, err := evaluation.ReadTable(r)
	if e := (*ateval.Error)(nil); errors.As(err, &e) {
		c := *e
		c.Message = name + ": " + e.Message
		return evaluation.Table{}, &c
	}
	return t, err
}

// writePooled prints the pooled estimate, its heterogeneity and a forest
// plot.
func writePooled(w io.Writer, studies []evaluation.Study, p evaluation.Pooled) error {
	model := "Random-effects"
	if p.Method == evaluation.FE {
		model = "Fixed-effect"
	}
	lv := fmt.Sprintf("%g%%", p.Level)
	fmt.Fprintf(w, "%s meta-analysis: k = %d, τ² estimator %s, test %s, level %s\n\n", model, p.K, p.Method, p.Test, lv)
	stat := "z"
	if !math.IsInf(p.Df, 1) {
		stat = fmt.Sprintf("t(%g)", p.Df)
	}
	fmt.Fprintf(w, "  estimate  %10.4f   se %.4f   %s CI [%.4f, %.4f]   %s = %.3f, p %s\n",
		p.Estimate, p.SE, lv, p.CILower, p.CIUpper, stat, p.Stat, pvalue(p.PValue))
	if p.Method != evaluation.FE && p.K > 1 {
		fmt.Fprintf(w, "  τ²        %10.4f   %s CI [%.4f, %.4f] (Q-profile)   τ = %.4f\n",
			p.Tau2, lv, p.Tau2CILower, p.Tau2CIUpper, math.Sqrt(p.Tau2))
	}
	fmt.Fprintf(w, "  I² = %.1f%%   H² = %.2f   Q(%d) = %.2f, p %s\n", p.I2, p.H2, p.QDf, p.Q, pvalue(p.QP))
	if !math.IsNaN(p.PILower) {
		fmt.Fprintf(w, "  %s prediction interval [%.4f, %.4f]\n", lv, p.PILower, p.PIUpper)
	}
	if !p.Converged {
		fmt.Fprintln(w, "\n  WARNING: the fit did not converge; the numbers above are not reliable.")
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "  Note: %s.\n", n)
	}
	fmt.Fprintln(w)
	writeForest(w, studies, p)
	return nil
}

func pvalue(p float64) string {
	switch {
	case math.IsNaN(p):
		return "n/a"
	case p < 0.0001:
		return "< 0.0001"
	}
	return fmt.Sprintf("= %.4f", p)
}

const (
	forestWidth = 41 // columns of the plot area
	labelWidth  = 24
)

// writeForest draws a text forest plot: a row per study with its
// estimate and normal-theory interval (|---o---|), the pooled estimate's
// interval as a diamond (<==o==>) and the prediction interval (....),
// with ':' marking zero.
func writeForest(w io.Writer, studies []evaluation.Study, p evaluation.Pooled) {
	z := evaluation.Critical(p.Level, math.Inf(1))
	lo, hi := math.Min(0, p.CILower), math.Max(0, p.CIUpper)
	for _, s := range studies {
		se := math.Sqrt(s.Vi)
		lo, hi = math.Min(lo, s.Yi-z*se), math.Max(hi, s.Yi+z*se)
	}
	if !math.IsNaN(p.PILower) {
		lo, hi = math.Min(lo, p.PILower), math.Max(hi, p.PIUpper)
	}
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	col := func(x float64) int {
		c := int(math.Round((x - lo) / (hi - lo) * (forestWidth - 1)))
		return max(0, min(forestWidth-1, c))
	}
	row := func(a, b, mid float64, fill, left, right, point byte) string {
		r := []byte(strings.Repeat(" ", forestWidth))
		r[col(0)] = ':'
		ca, cb := col(a), col(b)
		for i := ca; i <= cb; i++ {
			r[i] = fill
		}
		r[ca], r[cb] = left, right
		if !math.IsNaN(mid) {
			r[col(mid)] = point
		}
		return string(r)
	}
	var sw float64
	for _, s := range studies {
		sw += 1 / (s.Vi + p.Tau2)
	}
	fmt.Fprintf(w, "%-*s %8s  %-19s %6s  %s\n", labelWidth, "study", "estimate", "CI", "weight", "")
	for _, s := range studies {
		se := math.Sqrt(s.Vi)
		a, b := s.Yi-z*se, s.Yi+z*se
		fmt.Fprintf(w, "%-*s %8.3f  %-19s %5.1f%%  %s\n", labelWidth, clip(s.Label), s.Yi, interval(a, b),
			100/(s.Vi+p.Tau2)/sw, row(a, b, s.Yi, '-', '|', '|', 'o'))
	}
	name := "pooled (" + string(p.Method) + ")"
	fmt.Fprintf(w, "%-*s %8.3f  %-19s %6s  %s\n", labelWidth, name, p.Estimate, interval(p.CILower, p.CIUpper), "100%",
		row(p.CILower, p.CIUpper, p.Estimate, '=', '<', '>', 'o'))
	if !math.IsNaN(p.PILower) && p.Method != evaluation.FE {
		fmt.Fprintf(w, "%-*s %8s  %-19s %6s  %s\n", labelWidth, "prediction interval", "", interval(p.PILower, p.PIUpper), "",
			row(p.PILower, p.PIUpper, math.NaN(), '.', '[', ']', 0))
	}
	fmt.Fprintf(w, "%-*s %8s  %-19s %6s  %-*s%*s\n", labelWidth, "", "", "", "",
		forestWidth/2, fmt.Sprintf("%.2f", lo), forestWidth-forestWidth/2, fmt.Sprintf("%.2f", hi))
}

func interval(a, b float64) string { return fmt.Sprintf("[%.3f, %.3f]", a, b) }

func clip(s string) string {
	r := []rune(s)
	if len(r) > labelWidth {
		return string(r[:labelWidth-1]) + "…"
	}
	return s
}
