package storage_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestRoleRefusalsAreAudited calls every resident-level method, and the
// administrators' own, as roles refused them outright: each refusal is
// EFORBIDDEN and leaves one access_denied row naming the user, the role,
// the attempted action and the object asked for by id, from the client's
// address. Signed out, nothing is recorded. Another borough's resident
// is still read_resident_denied.
func TestRoleRefusalsAreAudited(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		comm := addUser(t, db, "comm@example.org", ateval.RoleCommissioner, 0)
		eval := addUser(t, db, "eval@example.ac.uk", ateval.RoleEvaluator, 0)
		admin := addUser(t, db, "admin@example.org", ateval.RoleAdmin, 0)
		issue := devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: ateval.NewDate(2026, 2, 1)}
		if err := db.IssueDevice(p.cam, p.camRes.ID, &issue); err != nil {
			t.Fatal(err)
		}
		fw := forms.Default()
		res := p.camRes.ID
		attempts := []struct {
			action, object string
			id             int64
			call           func(ctx context.Context) error
		}{
			{ateval.ActionListResidents, "", 0, func(ctx context.Context) error { _, _, err := db.Residents(ctx, storage.ResidentQuery{}); return err }},
			{ateval.ActionReadResident, "resident", res, func(ctx context.Context) error { _, err := db.ResidentRecord(ctx, res); return err }},
			{ateval.ActionReadResident, "resident", res, func(ctx context.Context) error { _, err := db.ResidentTimeline(ctx, fw, res); return err }},
			{ateval.ActionCreateResident, "", 0, func(ctx context.Context) error {
				r := p.camRes
				r.Reference = "NEW-1"
				return db.CreateResident(ctx, &r, nil)
			}},
			{ateval.ActionUpdateResident, "resident", res, func(ctx context.Context) error {
				_, err := db.UpdateResident(ctx, res, devices.ResidentPatch{})
				return err
			}},
			{ateval.ActionIssueDevice, "resident", res, func(ctx context.Context) error {
				di := devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: ateval.NewDate(2026, 2, 1)}
				return db.IssueDevice(ctx, res, &di)
			}},
			{ateval.ActionReadResident, "device_issue", issue.ID, func(ctx context.Context) error { _, _, err := db.DeviceIssue(ctx, issue.ID); return err }},
			{ateval.ActionUpdateDeviceIssue, "device_issue", issue.ID, func(ctx context.Context) error {
				_, err := db.UpdateDeviceIssue(ctx, issue.ID, devices.DeviceIssuePatch{})
				return err
			}},
			{ateval.ActionRecordAssessment, "resident", res, func(ctx context.Context) error {
				return db.RecordAssessment(ctx, fw, &forms.Assessment{ResidentID: res, Instrument: "ons4", Timepoint: forms.Baseline})
			}},
			{ateval.ActionReadDueList, "", 0, func(ctx context.Context) error { _, err := db.DueList(ctx, fw); return err }},
		}
		type key struct {
			email, detail, object string
			id                    int64
		}
		want := map[key]int{}
		for _, u := range []*ateval.User{comm, eval, admin} {
			for _, a := range attempts {
				if err := a.call(as(u)); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
					t.Errorf("%s as %s: %v, want forbidden", a.action, u.Role, err)
				}
				want[key{u.Email, a.action + " as " + string(u.Role), a.object, a.id}]++
			}
		}
		// The administrators' own methods, refused to a practitioner.
		pracUser := ateval.UserFromContext(p.cam)
		if _, _, err := db.AuditLog(p.cam, storage.AuditFilter{}); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("AuditLog as a practitioner: %v, want forbidden", err)
		}
		want[key{pracUser.Email, "read_audit_log as practitioner", "", 0}]++
		if err := db.CreateCategory(p.cam, &devices.Category{ID: "hearing-loop", Name: "Hearing loop"}); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("CreateCategory as a practitioner: %v, want forbidden", err)
		}
		want[key{pracUser.Email, "create_device_category as practitioner", "", 0}]++
		// Signed out: refused, and not recorded.
		for _, a := range attempts {
			if err := a.call(context.Background()); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
				t.Errorf("%s signed out: %v, want unauthorized", a.action, err)
			}
		}
		// Another borough's resident: not found, audited as before.
		if _, err := db.ResidentRecord(p.sut, res); ateval.ErrorCode(err) != ateval.ENOTFOUND {
			t.Errorf("Sutton reads a Camden resident: %v, want not found", err)
		}

		es, _, err := db.AuditLog(sys, storage.AuditFilter{Action: ateval.ActionAccessDenied, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		got := map[key]int{}
		for _, e := range es {
			got[key{e.UserEmail, e.Detail, e.ObjectType, e.ObjectID}]++
			if e.UserID == 0 || e.RemoteAddr != "192.0.2.1" || e.ResidentID != 0 {
				t.Errorf("access_denied row %+v: want the user's id and address, and no resident named", e)
			}
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("access_denied %+v: %d rows, want %d", k, got[k], n)
			}
		}
		if len(es) != 3*len(attempts)+2 {
			t.Errorf("%d access_denied rows, want %d (none for the signed-out attempts)", len(es), 3*len(attempts)+2)
		}
		es, _, err = db.AuditLog(sys, storage.AuditFilter{Action: ateval.ActionDeniedResident})
		if err != nil || len(es) != 1 || es[0].ObjectID != res || es[0].UserEmail != "prac@sutton.example" {
			t.Errorf("read_resident_denied rows %+v (%v), want Sutton's one attempt at %d", es, err, res)
		}
		all, _, _ := db.AuditLog(sys, storage.AuditFilter{Limit: 1000})
		for _, e := range all {
			if strings.Contains(e.Detail, "NEW-1") || strings.Contains(e.Detail, p.camRes.Reference) {
				t.Errorf("an audit row holds a resident's reference: %+v", e)
			}
		}
	})
}
