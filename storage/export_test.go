package storage

import "context"

// MigrateTo applies the migrations up to version last, for tests of a later
// migration's moving of data.
func (db *DB) MigrateTo(ctx context.Context, last int) ([]int, error) { return db.migrateTo(ctx, last) }
