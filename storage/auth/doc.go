// Package auth keeps the platform's accounts and who is signed in: users
// and their argon2id password hashes, sign-in with its limits on failed
// attempts, sessions, and the one-time links that set a password. It
// writes the users, sessions, login_failures and password_resets tables
// of storage's database, through storage's exported core (the DB handle,
// Tx and the audit log), apart from the practitioner's register.
//
// Every change is audited in its own transaction; administration is for an
// administrator or the command-line operator only, and a context with no
// user reads and changes nothing.
package auth

import (
	"runtime"
	"time"

	"github.com/ateval/ateval/storage"
)

// DB is the accounts of one database. Make one per process (New): it
// bounds the password checks running at once.
type DB struct {
	store *storage.DB
	// passwordSlots bounds concurrent password checks (see Authenticate),
	// and passwordWait is how long a sign-in waits for one.
	passwordSlots chan struct{}
	passwordWait  time.Duration
}

// New returns the accounts of db.
func New(db *storage.DB) *DB {
	return &DB{store: db, passwordSlots: make(chan struct{}, 2*runtime.GOMAXPROCS(0)), passwordWait: defaultPasswordWait}
}
