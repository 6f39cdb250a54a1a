package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-sqlite3"

	"github.com/ateval/ateval"
)

// errPostgresBackup explains what to do instead on PostgreSQL, whose own
// tools take consistent copies of a live database better than we could.
var errPostgresBackup = ateval.Errorf(ateval.EINVALID,
	"on PostgreSQL use pg_dump for a consistent copy of the live database (pg_dump -Fc -f FILE URL) and pg_restore to restore it (see README.md)")

// BackupResult is what Backup wrote, and what it cleared away first.
type BackupResult struct {
	Manifest Manifest
	// Swept names what interrupted backups to the same file had left: a
	// partial copy, its journal, a manifest with no copy.
	Swept []string
}

// Backup writes a consistent copy of a SQLite database to path while the
// server goes on running, with its manifest beside it (ManifestPath).
// VACUUM INTO reads in one read transaction, so the copy is the database
// as of one moment, compacted. The copy is written to a temporary file in
// the same folder, synced, checked (SQLite's integrity check, the schema,
// the core tables) and hashed, and only then given its name, after its
// manifest: so path is a complete, checked copy or does not exist, and a
// backup killed part way leaves nothing that blocks the next one, which
// sweeps what it left. path must not exist.
func (db *DB) Backup(ctx context.Context, path string) (res BackupResult, err error) {
	defer ateval.Wrap(&err, "backup to %s", path)
	if db.dialect == Postgres {
		return res, errPostgresBackup
	}
	if _, err := os.Lstat(path); err == nil {
		return res, ateval.Errorf(ateval.ECONFLICT, "%s already exists; choose a new file", path)
	}
	if res.Swept, err = sweepInterrupted(path); err != nil {
		return res, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), partialPrefix(path)+"*")
	if err != nil {
		return res, err
	}
	tmp.Close() // VACUUM INTO writes into an empty file
	defer func() {
		if err != nil {
			removeCopy(tmp.Name())
		}
	}()
	takenAt := db.Now().UTC()
	if err := db.gorm.WithContext(ctx).Exec("VACUUM INTO ?", tmp.Name()).Error; err != nil {
		return res, err
	}
	if err := syncFile(tmp.Name()); err != nil {
		return res, err
	}
	info, err := CheckBackup(ctx, tmp.Name())
	if err != nil {
		return res, fmt.Errorf("the copy does not check out: %w", err)
	}
	res.Manifest, err = newManifest(tmp.Name(), filepath.Base(path), takenAt, info)
	if err != nil {
		return res, err
	}
	if err := res.Manifest.place(path); err != nil {
		return res, err
	}
	if err := placeNoClobber(tmp.Name(), path); err != nil {
		os.Remove(ManifestPath(path))
		return res, err
	}
	return res, syncDir(filepath.Dir(path))
}

// partialPrefix is the name of a copy being written to path, up to the
// random part: hidden, and naming the copy it will become.
func partialPrefix(path string) string { return "." + filepath.Base(path) + ".partial-" }

// sweepInterrupted removes what backups to path that were killed part way
// left behind: partial copies and their journals, and a manifest whose
// copy never got its name. A backup to the same file still running would
// lose its partial copy, and fail.
func sweepInterrupted(path string) (swept []string, err error) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), partialPrefix(path)) {
			p := filepath.Join(dir, e.Name())
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return swept, err
			}
			swept = append(swept, p)
		}
	}
	if _, err := os.Lstat(ManifestPath(path)); err == nil {
		if err := os.Remove(ManifestPath(path)); err != nil {
			return swept, err
		}
		swept = append(swept, ManifestPath(path))
	}
	return swept, nil
}

// removeCopy removes a SQLite file and the journal beside it.
func removeCopy(path string) {
	os.Remove(path)
	os.Remove(path + "-journal")
}

