package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/sharing"
)

const agreementUsage = `Usage: ateval agreement add --db PATH|URL --name NAME --purpose TEXT --boroughs a,b,... --expires YYYY-MM-DD [--min-k 5] [--evaluators a@x,b@y] [flags]
       ateval agreement member add --db PATH|URL --agreement ID --evaluators a@x,b@y
       ateval agreement list --db PATH|URL [--json]`

// runAgreement keeps the register of data sharing agreements: add one,
// name the evaluators who may export under it, list the register.
// Amending or ending an agreement is not here yet.
func runAgreement(ctx context.Context, env *cliEnv, args []string) error {
	switch {
	case len(args) > 0 && args[0] == "add":
		return runAgreementAdd(ctx, env, args[1:])
	case len(args) > 1 && args[0] == "member" && args[1] == "add":
		return runAgreementMemberAdd(ctx, env, args[2:])
	case len(args) > 0 && args[0] == "list":
		return runAgreementList(ctx, env, args[1:])
	}
	fmt.Fprintln(env.Stderr, agreementUsage)
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		return nil
	}
	return errUsage
}

// emailList reads "a@x, b@y" into emails, dropping empty items.
func emailList(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = ateval.NormalizeEmail(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

func runAgreementAdd(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "agreement add", "agreement add --db PATH|URL --name NAME --purpose TEXT --boroughs a,b,... --expires YYYY-MM-DD [--min-k 5] [--evaluators a@x,b@y] [flags]")
	dsn := dbFlag(fs, env)
	name := fs.String("name", "", "the agreement's name, unique in the register")
	purpose := fs.String("purpose", "", "what the data may be used for")
	basis := fs.String("lawful-basis", "", "the lawful basis for sharing, such as \"UK GDPR 6(1)(e), 9(2)(j)\"")
	parties := fs.String("parties", "", "the parties, separated by semicolons")
	boroughs := fs.String("boroughs", "", "slugs of the boroughs whose data it covers, comma-separated")
	instruments := fs.String("instruments", "", "instruments whose assessments may be exported, comma-separated (default all)")
	fields := fs.String("fields", "", "kinds of column allowed: items, scores (default both)")
	expires := fs.String("expires", "", "the first day the agreement is no longer in force, YYYY-MM-DD")
	evaluators := fs.String("evaluators", "", "emails of the evaluators who may export under it, comma-separated (their accounts must exist)")
	minK := fs.Int("min-k", exports.DefaultK, "the smallest k an export under it may be made at; an export may ask for more, never less")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "ateval agreement add: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	a := exports.Agreement{Name: *name, Purpose: *purpose, LawfulBasis: *basis, Evaluators: emailList(*evaluators), MinK: *minK}
	for _, p := range strings.Split(*parties, ";") {
		if p = strings.TrimSpace(p); p != "" {
			a.Parties = append(a.Parties, p)
		}
	}
	var err error
	var errs []ateval.FieldError
	if a.Boroughs, err = sharing.ParseList(*boroughs); err != nil {
		errs = append(errs, ateval.FieldError{Field: "boroughs", Message: ateval.ErrorMessage(err)})
	}
	if a.Instruments, err = sharing.ParseList(*instruments); err != nil {
		errs = append(errs, ateval.FieldError{Field: "instruments", Message: ateval.ErrorMessage(err)})
	}
	if a.Fields, err = sharing.ParseList(*fields); err != nil {
		errs = append(errs, ateval.FieldError{Field: "fields", Message: ateval.ErrorMessage(err)})
	}
	if a.ExpiresOn, err = ateval.ParseDate(*expires); err != nil {
		errs = append(errs, ateval.FieldError{Field: "expires", Message: err.Error()})
	}
	if len(errs) > 0 {
		return ateval.Invalid("The data sharing agreement is not valid.", errs)
	}
	db, err := openDB(ctx, *dsn, mayCreate)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CreateAgreement(ateval.SystemContext(ctx), &a, forms.Default()); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, a.ID)
	return nil
}

func runAgreementMemberAdd(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "agreement member add", "agreement member add --db PATH|URL --agreement ID --evaluators a@x,b@y")
	dsn := dbFlag(fs, env)
	id := fs.Int64("agreement", 0, "id of the data sharing agreement")
	evaluators := fs.String("evaluators", "", "emails of the evaluators to name on it, comma-separated")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	emails := emailList(*evaluators)
	if *id <= 0 || len(emails) == 0 || fs.NArg() > 0 {
		fmt.Fprintln(env.Stderr, "ateval agreement member add: --agreement ID and --evaluators are required, and nothing else")
		fs.Usage()
		return errUsage
	}
	db, err := openDB(ctx, *dsn, mayCreate)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.AddAgreementEvaluators(ateval.SystemContext(ctx), *id, emails); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "agreement %d names %s\n", *id, strings.Join(emails, ", "))
	return nil
}

func runAgreementList(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "agreement list", "agreement list --db PATH|URL [--json]")
	dsn := dbFlag(fs, env)
	asJSON := fs.Bool("json", false, "print the register as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "ateval agreement list: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	db, err := openDB(ctx, *dsn, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	as, err := db.Agreements(ateval.SystemContext(ctx))
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"agreements": as})
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tEXPIRES\tMIN K\tBOROUGHS\tEVALUATORS")
	for _, a := range as {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\n", a.ID, a.Name, a.ExpiresOn, a.MinK, strings.Join(a.Boroughs, ","), strings.Join(a.Evaluators, ","))
	}
	return tw.Flush()
}
