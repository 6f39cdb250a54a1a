package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
)

// TestRoleRefusalsAreAudited has roles refused by a route's guard try
// pages and API calls, with personal data in the query string: each 403
// leaves an access_denied row with the user, the route's method and
// pattern and the role, from the client's address, and nothing of the
// query or the path's values. A signed-out visitor is refused unaudited.
// The administrator finds the rows by the viewer's action filter.
func TestRoleRefusalsAreAudited(t *testing.T) {
	w := newWorld(t)
	comm, _ := w.session("commissioner", auth.CookieSession)
	eval, _ := w.session("evaluator", auth.BearerSession)
	admin, _ := w.session("admin", auth.CookieSession)
	prac, _ := w.session("practitioner", auth.BearerSession)
	query := "?reference=CAM-0001&name=" + w.camIdentity.FamilyName
	for _, c := range []struct {
		r      request
		want   int
		detail string // "" for no row
	}{
		{request{path: fmt.Sprintf("/residents/%d%s", w.camRes.ID, query), cookie: comm}, forb, "GET /residents/:id as commissioner"},
		{request{path: "/residents" + query, cookie: comm}, forb, "GET /residents as commissioner"},
		{request{path: "/api/v1/residents" + query, bearer: eval}, forb, "GET /api/v1/residents as evaluator"},
		{request{path: fmt.Sprintf("/api/v1/residents/%d", w.camRes.ID), bearer: eval}, forb, "GET /api/v1/residents/:id as evaluator"},
		{request{path: "/residents" + query, cookie: admin}, forb, "GET /residents as admin"},
		{request{path: "/api/v1/audit?user=admin@test.example", bearer: prac}, forb, "GET /api/v1/audit as practitioner"},
		{request{path: "/residents" + query}, see, ""},
		{request{path: "/api/v1/residents" + query}, unau, ""},
	} {
		c.r.header = map[string]string{"X-Forwarded-For": "203.0.113.9"} // not trusted: the address is the peer's
		if rec := w.do(c.r); rec.Code != c.want {
			t.Errorf("GET %s: %d, want %d", c.r.path, rec.Code, c.want)
		}
	}
	es, _, err := w.db.AuditLog(ateval.SystemContext(context.Background()), storage.AuditFilter{Action: ateval.ActionAccessDenied})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Detail)
		if e.UserID == 0 || e.UserEmail == "" || e.RemoteAddr != "192.0.2.1" {
			t.Errorf("row %+v: want who and from where (httptest's peer, 192.0.2.1)", e)
		}
		for _, secret := range []string{"CAM-0001", w.camIdentity.FamilyName, "/" + fmt.Sprint(w.camRes.ID), "admin@test.example"} {
			if strings.Contains(e.Detail, secret) {
				t.Errorf("row %+v holds %q from the request", e, secret)
			}
		}
	}
	want := []string{ // newest first
		"GET /api/v1/audit as practitioner", "GET /residents as admin", "GET /api/v1/residents/:id as evaluator",
		"GET /api/v1/residents as evaluator", "GET /residents as commissioner", "GET /residents/:id as commissioner",
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("access_denied rows\n got %q\nwant %q", got, want)
	}
	page := w.do(request{path: "/admin/audit?action=access_denied", cookie: admin})
	if page.Code != ok || !strings.Contains(page.Body.String(), `<option value="access_denied" selected>`) ||
		!strings.Contains(page.Body.String(), "GET /residents/:id as commissioner") || !strings.Contains(page.Body.String(), "6 entries") {
		t.Errorf("the viewer filtered by access_denied: %d\n%.2000s", page.Code, page.Body.String())
	}
}
