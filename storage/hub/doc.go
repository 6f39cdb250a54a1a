// Package hub keeps what a hub holds of the boroughs' evidence bundles:
// the keys it trusts for each borough, and the bundles it has verified and
// imported, cell by cell (package federation parses and verifies them).
// It writes the federation_keys, federation_bundles and federation_cells
// tables of storage's database through storage's exported core; the cells
// are read as summaries by storage/summaries (ImportedCells), for the
// report built at the hub.
package hub

import "github.com/ateval/ateval/storage"

// DB is the hub's bundles and keys in one database.
type DB struct {
	store *storage.DB
}

// Of returns the hub's bundles and keys in db.
func Of(db *storage.DB) *DB { return &DB{store: db} }
