package auth_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestLoginLimitHoldsUnderConcurrency sends 60 wrong guesses for one
// account at once against a limit of 10: at most 10 may reach a password
// check (answered "not right"); the rest must be refused as too many.
// Before attempts were recorded ahead of the check, all 60 got through.
func TestLoginLimitHoldsUnderConcurrency(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		{
			ctx := ateval.SystemContext(context.Background())
			if err := auth.New(db).CreateUser(ctx, &ateval.User{Email: "lead@example.org", Role: ateval.RoleAdmin}, "the-right-password"); err != nil {
				t.Fatal(err)
			}
			lim := auth.LoginLimits{Window: 15 * time.Minute, PerEmail: 10, PerAddr: 1000}
			var mu sync.Mutex
			codes := map[string]int{}
			var wg sync.WaitGroup
			for i := 0; i < 60; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := auth.New(db).Authenticate(ateval.NewContextWithClient(context.Background(), "192.0.2.1"), "lead@example.org", "a-wrong-guess", lim)
					mu.Lock()
					codes[ateval.ErrorCode(err)]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			// Fewer than 10 may get through when every attempt is recorded
			// before any is counted: refusing more is safe, checking more is not.
			if checked := codes[ateval.EUNAUTHORIZED]; checked > 10 {
				t.Errorf("%d guesses reached a password check, want at most 10 (answers: %v)", checked, codes)
			}
			if codes[ateval.EUNAUTHORIZED]+codes[ateval.ERATELIMITED] != 60 {
				t.Errorf("answers %v, want only 'not right' and 'too many'", codes)
			}
			// The right password is refused too while the limit holds.
			if _, err := auth.New(db).Authenticate(ateval.NewContextWithClient(context.Background(), "192.0.2.1"), "lead@example.org", "the-right-password", lim); ateval.ErrorCode(err) != ateval.ERATELIMITED {
				t.Errorf("right password during the lockout: %v, want rate limited", err)
			}
		}
	})
}

// signIns runs n sign-ins at once, each from the address and with the
// email and password given for its index, and counts the answers by code
// ("" for a success).
func signIns(db *storage.DB, n int, lim auth.LoginLimits, attempt func(i int) (addr, email, password string)) map[string]int {
	var mu sync.Mutex
	codes := map[string]int{}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr, email, password := attempt(i)
			_, err := auth.New(db).Authenticate(ateval.NewContextWithClient(context.Background(), addr), email, password, lim)
			mu.Lock()
			codes[ateval.ErrorCode(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return codes
}

// TestRightPasswordsInFlightAreNotRefused signs in to one account 30
// times at once with the right password, three times its failure limit:
// every one succeeds. Attempts in progress used to count as failures, so
// all but the first few were refused as "too many failed attempts", and
// each refusal counted against the address.
func TestRightPasswordsInFlightAreNotRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		u := addUser(t, db, "lead@camden.example", ateval.RoleAdmin, 0)
		lim := auth.LoginLimits{Window: 15 * time.Minute, PerEmail: 10, PerAddr: 20}
		codes := signIns(db, 30, lim, func(int) (string, string, string) { return "192.0.2.1", u.Email, "correct horse battery" })
		if codes[""] != 30 {
			t.Errorf("30 right passwords at once: answers %v, want 30 successes", codes)
		}
		// Nothing of them is left to count against the account or address.
		other := addUser(t, db, "other@camden.example", ateval.RoleAdmin, 0)
		if _, err := auth.New(db).Authenticate(ateval.NewContextWithClient(context.Background(), "192.0.2.1"), other.Email, "correct horse battery", lim); err != nil {
			t.Errorf("another account from the address afterwards: %v", err)
		}
	})
}

// TestAddressLimitLocksOnlyAccountsThatFailed sends many more wrong
// passwords from one address than its limit allows. An account that has
// not failed from there can still sign in from it; one that has failed
// from there cannot, but can from elsewhere; an account over its own
// limit cannot anywhere. Refused attempts never count as failures.
func TestAddressLimitLocksOnlyAccountsThatFailed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		victim := addUser(t, db, "victim@camden.example", ateval.RoleAdmin, 0)
		typo := addUser(t, db, "typo@camden.example", ateval.RoleAdmin, 0)
		colleague := addUser(t, db, "colleague@camden.example", ateval.RoleAdmin, 0)
		lim := auth.LoginLimits{Window: 15 * time.Minute, PerEmail: 5, PerAddr: 20}
		const office, home = "192.0.2.10", "198.51.100.20"
		from := func(addr string) context.Context { return ateval.NewContextWithClient(context.Background(), addr) }
		right := "correct horse battery"

		// 40 wrong guesses from the office: at the victim, and at emails
		// that are no one's; and one typo by a colleague.
		codes := signIns(db, 40, lim, func(i int) (string, string, string) {
			if i%2 == 0 {
				return office, victim.Email, "a wrong guess"
			}
			return office, fmt.Sprintf("nobody%d@camden.example", i), "a wrong guess"
		})
		if codes[ateval.EUNAUTHORIZED]+codes[ateval.ERATELIMITED] != 40 {
			t.Fatalf("40 wrong guesses: answers %v", codes)
		}
		if _, err := auth.New(db).Authenticate(from(office), typo.Email, "a typo in it", lim); ateval.ErrorCode(err) != ateval.ERATELIMITED && ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
			t.Fatalf("a typo: %v", err)
		}
		// A hundred refusals later, the office's failures are what they were.
		for i := 0; i < 100; i++ {
			auth.New(db).Authenticate(from(office), victim.Email, right, lim)
		}

		for _, c := range []struct {
			name, addr, email string
			want              string
		}{
			{"an account that never failed, from the office", office, colleague.Email, ""},
			{"the same, again", office, colleague.Email, ""},
			{"the account that failed once, from the office", office, typo.Email, ateval.ERATELIMITED},
			{"the account that failed once, from home", home, typo.Email, ""},
			{"the account over its own limit, from home", home, victim.Email, ateval.ERATELIMITED},
		} {
			_, err := auth.New(db).Authenticate(from(c.addr), c.email, right, lim)
			if got := ateval.ErrorCode(err); got != c.want {
				t.Errorf("%s: %v, want code %q", c.name, err, c.want)
			}
			if ateval.ErrorCode(err) == ateval.ERATELIMITED && ateval.ErrorRetryAfter(err) <= 0 {
				t.Errorf("%s: a refusal that does not say how long to wait", c.name)
			}
		}
		// One more guess per account is all the office gets: a first try
		// at an account is checked, a second refused.
		if _, err := auth.New(db).Authenticate(from(office), "fresh@camden.example", "a wrong guess", lim); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
			t.Errorf("first guess at a fresh email from the office: %v, want 'not right'", err)
		}
		if _, err := auth.New(db).Authenticate(from(office), "fresh@camden.example", "another guess", lim); ateval.ErrorCode(err) != ateval.ERATELIMITED {
			t.Errorf("second guess at it from the office: %v, want rate limited", err)
		}
	})
}
