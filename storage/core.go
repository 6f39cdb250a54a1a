package storage

import (
	"context"

	"gorm.io/gorm"
)

// The exported core of storage, for its own packages (storage/summaries,
// storage/auth) that keep their SQL apart from the register's CRUD.

// Gorm returns the database's gorm handle bound to ctx, the context passed
// explicitly, for a query of storage's own packages. It is not for code
// outside storage: every caller checks who acts (ctx's user) first.
func (db *DB) Gorm(ctx context.Context) *gorm.DB { return db.gorm.WithContext(ctx) }

// ErrSignIn refuses a request that names no user: no principal, no data.
var ErrSignIn = errSignIn

// InAnalysis is the one condition that keeps an assessment (aliased a) in
// every analysis: not entered in error (see inAnalysis).
const InAnalysis = inAnalysis
