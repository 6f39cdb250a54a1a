package storage

import (
	"context"
	"testing"
	"time"

	"github.com/ateval/ateval"
)

// openForTest opens and migrates a database for an internal test.
func openForTest(t *testing.T, dsn string) *DB {
	t.Helper()
	db, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestPasswordChecksAreBounded fills every password slot and checks that a
// sign-in is then refused as busy instead of adding another 19 MiB check.
func TestPasswordChecksAreBounded(t *testing.T) {
	db := openForTest(t, t.TempDir()+"/bounded.db")
	db.passwordWait = 20 * time.Millisecond
	for i := 0; i < cap(db.passwordSlots); i++ {
		db.passwordSlots <- struct{}{}
	}
	_, err := db.Authenticate(ateval.NewContextWithClient(context.Background(), "192.0.2.9"), "someone@example.org", "whatever-it-is", DefaultLoginLimits())
	if ateval.ErrorCode(err) != ateval.ERATELIMITED {
		t.Errorf("with every slot taken: %v, want a busy refusal", err)
	}
}
