package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
)

// demoPassword is published: demo accounts exist only in the database
// `ateval demo` creates, never through `ateval serve`.
const demoPassword = "demo-password"

// createDemoAccounts adds an administrator, a commissioner, an evaluator,
// and a borough lead and practitioner per borough, and prints them.
func createDemoAccounts(ctx context.Context, db *storage.DB, out io.Writer) error {
	ctx = ateval.SystemContext(ctx)
	bs, err := db.View(ctx).Boroughs()
	if err != nil {
		return err
	}
	users := []ateval.User{
		{Email: "admin@demo.ateval", Role: ateval.RoleAdmin},
		{Email: "commissioner@demo.ateval", Role: ateval.RoleCommissioner},
		{Email: "evaluator@demo.ateval", Role: ateval.RoleEvaluator},
	}
	slugs := map[int64]string{}
	for _, b := range bs {
		slugs[b.ID] = b.Slug
		users = append(users,
			ateval.User{Email: "lead." + b.Slug + "@demo.ateval", Role: ateval.RoleBoroughLead, BoroughID: b.ID},
			ateval.User{Email: "practitioner." + b.Slug + "@demo.ateval", Role: ateval.RolePractitioner, BoroughID: b.ID})
	}
	fmt.Fprintf(out, "\nDemo accounts (password for all: %s):\n", demoPassword)
	for i := range users {
		u := &users[i]
		if err := db.CreateUser(ctx, u, demoPassword); err != nil {
			return err
		}
		fmt.Fprintf(out, "  %-48s %-13s %s\n", u.Email, u.Role, slugs[u.BoroughID])
	}
	return nil
}
