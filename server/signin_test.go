package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage/auth"
	"github.com/ateval/ateval/storage/storagetest"
)

// apiSignIn posts an email and password to /api/v1/login from the client
// address given, as a browser or script behind one proxy would arrive.
func (w *world) apiSignIn(addr, email, password string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req := httptest.NewRequest(http.MethodPost, "/api/v1/login", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = addr + ":40000"
	rec := httptest.NewRecorder()
	w.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// team adds n practitioners of Camden, team0@test.example onwards,
// hashing their passwords on every core.
func (w *world) team(n int) []string {
	w.t.Helper()
	emails := make([]string, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range emails {
		emails[i] = fmt.Sprintf("team%d@test.example", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := &ateval.User{Email: emails[i], Role: ateval.RolePractitioner, BoroughID: w.camden.ID}
			errs <- auth.New(w.db).CreateUser(ateval.SystemContext(context.Background()), u, testPassword)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			w.t.Fatal(err)
		}
	}
	return emails
}

// TestTeamSignsInAtOnce signs in 100 accounts at once from one address,
// as a borough's team behind one proxy does after a restart, and then one
// account 30 times at once: every sign-in succeeds, with the server's own
// limits. Before, sign-ins in progress counted as failures: most were
// refused with 429, and the refusals locked the address out.
func TestTeamSignsInAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("230 password hashes and checks on each database")
	}
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			w := newWorldOn(t, storagetest.Open(t, d.URL))
			emails := w.team(100)
			const office = "203.0.113.7"
			for _, round := range []struct {
				name   string
				emails func(i int) string
				n      int
			}{
				{"100 accounts at once", func(i int) string { return emails[i] }, 100},
				{"one account 30 times at once", func(int) string { return emails[0] }, 30},
			} {
				answers := make([]int, round.n)
				bodies := make([]string, round.n)
				var wg sync.WaitGroup
				for i := range answers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						rec := w.apiSignIn(office, round.emails(i), testPassword)
						answers[i], bodies[i] = rec.Code, rec.Body.String()
					}()
				}
				wg.Wait()
				got := map[int]int{}
				for i, code := range answers {
					got[code]++
					if code != http.StatusOK && got[code] == 1 {
						t.Logf("%s: first %d: %s", round.name, code, bodies[i])
					}
				}
				if got[http.StatusOK] != round.n {
					t.Errorf("%s from one address: answers %v, want %d times 200", round.name, got, round.n)
				}
			}
		})
	}
}

// TestWrongPasswordsFromOneAddressLockOutNoOneElse sends more wrong
// passwords from one address than its limit, at one account and at
// emails that are no one's: the account they were aimed at is locked,
// with Retry-After; a colleague's right password from the same address
// still signs in, on the API and the page. (The limits are the defaults
// scaled down, so that fewer passwords need checking.)
func TestWrongPasswordsFromOneAddressLockOutNoOneElse(t *testing.T) {
	w := newWorld(t)
	lim := auth.LoginLimits{Window: auth.DefaultLoginLimits().Window, PerEmail: 5, PerAddr: 30}
	w.srv = w.newServer(Config{LoginLimits: lim})
	const office = "203.0.113.8"
	var wg sync.WaitGroup
	for i := 0; i < lim.PerAddr+10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email := fmt.Sprintf("nobody%d@test.example", i)
			if i < 2*lim.PerEmail {
				email = "practitioner@test.example"
			}
			w.apiSignIn(office, email, "a wrong guess")
		}()
	}
	wg.Wait()
	rec := w.apiSignIn(office, "practitioner@test.example", testPassword)
	if rec.Code != http.StatusTooManyRequests {
		t.Errorf("the account the guesses were aimed at: %d, want 429", rec.Code)
	}
	if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s < 60 {
		t.Errorf("429 Retry-After %q, want the minutes until the lock ends", rec.Header().Get("Retry-After"))
	}
	if rec := w.apiSignIn(office, "borough_lead@test.example", testPassword); rec.Code != http.StatusOK {
		t.Errorf("a colleague from the same address: %d, want 200: %s", rec.Code, rec.Body.String())
	}
	// The page signs in from httptest's own address; move the guesses there.
	for i := 0; i < lim.PerAddr+10; i++ {
		w.do(request{method: "POST", path: "/api/v1/login", json: fmt.Sprintf(`{"email":"nobody%d@test.example","password":"a wrong guess"}`, i)})
	}
	if rec := w.loginByForm("admin@test.example", testPassword); rec.Code != see {
		t.Errorf("a colleague on the page, after %d wrong passwords from the same address: %d, want a sign-in", lim.PerAddr+10, rec.Code)
	}
}
