package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
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
			to := auth.SessionTimeouts{Idle: 30 * time.Minute, Absolute: 8 * time.Hour}
			token, _, err := auth.New(db).CreateSession(context.Background(), u.ID, auth.BearerSession, to)
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
					_, _, err := auth.New(db).CreateSession(context.Background(), u.ID, auth.BearerSession, to)
					return err
				}},
				{"a sign-in", func() error {
					_, err := auth.New(db).Authenticate(from, u.Email, "correct horse battery", auth.DefaultLoginLimits())
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
			if _, err := auth.New(patient).SessionByToken(context.Background(), token, auth.BearerSession, to); err != nil {
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

// TestWritesQueuedOnABusySQLiteWaitOnce holds SQLite's write lock from
// another connection while 40 writes arrive at once: each is refused as
// EUNAVAILABLE about one lock timeout after it asked, not after waiting
// its turn for a pooled connection and then a whole timeout more; and a
// read made meanwhile is answered at once, its connection not taken by
// writers waiting for the lock.
func TestWritesQueuedOnABusySQLiteWaitOnce(t *testing.T) {
	const timeout = 500 * time.Millisecond
	dsn := t.TempDir() + "/queued.db"
	db := openWith(t, dsn, storage.Options{LockTimeout: timeout})
	storagetest.HoldWriteLock(t, dsn)
	start := time.Now()
	took := make(chan time.Duration, 40)
	codes := make(chan string, 40)
	for i := 0; i < 40; i++ {
		go func() {
			err := db.InTx(sys, func(tx *storage.Tx) error { return tx.CreateBorough(&ateval.Borough{Slug: "barnet", Name: "Barnet"}) })
			codes <- ateval.ErrorCode(err)
			took <- time.Since(start)
		}()
	}
	time.Sleep(timeout / 5) // the writers are waiting
	readStart := time.Now()
	if _, err := db.View(context.Background()).Counts(); err != nil {
		t.Errorf("a read while writes wait: %v", err)
	}
	if read := time.Since(readStart); read > timeout/2 {
		t.Errorf("a read waited %s behind writes waiting for the lock", read)
	}
	var slowest time.Duration
	for i := 0; i < 40; i++ {
		if code := <-codes; code != ateval.EUNAVAILABLE {
			t.Errorf("a write while the lock is held: code %q, want unavailable", code)
		}
		slowest = max(slowest, <-took)
	}
	// Waiting once each, all are answered after about one timeout; queued
	// for 8 connections, each waiting a timeout, the last took five.
	if slowest > 3*timeout {
		t.Errorf("the last of 40 writes was answered after %s, with a lock timeout of %s", slowest, timeout)
	}
}
