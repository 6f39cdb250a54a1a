package storage_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/sharing"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestAgreementMembers names evaluators on agreements and checks that an
// evaluator reads (and so may export under) only the agreements naming
// them, while an administrator sees the whole register.
func TestAgreementMembers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		b, _, _ := fixture(t, db)
		sys := ateval.SystemContext(context.Background())
		users := map[string]*ateval.User{}
		for _, u := range []*ateval.User{
			{Email: "ann@ucl.example", Role: ateval.RoleEvaluator},
			{Email: "bob@lse.example", Role: ateval.RoleEvaluator},
			{Email: "cat@gla.example", Role: ateval.RoleCommissioner},
			{Email: "admin@x.example", Role: ateval.RoleAdmin},
		} {
			if err := auth.New(db).CreateUser(sys, u, "a long enough password"); err != nil {
				t.Fatal(err)
			}
			users[u.Email] = u
		}
		f := forms.Default()
		mine := sharing.Agreement{Name: "Ann's", Purpose: "p", Boroughs: []string{b.Slug}, ExpiresOn: ateval.NewDate(2099, 1, 1),
			Evaluators: []string{"ANN@ucl.example "}}
		if err := db.CreateAgreement(sys, &mine, f); err != nil {
			t.Fatal(err)
		}
		theirs := sharing.Agreement{Name: "Bob's", Purpose: "p", Boroughs: []string{b.Slug}, ExpiresOn: ateval.NewDate(2099, 1, 1)}
		if err := db.CreateAgreement(sys, &theirs, f); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAgreementEvaluators(sys, theirs.ID, []string{"bob@lse.example", "bob@lse.example"}); err != nil {
			t.Fatal(err)
		}
		// Naming someone twice is harmless.
		if err := db.AddAgreementEvaluators(sys, theirs.ID, []string{"bob@lse.example"}); err != nil {
			t.Fatal(err)
		}
		ann, bob := as(users["ann@ucl.example"]), as(users["bob@lse.example"])
		if _, err := db.Agreement(ann, mine.ID); err != nil {
			t.Errorf("Ann reads her own agreement: %v", err)
		}
		if _, err := db.Agreement(ann, theirs.ID); ateval.ErrorCode(err) != ateval.EFORBIDDEN || !strings.Contains(ateval.ErrorMessage(err), "not named") {
			t.Errorf("Ann reads Bob's agreement: %v, want forbidden, saying she is not named on it", err)
		}
		for _, tc := range []struct {
			name string
			ctx  context.Context
			want []string // names, newest first
			code string
		}{
			{"ann", ann, []string{"Ann's"}, ""},
			{"bob", bob, []string{"Bob's"}, ""},
			{"admin", as(users["admin@x.example"]), []string{"Bob's", "Ann's"}, ""},
			{"commissioner", as(users["cat@gla.example"]), nil, ateval.EFORBIDDEN},
		} {
			got, err := db.Agreements(tc.ctx)
			if ateval.ErrorCode(err) != tc.code {
				t.Errorf("%s: Agreements error %v, want code %q", tc.name, err, tc.code)
				continue
			}
			var names []string
			for _, a := range got {
				names = append(names, a.Name)
				if tc.name != "admin" && a.Evaluators != nil {
					t.Errorf("%s: an evaluator's listing names the evaluators %v", tc.name, a.Evaluators)
				}
				if len(a.Boroughs) != 1 || a.Boroughs[0] != b.Slug {
					t.Errorf("%s: agreement %d boroughs %v", tc.name, a.ID, a.Boroughs)
				}
			}
			if !reflect.DeepEqual(names, tc.want) {
				t.Errorf("%s: Agreements = %v, want %v", tc.name, names, tc.want)
			}
			if tc.name == "admin" && (!reflect.DeepEqual(got[0].Evaluators, []string{"bob@lse.example"}) || !reflect.DeepEqual(got[1].Evaluators, []string{"ann@ucl.example"})) {
				t.Errorf("admin: evaluators %v and %v", got[0].Evaluators, got[1].Evaluators)
			}
		}
		for _, tc := range []struct {
			name   string
			ctx    context.Context
			id     int64
			emails []string
			code   string
		}{
			{"not an evaluator", sys, mine.ID, []string{"cat@gla.example"}, ateval.EINVALID},
			{"no such user", sys, mine.ID, []string{"nobody@x.example"}, ateval.EINVALID},
			{"no such agreement", sys, 999, []string{"ann@ucl.example"}, ateval.ENOTFOUND},
			{"an evaluator names herself", ann, theirs.ID, []string{"ann@ucl.example"}, ateval.EFORBIDDEN},
		} {
			if err := db.AddAgreementEvaluators(tc.ctx, tc.id, tc.emails); ateval.ErrorCode(err) != tc.code {
				t.Errorf("%s: error %v, want code %s", tc.name, err, tc.code)
			}
		}
		// A failed creation names no one and registers nothing.
		bad := sharing.Agreement{Name: "Bad", Purpose: "p", Boroughs: []string{b.Slug}, ExpiresOn: ateval.NewDate(2099, 1, 1), Evaluators: []string{"cat@gla.example"}}
		if err := db.CreateAgreement(sys, &bad, f); ateval.ErrorCode(err) != ateval.EINVALID {
			t.Errorf("agreement naming a commissioner: %v, want invalid", err)
		}
		if all, _ := db.Agreements(sys); len(all) != 2 {
			t.Errorf("after a refused creation the register holds %d agreements, want 2", len(all))
		}
		es, _, err := db.AuditLog(sys, storage.AuditFilter{Action: storage.ActionAddAgreementMember})
		if err != nil || len(es) != 2 {
			t.Errorf("audit entries for naming evaluators: %d (%v), want 2", len(es), err)
		}
	})
}
