package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
)

// TestLoginPage signs in and out through the pages as a browser does, and
// checks the cookie's flags and the error summary.
func TestLoginPage(t *testing.T) {
	w := newWorld(t)
	rec := w.loginByForm("practitioner@test.example", "not the password")
	if rec.Code != unau {
		t.Fatalf("wrong password: %d, want 401", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{`class="app-error-summary"`, `href="#email"`, `id="email"`, `value="practitioner@test.example"`, "<title>Error: Sign in"} {
		if !strings.Contains(body, want) {
			t.Errorf("failed sign-in page lacks %q", want)
		}
	}
	rec = w.loginByForm("PRACTITIONER@test.example", testPassword)
	c := cookieNamed(rec, sessionCookie)
	if rec.Code != see || c == nil {
		t.Fatalf("sign in: %d, cookie %v", rec.Code, c)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP", c)
	}
	page := w.do(request{path: "/residents", cookie: c.Value})
	if page.Code != ok || !strings.Contains(page.Body.String(), "CAM-0001") || strings.Contains(page.Body.String(), "SUT-0001") {
		t.Fatalf("residents page: %d; want Camden's resident and not Sutton's", page.Code)
	}
	if strings.Contains(page.Body.String(), w.camIdentity.NHSNumber) {
		t.Error("the residents list shows an NHS number; only the record may")
	}
	if got := page.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
	csrf := csrfRE.FindStringSubmatch(page.Body.String())
	if csrf == nil {
		t.Fatal("the sign-out form has no CSRF field")
	}
	rec = w.do(request{method: "POST", path: "/logout", cookie: c.Value, form: url.Values{"csrf_token": {csrf[1]}}})
	if rec.Code != see {
		t.Fatalf("sign out: %d", rec.Code)
	}
	if rec := w.do(request{path: "/residents", cookie: c.Value}); rec.Code != see {
		t.Errorf("after sign-out the old cookie still works: %d", rec.Code)
	}

	// Behind a TLS-terminating proxy the cookie is Secure.
	w.srv = w.newServer(Config{SecureCookies: true})
	if c := cookieNamed(w.loginByForm("admin@test.example", testPassword), sessionCookie); c == nil || !c.Secure {
		t.Errorf("with SecureCookies the session cookie is %+v, want Secure", c)
	}
	// A next= pointing off-site is ignored.
	page = w.do(request{path: "/login"})
	m := csrfRE.FindStringSubmatch(page.Body.String())
	rec = w.do(request{method: "POST", path: "/login", cookies: page.Result().Cookies(),
		form: url.Values{"csrf_token": {m[1]}, "email": {"admin@test.example"}, "password": {testPassword}, "next": {"//evil.example/"}}})
	if loc := rec.Header().Get("Location"); loc != "/admin/audit" {
		t.Errorf("next=//evil.example/ redirected to %q, want /admin/audit", loc)
	}
}

// TestCSRF posts forms without their token, with another session's, and
// with the login token of another browser: each is refused.
func TestCSRF(t *testing.T) {
	w := newWorld(t)
	cookie, csrf := w.session("practitioner", auth.CookieSession)
	_, otherCSRF := w.session("borough_lead", auth.CookieSession)
	for name, form := range map[string]url.Values{
		"no token":              {},
		"empty token":           {"csrf_token": {""}},
		"another session's":     {"csrf_token": {otherCSRF}},
		"token with a tail":     {"csrf_token": {csrf + "x"}},
		"token in another name": {"csrf": {csrf}},
	} {
		if rec := w.do(request{method: "POST", path: "/logout", cookie: cookie, form: form}); rec.Code != forb {
			t.Errorf("sign-out with %s: %d, want 403", name, rec.Code)
		}
	}
	// The session lives on: the refused posts did nothing.
	if rec := w.do(request{path: "/residents", cookie: cookie}); rec.Code != ok {
		t.Errorf("after refused posts: %d, want the session alive", rec.Code)
	}
	// Sign-in: the form's token must match the cookie set with it.
	page := w.do(request{path: "/login"})
	m := csrfRE.FindStringSubmatch(page.Body.String())
	for name, r := range map[string]request{
		"no cookie":      {form: url.Values{"csrf_token": {m[1]}, "email": {"admin@test.example"}, "password": {testPassword}}},
		"no field":       {cookies: page.Result().Cookies(), form: url.Values{"email": {"admin@test.example"}, "password": {testPassword}}},
		"another cookie": {cookies: []*http.Cookie{{Name: loginCSRFCookie, Value: "forged"}}, form: url.Values{"csrf_token": {m[1]}, "email": {"admin@test.example"}, "password": {testPassword}}},
	} {
		r.method, r.path = "POST", "/login"
		if rec := w.do(r); rec.Code != forb || cookieNamed(rec, sessionCookie) != nil {
			t.Errorf("sign-in with %s: %d, want 403 and no session", name, rec.Code)
		}
	}
}

// TestTokens tries forged, expired, revoked and misplaced tokens.
func TestTokens(t *testing.T) {
	w := newWorld(t)
	rec := w.do(request{method: "POST", path: "/api/v1/login", json: `{"email":"practitioner@test.example","password":"` + testPassword + `"}`})
	var got apiLoginResponse
	if rec.Code != ok || json.Unmarshal(rec.Body.Bytes(), &got) != nil || got.Token == "" {
		t.Fatalf("POST /api/v1/login: %d %s", rec.Code, rec.Body.String())
	}
	if rec := w.do(request{path: "/api/v1/residents", bearer: got.Token}); rec.Code != ok {
		t.Fatalf("with the token: %d", rec.Code)
	}
	cookie, _ := w.session("practitioner", auth.CookieSession)
	for name, r := range map[string]request{
		"forged token":           {bearer: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		"token with a tail":      {bearer: got.Token + "A"},
		"cookie token as bearer": {bearer: cookie},
		"session cookie only":    {cookie: cookie},
		"basic auth":             {header: map[string]string{"Authorization": "Basic YWRtaW46YWRtaW4="}},
		"token in query":         {path: "/api/v1/residents?access_token=" + got.Token},
		"SQL in token":           {bearer: "' OR '1'='1"},
	} {
		if r.path == "" {
			r.path = "/api/v1/residents"
		}
		rec := w.do(r)
		if rec.Code != unau {
			t.Errorf("%s: %d, want 401", name, rec.Code)
			continue
		}
		if code, _ := apiError(t, rec); code != ateval.EUNAUTHORIZED {
			t.Errorf("%s: code %q", name, code)
		}
	}
	// A bearer token is no cookie either.
	if rec := w.do(request{path: "/residents", cookie: got.Token}); rec.Code != see {
		t.Errorf("bearer token as a cookie: %d, want a redirect to sign in", rec.Code)
	}
	// Expired: idle past the timeout, and past the absolute one.
	start := time.Now()
	defer func() { w.db.Now = time.Now }()
	w.db.Now = func() time.Time { return start.Add(w.srv.cfg.Sessions.Idle + time.Minute) }
	if rec := w.do(request{path: "/api/v1/me", bearer: got.Token}); rec.Code != unau {
		t.Errorf("idle token: %d, want 401", rec.Code)
	}
	w.db.Now = func() time.Time { return start }
	tok, _ := w.session("practitioner", auth.BearerSession)
	w.db.Now = func() time.Time { return start.Add(w.srv.cfg.Sessions.Absolute) }
	if rec := w.do(request{path: "/api/v1/me", bearer: tok}); rec.Code != unau {
		t.Errorf("token past its absolute timeout: %d, want 401", rec.Code)
	}
	w.db.Now = time.Now
	// Revoked.
	tok, _ = w.session("practitioner", auth.BearerSession)
	w.do(request{method: "POST", path: "/api/v1/logout", bearer: tok})
	if rec := w.do(request{path: "/api/v1/me", bearer: tok}); rec.Code != unau {
		t.Errorf("revoked token: %d, want 401", rec.Code)
	}
}

// TestInjection puts SQL metacharacters and other boroughs' ids wherever
// a caller can type.
func TestInjection(t *testing.T) {
	w := newWorld(t)
	tok, _ := w.session("practitioner", auth.BearerSession)
	admin, _ := w.session("admin", auth.BearerSession)
	for _, s := range []string{"'", `' OR '1'='1`, `CAM-0001'; DROP TABLE residents; --`, "%", "_", `\`, "SUT-0001", "\x00", strings.Repeat("A", 5000)} {
		rec := w.do(request{path: "/api/v1/residents?reference=" + url.QueryEscape(s), bearer: tok})
		var l residentList
		if rec.Code != ok || json.Unmarshal(rec.Body.Bytes(), &l) != nil || l.Total != 0 {
			t.Errorf("search %.40q: %d %.200s; want 200 and nothing found", s, rec.Code, rec.Body.String())
		}
		rec = w.do(request{path: "/api/v1/audit?user=" + url.QueryEscape(s) + "&action=" + url.QueryEscape(s), bearer: admin})
		if rec.Code != ok || !strings.Contains(rec.Body.String(), `"total":0`) {
			t.Errorf("audit filter %.40q: %d %.200s", s, rec.Code, rec.Body.String())
		}
		login, _ := json.Marshal(apiLoginRequest{Email: s, Password: s})
		rec = w.do(request{method: "POST", path: "/api/v1/login", json: string(login)})
		if rec.Code != unau {
			t.Errorf("login as %.40q: %d, want 401", s, rec.Code)
		}
	}
	// Ids in paths: another borough's, and things that are not ids.
	for _, id := range []string{fmt.Sprint(w.sutRes.ID), "0", "-1", "99999999", "1%20OR%201=1", fmt.Sprint(w.camRes.ID) + "'", "0x1", "1e0", "%27"} {
		rec := w.do(request{path: "/api/v1/residents/" + id, bearer: tok})
		if rec.Code != notf {
			t.Errorf("GET /api/v1/residents/%s: %d, want 404", id, rec.Code)
			continue
		}
		if code, msg := apiError(t, rec); code != ateval.ENOTFOUND || strings.Contains(msg, "Sutton") {
			t.Errorf("GET /api/v1/residents/%s: %q %q", id, code, msg)
		}
	}
	// The other borough's resident answers exactly as one that does not exist.
	a := w.do(request{path: fmt.Sprintf("/api/v1/residents/%d", w.sutRes.ID), bearer: tok}).Body.String()
	b := w.do(request{path: "/api/v1/residents/99999999", bearer: tok}).Body.String()
	if a != b {
		t.Errorf("another borough's resident answers %s, a missing one %s: existence leaks", a, b)
	}
	// Bodies: unknown fields (a borough id slipped in), wrong types, not JSON.
	for _, body := range []string{`{"email":"practitioner@test.example","password":"` + testPassword + `","borough_id":2}`,
		`{"email":1,"password":2}`, `not json`, `[]`, ``} {
		rec := w.do(request{method: "POST", path: "/api/v1/login", json: body})
		if body == `` {
			rec = w.do(request{method: "POST", path: "/api/v1/login", header: map[string]string{"Content-Type": "application/json"}})
		}
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("login body %q: %d, want 422", body, rec.Code)
		}
		apiError(t, rec)
	}
	// Audit filters that are not dates are named, not ignored.
	if rec := w.do(request{path: "/api/v1/audit?from=2026-13-01", bearer: admin}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("audit from=2026-13-01: %d, want 422", rec.Code)
	}
	adminCookie, _ := w.session("admin", auth.CookieSession)
	rec := w.do(request{path: "/admin/audit?to=yesterday", cookie: adminCookie})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `href="#to"`) {
		t.Errorf("audit page to=yesterday: %d, want 422 with an error summary linking to the field", rec.Code)
	}
}

// TestLoginRateLimit refuses sign-in after ten failures for one email,
// right password or not, on the API and the page, and names the wait.
func TestLoginRateLimit(t *testing.T) {
	w := newWorld(t)
	for i := 0; i < 10; i++ {
		w.do(request{method: "POST", path: "/api/v1/login", json: `{"email":"practitioner@test.example","password":"guess"}`})
	}
	rec := w.do(request{method: "POST", path: "/api/v1/login", json: `{"email":"practitioner@test.example","password":"` + testPassword + `"}`})
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("11th attempt: %d, want 429", rec.Code)
	}
	if code, msg := apiError(t, rec); code != ateval.ERATELIMITED || !strings.Contains(msg, "15 minutes") {
		t.Errorf("429 body: %q %q", code, msg)
	}
	if rec := w.loginByForm("practitioner@test.example", testPassword); rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "too many failed attempts") {
		t.Errorf("page sign-in while limited: %d", rec.Code)
	}
	// Another account from the same address is not locked out by it.
	if rec := w.loginByForm("borough_lead@test.example", testPassword); rec.Code != see {
		t.Errorf("another account: %d, want a sign-in", rec.Code)
	}
}

// TestAuditAndLogsHoldNoPersonalData reads a record and checks the audit
// log names it by id only, and the logs not at all.
func TestAuditAndLogsHoldNoPersonalData(t *testing.T) {
	w := newWorld(t)
	w.loginByForm("practitioner@test.example", testPassword)
	tok, _ := w.session("practitioner", auth.BearerSession)
	rec := w.do(request{path: fmt.Sprintf("/api/v1/residents/%d", w.camRes.ID), bearer: tok})
	if rec.Code != ok || !strings.Contains(rec.Body.String(), w.camIdentity.NHSNumber) {
		t.Fatalf("record: %d; want it with its NHS number", rec.Code)
	}
	w.do(request{path: "/api/v1/residents?reference=CAM-0001", bearer: tok})
	entries, _, err := w.db.AuditLog(ateval.SystemContext(context.Background()), storage.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var read bool
	for _, e := range entries {
		if e.Action == ateval.ActionReadResident && e.ResidentID == w.camRes.ID && e.UserID == w.users["practitioner"].ID && e.RemoteAddr != "" {
			read = true
		}
	}
	if !read {
		t.Errorf("no read_resident entry with who and from where in %+v", entries)
	}
	all, _ := json.Marshal(entries)
	logs := w.logs.String()
	for _, secret := range []string{w.camIdentity.NHSNumber, w.camIdentity.FamilyName, w.camIdentity.Postcode, "CAM-0001", testPassword} {
		if strings.Contains(string(all), secret) {
			t.Errorf("the audit log holds %q", secret)
		}
		if strings.Contains(logs, secret) {
			t.Errorf("the logs hold %q", secret)
		}
	}
	if strings.Contains(logs, "@test.example") {
		t.Error("the logs hold a user's email")
	}
	if !strings.Contains(logs, `"route":"/api/v1/residents/:id"`) {
		t.Errorf("the logs do not name requests by route:\n%.500s", logs)
	}
}

// TestSecurityHeaders checks every answer, page or API, carries them.
func TestSecurityHeaders(t *testing.T) {
	w := newWorld(t)
	for _, p := range []string{"/", "/login", "/api/v1/residents", "/no-such-page"} {
		h := w.do(request{path: p}).Header()
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", p, h)
		}
	}
}
