package server

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage/auth"
)

var linkRE = regexp.MustCompile(`/password-reset/([A-Za-z0-9_-]+)`)

// TestAdminUsers: an administrator adds a user and is shown, once, the
// link the user sets their password with; the user sets it and signs in;
// the administrator changes their role and disables them; all audited,
// and the audit viewer names the user and the borough.
func TestAdminUsers(t *testing.T) {
	w := newWorld(t)
	admin := w.browse("admin")
	code, body, _ := admin.post("/admin/users", url.Values{"email": {"not an email"}, "role": {"practitioner"}})
	if code != unpr || !strings.Contains(body, "Email address must be an email address") || !strings.Contains(body, "Choose the borough") {
		t.Errorf("a bad user: %d\n%.2000s", code, body)
	}
	code, body, _ = admin.post("/admin/users", url.Values{"email": {"new.prac@camden.example"}, "role": {"practitioner"}, "borough": {fmt.Sprint(w.camden.ID)}})
	m := linkRE.FindStringSubmatch(body)
	if code != ok || m == nil || !strings.Contains(body, "only time the link is shown") {
		t.Fatalf("adding: %d\n%.2000s", code, body)
	}
	link := m[0]
	// The new user opens the link, signed out, and sets a password.
	page := w.do(request{path: link})
	csrf := csrfRE.FindStringSubmatch(page.Body.String())
	if page.Code != ok || csrf == nil || !strings.Contains(page.Body.String(), "new.prac@camden.example") {
		t.Fatalf("the link's page: %d", page.Code)
	}
	set := func(pw, again string) (int, string) {
		rec := w.do(request{method: "POST", path: link, cookies: page.Result().Cookies(),
			form: url.Values{"csrf_token": {csrf[1]}, "password": {pw}, "password_again": {again}}})
		return rec.Code, rec.Header().Get("Location")
	}
	if code, _ := set("a long enough password", "a long enough passwore"); code != unpr {
		t.Errorf("passwords that differ: %d", code)
	}
	if code, _ := set("short", "short"); code != unpr {
		t.Errorf("a short password: %d", code)
	}
	if code, loc := set("a long enough password", "a long enough password"); code != see || loc != "/login?notice=password-set" {
		t.Fatalf("setting the password: %d %q", code, loc)
	}
	if code, _ := set("another long password", "another long password"); code != notf {
		t.Errorf("the link used again: %d, want 404", code)
	}
	if rec := w.loginByForm("new.prac@camden.example", "a long enough password"); rec.Code != see {
		t.Errorf("signing in with the password set: %d", rec.Code)
	}
	accounts, err := auth.New(w.db).Accounts(ateval.SystemContext(t.Context()))
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, a := range accounts {
		if a.Email == "new.prac@camden.example" {
			id = a.ID
		}
	}
	path := fmt.Sprintf("/admin/users/%d", id)
	if code, _, loc := admin.post(path, url.Values{"role": {"borough_lead"}, "borough": {fmt.Sprint(w.sutton.ID)}}); code != see || !strings.HasSuffix(loc, "notice=user-changed") {
		t.Errorf("changing the role: %d %q", code, loc)
	}
	if code, body, _ := admin.post(path, url.Values{"role": {"commissioner"}, "borough": {fmt.Sprint(w.sutton.ID)}}); code != see {
		t.Errorf("a commissioner, the borough left chosen: %d\n%.1500s", code, body)
	}
	if code, _, _ := admin.post(path+"/disabled", url.Values{"disabled": {"true"}}); code != see {
		t.Errorf("disabling: %d", code)
	}
	if _, body := admin.get(path); !strings.Contains(body, "Enable the account") {
		t.Error("the disabled user's page offers no way to enable them")
	}
	if rec := w.loginByForm("new.prac@camden.example", "a long enough password"); rec.Code == see {
		t.Error("a disabled user signs in")
	}
	if code, _, _ := admin.post(fmt.Sprintf("/admin/users/%d/disabled", w.users["admin"].ID), url.Values{"disabled": {"true"}}); code != 409 {
		t.Errorf("an administrator disables themselves: %d, want 409", code)
	}
	_, body = admin.get("/admin/audit")
	for _, want := range []string{"Added a user", "Set a password from a reset link", "Changed a user&#39;s role or borough", "Disabled a user", "User new.prac@camden.example"} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit viewer lacks %q", want)
		}
	}
}

// TestAdminAgreements: an administrator registers an agreement naming an
// evaluator, sets its minimum k and ends it; the audit viewer names it.
func TestAdminAgreements(t *testing.T) {
	w := newWorld(t)
	admin := w.browse("admin")
	if code, body := admin.get("/admin/agreements/new"); code != ok || !strings.Contains(body, "evaluator@test.example") || !strings.Contains(body, "Camden") {
		t.Fatalf("the register form: %d", code)
	}
	form := url.Values{"name": {"UCL falls study"}, "purpose": {"Falls outcomes"}, "parties": {"London Borough of Camden\nUCL"},
		"min_k": {"1"}, "expires_on-day": {"1"}, "expires_on-month": {"1"}, "expires_on-year": {"2099"}, "evaluators": {"evaluator@test.example"}}
	code, body, _ := admin.post("/admin/agreements", form)
	if code != unpr || !strings.Contains(body, "Choose at least one borough") || !strings.Contains(body, "Minimum k must be a whole number from 2") {
		t.Errorf("an agreement with no borough and k of 1: %d\n%.2500s", code, body)
	}
	form.Set("min_k", "5")
	form["boroughs"] = []string{"camden"}
	code, _, loc := admin.post("/admin/agreements", form)
	if code != see || !strings.Contains(loc, "notice=agreement-registered") {
		t.Fatalf("registering: %d %q", code, loc)
	}
	path, _, _ := strings.Cut(loc, "?")
	_, body = admin.get(path)
	for _, want := range []string{"UCL falls study", "evaluator@test.example", "London Borough of Camden; UCL", "In force"} {
		if !strings.Contains(body, want) {
			t.Errorf("the agreement's page lacks %q", want)
		}
	}
	if code, _, _ := admin.post(path+"/min-k", url.Values{"min_k": {"12"}}); code != see {
		t.Errorf("setting k: %d", code)
	}
	if code, _, _ := admin.post(path+"/end", url.Values{}); code != see {
		t.Errorf("ending: %d", code)
	}
	_, body = admin.get(path)
	if !strings.Contains(body, `<dd class="app-summary-list__value" id="min-k">12</dd>`) || !strings.Contains(body, "Ended ") {
		t.Errorf("after k and the end: %.3000s", body)
	}
	tok, _ := w.session("evaluator", auth.BearerSession)
	id := strings.TrimPrefix(path, "/admin/agreements/")
	if rec := w.do(request{method: "POST", path: "/api/v1/exports", bearer: tok, json: `{"agreement":` + id + `}`}); rec.Code != forb {
		t.Errorf("an export under the ended agreement: %d, want 403", rec.Code)
	}
	_, body = admin.get("/admin/audit")
	for _, want := range []string{"Registered a data sharing agreement", "Set an agreement&#39;s minimum k", "Ended an agreement early", "Agreement “UCL falls study”", "user evaluator@test.example"} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit viewer lacks %q", want)
		}
	}
}
