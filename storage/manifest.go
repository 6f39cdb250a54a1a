package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ateval/ateval"
)

// manifestFormat names the manifest's layout, for a later build to read.
const manifestFormat = "ateval-backup/1"

// Manifest describes a backup copy: written beside it by Backup, and
// checked by VerifyBackup before anything else is read of the copy.
type Manifest struct {
	Format string `json:"format"`
	// File is the copy's name when it was written.
	File   string `json:"file"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	// TakenAt is when the copy's read began: the database as of then.
	TakenAt       time.Time `json:"taken_at"`
	SchemaVersion int       `json:"schema_version"`
	Counts        Counts    `json:"counts"`
}

// ManifestPath is where the manifest of the copy at path lives.
func ManifestPath(path string) string { return path + ".manifest.json" }

// Verified is what VerifyBackup found: the manifest, and what the copy holds.
type Verified struct {
	Manifest Manifest // zero for a copy restored without one
	Info     BackupInfo
}

// newManifest describes the copy at path, to be named name.
func newManifest(path, name string, takenAt time.Time, info BackupInfo) (Manifest, error) {
	size, sum, err := hashFile(path)
	if err != nil {
		return Manifest{}, err
	}
	return Manifest{Format: manifestFormat, File: name, Bytes: size, SHA256: sum, TakenAt: takenAt,
		SchemaVersion: info.SchemaVersion, Counts: info.Counts}, nil
}

// place writes the manifest of the copy to be named copyPath, whole or
// not at all: to a temporary file, synced, then given its name.
func (m Manifest) place(copyPath string) (err error) {
	f, err := os.CreateTemp(filepath.Dir(copyPath), partialPrefix(copyPath)+"manifest-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return placeNoClobber(f.Name(), ManifestPath(copyPath))
}

// hashFile returns a file's size and SHA-256, in hex.
func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// VerifyBackup checks a backup before it may be restored: first against
// its manifest (its size and SHA-256: a byte changed anywhere, which
// SQLite's integrity check does not see inside a row, is refused, naming
// the file and what differs), then with CheckBackup, whose findings must
// agree with the manifest's.
func VerifyBackup(ctx context.Context, path string) (v Verified, err error) {
	defer ateval.Wrap(&err, "verify backup %s", path)
	if fi, err := os.Stat(path); err != nil {
		return v, ateval.Errorf(ateval.ENOTFOUND, "%s does not exist", path)
	} else if fi.IsDir() {
		return v, ateval.Errorf(ateval.EINVALID, "%s is a directory, not a backup file", path)
	}
	mpath := ManifestPath(path)
	raw, err := os.ReadFile(mpath)
	if errors.Is(err, fs.ErrNotExist) {
		if _, jerr := os.Lstat(path + "-journal"); jerr == nil {
			return v, ateval.Errorf(ateval.EINVALID, "%s is an interrupted copy, not a backup: it has no manifest %s, and the journal of a write that never finished is beside it", path, mpath)
		}
		return v, ateval.Errorf(ateval.EINVALID, "%s has no manifest %s, so it cannot be verified: a copy made by ateval backup has one beside it. If this copy was made before backups had manifests, and you know where it has been, restore it with --without-manifest", path, mpath)
	} else if err != nil {
		return v, err
	}
	m := &v.Manifest
	if err := json.Unmarshal(raw, m); err != nil || m.Format != manifestFormat || len(m.SHA256) != sha256.Size*2 {
		return v, ateval.Errorf(ateval.EINVALID, "%s is not a manifest this build can read (want format %s)", mpath, manifestFormat)
	}
	size, sum, err := hashFile(path)
	if err != nil {
		return v, err
	}
	if size != m.Bytes {
		return v, ateval.Errorf(ateval.EINVALID, "%s is not the copy its manifest %s describes: it is %d bytes, and the manifest says %d; it has been cut short or changed since the backup was taken. Restore from another copy", path, mpath, size, m.Bytes)
	}
	if sum != m.SHA256 {
		return v, ateval.Errorf(ateval.EINVALID, "%s is not the copy its manifest %s describes: its SHA-256 is %s, and the manifest says %s; it has changed since the backup was taken (damaged on disk or on the way). Restore from another copy", path, mpath, sum, m.SHA256)
	}
	if v.Info, err = CheckBackup(ctx, path); err != nil {
		return v, err
	}
	if v.Info.SchemaVersion != m.SchemaVersion || v.Info.Counts != m.Counts {
		return v, ateval.Errorf(ateval.EINVALID, "%s holds schema version %d and %+v, but its manifest %s says schema version %d and %+v", path, v.Info.SchemaVersion, v.Info.Counts, mpath, m.SchemaVersion, m.Counts)
	}
	return v, nil
}
