package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ateval/ateval/storage/auth"
)

// roles are the callers of the access matrix: no one, a user of each
// role (practitioner and borough lead of Camden), and a practitioner of
// another borough (Sutton), who must find Camden's residents missing.
var matrixRoles = []string{"anonymous", "practitioner", "borough_lead", "other_borough", "commissioner", "evaluator", "admin"}

// expect is one route's answer to each of matrixRoles, in order.
type expect [7]int

const (
	ok   = http.StatusOK
	see  = http.StatusSeeOther
	unau = http.StatusUnauthorized
	forb = http.StatusForbidden
	notf = http.StatusNotFound
	noc  = http.StatusNoContent
	unpr = http.StatusUnprocessableEntity
)

// TestAccessMatrix walks every route for every role and asserts the
// answer. {cam} is a Camden resident's id, {sut} a Sutton one's. Pages
// are called with a session cookie (and its CSRF token on POSTs), the API
// with a bearer token. the README's access matrix is this table in prose.
func TestAccessMatrix(t *testing.T) {
	w := newWorld(t)
	matrix := []struct {
		method, route, path string
		want                expect
	}{
		//                                                   anon  prac  lead  other comm  eval  admin
		{"GET", "/healthz", "/healthz", expect{ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/metrics", "/metrics", expect{ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/static/*path", "/static/app.css", expect{ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/", "/", expect{ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/login", "/login", expect{ok, see, see, see, see, see, see}},
		{"POST", "/login", "/login", expect{forb, forb, forb, forb, forb, forb, forb}}, // no login CSRF cookie: see TestLoginPage
		{"POST", "/logout", "/logout", expect{forb, see, see, see, see, see, see}},
		{"GET", "/residents", "/residents", expect{see, ok, ok, ok, forb, forb, forb}},
		{"GET", "/residents/:id", "/residents/{cam}", expect{see, ok, ok, notf, forb, forb, forb}},
		{"GET", "/residents/:id", "/residents/{sut}", expect{see, notf, notf, ok, forb, forb, forb}},
		{"GET", "/reports", "/reports", expect{see, forb, ok, forb, ok, ok, forb}},
		{"GET", "/reports/report.pdf", "/reports/report.pdf", expect{see, forb, ok, forb, ok, ok, forb}},
		{"GET", "/reports/results.json", "/reports/results.json", expect{see, forb, ok, forb, ok, ok, forb}},
		{"GET", "/reports/charts/:name", "/reports/charts/none.png", expect{see, forb, notf, forb, notf, notf, forb}},
		{"GET", "/exports", "/exports", expect{see, forb, forb, forb, forb, ok, forb}},
		{"POST", "/exports", "/exports", expect{forb, forb, forb, forb, forb, http.StatusUnprocessableEntity, forb}}, // no agreement chosen: see TestExportPage
		{"GET", "/exports/codebook", "/exports/codebook", expect{see, forb, forb, forb, forb, http.StatusUnprocessableEntity, forb}},
		{"GET", "/exports/disclosure", "/exports/disclosure", expect{see, forb, forb, forb, forb, http.StatusUnprocessableEntity, forb}},
		{"GET", "/admin/agreements", "/admin/agreements", expect{see, forb, forb, forb, forb, forb, ok}},
		{"POST", "/admin/agreements/:id/evaluators", "/admin/agreements/1/evaluators", expect{forb, forb, forb, forb, forb, forb, http.StatusUnprocessableEntity}}, // no one named: see TestExportPage
		{"GET", "/api/v1/reports", "/api/v1/reports", expect{unau, forb, ok, forb, ok, ok, forb}},
		{"GET", "/api/v1/agreements", "/api/v1/agreements", expect{unau, forb, forb, forb, forb, ok, ok}},
		{"POST", "/api/v1/exports", "/api/v1/exports", expect{unau, forb, forb, forb, forb, http.StatusUnprocessableEntity, forb}}, // no body: see TestExportAPI
		{"POST", "/api/v1/federation/bundles", "/api/v1/federation/bundles", expect{unau, forb, unpr, forb, forb, forb, unpr}},     // no body: see TestPostBundle
		{"GET", "/admin/audit", "/admin/audit", expect{see, forb, forb, forb, forb, forb, ok}},
		{"GET", "/admin/users", "/admin/users", expect{see, forb, forb, forb, forb, forb, ok}},
		{"POST", "/admin/users", "/admin/users", expect{forb, forb, forb, forb, forb, forb, unpr}},
		{"GET", "/admin/users/:id", "/admin/users/{user}", expect{see, forb, forb, forb, forb, forb, ok}},
		{"POST", "/admin/users/:id", "/admin/users/{user}", expect{forb, forb, forb, forb, forb, forb, unpr}},
		{"POST", "/admin/users/:id/disabled", "/admin/users/{user}/disabled", expect{forb, forb, forb, forb, forb, forb, see}}, // enables: see TestAdminUsers
		{"POST", "/admin/users/:id/password-reset", "/admin/users/{user}/password-reset", expect{forb, forb, forb, forb, forb, forb, ok}},
		{"GET", "/admin/agreements/new", "/admin/agreements/new", expect{see, forb, forb, forb, forb, forb, ok}},
		{"POST", "/admin/agreements", "/admin/agreements", expect{forb, forb, forb, forb, forb, forb, unpr}},
		{"GET", "/admin/agreements/:id", "/admin/agreements/{agreement}", expect{see, forb, forb, forb, forb, forb, ok}},
		{"POST", "/admin/agreements/:id/min-k", "/admin/agreements/{agreement}/min-k", expect{forb, forb, forb, forb, forb, forb, unpr}},
		{"POST", "/admin/agreements/:id/end", "/admin/agreements/{agreement}/end", expect{forb, forb, forb, forb, forb, forb, see}}, // the last row to touch it: see TestAdminAgreements
		{"GET", "/admin/trials", "/admin/trials", expect{see, forb, forb, forb, forb, forb, ok}},
		{"POST", "/admin/trials", "/admin/trials", expect{forb, forb, forb, forb, forb, forb, unpr}}, // an empty form: see TestAdminTrials
		{"POST", "/admin/trials/:id/remove", "/admin/trials/999/remove", expect{forb, forb, forb, forb, forb, forb, notf}},
		{"GET", "/password-reset/:token", "/password-reset/no-such-link", expect{notf, notf, notf, notf, notf, notf, notf}},
		{"POST", "/password-reset/:token", "/password-reset/no-such-link", expect{forb, forb, forb, forb, forb, forb, forb}}, // no form token: see TestAdminUsers
		{"GET", "/admin/hub", "/admin/hub", expect{see, forb, forb, forb, forb, forb, ok}},
		{"GET", "/api/v1/openapi.json", "/api/v1/openapi.json", expect{ok, ok, ok, ok, ok, ok, ok}},
		{"POST", "/api/v1/login", "/api/v1/login", expect{ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/me", "/api/v1/me", expect{unau, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/residents", "/api/v1/residents", expect{unau, ok, ok, ok, forb, forb, forb}},
		{"GET", "/api/v1/residents/:id", "/api/v1/residents/{cam}", expect{unau, ok, ok, notf, forb, forb, forb}},
		{"GET", "/api/v1/residents/:id", "/api/v1/residents/{sut}", expect{unau, notf, notf, ok, forb, forb, forb}},
		{"GET", "/api/v1/audit", "/api/v1/audit", expect{unau, forb, forb, forb, forb, forb, ok}},
		{"POST", "/api/v1/logout", "/api/v1/logout", expect{unau, noc, noc, noc, noc, noc, noc}},
		// The practitioner's register (practitioner.go). Forms and bodies
		// are empty: 422 means the call got through to validation.
		{"GET", "/residents/new", "/residents/new", expect{see, ok, ok, ok, forb, forb, forb}},
		{"POST", "/residents", "/residents", expect{forb, unpr, unpr, unpr, forb, forb, forb}},
		{"GET", "/residents/:id/edit", "/residents/{cam}/edit", expect{see, ok, ok, notf, forb, forb, forb}},
		{"POST", "/residents/:id", "/residents/{cam}", expect{forb, unpr, unpr, notf, forb, forb, forb}},
		{"GET", "/residents/:id/objection/withdrawal", "/residents/{cam}/objection/withdrawal", expect{see, http.StatusConflict, http.StatusConflict, notf, forb, forb, forb}}, // no objection: see TestWithdrawalPage
		{"POST", "/residents/:id/objection/withdrawal", "/residents/{cam}/objection/withdrawal", expect{forb, http.StatusConflict, http.StatusConflict, notf, forb, forb, forb}},
		{"GET", "/residents/:id/device-issues/new", "/residents/{cam}/device-issues/new", expect{see, ok, ok, notf, forb, forb, forb}},
		{"POST", "/residents/:id/device-issues", "/residents/{cam}/device-issues", expect{forb, unpr, unpr, notf, forb, forb, forb}},
		{"GET", "/device-issues/:id", "/device-issues/{issue}", expect{see, ok, ok, notf, forb, forb, forb}},
		{"POST", "/device-issues/:id", "/device-issues/{issue}", expect{forb, see, see, notf, forb, forb, forb}},
		{"GET", "/residents/:id/assessments/new", "/residents/{cam}/assessments/new", expect{see, ok, ok, notf, forb, forb, forb}},
		{"POST", "/residents/:id/assessments", "/residents/{cam}/assessments", expect{forb, unpr, unpr, notf, forb, forb, forb}},
		{"GET", "/assessments/:id", "/assessments/{assessment}", expect{see, ok, ok, notf, forb, forb, forb}},
		{"GET", "/assessments/:id/correction", "/assessments/{assessment}/correction", expect{see, ok, ok, notf, forb, forb, forb}},
		{"POST", "/assessments/:id/correction", "/assessments/{assessment}/correction", expect{forb, unpr, unpr, notf, forb, forb, forb}},
		{"GET", "/assessments/:id/entered-in-error", "/assessments/{assessment}/entered-in-error", expect{see, ok, ok, notf, forb, forb, forb}},
		{"POST", "/assessments/:id/entered-in-error", "/assessments/{assessment}/entered-in-error", expect{forb, unpr, unpr, notf, forb, forb, forb}},
		{"GET", "/due", "/due", expect{see, ok, ok, ok, forb, forb, forb}},
		{"GET", "/devices", "/devices", expect{see, ok, ok, ok, ok, ok, ok}},
		{"POST", "/devices/categories", "/devices/categories", expect{forb, forb, forb, forb, forb, forb, unpr}},
		{"POST", "/api/v1/residents", "/api/v1/residents", expect{unau, unpr, unpr, unpr, forb, forb, forb}},
		{"PATCH", "/api/v1/residents/:id", "/api/v1/residents/{cam}", expect{unau, ok, ok, notf, forb, forb, forb}},
		{"PATCH", "/api/v1/residents/:id", "/api/v1/residents/{sut}", expect{unau, notf, notf, ok, forb, forb, forb}},
		{"GET", "/api/v1/residents/:id/device-issues", "/api/v1/residents/{cam}/device-issues", expect{unau, ok, ok, notf, forb, forb, forb}},
		{"POST", "/api/v1/residents/:id/device-issues", "/api/v1/residents/{cam}/device-issues", expect{unau, unpr, unpr, notf, forb, forb, forb}},
		{"PATCH", "/api/v1/device-issues/:id", "/api/v1/device-issues/{issue}", expect{unau, ok, ok, notf, forb, forb, forb}},
		{"GET", "/api/v1/residents/:id/assessments", "/api/v1/residents/{cam}/assessments", expect{unau, ok, ok, notf, forb, forb, forb}},
		{"POST", "/api/v1/residents/:id/assessments", "/api/v1/residents/{cam}/assessments", expect{unau, unpr, unpr, notf, forb, forb, forb}},
		{"GET", "/api/v1/assessments/:id", "/api/v1/assessments/{assessment}", expect{unau, ok, ok, notf, forb, forb, forb}},
		{"PATCH", "/api/v1/assessments/:id", "/api/v1/assessments/{assessment}", expect{unau, unpr, unpr, notf, forb, forb, forb}}, // no reason: see TestAssessmentAPI
		{"GET", "/api/v1/due", "/api/v1/due", expect{unau, ok, ok, ok, forb, forb, forb}},
		{"GET", "/api/v1/framework", "/api/v1/framework", expect{unau, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/devices", "/api/v1/devices", expect{unau, ok, ok, ok, ok, ok, ok}},
		{"POST", "/api/v1/device-categories", "/api/v1/device-categories", expect{unau, forb, forb, forb, forb, forb, unpr}},
	}
	issue := w.camIssue()
	assessment := w.camAssessment()
	agreement := w.exportAgreement("camden")
	ids := strings.NewReplacer("{cam}", fmt.Sprint(w.camRes.ID), "{sut}", fmt.Sprint(w.sutRes.ID), "{issue}", fmt.Sprint(issue.ID),
		"{assessment}", fmt.Sprint(assessment.ID), "{user}", fmt.Sprint(w.users["evaluator"].ID), "{agreement}", fmt.Sprint(agreement))
	for _, m := range matrix {
		for i, who := range matrixRoles {
			r := request{method: m.method, path: ids.Replace(m.path)}
			api := strings.HasPrefix(m.path, "/api/")
			if who != "anonymous" {
				email := w.users[who].Email
				if api {
					r.bearer, _ = w.session(who, auth.BearerSession)
					if m.route == "/api/v1/login" {
						r.json = fmt.Sprintf(`{"email":%q,"password":%q}`, email, testPassword)
					} else if m.method == "POST" || m.method == "PATCH" {
						r.json = `{}`
					}
				} else {
					var csrf string
					r.cookie, csrf = w.session(who, auth.CookieSession)
					if m.method == "POST" {
						r.form = url.Values{"csrf_token": {csrf}}
					}
				}
			} else if m.route == "/api/v1/login" {
				r.json = fmt.Sprintf(`{"email":%q,"password":%q}`, w.users["admin"].Email, testPassword)
			}
			rec := w.do(r)
			if got := rec.Code; got != m.want[i] {
				t.Errorf("%s %s as %s: %d, want %d\n%.300s", m.method, m.path, who, got, m.want[i], rec.Body.String())
			}
			if api && rec.Code >= 400 {
				apiError(t, rec)
			}
			if rec.Code == see && m.want[i] == see && who == "anonymous" && !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
				t.Errorf("%s %s as %s: redirected to %q, want the sign-in page", m.method, m.path, who, rec.Header().Get("Location"))
			}
		}
	}
	// Every route the router holds is in the matrix, so a new route
	// cannot go untested.
	inMatrix := map[string]bool{}
	for _, m := range matrix {
		inMatrix[m.method+" "+m.route] = true
	}
	for _, r := range w.srv.router.Routes() {
		if !inMatrix[r.Method+" "+r.Path] {
			t.Errorf("route %s %s is not in the access matrix", r.Method, r.Path)
		}
	}
}

// TestLanding sends each role, once signed in, to where its work is.
func TestLanding(t *testing.T) {
	w := newWorld(t)
	for who, want := range map[string]string{
		"practitioner": "/residents", "borough_lead": "/residents", "other_borough": "/residents",
		"commissioner": "/reports", "evaluator": "/reports", "admin": "/admin/audit",
	} {
		rec := w.loginByForm(w.users[who].Email, testPassword)
		if rec.Code != see || rec.Header().Get("Location") != want {
			t.Errorf("%s signs in: %d to %q, want %d to %q", who, rec.Code, rec.Header().Get("Location"), see, want)
		}
	}
}
