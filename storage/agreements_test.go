package storage_test

import (
	"context"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/sharing"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

func TestAgreements(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		b, _, _ := fixture(t, db)
		ctx := ateval.SystemContext(context.Background())
		f := forms.Default()
		a := sharing.Agreement{Name: "UCL falls study", Parties: []string{"Camden Council", "UCL, Dept of X"}, Purpose: "falls outcomes",
			LawfulBasis: "UK GDPR 6(1)(e)", Boroughs: []string{b.Slug}, Instruments: []string{"swemwbs"}, ExpiresOn: ateval.NewDate(2099, 1, 1), MinK: 10}
		if err := db.CreateAgreement(ctx, &a, f); err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 {
			t.Fatalf("CreateAgreement set ID %d", a.ID)
		}
		got, err := db.Agreement(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != a.Name || len(got.Boroughs) != 1 || got.Boroughs[0] != "camden" ||
			len(got.Parties) != 2 || got.Parties[1] != "UCL, Dept of X" || got.Instruments[0] != "swemwbs" || got.ExpiresOn != a.ExpiresOn || got.MinK != 10 {
			t.Errorf("Agreement = %+v, want what was stored, %+v", got, a)
		}
		second := a
		second.ID, second.Name, second.MinK = 0, "Second", 0
		if err := db.CreateAgreement(ctx, &second, f); err != nil {
			t.Fatal(err)
		}
		if all, err := db.Agreements(ctx); err != nil || len(all) != 2 || all[0].MinK != sharing.DefaultK || all[1].MinK != 10 {
			t.Errorf("Agreements = %+v (%v); want the second with the default minimum k, 5, the first with 10", all, err)
		}
		// Two agreements have two keys: their pseudonyms differ.
		one, two := subjects(t, db, ctx, a.ID, "camden"), subjects(t, db, ctx, second.ID, "camden")
		for ps := range one {
			if _, ok := two[ps]; ok || len(one) != 1 || len(two) != 1 {
				t.Errorf("two agreements give pseudonyms %v and %v", one, two)
			}
		}

		for _, tc := range []struct {
			name string
			ctx  context.Context
			a    sharing.Agreement
			code string
		}{
			{"unknown borough", ctx, sharing.Agreement{Name: "x", Purpose: "p", Boroughs: []string{"atlantis"}, ExpiresOn: ateval.NewDate(2099, 1, 1)}, ateval.EINVALID},
			{"a minimum k of 1", ctx, sharing.Agreement{Name: "v", Purpose: "p", Boroughs: []string{"camden"}, ExpiresOn: ateval.NewDate(2099, 1, 1), MinK: 1}, ateval.EINVALID},
			{"already expired", ctx, sharing.Agreement{Name: "y", Purpose: "p", Boroughs: []string{"camden"}, ExpiresOn: ateval.NewDate(2000, 1, 1)}, ateval.EINVALID},
			{"same name", ctx, sharing.Agreement{Name: "UCL falls study", Purpose: "p", Boroughs: []string{"camden"}, ExpiresOn: ateval.NewDate(2099, 1, 1)}, ateval.ECONFLICT},
			{"evaluator may not register", as(&ateval.User{ID: 9, Email: "e@ucl.ac.uk", Role: ateval.RoleEvaluator}),
				sharing.Agreement{Name: "z", Purpose: "p", Boroughs: []string{"camden"}, ExpiresOn: ateval.NewDate(2099, 1, 1)}, ateval.EFORBIDDEN},
			{"no user", context.Background(), sharing.Agreement{Name: "w", Purpose: "p", Boroughs: []string{"camden"}, ExpiresOn: ateval.NewDate(2099, 1, 1)}, ateval.EUNAUTHORIZED},
		} {
			if err := db.CreateAgreement(tc.ctx, &tc.a, f); ateval.ErrorCode(err) != tc.code {
				t.Errorf("%s: CreateAgreement error %v, want code %s", tc.name, err, tc.code)
			}
		}
		if _, err := db.Agreement(ctx, 999); ateval.ErrorCode(err) != ateval.ENOTFOUND {
			t.Errorf("Agreement(999) error %v, want not found", err)
		}
		practitioner := as(&ateval.User{ID: 3, Email: "p@camden.gov.uk", Role: ateval.RolePractitioner, BoroughID: b.ID})
		if _, err := db.Agreement(practitioner, a.ID); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("a practitioner reading an agreement: error %v, want forbidden", err)
		}
	})
}
