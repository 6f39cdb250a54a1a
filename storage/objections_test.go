package storage_test

import (
	"encoding/json"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
	"github.com/ateval/ateval/storage/summaries"
)

// TestWithdrawObjection: while an objection stands nothing is due and
// the resident is out of the summaries; withdrawn, they are back, and the
// objection is kept with the day of its withdrawal, audited.
func TestWithdrawObjection(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		fw := forms.Default()
		for _, a := range []forms.Assessment{
			ons4(p.camRes.ID, forms.Baseline, ateval.NewDate(2025, 2, 1), 6),
			ons4(p.camRes.ID, forms.Week6, ateval.NewDate(2025, 3, 15), 3),
		} {
			if err := db.RecordAssessment(p.cam, fw, &a); err != nil {
				t.Fatal(err)
			}
		}
		inSummaries := func() int {
			ss, err := summaries.Of(db).ChangeSummaries(sys, summaryFilter(), "ons4", "anxious", "w6")
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, s := range ss {
				n += s.N
			}
			return n
		}
		if _, err := db.WithdrawObjection(p.cam, p.camRes.ID, ateval.NewDate(2026, 5, 1)); ateval.ErrorCode(err) != ateval.EINVALID {
			t.Errorf("withdrawing no objection: %v", err)
		}
		objected := ateval.NewDate(2026, 4, 1)
		if _, err := db.UpdateResident(p.cam, p.camRes.ID, devices.ResidentPatch{ObjectedOn: &objected}); err != nil {
			t.Fatal(err)
		}
		tl, err := db.ResidentTimeline(p.cam, fw, p.camRes.ID)
		if err != nil || len(tl.Schedule) != 0 || inSummaries() != 0 {
			t.Errorf("while the objection stands: %d scheduled, %d in summaries (%v); want none", len(tl.Schedule), inSummaries(), err)
		}
		for _, c := range []struct {
			on   ateval.Date
			want string
		}{
			{ateval.NewDate(2026, 3, 31), "withdrawn_on: cannot be before the objection was made (2026-04-01)"},
			{ateval.NewDate(2026, 6, 2), "withdrawn_on: cannot be in the future"},
		} {
			if _, err := db.WithdrawObjection(p.cam, p.camRes.ID, c.on); fieldsOf(err) != c.want {
				t.Errorf("withdrawn on %s: %q, want %q", c.on, fieldsOf(err), c.want)
			}
		}
		if _, err := db.WithdrawObjection(p.sut, p.camRes.ID, ateval.NewDate(2026, 5, 1)); ateval.ErrorCode(err) != ateval.ENOTFOUND {
			t.Errorf("Sutton withdraws Camden's objection: %v", err)
		}
		r, err := db.WithdrawObjection(p.cam, p.camRes.ID, ateval.NewDate(2026, 5, 1))
		if err != nil || !r.ObjectedOn.IsZero() {
			t.Fatalf("withdrawing: %+v %v", r, err)
		}
		tl, err = db.ResidentTimeline(p.cam, fw, p.camRes.ID)
		if err != nil || len(tl.Schedule) == 0 || inSummaries() != 1 {
			t.Errorf("after the withdrawal: %d scheduled, %d in summaries (%v); want some and 1", len(tl.Schedule), inSummaries(), err)
		}
		if len(tl.Withdrawals) != 1 || tl.Withdrawals[0].ObjectedOn != objected || tl.Withdrawals[0].WithdrawnOn != ateval.NewDate(2026, 5, 1) {
			t.Errorf("withdrawals kept: %+v", tl.Withdrawals)
		}
		if n := auditActions(t, db)[ateval.ActionWithdrawObjection]; n != 1 {
			t.Errorf("%d withdraw_objection audited, want 1", n)
		}
	})
}

// TestPatchNullWithdraws: {"objected_on": null} in a patch withdraws the
// objection as of today; a patch that leaves the field out does not.
func TestPatchNullWithdraws(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		objected := ateval.NewDate(2026, 4, 1)
		if _, err := db.UpdateResident(p.cam, p.camRes.ID, devices.ResidentPatch{ObjectedOn: &objected}); err != nil {
			t.Fatal(err)
		}
		var absent, null devices.ResidentPatch
		if err := json.Unmarshal([]byte(`{"living_alone": true}`), &absent); err != nil || absent.WithdrawObjection {
			t.Fatalf("absent: %+v %v", absent, err)
		}
		if err := json.Unmarshal([]byte(`{"Objected_On": null}`), &null); err != nil || !null.WithdrawObjection {
			t.Fatalf("null: %+v %v", null, err)
		}
		var bad devices.ResidentPatch
		if err := json.Unmarshal([]byte(`{"objected": null}`), &bad); err == nil {
			t.Error("an unknown field is accepted")
		}
		if r, err := db.UpdateResident(p.cam, p.camRes.ID, absent); err != nil || r.ObjectedOn != objected {
			t.Errorf("a patch without objected_on: %+v %v", r, err)
		}
		r, err := db.UpdateResident(p.cam, p.camRes.ID, null)
		if err != nil || !r.ObjectedOn.IsZero() {
			t.Fatalf("objected_on null: %+v %v", r, err)
		}
		tl, err := db.ResidentTimeline(p.cam, forms.Default(), p.camRes.ID)
		if err != nil || len(tl.Withdrawals) != 1 || tl.Withdrawals[0].WithdrawnOn != ateval.NewDate(2026, 6, 1) {
			t.Errorf("withdrawals: %+v %v", tl.Withdrawals, err)
		}
	})
}
