package exports

import (
	"context"
	"errors"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/sharing"
)

// TestRefusalEntry checks what the audit log records of a refused export:
// the agreement, the code and the reason, and nothing of what the user
// typed; and that an internal fault is no refusal.
func TestRefusalEntry(t *testing.T) {
	src := population(60)
	expired, strict := agreement(3), agreement(3)
	expired.ExpiresOn, strict.MinK = ateval.NewDate(2026, 1, 1), 10
	for _, tc := range []struct {
		name   string
		opt    Options
		detail string
	}{
		{"expired", Options{Agreement: expired}, "refused: forbidden, agreement_expired"},
		{"borough outside", Options{Agreement: agreement(3), Boroughs: []string{"brent"}}, "refused: forbidden, borough_outside_agreement"},
		{"k below the minimum", Options{Agreement: strict, K: 6}, "refused: invalid, k_below_agreement_minimum"},
		{"too few residents", Options{Agreement: agreement(3), K: 61}, "refused: invalid, too_few_residents"},
		{"a third layout", Options{Agreement: agreement(3), Layout: "tall"}, "refused: invalid, invalid_request"},
	} {
		tc.opt.Today = ateval.NewDate(2026, 11, 23)
		_, err := Prepare(context.Background(), src, tc.opt)
		e, ok := sharing.RefusalEntry(3, err)
		if !ok || e.Action != ateval.ActionExportRefused || e.ObjectType != "agreement" || e.ObjectID != 3 || e.Detail != tc.detail {
			t.Errorf("%s: sharing.RefusalEntry(%v) = %+v, %v; want %q", tc.name, err, e, ok, tc.detail)
		}
	}
	if e, ok := sharing.RefusalEntry(3, ateval.Errorf(ateval.EFORBIDDEN, "You are not named on data sharing agreement 3.")); !ok || e.Detail != "refused: forbidden" {
		t.Errorf("a refusal from the source: %+v, %v; want its code alone", e, ok)
	}
	for _, err := range []error{nil, errors.New("disk full"), ateval.Errorf(ateval.EUNAUTHORIZED, "Sign in.")} {
		if e, ok := sharing.RefusalEntry(3, err); ok {
			t.Errorf("sharing.RefusalEntry(%v) = %+v: an error that refuses nothing recorded as a refusal", err, e)
		}
	}
}
