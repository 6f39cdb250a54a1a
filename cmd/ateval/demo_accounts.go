package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
)

// demoPassword is published: demo accounts exist only in the database
// `ateval demo` creates, never through `ateval serve`.
const demoPassword = "demo-password"

// demoEvaluator is the demo's evaluator, named on the demo's agreement so
// that an export works at once.
const demoEvaluator = "evaluator@demo.ateval"

// createDemoAccounts adds an administrator, a commissioner, an evaluator,
// and a borough lead and practitioner per borough, and a data sharing
// agreement naming the evaluator, and says which account to sign in as
// for each role.
func createDemoAccounts(ctx context.Context, db *storage.DB, out io.Writer) error {
	ctx = ateval.SystemContext(ctx)
	bs, err := db.View(ctx).Boroughs()
	if err != nil {
		return err
	}
	users := []ateval.User{
		{Email: "admin@demo.ateval", Role: ateval.RoleAdmin},
		{Email: "commissioner@demo.ateval", Role: ateval.RoleCommissioner},
		{Email: demoEvaluator, Role: ateval.RoleEvaluator},
	}
	slugs := make([]string, 0, len(bs))
	for _, b := range bs {
		slugs = append(slugs, b.Slug)
		users = append(users,
			ateval.User{Email: "lead." + b.Slug + "@demo.ateval", Role: ateval.RoleBoroughLead, BoroughID: b.ID},
			ateval.User{Email: "practitioner." + b.Slug + "@demo.ateval", Role: ateval.RolePractitioner, BoroughID: b.ID})
	}
	for i := range users {
		if err := auth.New(db).CreateUser(ctx, &users[i], demoPassword); err != nil {
			return err
		}
	}
	a, err := createDemoAgreement(ctx, db, slugs)
	if err != nil {
		return err
	}
	// The one borough the guide names: Camden, where the sample has it.
	example := ""
	for _, b := range bs {
		if example == "" || b.Slug == "camden" {
			example = b.Slug
		}
	}
	fmt.Fprintf(out, "\nDemo accounts, all with the password %s. Sign in as:\n", demoPassword)
	for _, r := range []struct{ role, email, what string }{
		{"practitioner", "practitioner." + example + "@demo.ateval", "registers residents, issues devices, records and corrects assessments"},
		{"borough lead", "lead." + example + "@demo.ateval", "the borough's residents and due list, the reports and their data quality"},
		{"commissioner", "commissioner@demo.ateval", "the cross-borough evidence report"},
		{"evaluator", demoEvaluator, "anonymised exports under the demo's agreement, and the report"},
		{"administrator", "admin@demo.ateval", "users, agreements and the audit log"},
	} {
		fmt.Fprintf(out, "  %-14s %-36s %s\n", r.role, r.email, r.what)
	}
	fmt.Fprintf(out, "Every borough has a practitioner.SLUG@demo.ateval and a lead.SLUG@demo.ateval; the slugs are\n%s.\n", wrap(strings.Join(slugs, ", "), "  ", 96))
	fmt.Fprintf(out, "Data sharing agreement %d (%q) names %s and covers every borough until %s.\n", a.ID, a.Name, demoEvaluator, a.ExpiresOn)
	return nil
}

// createDemoAgreement registers an agreement covering every borough, in
// force for a year, naming the demo's evaluator.
func createDemoAgreement(ctx context.Context, db *storage.DB, slugs []string) (exports.Agreement, error) {
	a := exports.Agreement{
		Name:        "Demo: evaluation of the synthetic sample",
		Purpose:     "Trying ateval's anonymised exports on the synthetic sample; no real resident is in it.",
		Parties:     []string{"The demonstration boroughs", "The demonstration evaluator"},
		LawfulBasis: "None needed: the data are synthetic",
		Boroughs:    slugs,
		ExpiresOn:   ateval.DateOf(db.Now()).AddDays(365),
		MinK:        exports.DefaultK,
		Evaluators:  []string{demoEvaluator},
	}
	if err := db.CreateAgreement(ctx, &a, forms.Default()); err != nil {
		return a, fmt.Errorf("demo agreement: %w", err)
	}
	return a, nil
}

// wrap breaks text into lines of at most width bytes at its spaces, each
// line after indent.
func wrap(text, indent string, width int) string {
	var b strings.Builder
	line := indent
	for _, w := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(w) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += w
	}
	b.WriteString(line)
	return b.String()
}
