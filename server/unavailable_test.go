package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestBusyDatabaseAnswers503 holds the database's write lock from another
// connection, as an import does, while a practitioner registers a
// resident through the API and through the page, and someone signs in:
// each is answered 503 with Retry-After and a message that says to try
// again (never 500), JSON for the API and a page for the browser; reads
// go on; and once the lock is released the same requests succeed.
func TestBusyDatabaseAnswers503(t *testing.T) {
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			db, err := storage.OpenWith(context.Background(), d.URL, storage.Options{LockTimeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			w := newWorldOn(t, db)
			tok, _ := w.session("practitioner", auth.BearerSession)
			cookie, csrf := w.session("practitioner", auth.CookieSession)
			register := func(ref string) []request {
				return []request{
					{method: "POST", path: "/api/v1/residents", bearer: tok, json: `{"reference":"` + ref + `-API","year_of_birth":1941,"sex":"female",
						"ethnic_group":"white","living_alone":true,"primary_support_reason":"physical","registered_on":"2025-01-01"}`},
					{method: "POST", path: "/residents", cookie: cookie, form: url.Values{"csrf_token": {csrf}, "reference": {ref + "-PAGE"},
						"year_of_birth": {"1941"}, "sex": {"female"}, "ethnic_group": {"white"}, "living_alone": {"yes"},
						"primary_support_reason": {"physical"}, "registered_on-day": {"1"}, "registered_on-month": {"1"}, "registered_on-year": {"2025"}}},
					{method: "POST", path: "/api/v1/login", json: `{"email":"borough_lead@test.example","password":"` + testPassword + `"}`},
				}
			}

			release := storagetest.HoldWriteLock(t, d.URL)
			for _, r := range register("BUSY") {
				rec := w.do(r)
				if rec.Code != http.StatusServiceUnavailable {
					t.Errorf("%s %s while the lock is held: %d, want 503\n%s", r.method, r.path, rec.Code, rec.Body.String())
					continue
				}
				if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s < 1 {
					t.Errorf("%s %s: Retry-After %q, want whole seconds", r.method, r.path, rec.Header().Get("Retry-After"))
				}
				if r.form != nil {
					if body := rec.Body.String(); !strings.Contains(body, "<html") || !strings.Contains(body, "Try again") {
						t.Errorf("POST /residents: the page does not say to try again:\n%s", body)
					}
				} else if code, msg := apiError(t, rec); code != ateval.EUNAVAILABLE || !strings.Contains(msg, "try again") && !strings.Contains(msg, "Try again") {
					t.Errorf("%s: %q %q, want unavailable, saying to try again", r.path, code, msg)
				}
			}
			if rec := w.do(request{path: "/api/v1/me", bearer: tok}); rec.Code != http.StatusOK {
				t.Errorf("a read while the lock is held: %d, want 200", rec.Code)
			}
			if strings.Contains(w.logs.String(), `"level":"ERROR"`) {
				t.Errorf("a busy database was logged as an internal error:\n%s", w.logs.String())
			}

			release()
			for i, r := range register("FREE") {
				want := []int{http.StatusCreated, http.StatusSeeOther, http.StatusOK}[i]
				if rec := w.do(r); rec.Code != want {
					t.Errorf("%s %s after the lock is released: %d, want %d\n%s", r.method, r.path, rec.Code, want, rec.Body.String())
				}
			}
		})
	}
}
