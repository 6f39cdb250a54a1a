package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage/auth"
)

// TestAdminUsers is issue 17's done-when for the administrator's user
// pages, on the committed sample: add a user, who sets their password by
// the one-time link shown once and signs in; change their role and
// borough; disable them; read it all in the audit log.
func TestAdminUsers(t *testing.T) {
	site := Start(t, Options{Sample: true})
	b := site.NewBrowser(t)
	b.Login("admin@demo.ateval")
	b.Visit("/admin/users")
	if got := b.Text("main table"); !strings.Contains(got, "practitioner.camden@demo.ateval") || !strings.Contains(got, "Camden") {
		t.Errorf("the users page: %.300q", got)
	}
	b.Shots("users")
	b.Fill("#email", "new.worker@camden.example")
	b.Submit("main form button[type=submit]")
	if got := b.Text(".app-error-summary"); !strings.Contains(got, "Choose the borough") {
		t.Errorf("a practitioner with no borough: %q", got)
	}
	b.Shots("users-error")
	b.Select("#borough", fmt.Sprint(site.Boroughs["camden"].ID))
	b.Submit("main form button[type=submit]")
	link := b.Text("#link")
	if !strings.Contains(link, "/password-reset/") {
		t.Fatalf("no link shown: %q", b.Text("main"))
	}
	b.Shots("link")

	// The new user, signed out in a browser of their own.
	n := site.NewBrowser(t)
	n.Visit(link[strings.Index(link, "/password-reset/"):])
	if got := n.Text("h1"); !strings.Contains(got, "new.worker@camden.example") {
		t.Errorf("the link's page is headed %q", got)
	}
	n.Fill("#password", "a new worker's password")
	n.Fill("#password_again", "a new worker's password")
	n.Shots("set-password")
	n.Submit("main form button[type=submit]")
	if got := n.Text("#notification"); !strings.Contains(got, "Your password is set") {
		t.Errorf("after setting the password: %q", got)
	}
	n.Fill("#email", "new.worker@camden.example")
	n.Fill("#password", "a new worker's password")
	n.Submit("main form button[type=submit]")
	if p := n.Path(); p != "/residents" {
		t.Errorf("the new practitioner signed in to %s, want /residents", p)
	}

	// The administrator makes them Sutton's borough lead, then disables them.
	accounts, err := auth.New(site.DB).Accounts(ateval.SystemContext(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	var userPath string
	for _, a := range accounts {
		if a.Email == "new.worker@camden.example" {
			userPath = fmt.Sprintf("/admin/users/%d", a.ID)
		}
	}
	b.Visit("/admin/users")
	b.Submit(`main table a[href="` + userPath + `"]`)
	b.Click("#role-borough_lead")
	b.Select("#borough", fmt.Sprint(site.Boroughs["sutton"].ID))
	b.Submit(`form[action="` + userPath + `"] button[type=submit]`)
	if got := b.Text("main dl"); !strings.Contains(got, "Borough lead") || !strings.Contains(got, "Sutton") {
		t.Errorf("after the change: %q", got)
	}
	b.Shots("user")
	b.Submit(`form[action$="/disabled"] button[type=submit]`)
	if got := b.Text("#status"); got != "Disabled" {
		t.Errorf("after disabling: status %q", got)
	}
	n.Visit("/residents")
	if p := n.Path(); !strings.HasPrefix(p, "/login") {
		t.Errorf("the disabled user still reaches %s", p)
	}
	b.Visit("/admin/audit?action=disable_user")
	if got := b.Text("main table"); !strings.Contains(got, "Disabled a user") || !strings.Contains(got, "User new.worker@camden.example") {
		t.Errorf("the audit log's disabling: %q", got)
	}
	b.Shots("audit")
}

// TestAdminAgreements is issue 17's done-when for the administrator's
// agreement pages, on the committed sample: register an agreement naming
// the demo evaluator, who can then export under it; set its minimum k;
// end it early, after which the export is refused.
func TestAdminAgreements(t *testing.T) {
	site := Start(t, Options{Sample: true})
	b := site.NewBrowser(t)
	b.Login("admin@demo.ateval")
	b.Visit("/admin/agreements")
	b.Shots("agreements-empty")
	b.Submit(`a[href="/admin/agreements/new"]`)
	b.Fill("#name", "KCL telecare study")
	b.Fill("#purpose", "Whether telecare delays care home admission")
	b.Fill("#parties", "London Borough of Camden\nKing's College London")
	b.Fill("#min_k", "1")
	b.Submit("main form button[type=submit]")
	summary := b.Text(".app-error-summary")
	for _, want := range []string{"Choose at least one borough", "Date it ends is required", "Minimum k must be a whole number from 2"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary %q lacks %q", summary, want)
		}
	}
	b.Shots("agreement-errors")
	b.Click(`input[name=boroughs][value=camden]`)
	b.Click(`input[name=boroughs][value=brent]`)
	b.Fill("#expires_on-day", "1")
	b.Fill("#expires_on-month", "4")
	b.Fill("#expires_on-year", fmt.Sprint(site.DB.Now().Year()+2))
	b.Fill("#min_k", "5")
	b.Click(`input[name=evaluators][value="evaluator@demo.ateval"]`)
	b.Submit("main form button[type=submit]")
	if got := b.Text("#notification"); !strings.Contains(got, "Agreement registered") {
		t.Fatalf("after registering: %q\n%s", got, b.Text("main"))
	}
	if got := b.Text("#evaluators"); got != "evaluator@demo.ateval" {
		t.Errorf("evaluators named: %q", got)
	}
	b.Shots("agreement")

	e := site.NewBrowser(t)
	e.Login("evaluator@demo.ateval")
	e.Visit("/exports")
	if got := e.Text("main"); !strings.Contains(got, "KCL telecare study") {
		t.Errorf("the evaluator's exports page lacks the agreement: %.300q", got)
	}

	b.Fill("#min_k", "8")
	b.Submit(`form[action$="/min-k"] button[type=submit]`)
	if got := b.Text("#min-k"); got != "8" {
		t.Errorf("minimum k after setting: %q", got)
	}
	b.Submit(`form[action$="/end"] button[type=submit]`)
	if got := b.Text("#status"); !strings.Contains(got, "Ended") {
		t.Errorf("after ending: status %q", got)
	}
	b.Shots("agreement-ended")
	b.Visit("/admin/agreements")
	if got := b.Text("main table"); !strings.Contains(got, "KCL telecare study") || !strings.Contains(got, "Expired") {
		t.Errorf("the register: %q", got)
	}
	b.Shots("agreements")
	b.Visit("/admin/audit?action=end_agreement")
	if got := b.Text("main table"); !strings.Contains(got, "Agreement “KCL telecare study”") {
		t.Errorf("the audit log's ending: %q", got)
	}
}
