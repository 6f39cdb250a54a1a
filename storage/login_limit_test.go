package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
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
			if err := db.CreateUser(ctx, &ateval.User{Email: "lead@example.org", Role: ateval.RoleAdmin}, "the-right-password"); err != nil {
				t.Fatal(err)
			}
			lim := storage.LoginLimits{Window: 15 * time.Minute, PerEmail: 10, PerAddr: 1000}
			var mu sync.Mutex
			codes := map[string]int{}
			var wg sync.WaitGroup
			for i := 0; i < 60; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := db.Authenticate(ateval.NewContextWithClient(context.Background(), "192.0.2.1"), "lead@example.org", "a-wrong-guess", lim)
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
			if _, err := db.Authenticate(ateval.NewContextWithClient(context.Background(), "192.0.2.1"), "lead@example.org", "the-right-password", lim); ateval.ErrorCode(err) != ateval.ERATELIMITED {
				t.Errorf("right password during the lockout: %v, want rate limited", err)
			}
		}
	})
}
