package storage

import (
	"context"

	"github.com/ateval/ateval/devices"
)

// MigrateTo applies the migrations up to version last, for tests of a later
// migration's moving of data.
func (db *DB) MigrateTo(ctx context.Context, last int) ([]int, error) { return db.migrateTo(ctx, last) }

// RequestDigest is requestDigest, for a test to store a request's issue
// as another request would.
func RequestDigest(di *devices.DeviceIssue) string { return requestDigest(di) }
