// Command ateval is the one binary of the platform: it serves the web
// application, loads and checks data, and runs the statistics and reports
// from the command line. main only wires packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/ateval/ateval"
)

// cliEnv is what a subcommand may touch of the outside world, passed in so
// that tests run subcommands in-process without globals.
type cliEnv struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// IsTerminal reports whether Stderr is a terminal, for progress bars.
	IsTerminal bool
}

type command struct {
	summary string
	run     func(ctx context.Context, env *cliEnv, args []string) error
}

// commands returns the subcommand table. Each subcommand lives in its own
// file, named after it.
func commands() map[string]command {
	return map[string]command{
		"demo":      {"start the platform on a fresh SQLite file holding the sample data", runDemo},
		"serve":     {"serve the web application and API", runServe},
		"migrate":   {"bring a database's schema up to date", runMigrate},
		"import":    {"load CSV files (boroughs, devices, residents, device issues, assessments)", runImport},
		"backup":    {"take a consistent copy of a SQLite database while it is in use", runBackup},
		"restore":   {"check a backup and restore it into a SQLite database", runRestore},
		"status":    {"count what a database holds", runStatus},
		"health":    {"ask a running server whether it and its database answer (the container's health check)", runHealth},
		"sample":    {"write a synthetic multi-borough dataset as CSV files", runSample},
		"pool":      {"pool per-borough effects from a CSV file by random-effects meta-analysis", runPool},
		"score":     {"score one instrument's answers, to check a scoring rule by hand", runScore},
		"framework": {"print the evaluation framework: instruments, items, scoring, schedule", runFramework},
		"user":      {"add a user account (the password is read from standard input)", runUser},
		"report":    {"write the comparative evidence report: HTML, PDF, charts and results.json", runReport},
		"agreement": {"register a data sharing agreement for anonymised exports", runAgreement},
		"trial":     {"record which boroughs allocated residents of a device category at random", runTrial},
		"model":     {"fit the one-stage mixed model of an outcome across boroughs by REML", runModel},
		"keygen":    {"write a borough's Ed25519 key pair for signing evidence bundles", runKeygen},
		"share":     {"write the signed evidence bundle of a borough for a hub", runShare},
		"hub":       {"keep a hub: trust boroughs' keys, import their evidence bundles, list them", runHub},
		"export":    {"write an anonymised, k-anonymous dataset with its codebook under a data sharing agreement", runExport},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &cliEnv{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, IsTerminal: isTerminal(os.Stderr)}
	os.Exit(run(ctx, env, os.Args[1:]))
}

// run dispatches to a subcommand and returns the process exit code:
// 0 success, 1 failure, 2 usage error.
func run(ctx context.Context, env *cliEnv, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stdout, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "ateval: unknown command %q\n", args[0])
		usage(env.Stderr, cmds)
		return 2
	}
	err := c.run(ctx, env, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(env.Stderr, "ateval %s: %s\n", args[0], describe(err))
	return 1
}

// describe renders an error for the terminal: the operator owns the
// database, so internal detail is shown here (it never is on the web).
func describe(err error) string {
	var e *ateval.Error
	if errors.As(err, &e) {
		s := e.Message
		for _, f := range e.Fields {
			s += "\n  " + f.Field + ": " + f.Message
		}
		return s
	}
	return err.Error()
}

// errUsage marks a usage mistake already reported by the flag set.
var errUsage = errors.New("usage")

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "ateval: evaluate assistive technology across boroughs")
	fmt.Fprintln(w, "\nUsage: ateval COMMAND [flags]   (ateval COMMAND --help for a command's flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
}

// newFlagSet returns a flag set that reports to env.Stderr and describes
// the command above its flags.
func newFlagSet(env *cliEnv, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: ateval %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, mapping a bad flag to errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
