package auth

import (
	"context"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
)

// openForTest opens and migrates a database for an internal test.
func openForTest(t *testing.T, dsn string) *DB {
	t.Helper()
	db, err := storage.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return New(db)
}

// TestPasswordChecksAreBounded fills every password slot and checks that a
// sign-in then waits for one, and when none comes is refused as busy
// (EUNAVAILABLE, to try again) instead of adding another 19 MiB check;
// the attempt, unchecked, leaves nothing to count against anyone.
func TestPasswordChecksAreBounded(t *testing.T) {
	db := openForTest(t, t.TempDir()+"/bounded.db")
	db.passwordWait = 20 * time.Millisecond
	for i := 0; i < cap(db.passwordSlots); i++ {
		db.passwordSlots <- struct{}{}
	}
	_, err := db.Authenticate(ateval.NewContextWithClient(context.Background(), "192.0.2.9"), "someone@example.org", "whatever-it-is", DefaultLoginLimits())
	if ateval.ErrorCode(err) != ateval.EUNAVAILABLE || ateval.ErrorRetryAfter(err) <= 0 {
		t.Errorf("with every slot taken: %v, want a busy refusal saying when to come back", err)
	}
	var left int64
	if err := db.store.Gorm(context.Background()).Model(&loginFailureRow{}).Count(&left).Error; err != nil || left != 0 {
		t.Errorf("the unchecked attempt left %d rows (%v), want none", left, err)
	}
}

// TestStalePendingAttemptsCountAsFailures: an attempt recorded as pending
// by a process that died before settling it counts as a failure once it
// is older than any sign-in takes, so killing servers mid-check cannot
// buy guesses; a younger one is waited for, not counted.
func TestStalePendingAttemptsCountAsFailures(t *testing.T) {
	db := openForTest(t, t.TempDir()+"/stale.db")
	db.passwordWait = 300 * time.Millisecond
	lim := LoginLimits{Window: 15 * time.Minute, PerEmail: 3, PerAddr: 100}
	keys := keysOf("lead@example.org", "192.0.2.3")
	if err := db.CreateUser(ateval.SystemContext(context.Background()), &ateval.User{Email: "lead@example.org", Role: ateval.RoleAdmin}, "the-right-password"); err != nil {
		t.Fatal(err)
	}
	ctx := ateval.NewContextWithClient(context.Background(), "192.0.2.3")
	pending := func(age time.Duration, n int) {
		for i := 0; i < n; i++ {
			row := loginFailureRow{KeyHash: keys.email, At: time.Now().Add(-age).Unix(), Pending: true}
			if err := db.store.Gorm(context.Background()).Create(&row).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
	// Three attempts in progress a moment ago: the right password waits
	// for them, and gives up as busy when they never finish.
	pending(time.Second, 3)
	if _, err := db.Authenticate(ctx, "lead@example.org", "the-right-password", lim); ateval.ErrorCode(err) != ateval.EUNAVAILABLE {
		t.Errorf("behind 3 attempts in progress: %v, want busy", err)
	}
	// Once they are older than any sign-in takes, they are failures.
	db.store.Gorm(context.Background()).Where("1 = 1").Delete(&loginFailureRow{})
	pending(pendingStale+time.Second, 3)
	if _, err := db.Authenticate(ctx, "lead@example.org", "the-right-password", lim); ateval.ErrorCode(err) != ateval.ERATELIMITED {
		t.Errorf("after 3 stale attempts: %v, want rate limited", err)
	}
}
