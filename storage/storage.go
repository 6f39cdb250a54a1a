// Package storage keeps the platform's data in SQLite (one file, the
// embedded default) or PostgreSQL (for a multi-borough deployment), through
// gorm: the migrations, the transactions and the practitioner's register.
// It and its own packages (storage/auth for accounts and sign-in,
// storage/summaries for the report's summaries, storage/hub for a hub's
// bundles, built on the exported core in core.go) are the only ones that
// import gorm; row structs stay unexported and are converted to the domain
// types of ateval, devices, forms and sharing at this boundary, where
// driver errors are translated too.
//
// It may import the standard library, gorm and its drivers, and the domain
// packages. It must not import gin, server code, exports or federation.
package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/ateval/ateval"
)

// Dialect names the database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database.
type DB struct {
	gorm    *gorm.DB
	dialect Dialect
	// Now returns the current time; tests replace it.
	Now func() time.Time
	// lockTimeout is how long a statement waits for a lock (Options).
	lockTimeout time.Duration
	// writeTurn is held by the one SQLite write transaction of this
	// process that may wait for the file's write lock (see InTx).
	writeTurn chan struct{}
}

// IsPostgresURL reports whether dsn names a PostgreSQL server rather than a
// SQLite file.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database named by dsn: a postgres:// URL, or else the path
// of a SQLite file (created if missing). It does not migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	return OpenWith(ctx, dsn, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, dsn string, opt Options) (_ *DB, err error) {
	defer ateval.Wrap(&err, "open database")
	if dsn == "" {
		return nil, ateval.Errorf(ateval.EINVALID, "no database given: pass --db PATH|URL or set ATEVAL_DB")
	}
	cfg := gormConfig()
	db := &DB{Now: time.Now, lockTimeout: opt.LockTimeout, writeTurn: make(chan struct{}, 1)}
	if IsPostgresURL(dsn) {
		db.dialect = Postgres
		db.gorm, err = gorm.Open(postgres.Open(postgresDSN(dsn, opt.LockTimeout)), cfg)
	} else {
		db.dialect = SQLite
		if db.lockTimeout <= 0 {
			db.lockTimeout = DefaultLockTimeout
		}
		if opt.MustExist {
			if err := mustExist(dsn); err != nil {
				return nil, err
			}
		}
		// The driver is opened through a connector of our own, not registered
		// under a name: no package state, and each connection still gets the
		// settings a DSN cannot carry.
		db.gorm, err = gorm.Open(sqlite.New(sqlite.Config{Conn: sql.OpenDB(sqliteConnector{dsn: sqliteDSN(dsn, db.lockTimeout, opt.MustExist)})}), cfg)
	}
	if err != nil {
		return nil, err
	}
	if err := db.translateLockWaits(); err != nil {
		return nil, err
	}
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return nil, err
	}
	if db.dialect == SQLite {
		// WAL lets readers go on while one writer writes; more connections
		// than that only queue on the file lock.
		sqlDB.SetMaxOpenConns(8)
	} else {
		sqlDB.SetMaxOpenConns(20)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return db, nil
}

// gormConfig is how ateval opens gorm, for the database and for a bulk
// load's own transaction alike.
func gormConfig() *gorm.Config {
	return &gorm.Config{
		// Our own logging never carries SQL arguments: they may be personal data.
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
}

// postgresDSN turns PostgreSQL's just-in-time compilation off for
// ateval's sessions, unless the URL sets jit itself (pgx sends a URL's
// unknown parameters as the session's settings). The evidence report's
// summaries cost enough for the planner to compile them, and compiling
// took 1.3 s of a 1.5 s query at a million assessments; without it the
// query takes 0.6 s. No query of ateval's runs long enough to repay it.
// A lock timeout, if given, becomes the session's lock_timeout, again
// unless the URL sets it.
func postgresDSN(dsn string, lockTimeout time.Duration) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // pgx reports what is wrong with it
	}
	q := u.Query()
	if !q.Has("jit") {
		q.Set("jit", "off")
	}
	if lockTimeout > 0 && !q.Has("lock_timeout") {
		q.Set("lock_timeout", strconv.FormatInt(lockTimeout.Milliseconds(), 10))
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// sqliteMmapBytes is how much of the database file each connection reads
// through a memory map instead of a read() a page: at a million
// assessments the evidence report's summary queries spent 5 s of their
// 11 s of CPU in the kernel, copying pages the operating system already
// held. Writes still go through the WAL as before.
const sqliteMmapBytes = 1 << 30

// sqliteConnector opens mattn's SQLite driver on the DSN, with the settings
// its DSN cannot carry made on every new connection.
type sqliteConnector struct{ dsn string }

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	return c.Driver().Open(c.dsn)
}

func (sqliteConnector) Driver() driver.Driver {
	return &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(fmt.Sprintf("PRAGMA mmap_size = %d", sqliteMmapBytes), nil)
		return err
	}}
}

// sqliteDSN adds the pragmas every connection needs: foreign keys on, WAL,
// a busy timeout so writers queue instead of failing (until it runs out:
// then EUNAVAILABLE), and IMMEDIATE transactions so that a transaction
// that will write takes the write lock at its start (a deferred one that
// upgrades later can deadlock and fail).
//
// With mustExist the file is opened read-write but never created, should
// it vanish between mustExist's check and the open.
func sqliteDSN(path string, busyTimeout time.Duration, mustExist bool) string {
	q := url.Values{}
	if mustExist {
		q.Set("mode", "rw")
	}
	q.Set("_foreign_keys", "on")
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", strconv.FormatInt(busyTimeout.Milliseconds(), 10))
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "FULL")
	return "file:" + path + "?" + q.Encode()
}

// mustExist refuses a SQLite path that holds no file, in words that name it.
func mustExist(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ateval.Errorf(ateval.ENOTFOUND, "there is no database at %s: the file does not exist (is --db right?)", path)
	case err != nil:
		return err
	case fi.IsDir():
		return ateval.Errorf(ateval.EINVALID, "%s is a directory, not a database file", path)
	}
	return nil
}

// Dialect returns which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes the database.
func (db *DB) Close() error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// SQL returns the underlying database/sql handle, for tools that need it
// (backups, integrity checks).
func (db *DB) SQL() (*sql.DB, error) { return db.gorm.DB() }

func (db *DB) today() ateval.Date { return ateval.DateOf(db.Now()) }

// translate maps driver errors to the error vocabulary at the storage
// boundary: not found and uniqueness conflicts become user-facing codes.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return ateval.Errorf(ateval.ENOTFOUND, "%s not found", what)
	case isUniqueViolation(err):
		return ateval.Errorf(ateval.ECONFLICT, "%s already exists", what)
	}
	return err
}

func isUniqueViolation(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var lite sqlite3.Error
	if errors.As(err, &lite) {
		return lite.ExtendedCode == sqlite3.ErrConstraintUnique || lite.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505" // unique_violation
}

// nullDate stores the zero Date as NULL and others as YYYY-MM-DD text, the
// one date form both databases compare and sort correctly.
func nullDate(d ateval.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

func fromNullDate(s *string) (ateval.Date, error) {
	if s == nil {
		return ateval.Date{}, nil
	}
	return ateval.ParseDate(*s)
}

func mustDate(s string) ateval.Date {
	d, err := ateval.ParseDate(s)
	if err != nil {
		// The schema only ever receives dates we formatted ourselves.
		panic(fmt.Sprintf("storage: stored date %q is malformed", s))
	}
	return d
}
