package storage

import (
	"context"

	"gorm.io/gorm"

	"github.com/ateval/ateval/devices"
)

// MigrateTo applies the migrations up to version last, for tests of a later
// migration's moving of data.
func (db *DB) MigrateTo(ctx context.Context, last int) ([]int, error) { return db.migrateTo(ctx, last) }

// Gorm is the database handle, for tests that check what was stored.
func (db *DB) Gorm() *gorm.DB { return db.gorm }

// RequestDigest is requestDigest, for a test to store a request's issue
// as another request would.
func RequestDigest(di *devices.DeviceIssue) string { return requestDigest(di) }
