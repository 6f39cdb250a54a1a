package storage

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"

	"github.com/ateval/ateval"
)

// DefaultLockTimeout is how long a statement waits for a lock another
// connection or process holds (SQLite's write lock, held for the whole of
// an import) before giving up with EUNAVAILABLE.
const DefaultLockTimeout = 10 * time.Second

// Options tune how a database is opened.
type Options struct {
	// LockTimeout bounds how long a statement waits for a lock before it is
	// refused as EUNAVAILABLE. On SQLite it is the busy timeout (default
	// DefaultLockTimeout). On PostgreSQL it is the session's lock_timeout,
	// set only when given here and not already set in the URL; 0 leaves
	// PostgreSQL's own (wait as long as it takes).
	LockTimeout time.Duration
	// MustExist refuses a SQLite path where there is no database file
	// (ENOTFOUND, naming the path) instead of making an empty one: for the
	// commands that only read, a mistyped path must not look like an
	// empty database.
	MustExist bool
}

// isLockWait reports whether err is the database giving up on a lock it
// waited for, judged by the driver's error code, not its text: SQLite's
// SQLITE_BUSY ("database is locked", after the busy timeout) or
// SQLITE_LOCKED, and PostgreSQL's lock_not_available (55P03, lock_timeout)
// or query_canceled (57014, statement_timeout).
func isLockWait(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "55P03" || pe.Code == "57014"
	}
	return false
}

// unavailable translates a lock wait that ran out into EUNAVAILABLE, which
// the server answers with 503 and Retry-After: a client may try the same
// request again, since nothing of it was written. The driver's error stays
// in the chain for the log. Other errors are returned as they are.
func (db *DB) unavailable(err error) error {
	if err == nil || !isLockWait(err) {
		return err
	}
	var e *ateval.Error
	if errors.As(err, &e) && e.Code == ateval.EUNAVAILABLE {
		return err // translated already, deeper down
	}
	return fmt.Errorf("%w (%w)", db.errBusy(), err)
}

// errBusy is EUNAVAILABLE for a write that could not get the lock in time.
func (db *DB) errBusy() *ateval.Error {
	return &ateval.Error{Code: ateval.EUNAVAILABLE, RetryAfter: db.retryAfter(),
		Message: "The database is busy with another change (an import, perhaps), so nothing was saved. Try again in a few seconds."}
}

// retryAfter is what a busy answer asks a client to wait: the lock
// timeout, which is about how long the holder has already had it, and at
// least a second.
func (db *DB) retryAfter() time.Duration {
	if db.lockTimeout < time.Second {
		return time.Second
	}
	return db.lockTimeout
}

// translateLockWaits makes every statement gorm runs outside InTx report a
// lock wait that ran out as EUNAVAILABLE. gorm runs every callback of an
// operation even after one fails, so this one, registered last, sees the
// error of the statement.
func (db *DB) translateLockWaits() error {
	fn := func(g *gorm.DB) {
		if g.Error != nil {
			g.Error = db.unavailable(g.Error)
		}
	}
	cb := db.gorm.Callback()
	for _, err := range []error{
		cb.Create().Register("ateval:unavailable", fn),
		cb.Query().Register("ateval:unavailable", fn),
		cb.Update().Register("ateval:unavailable", fn),
		cb.Delete().Register("ateval:unavailable", fn),
		cb.Row().Register("ateval:unavailable", fn),
		cb.Raw().Register("ateval:unavailable", fn),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// execNoWait runs a statement that may as well be skipped when the
// database is busy, without waiting for the lock: on SQLite on a
// connection whose busy timeout is 0 while it runs, on PostgreSQL with a
// lock_timeout of 1 ms, so that bookkeeping
// (a session's last use) does not add a lock timeout's wait to a request
// that will wait for its own write anyway. A busy database is EUNAVAILABLE
// at once.
func (db *DB) execNoWait(ctx context.Context, query string, args ...any) (err error) {
	if db.dialect == Postgres {
		return db.InTx(ctx, func(tx *Tx) error {
			if err := tx.g.Exec("SET LOCAL lock_timeout = 1").Error; err != nil {
				return err
			}
			return tx.g.Exec(query, args...).Error
		})
	}
	defer func() { err = db.unavailable(err) }()
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, query, args...)
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA busy_timeout = %d", db.lockTimeout.Milliseconds())); rerr != nil {
		// A connection left without its busy timeout would fail other
		// writes at once: take it out of the pool instead.
		conn.Raw(func(any) error { return driver.ErrBadConn })
		if err == nil {
			err = rerr
		}
	}
	return err
}
