package storage_test

import (
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestDueListNamed checks that the due list's names are of the acting
// user's borough only, one per resident listed, that the reading is
// audited as naming them, and that a role that may not read residents
// is refused.
func TestDueListNamed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		fw := forms.Default()
		today := ateval.NewDate(2026, 6, 1)
		g := devices.Comparison
		// Two Sutton residents due at baseline, one named; Camden's
		// resident, named, has nothing due.
		named := devices.Resident{Reference: "SUT-2", YearOfBirth: 1944, Sex: devices.Female, EthnicGroup: devices.EthnicWhite,
			PrimarySupportReason: devices.SupportPhysical, RegisteredOn: ateval.NewDate(2025, 3, 1)}
		if err := db.CreateResident(p.sut, &named, &devices.Identity{GivenName: "Olive", FamilyName: "Sample"}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{p.sutRes.ID, named.ID} {
			if _, err := db.UpdateResident(p.sut, id, devices.ResidentPatch{Group: &g, EnrolledOn: &today}); err != nil {
				t.Fatal(err)
			}
		}
		due, names, err := db.DueListNamed(p.sut, fw)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := db.DueList(p.sut, fw)
		if err != nil || len(plain) != len(due) || len(due) != 2*len(fw.Windows()[0].Instruments) {
			t.Fatalf("due: named %d, plain %d (%v)", len(due), len(plain), err)
		}
		if len(names) != 2 || names[named.ID] != (storage.ResidentName{GivenName: "Olive", FamilyName: "Sample"}) || names[p.sutRes.ID] != (storage.ResidentName{}) {
			t.Errorf("names: %+v", names)
		}
		if _, ok := names[p.camRes.ID]; ok {
			t.Error("Sutton's due list names Camden's resident")
		}
		es, _, err := db.AuditLog(sys, storage.AuditFilter{Action: ateval.ActionReadDueList})
		if err != nil {
			t.Fatal(err)
		}
		var details []string
		for _, e := range es {
			details = append(details, e.Detail)
		}
		if got := strings.Join(details, "; "); !strings.Contains(got, "due, with names") {
			t.Errorf("the due list's audit entries: %q", got)
		}
		eval := as(addUser(t, db, "eval@example.org", ateval.RoleEvaluator, 0))
		if _, names, err := db.DueListNamed(eval, fw); ateval.ErrorCode(err) != ateval.EFORBIDDEN || names != nil {
			t.Errorf("an evaluator's named due list: %v %v", names, err)
		}
	})
}
