package storage

import (
	"context"

	"gorm.io/gorm"
)

// MigrateTo applies the migrations up to version last, for tests of a later
// migration's moving of data.
func (db *DB) MigrateTo(ctx context.Context, last int) ([]int, error) { return db.migrateTo(ctx, last) }

// Gorm is the database handle, for tests that check what was stored.
func (db *DB) Gorm() *gorm.DB { return db.gorm }
