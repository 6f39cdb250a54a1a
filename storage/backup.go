package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mattn/go-sqlite3"

	"github.com/ateval/ateval"
)

// errPostgresBackup explains what to do instead on PostgreSQL, whose own
// tools take consistent copies of a live database better than we could.
var errPostgresBackup = ateval.Errorf(ateval.EINVALID,
	"on PostgreSQL use pg_dump for a consistent copy of the live database (pg_dump -Fc -f FILE URL) and pg_restore to restore it (see README.md)")

// Backup writes a consistent copy of a SQLite database to path while the
// server goes on running: VACUUM INTO reads in one read transaction, so
// the copy is the database as of one moment, compacted. path must not
// exist.
func (db *DB) Backup(ctx context.Context, path string) (err error) {
	defer ateval.Wrap(&err, "backup to %s", path)
	if db.dialect == Postgres {
		return errPostgresBackup
	}
	if _, err := os.Stat(path); err == nil {
		return ateval.Errorf(ateval.ECONFLICT, "%s already exists; choose a new file", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	return db.gorm.WithContext(ctx).Exec("VACUUM INTO ?", abs).Error
}

// BackupInfo is what CheckBackup found in a backup file.
type BackupInfo struct {
	SchemaVersion int
	Counts        Counts
}

// CheckBackup opens a SQLite file read-only and checks that it is a whole,
// uncorrupted ateval database that this build can use: integrity check
// passed, the core tables present, a schema no newer than this build's.
func CheckBackup(ctx context.Context, path string) (info BackupInfo, err error) {
	defer ateval.Wrap(&err, "check backup %s", path)
	if _, err := os.Stat(path); err != nil {
		return info, ateval.Errorf(ateval.ENOTFOUND, "%s does not exist", path)
	}
	src, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_query_only=1")
	if err != nil {
		return info, err
	}
	defer src.Close()
	var result string
	if err := src.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result); err != nil {
		return info, ateval.Errorf(ateval.EINVALID, "%s is not a SQLite database: %v", path, err)
	}
	if result != "ok" {
		return info, ateval.Errorf(ateval.EINVALID, "%s fails SQLite's integrity check: %s", path, result)
	}
	if err := src.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&info.SchemaVersion); err != nil {
		return info, ateval.Errorf(ateval.EINVALID, "%s is not an ateval database (no schema_migrations table)", path)
	}
	if latest := migrations()[len(migrations())-1].version; info.SchemaVersion > latest {
		return info, ateval.Errorf(ateval.EINVALID, "%s has schema version %d, newer than this build's %d; restore it with a newer ateval", path, info.SchemaVersion, latest)
	}
	for _, t := range []struct {
		table string
		n     *int64
	}{{"boroughs", &info.Counts.Boroughs}, {"residents", &info.Counts.Residents}, {"devices", &info.Counts.Devices}, {"device_issues", &info.Counts.DeviceIssues}, {"assessments", &info.Counts.Assessments}} {
		if err := src.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t.table).Scan(t.n); err != nil {
			return info, ateval.Errorf(ateval.EINVALID, "%s lacks the %s table", path, t.table)
		}
	}
	return info, nil
}

// Restore replaces the whole content of a SQLite database with the backup
// at path, after CheckBackup passes. It copies page by page through
// SQLite's backup API, which takes the locks it needs, so other
// connections see either the old database or the restored one, never a mix.
func (db *DB) Restore(ctx context.Context, path string) (info BackupInfo, err error) {
	if db.dialect == Postgres {
		return info, errPostgresBackup
	}
	if info, err = CheckBackup(ctx, path); err != nil {
		return info, err
	}
	defer ateval.Wrap(&err, "restore from %s", path)
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return info, err
	}
	dest, err := sqlDB.Conn(ctx)
	if err != nil {
		return info, err
	}
	defer dest.Close()
	srcDB, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return info, err
	}
	defer srcDB.Close()
	src, err := srcDB.Conn(ctx)
	if err != nil {
		return info, err
	}
	defer src.Close()
	err = dest.Raw(func(d any) error {
		return src.Raw(func(s any) error {
			dc, ok1 := d.(*sqlite3.SQLiteConn)
			sc, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return errors.New("not a SQLite connection")
			}
			b, err := dc.Backup("main", sc, "main")
			if err != nil {
				return err
			}
			done, err := b.Step(-1)
			if err == nil && !done {
				err = fmt.Errorf("backup stopped before the end")
			}
			if ferr := b.Finish(); err == nil {
				err = ferr
			}
			return err
		})
	})
	return info, err
}

// IntegrityCheck runs SQLite's integrity check (or, on PostgreSQL, checks
// that the database answers) and returns an error unless all is well.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	if db.dialect == Postgres {
		return db.Ping(ctx)
	}
	var result string
	if err := db.gorm.WithContext(ctx).Raw("PRAGMA integrity_check").Scan(&result).Error; err != nil {
		return err
	}
	if result != "ok" {
		return fmt.Errorf("integrity check: %s", result)
	}
	return nil
}
