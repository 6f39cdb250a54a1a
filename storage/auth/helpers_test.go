package auth_test

import (
	"context"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

var sys = ateval.SystemContext(context.Background())

// as, addUser and auditActions are storagetest's, shared with storage's
// tests.
var (
	as           = storagetest.As
	addUser      = storagetest.AddUser
	auditActions = storagetest.AuditActions
)

// twoBoroughs stores Camden and Sutton.
func twoBoroughs(t *testing.T, db *storage.DB) (camden, sutton ateval.Borough) {
	t.Helper()
	camden, sutton = ateval.Borough{Slug: "camden", Name: "Camden"}, ateval.Borough{Slug: "sutton", Name: "Sutton"}
	err := db.InTx(sys, func(tx *storage.Tx) error {
		if err := tx.CreateBorough(&camden); err != nil {
			return err
		}
		return tx.CreateBorough(&sutton)
	})
	if err != nil {
		t.Fatal(err)
	}
	return camden, sutton
}
