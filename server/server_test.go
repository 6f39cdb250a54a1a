package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
	"github.com/ateval/ateval/storage/storagetest"
)

const testPassword = "correct horse battery"

// world is a server over a real SQLite file holding two boroughs, a
// resident in each, and a user of every role.
type world struct {
	t           *testing.T
	db          *storage.DB
	srv         *Server
	logs        *bytes.Buffer
	camden      ateval.Borough
	sutton      ateval.Borough
	camRes      devices.Resident // in Camden
	sutRes      devices.Resident // in Sutton
	users       map[string]*ateval.User
	camIdentity devices.Identity
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return newWorldOn(t, storagetest.Open(t, filepath.Join(t.TempDir(), "ateval.db")))
}

// newWorldOn is newWorld over a database the test opened and migrated.
func newWorldOn(t *testing.T, db *storage.DB) *world {
	t.Helper()
	w := &world{t: t, logs: &bytes.Buffer{}, users: map[string]*ateval.User{}, db: db}
	sys := ateval.SystemContext(context.Background())
	w.camden = ateval.Borough{Slug: "camden", Name: "Camden"}
	w.sutton = ateval.Borough{Slug: "sutton", Name: "Sutton"}
	w.camIdentity = devices.Identity{GivenName: "Ada", FamilyName: "Lovelace-Example", NHSNumber: "9434765919", Postcode: "NW1 0AA", DateOfBirth: ateval.NewDate(1940, 5, 4)}
	err := w.db.InTx(sys, func(tx *storage.Tx) error {
		for _, b := range []*ateval.Borough{&w.camden, &w.sutton} {
			if err := tx.CreateBorough(b); err != nil {
				return err
			}
		}
		rs := []devices.Resident{
			{BoroughID: w.camden.ID, Reference: "CAM-0001", YearOfBirth: 1940, Sex: devices.Female, EthnicGroup: devices.EthnicWhite,
				PrimarySupportReason: devices.SupportPhysical, RegisteredOn: ateval.NewDate(2025, 1, 6)},
			{BoroughID: w.sutton.ID, Reference: "SUT-0001", YearOfBirth: 1950, Sex: devices.Male, EthnicGroup: devices.EthnicAsian,
				PrimarySupportReason: devices.SupportSocial, RegisteredOn: ateval.NewDate(2025, 3, 1)},
		}
		if err := tx.CreateResidents(rs, []devices.Identity{w.camIdentity, {GivenName: "Bob", FamilyName: "Sutton-Example"}}); err != nil {
			return err
		}
		w.camRes, w.sutRes = rs[0], rs[1]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		key     string
		role    ateval.Role
		borough int64
	}{
		{"practitioner", ateval.RolePractitioner, w.camden.ID},
		{"borough_lead", ateval.RoleBoroughLead, w.camden.ID},
		{"other_borough", ateval.RolePractitioner, w.sutton.ID},
		{"commissioner", ateval.RoleCommissioner, 0},
		{"evaluator", ateval.RoleEvaluator, 0},
		{"admin", ateval.RoleAdmin, 0},
	} {
		w.addUser(u.key, u.role, u.borough)
	}
	w.srv = w.newServer(Config{})
	return w
}

func (w *world) newServer(cfg Config) *Server {
	w.t.Helper()
	cfg.Logger = slog.New(slog.NewJSONHandler(w.logs, nil))
	srv, err := New(cfg, w.db)
	if err != nil {
		w.t.Fatal(err)
	}
	return srv
}

// addUser creates a user of the role (and borough, for the roles that
// have one) whose email is key@test.example, under w.users[key].
func (w *world) addUser(key string, role ateval.Role, borough int64) {
	w.t.Helper()
	u := &ateval.User{Email: key + "@test.example", Role: role, BoroughID: borough}
	if err := auth.New(w.db).CreateUser(ateval.SystemContext(context.Background()), u, testPassword); err != nil {
		w.t.Fatal(err)
	}
	w.users[key] = u
}

// session begins a session of the kind for the user named, returning its
// token and CSRF token.
func (w *world) session(who string, kind auth.SessionKind) (token, csrf string) {
	w.t.Helper()
	tok, s, err := auth.New(w.db).CreateSession(context.Background(), w.users[who].ID, kind, w.srv.cfg.Sessions)
	if err != nil {
		w.t.Fatal(err)
	}
	return tok, s.CSRFToken
}

// request is one HTTP request to the server.
type request struct {
	method, path string
	bearer       string
	cookie       string // session cookie value
	cookies      []*http.Cookie
	form         url.Values
	json         string
	header       map[string]string
}

func (w *world) do(r request) *httptest.ResponseRecorder {
	w.t.Helper()
	var body io.Reader
	switch {
	case r.form != nil:
		body = strings.NewReader(r.form.Encode())
	case r.json != "":
		body = strings.NewReader(r.json)
	}
	if r.method == "" {
		r.method = http.MethodGet
	}
	req := httptest.NewRequest(r.method, r.path, body)
	if r.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.json != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+r.bearer)
	}
	if r.cookie != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: r.cookie})
	}
	for _, c := range r.cookies {
		req.AddCookie(c)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	w.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// apiError decodes the one error shape, failing the test if the body is
// not in it.
func apiError(t *testing.T, rec *httptest.ResponseRecorder) (code, message string) {
	t.Helper()
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	dec := json.NewDecoder(rec.Body)
	if err := dec.Decode(&body); err != nil || body.Error.Code == "" || body.Error.Message == "" {
		t.Fatalf("error body %q is not {\"error\":{\"code\",\"message\"}}: %v", rec.Body.String(), err)
	}
	return body.Error.Code, body.Error.Message
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// loginByForm signs in through the pages as a browser would: fetch the
// form, post it back with its CSRF cookie and field.
func (w *world) loginByForm(email, password string) *httptest.ResponseRecorder {
	w.t.Helper()
	page := w.do(request{path: "/login"})
	m := csrfRE.FindStringSubmatch(page.Body.String())
	if m == nil {
		w.t.Fatalf("GET /login has no CSRF field:\n%s", page.Body.String())
	}
	return w.do(request{method: "POST", path: "/login", cookies: page.Result().Cookies(),
		form: url.Values{"csrf_token": {m[1]}, "email": {email}, "password": {password}}})
}

func cookieNamed(rec *httptest.ResponseRecorder, name string) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
