package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
)

// runUser manages accounts. `ateval user add` reads the password from the
// first line of standard input, so it never appears in the process list or
// the shell's history.
func runUser(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(env.Stderr, "Usage: ateval user add --db PATH|URL --email E --role R [--borough SLUG] < password")
			return nil
		}
		fmt.Fprintln(env.Stderr, "Usage: ateval user add --db PATH|URL --email E --role R [--borough SLUG] < password")
		return errUsage
	}
	fs := newFlagSet(env, "user add", "user add --db PATH|URL --email E --role R [--borough SLUG] < password")
	dsn := dbFlag(fs, env)
	email := fs.String("email", "", "the user's email address, with which they sign in")
	role := fs.String("role", "", "practitioner, borough_lead, commissioner, evaluator or admin")
	borough := fs.String("borough", "", "the borough's slug (tower-hamlets), for a practitioner or borough_lead")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return ateval.Errorf(ateval.EINVALID, "give the password on standard input, such as: ateval user add ... < password.txt")
	}
	password := strings.TrimRight(line, "\r\n")
	if err := ateval.ValidatePassword(password); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, mayCreate)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = ateval.SystemContext(ctx)
	u := &ateval.User{Email: *email, Role: ateval.Role(*role)}
	if *borough != "" {
		if u.BoroughID, err = boroughID(ctx, db, *borough); err != nil {
			return err
		}
	}
	if err := auth.New(db).CreateUser(ctx, u, password); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Added %s (%s", u.Email, u.Role)
	if *borough != "" {
		fmt.Fprintf(env.Stdout, ", %s", *borough)
	}
	fmt.Fprintln(env.Stdout, ").")
	return nil
}

func boroughID(ctx context.Context, db *storage.DB, slug string) (int64, error) {
	bs, err := db.View(ctx).Boroughs()
	if err != nil {
		return 0, err
	}
	for _, b := range bs {
		if b.Slug == slug {
			return b.ID, nil
		}
	}
	return 0, ateval.Invalid("The user is not valid.", []ateval.FieldError{{Field: "borough", Message: fmt.Sprintf("%q is not the slug of a borough in this database", slug)}})
}