// placeNoClobber gives the file at tmp the name dst, unless dst exists: a
// hard link fails rather than replace, so two backups to one name cannot
// overwrite each other. Where links are not supported it renames, after
// checking.
func placeNoClobber(tmp, dst string) error {
	err := os.Link(tmp, dst)
	switch {
	case err == nil:
		return os.Remove(tmp)
	case errors.Is(err, fs.ErrExist):
		return ateval.Errorf(ateval.ECONFLICT, "%s already exists; choose a new file", dst)
	}
	if _, err := os.Lstat(dst); err == nil {
		return ateval.Errorf(ateval.ECONFLICT, "%s already exists; choose a new file", dst)
	}
	return os.Rename(tmp, dst)
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// syncDir makes the names given in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// BackupInfo is what CheckBackup found in a backup file.
type BackupInfo struct {
	SchemaVersion int
	Counts        Counts
}

// CheckBackup opens a SQLite file read-only and checks that it is a whole,
// uncorrupted ateval database that this build can use: integrity check
// passed, the core tables present, a schema no newer than this build's.
// SQLite's integrity check reads the file's structure, not what its rows
// hold: a changed byte inside a row passes it. VerifyBackup checks the
// copy against its manifest first.
func CheckBackup(ctx context.Context, path string) (info BackupInfo, err error) {
	defer ateval.Wrap(&err, "check backup %s", path)
	if fi, err := os.Stat(path); err != nil {
		return info, ateval.Errorf(ateval.ENOTFOUND, "%s does not exist", path)
	} else if fi.IsDir() {
		return info, ateval.Errorf(ateval.EINVALID, "%s is a directory, not a backup file", path)
	}
	// A journal beside it means a write to it was cut short (a killed
	// backup): opened read-only, SQLite could only say "attempt to write a
	// readonly database" as it tried to roll the journal back.
	if _, err := os.Lstat(path + "-journal"); err == nil {
		return info, ateval.Errorf(ateval.EINVALID, "%s is an interrupted copy, not a backup: its journal %s-journal is still beside it, left by a write that never finished", path, path)
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

// RestoreOptions say how a backup is to be restored.
type RestoreOptions struct {
	// WithoutManifest restores a copy that has no manifest (one made before
	// backups had them), on SQLite's integrity check alone. A manifest
	// that is there is checked all the same.
	WithoutManifest bool
}

// Verify is VerifyBackup, or CheckBackup alone for a copy that has no
// manifest when that is allowed.
func (opt RestoreOptions) Verify(ctx context.Context, path string) (Verified, error) {
	if opt.WithoutManifest {
		if _, err := os.Lstat(ManifestPath(path)); errors.Is(err, fs.ErrNotExist) {
			info, err := CheckBackup(ctx, path)
			return Verified{Info: info}, err
		}
	}
	return VerifyBackup(ctx, path)
}

// Restore replaces the whole content of a SQLite database with the backup
// at path, once it is verified (VerifyBackup: manifest, then integrity).
// It copies page by page through SQLite's backup API, which takes the
// locks it needs, so other connections see either the old database or the
// restored one, never a mix. A copy from an older build is then migrated,
// and every session ends: the copy holds the sessions of when it was
// taken, some of them signed out since.
func (db *DB) Restore(ctx context.Context, path string, opt RestoreOptions) (v Verified, err error) {
	if db.dialect == Postgres {
		return v, errPostgresBackup
	}
	if v, err = opt.Verify(ctx, path); err != nil {
		return v, err
	}
	defer ateval.Wrap(&err, "restore from %s", path)
	if err := db.copyIn(ctx, path); err != nil {
		return v, err
	}
	// A copy from an older build is brought up to this build's schema.
	if _, err := db.Migrate(ctx); err != nil {
		return v, err
	}
	return v, db.gorm.WithContext(ctx).Exec("DELETE FROM sessions").Error
}

// copyIn copies the SQLite file at path over this database through
// SQLite's backup API.
func (db *DB) copyIn(ctx context.Context, path string) error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	dest, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer dest.Close()
	srcDB, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer srcDB.Close()
	src, err := srcDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	return dest.Raw(func(d any) error {
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
