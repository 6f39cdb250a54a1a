package storage_test

import (
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestAgreementAdmin: an administrator sets an agreement's minimum k and
// ends it early; no export is made under it after; other roles may not.
func TestAgreementAdmin(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		twoBoroughs(t, db)
		admin := as(addUser(t, db, "admin@example.org", ateval.RoleAdmin, 0))
		eval := as(addUser(t, db, "eval@uni.example", ateval.RoleEvaluator, 0))
		id := newAgreement(t, db, "falls study", "camden")
		for _, k := range []int{1, 1001} {
			if err := db.SetAgreementMinK(admin, id, k); fieldsOf(err) == "" {
				t.Errorf("minimum k %d: %v", k, err)
			}
		}
		if err := db.SetAgreementMinK(eval, id, 10); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("an evaluator sets k: %v", err)
		}
		if err := db.SetAgreementMinK(admin, id, 10); err != nil {
			t.Fatal(err)
		}
		a, err := db.EndAgreement(admin, id)
		if err != nil || a.MinK != 10 || a.ExpiresOn != ateval.DateOf(db.Now()) {
			t.Fatalf("ended: %+v %v", a, err)
		}
		if _, err := db.EndAgreement(admin, id); ateval.ErrorCode(err) != ateval.ECONFLICT {
			t.Errorf("ended twice: %v", err)
		}
		acts := auditActions(t, db)
		if acts[ateval.ActionSetAgreementMinK] != 1 || acts[ateval.ActionEndAgreement] != 1 {
			t.Errorf("audit: %v", acts)
		}
	})
}
