package storage

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
)

// The exported core of storage, for its own packages (storage/summaries,
// storage/auth) that keep their SQL apart from the register's CRUD.

// Gorm returns the database's gorm handle bound to ctx, the context passed
// explicitly, for a query of storage's own packages. It is not for code
// outside storage: every caller checks who acts (ctx's user) first.
func (db *DB) Gorm(ctx context.Context) *gorm.DB { return db.gorm.WithContext(ctx) }

// ErrSignIn refuses a request that names no user: no principal, no data.
var ErrSignIn = errSignIn

// InAnalysis is the one condition that keeps an assessment (aliased a) in
// every analysis: not entered in error (see inAnalysis).
const InAnalysis = inAnalysis

// Gorm returns the transaction's gorm handle (on a plain connection for a
// Tx from View), for storage's own packages.
func (tx *Tx) Gorm() *gorm.DB { return tx.g }

// Audit appends e to the audit log within the transaction, so that the
// record of a read or change commits or rolls back with it; who acts and
// from where come from the transaction's context.
func (tx *Tx) Audit(e ateval.AuditEntry) error { return tx.db.audit(tx.ctx, tx.g, e) }

// Denied records a refused attempt in the audit log, apart from the
// refused work's transaction, as storage's own methods do: deferred, with
// the method's named error (see denied).
func (db *DB) Denied(ctx context.Context, errp *error, attempt string, obj ateval.AuditEntry) {
	db.denied(ctx, errp, attempt, obj)
}

// ExecNoWait runs bookkeeping that may be skipped when the database is
// busy, without waiting for its lock (see execNoWait).
func (db *DB) ExecNoWait(ctx context.Context, query string, args ...any) error {
	return db.execNoWait(ctx, query, args...)
}

// LockTimeout is how long a statement waits for a lock (Options).
func (db *DB) LockTimeout() time.Duration { return db.lockTimeout }

// Translate maps a driver error to the error vocabulary: not found, and a
// uniqueness conflict by the driver's error code, named as what.
func Translate(err error, what string) error { return translate(err, what) }

// NullID stores the id 0 as NULL.
func NullID(id int64) *int64 { return nullID(id) }

// AdminOnly is the one rule for what only an administrator or the
// command-line operator may do (keep accounts, the hub's keys and bundles,
// the register of agreements): no user in ctx is ErrSignIn, any other
// role is refused (EFORBIDDEN) in the words given.
func AdminOnly(ctx context.Context, refused string) error {
	u := ateval.UserFromContext(ctx)
	switch {
	case u == nil:
		return errSignIn
	case u.IsSystem(), u.Role == ateval.RoleAdmin:
		return nil
	}
	return ateval.Errorf(ateval.EFORBIDDEN, "%s", refused)
}
