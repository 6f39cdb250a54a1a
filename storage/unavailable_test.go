package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// openWith opens and migrates dsn with options, closing it when the test ends.
func openWith(t *testing.T, dsn string, opt storage.Options) *storage.DB {
	t.Helper()
	db, err := storage.OpenWith(context.Background(), dsn, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestBusyDatabaseIsUnavailable holds the write lock from another
// connection, as an import does, and checks that writes which cannot get
// it within the lock timeout fail as EUNAVAILABLE (the driver's
// "database is locked" or lock_timeout translated by its code), saying
// when to come back; that a session's bookkeeping write is skipped
// rather than waited for; and that the writes go through once the lock
// is released.
func TestBusyDatabaseIsUnavailable(t *testing.T) {
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			db := openWith(t, d.URL, storage.Options{LockTimeout: 300 * time.Millisecond})
			// A second handle that would wait long for a lock: the session
			// check must not wait at all.
			patient := openWith(t, d.URL, storage.Options{LockTimeout: 20 * time.Second})
			u := addUser(t, db, "lead@camden.example", ateval.RoleAdmin, 0)
			to := storage.SessionTimeouts{Idle: 30 * time.Minute, Absolute: 8 * time.Hour}
			token, _, err := db.CreateSession(context.Background(), u.ID, storage.BearerSession, to)
			if err != nil {
				t.Fatal(err)
			}
			later := time.Now().Add(5 * time.Minute) // its last use is due to be recorded
			patient.Now = func() time.Time { return later }
			from := ateval.NewContextWithClient(context.Background(), "192.0.2.1")

			release := storagetest.HoldWriteLock(t, d.URL)
			writes := []struct {
				name string
				do   func() error
			}{
				{"a transaction", func() error {
					return db.InTx(sys, func(tx *storage.Tx) error { return tx.CreateBorough(&ateval.Borough{Slug: "barnet", Name: "Barnet"}) })
				}},
				{"a statement outside one", func() error {
					_, _, err := db.CreateSession(context.Background(), u.ID, storage.BearerSession, to)
					return err
				}},
				{"a sign-in", func() error {
					_, err := db.Authenticate(from, u.Email, "correct horse battery", storage.DefaultLoginLimits())
					return err
				}},
			}
			for _, w := range writes {
				err := w.do()
				if ateval.ErrorCode(err) != ateval.EUNAVAILABLE || ateval.ErrorRetryAfter(err) <= 0 {
					t.Errorf("%s while the lock is held: %v, want unavailable with a time to come back", w.name, err)
				}
			}
			start := time.Now()
			if _, err := patient.SessionByToken(context.Background(), token, storage.BearerSession, to); err != nil {
				t.Errorf("a session check while the lock is held: %v", err)
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("the session check waited %s for the lock, as if its bookkeeping were a write it needed", took)
			}

			release()
			for _, w := range writes {
				if err := w.do(); err != nil {
					t.Errorf("%s after the lock is released: %v", w.name, err)
				}
			}
		})
	}
}
