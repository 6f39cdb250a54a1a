package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"github.com/ateval/ateval"
)

// Tx is a unit of work: every method on it runs in one transaction (or,
// from DB.View, on a plain connection for reads). It carries the context
// it was begun with, and so the acting user, explicitly.
type Tx struct {
	g   *gorm.DB
	db  *DB
	ctx context.Context
	// sqlTx is the transaction when the Tx began it on a connection of its
	// own (every write on SQLite, a bulk load on PostgreSQL): SQLite
	// prepares one statement on it for every assessment of a bulk load.
	sqlTx *sql.Tx
	// conn is the connection a PostgreSQL bulk load's transaction runs on,
	// so that it can COPY on it (see InBulkTx); nil otherwise.
	conn *sql.Conn
}

// InTx runs fn in one transaction, committed if fn returns nil and rolled
// back otherwise, so that an import or a form lands whole or not at all.
// A transaction that cannot get the write lock within the lock timeout
// fails with EUNAVAILABLE, having written nothing.
//
// On SQLite, where one writer at a time holds the file's write lock, the
// process's write transactions take turns before they take a connection
// (writeTurn), and the lock timeout runs from the moment a transaction
// asks for its turn: its connection's busy timeout is what is left of it.
// So a write waits for the lock once, however many are queued (they used
// to hold every pooled connection, each waiting a whole busy timeout, and
// the rest queued for a connection: reads too); and while another process
// (an import) holds the lock, readers keep the other connections.
func (db *DB) InTx(ctx context.Context, fn func(*Tx) error) error {
	if db.dialect == SQLite {
		return db.inSQLiteTx(ctx, fn)
	}
	return db.unavailable(db.gorm.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		return fn(&Tx{g: g, db: db, ctx: ctx})
	}))
}

// inSQLiteTx is InTx on SQLite: see there.
func (db *DB) inSQLiteTx(ctx context.Context, fn func(*Tx) error) (err error) {
	defer func() { err = db.unavailable(err) }()
	deadline := time.Now().Add(db.lockTimeout)
	turn := time.NewTimer(db.lockTimeout)
	select {
	case db.writeTurn <- struct{}{}:
		turn.Stop()
	case <-turn.C:
		return db.errBusy()
	case <-ctx.Done():
		turn.Stop()
		return ctx.Err()
	}
	defer func() { <-db.writeTurn }()
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	left := max(time.Until(deadline), time.Millisecond)
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", left.Milliseconds())); err != nil {
		return err
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA busy_timeout = %d", db.lockTimeout.Milliseconds())); rerr != nil {
			// A connection left with a shorter busy timeout would refuse
			// other writes early: take it out of the pool instead.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return db.connTx(ctx, conn, fn, false)
}

// bulkCacheKiB is the page cache a bulk load's SQLite connection has while
// it writes: a million assessments touch their indexes all over, and with
// SQLite's default 2 MiB the same index pages were written to the WAL and
// read back again and again (an import took half as long again).
const bulkCacheKiB = 128 << 10

// InBulkTx is InTx for a bulk load, such as an import. On SQLite the
// transaction's connection has a larger page cache while it writes, and
// its own again afterwards, and the assessments are written with one
// prepared statement on its transaction. On PostgreSQL the transaction runs
// on a connection held for it, so that the assessments can be sent with
// COPY inside it (CreateAssessments).
func (db *DB) InBulkTx(ctx context.Context, fn func(*Tx) error) error {
	if db.dialect == Postgres {
		return db.inConnTx(ctx, fn)
	}
	return db.InTx(ctx, func(tx *Tx) error {
		var before int
		if err := tx.g.Raw("PRAGMA cache_size").Scan(&before).Error; err != nil {
			return err
		}
		if err := tx.g.Exec(fmt.Sprintf("PRAGMA cache_size = -%d", bulkCacheKiB)).Error; err != nil {
			return err
		}
		err := fn(tx)
		if rerr := tx.g.Exec(fmt.Sprintf("PRAGMA cache_size = %d", before)).Error; err == nil {
			err = rerr
		}
		return err
	})
}

// inConnTx runs fn in a transaction on a connection of its own, which the
// Tx keeps.
func (db *DB) inConnTx(ctx context.Context, fn func(*Tx) error) (err error) {
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
	return db.connTx(ctx, conn, fn, true)
}

// connTx runs fn in a transaction it begins on conn. gorm is opened over
// that transaction as its connection pool (its documented way to run on a
// connection one holds), so no gorm internals are touched; the Tx keeps
// the transaction, and the connection when keepConn.
func (db *DB) connTx(ctx context.Context, conn *sql.Conn, fn func(*Tx) error, keepConn bool) error {
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			sqlTx.Rollback()
		}
	}()
	var dialector gorm.Dialector = sqlite.New(sqlite.Config{Conn: sqlTx})
	if db.dialect == Postgres {
		dialector = postgres.New(postgres.Config{Conn: sqlTx})
	}
	g, err := gorm.Open(dialector, gormConfig())
	if err != nil {
		return err
	}
	tx := &Tx{g: g.WithContext(ctx), db: db, ctx: ctx, sqlTx: sqlTx}
	if keepConn {
		tx.conn = conn
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	committed = true
	return nil
}

// View returns a Tx for reads outside a transaction.
func (db *DB) View(ctx context.Context) *Tx {
	return &Tx{g: db.gorm.WithContext(ctx), db: db, ctx: ctx}
}

// batchSize bounds the rows of one multi-row INSERT: SQLite allows 32,766
// bound parameters, and the widest row here has under 20 columns.
const batchSize = 500

// Counts is how much a database holds, as `ateval status --json` prints it.
type Counts struct {
	Boroughs     int64 `json:"boroughs"`
	Residents    int64 `json:"residents"`
	Devices      int64 `json:"devices"`
	DeviceIssues int64 `json:"device_issues"`
	Assessments  int64 `json:"assessments"`
}

// Counts counts the rows of each kind.
func (tx *Tx) Counts() (Counts, error) {
	var c Counts
	for _, t := range []struct {
		table string
		n     *int64
	}{{"boroughs", &c.Boroughs}, {"residents", &c.Residents}, {"devices", &c.Devices}, {"device_issues", &c.DeviceIssues}, {"assessments", &c.Assessments}} {
		if err := tx.g.Table(t.table).Count(t.n).Error; err != nil {
			return c, err
		}
	}
	return c, nil
}

// Today is the current date by the database's clock (DB.Now).
func (tx *Tx) Today() ateval.Date { return tx.db.today() }

// Analyze refreshes PostgreSQL's planner statistics, for a bulk load to
// call before it commits. A freshly loaded table has none until autovacuum
// reaches it (a minute or more later), and meanwhile the planner guesses:
// at a million assessments a resident's timeline hash-joined every score
// row (150 to 450 ms) instead of reading the resident's few by index
// (3 ms). Called inside the load's transaction, ANALYZE counts the rows
// the load wrote, and no reader sees them without their statistics. The
// whole database is analyzed so the call does not depend on which tables
// the schema has. SQLite is left alone: without statistics its planner takes every index as selective,
// which is what these queries want, and ANALYZE there would change plans
// chosen and measured without it. Operator only.
func (tx *Tx) Analyze() error {
	if err := tx.operatorOnly(); err != nil {
		return err
	}
	if tx.db.dialect != Postgres {
		return nil
	}
	return tx.g.Exec("ANALYZE").Error
}
