package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/forms"
)

// runAgreement keeps the register of data sharing agreements. Only "add"
// for now: amending or ending an agreement is an administrator's page.
func runAgreement(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(env.Stderr, "Usage: ateval agreement add --db PATH|URL --name NAME --purpose TEXT --boroughs a,b,... --expires YYYY-MM-DD")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	fs := newFlagSet(env, "agreement add", "agreement add --db PATH|URL --name NAME --purpose TEXT --boroughs a,b,... --expires YYYY-MM-DD [flags]")
	dsn := dbFlag(fs, env)
	name := fs.String("name", "", "the agreement's name, unique in the register")
	purpose := fs.String("purpose", "", "what the data may be used for")
	basis := fs.String("lawful-basis", "", "the lawful basis for sharing, such as \"UK GDPR 6(1)(e), 9(2)(j)\"")
	parties := fs.String("parties", "", "the parties, separated by semicolons")
	boroughs := fs.String("boroughs", "", "slugs of the boroughs whose data it covers, comma-separated")
	instruments := fs.String("instruments", "", "instruments whose assessments may be exported, comma-separated (default all)")
	fields := fs.String("fields", "", "kinds of column allowed: items, scores (default both)")
	expires := fs.String("expires", "", "the first day the agreement is no longer in force, YYYY-MM-DD")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "ateval agreement add: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	a := exports.Agreement{Name: *name, Purpose: *purpose, LawfulBasis: *basis}
	for _, p := range strings.Split(*parties, ";") {
		if p = strings.TrimSpace(p); p != "" {
			a.Parties = append(a.Parties, p)
		}
	}
	var err error
	var errs []ateval.FieldError
	if a.Boroughs, err = exports.ParseList(*boroughs); err != nil {
		errs = append(errs, ateval.FieldError{Field: "boroughs", Message: ateval.ErrorMessage(err)})
	}
	if a.Instruments, err = exports.ParseList(*instruments); err != nil {
		errs = append(errs, ateval.FieldError{Field: "instruments", Message: ateval.ErrorMessage(err)})
	}
	if a.Fields, err = exports.ParseList(*fields); err != nil {
		errs = append(errs, ateval.FieldError{Field: "fields", Message: ateval.ErrorMessage(err)})
	}
	if a.ExpiresOn, err = ateval.ParseDate(*expires); err != nil {
		errs = append(errs, ateval.FieldError{Field: "expires", Message: err.Error()})
	}
	if len(errs) > 0 {
		return ateval.Invalid("The data sharing agreement is not valid.", errs)
	}
	db, err := openDB(ctx, *dsn)
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
