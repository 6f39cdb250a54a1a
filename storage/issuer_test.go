package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestIssuerIsStaffOfTheBorough checks who a device issue may name as
// its issuer: the acting user by default, or an active practitioner or
// borough lead of the resident's borough by email or id; no one else,
// with one message whoever it was; free text only at the command line.
func TestIssuerIsStaffOfTheBorough(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		prac := ateval.UserFromContext(p.cam)
		lead := addUser(t, db, "lead@camden.example", ateval.RoleBoroughLead, p.camden.ID)
		gone := addUser(t, db, "gone@camden.example", ateval.RolePractitioner, p.camden.ID)
		comm := addUser(t, db, "comm@example.org", ateval.RoleCommissioner, 0)
		sqlDB, err := db.SQL()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sqlDB.Exec(fmt.Sprintf(`UPDATE users SET disabled = TRUE WHERE id = %d`, gone.ID)); err != nil {
			t.Fatal(err)
		}
		const notStaff = "issued_by: must be a member of staff of the resident's borough (a practitioner or borough lead with an account), named by email"
		for _, c := range []struct {
			name      string
			ctx       context.Context
			edit      func(*devices.DeviceIssue)
			wantID    int64
			wantEmail string
			wantErr   string
		}{
			{"the acting user by default", p.cam, func(*devices.DeviceIssue) {}, prac.ID, prac.Email, ""},
			{"a colleague by email, in any case", p.cam, func(di *devices.DeviceIssue) { di.IssuedBy = " Lead@Camden.example " }, lead.ID, lead.Email, ""},
			{"a colleague by id", p.cam, func(di *devices.DeviceIssue) { di.IssuedByID = lead.ID }, lead.ID, lead.Email, ""},
			{"id and email agreeing", p.cam, func(di *devices.DeviceIssue) { di.IssuedByID, di.IssuedBy = lead.ID, lead.Email }, lead.ID, lead.Email, ""},
			{"id and email disagreeing", p.cam, func(di *devices.DeviceIssue) { di.IssuedByID, di.IssuedBy = lead.ID, prac.Email }, 0, "", notStaff},
			{"another borough's practitioner", p.cam, func(di *devices.DeviceIssue) { di.IssuedBy = "prac@sutton.example" }, 0, "", notStaff},
			{"another borough's practitioner by id", p.cam, func(di *devices.DeviceIssue) { di.IssuedByID = ateval.UserFromContext(p.sut).ID }, 0, "", notStaff},
			{"a commissioner", p.cam, func(di *devices.DeviceIssue) { di.IssuedBy = comm.Email }, 0, "", notStaff},
			{"a disabled account", p.cam, func(di *devices.DeviceIssue) { di.IssuedBy = gone.Email }, 0, "", notStaff},
			{"no such account", p.cam, func(di *devices.DeviceIssue) { di.IssuedBy = "nobody@camden.example" }, 0, "", notStaff},
			{"free text from the web", p.cam, func(di *devices.DeviceIssue) { di.IssuedByText = "Jo Bloggs" }, 0, "",
				"issued_by_text: is for an import at the command line; name a member of staff in issued_by"},
			{"the operator, no one named", sys, func(*devices.DeviceIssue) {}, 0, "", ""},
			{"the operator, naming staff", sys, func(di *devices.DeviceIssue) { di.IssuedBy = lead.Email }, lead.ID, lead.Email, ""},
		} {
			di := devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: ateval.NewDate(2026, 2, 1)}
			c.edit(&di)
			err := db.IssueDevice(c.ctx, p.camRes.ID, &di)
			if got := fieldsOf(err); got != c.wantErr || c.wantErr == "" && err != nil {
				t.Errorf("%s: %v, want %q", c.name, err, c.wantErr)
				continue
			}
			if err != nil {
				continue
			}
			if di.IssuedByID != c.wantID || di.IssuedBy != c.wantEmail {
				t.Errorf("%s: issued by %d %q, want %d %q", c.name, di.IssuedByID, di.IssuedBy, c.wantID, c.wantEmail)
			}
			got, _, err := db.DeviceIssue(p.cam, di.ID)
			if err != nil || got.IssuedByID != c.wantID || got.IssuedBy != c.wantEmail {
				t.Errorf("%s: read back issued by %d %q (%v), want %d %q", c.name, got.IssuedByID, got.IssuedBy, err, c.wantID, c.wantEmail)
			}
		}
		// The operator may record who issued it as text; an update keeps
		// the issuer, account or text.
		text := devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: ateval.NewDate(2026, 2, 1), IssuedByText: "TEC team North"}
		if err := db.IssueDevice(sys, p.camRes.ID, &text); err != nil {
			t.Fatal(err)
		}
		byLead := devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: ateval.NewDate(2026, 2, 1), IssuedBy: lead.Email}
		if err := db.IssueDevice(p.cam, p.camRes.ID, &byLead); err != nil {
			t.Fatal(err)
		}
		inst := ateval.NewDate(2026, 2, 3)
		for _, id := range []int64{text.ID, byLead.ID} {
			if _, err := db.UpdateDeviceIssue(p.cam, id, devices.DeviceIssuePatch{InstalledOn: &inst}); err != nil {
				t.Fatal(err)
			}
		}
		tl, err := db.ResidentTimeline(p.cam, forms.Default(), p.camRes.ID)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := db.ResidentRecord(p.cam, p.camRes.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, di := range append(tl.DeviceIssues, rec.DeviceIssues...) {
			switch di.ID {
			case text.ID:
				if di.IssuedByText != "TEC team North" || di.IssuedByID != 0 || di.IssuedBy != "" {
					t.Errorf("the operator's issue after an update: %+v, want the text kept and no account", di)
				}
			case byLead.ID:
				if di.IssuedByID != lead.ID || di.IssuedBy != lead.Email || di.InstalledOn != inst {
					t.Errorf("the lead's issue after an update: %+v, want the lead kept", di)
				}
			}
		}
		// The staff a page offers: Camden's active practitioners and leads.
		staff, err := db.BoroughStaff(p.cam)
		if err != nil {
			t.Fatal(err)
		}
		var emails []string
		for _, u := range staff {
			emails = append(emails, u.Email)
		}
		if fmt.Sprint(emails) != "[lead@camden.example prac@camden.example]" {
			t.Errorf("Camden's staff: %v, want its lead and practitioner", emails)
		}
		if _, err := db.BoroughStaff(as(comm)); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("a commissioner lists a borough's staff: %v, want forbidden", err)
		}
	})
}
