package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/reports/summary"
	"github.com/ateval/ateval/sharing"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
	"github.com/ateval/ateval/storage/summaries"
)

// fieldsOf renders an error's fields as "field: message; ...".
func fieldsOf(err error) string {
	var parts []string
	for _, f := range ateval.ErrorFields(err) {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return strings.Join(parts, "; ")
}

// practice is a database with two boroughs, a practitioner of each, and
// a clock stopped on 2026-06-01.
type practice struct {
	db             *storage.DB
	camden, sutton ateval.Borough
	device         devices.Device
	camRes, sutRes devices.Resident
	cam, sut       context.Context
}

func newPractice(t *testing.T, db *storage.DB) *practice {
	t.Helper()
	p := &practice{db: db}
	p.camden, p.sutton, p.camRes, p.sutRes = twoBoroughs(t, db)
	ds, err := db.View(sys).Devices()
	if err != nil || len(ds) == 0 {
		t.Fatalf("devices: %v %v", ds, err)
	}
	p.device = ds[0]
	db.Now = func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }
	p.cam = as(addUser(t, db, "prac@camden.example", ateval.RolePractitioner, p.camden.ID))
	p.sut = as(addUser(t, db, "prac@sutton.example", ateval.RolePractitioner, p.sutton.ID))
	return p
}

var auditActions = storagetest.AuditActions

func TestCreateAndUpdateResident(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		r := devices.Resident{BoroughID: p.sutton.ID, Reference: "CAM-2", YearOfBirth: 1944, Sex: devices.Male, EthnicGroup: devices.EthnicBlack,
			PrimarySupportReason: devices.SupportSensory, RegisteredOn: ateval.NewDate(2026, 5, 1)}
		id := devices.Identity{GivenName: "Ben", FamilyName: "Example", NHSNumber: "9434765919", Postcode: "nw1 0aa", DateOfBirth: ateval.NewDate(1944, 2, 3)}
		if err := db.CreateResident(p.cam, &r, &id); err != nil {
			t.Fatal(err)
		}
		if r.BoroughID != p.camden.ID {
			t.Errorf("a Camden practitioner registered a resident in borough %d, want Camden (%d) whatever the input said", r.BoroughID, p.camden.ID)
		}
		for _, c := range []struct {
			name  string
			r     devices.Resident
			ident *devices.Identity
			want  string
		}{
			{"reference taken", devices.Resident{Reference: "CAM-2", YearOfBirth: 1950, Sex: devices.Female, EthnicGroup: devices.EthnicWhite, PrimarySupportReason: devices.SupportPhysical, RegisteredOn: ateval.NewDate(2026, 1, 1)}, nil,
				"reference: is already the reference of another resident of your borough"},
			{"registered tomorrow", devices.Resident{Reference: "CAM-3", YearOfBirth: 1950, Sex: devices.Female, EthnicGroup: devices.EthnicWhite, PrimarySupportReason: devices.SupportPhysical, RegisteredOn: ateval.NewDate(2026, 6, 2)}, nil,
				"registered_on: cannot be in the future"},
			{"bad NHS number and birth year", devices.Resident{Reference: "CAM-3", YearOfBirth: 1950, Sex: devices.Female, EthnicGroup: devices.EthnicWhite, PrimarySupportReason: devices.SupportPhysical, RegisteredOn: ateval.NewDate(2026, 1, 1)},
				&devices.Identity{NHSNumber: "9434765918", DateOfBirth: ateval.NewDate(1951, 1, 1)},
				"nhs_number: is not a valid NHS number (10 digits with a modulus 11 check digit); date_of_birth: must fall in the year of birth given"},
			{"enrolled before registered", devices.Resident{Reference: "CAM-3", YearOfBirth: 1950, Sex: devices.Female, EthnicGroup: devices.EthnicWhite, PrimarySupportReason: devices.SupportPhysical, RegisteredOn: ateval.NewDate(2026, 1, 1), Group: devices.Comparison, EnrolledOn: ateval.NewDate(2025, 12, 31)}, nil,
				"enrolled_on: cannot be before the resident was registered (2026-01-01)"},
		} {
			err := db.CreateResident(p.cam, &c.r, c.ident)
			if got := fieldsOf(err); ateval.ErrorCode(err) != ateval.EINVALID || got != c.want {
				t.Errorf("%s: %v\n got %q\nwant %q", c.name, err, got, c.want)
			}
		}
		// Update: enrol, then object; the objection stays.
		group, enrolled, objected := devices.Comparison, ateval.NewDate(2026, 5, 10), ateval.NewDate(2026, 5, 20)
		got, err := db.UpdateResident(p.cam, r.ID, devices.ResidentPatch{Group: &group, EnrolledOn: &enrolled})
		if err != nil || got.Group != devices.Comparison || got.EnrolledOn != enrolled {
			t.Fatalf("enrol: %+v %v", got, err)
		}
		if _, err := db.UpdateResident(p.cam, r.ID, devices.ResidentPatch{ObjectedOn: &objected}); err != nil {
			t.Fatal(err)
		}
		other := ateval.NewDate(2026, 5, 21)
		for _, c := range []struct {
			name string
			p    devices.ResidentPatch
			want string
		}{
			{"move the objection", devices.ResidentPatch{ObjectedOn: &other}, "objected_on: an objection recorded on 2026-05-20 is not moved: to withdraw it, send objected_on null"},
			{"withdraw it", devices.ResidentPatch{ObjectedOn: &ateval.Date{}}, "objected_on: an objection recorded on 2026-05-20 is not moved: to withdraw it, send objected_on null"},
			{"take another's reference", devices.ResidentPatch{Reference: &p.camRes.Reference}, "reference: is already the reference of another resident of your borough"},
		} {
			_, err := db.UpdateResident(p.cam, r.ID, c.p)
			if got := fieldsOf(err); got != c.want {
				t.Errorf("%s: got %q, want %q", c.name, got, c.want)
			}
		}
		// Another borough's resident, in either direction, is not found.
		if _, err := db.UpdateResident(p.sut, r.ID, devices.ResidentPatch{Group: &group}); ateval.ErrorCode(err) != ateval.ENOTFOUND {
			t.Errorf("Sutton updates a Camden resident: %v, want not found", err)
		}
		acts := auditActions(t, db)
		for action, want := range map[string]int{ateval.ActionCreateResident: 1, ateval.ActionUpdateResident: 2, ateval.ActionObjectResident: 1, ateval.ActionDeniedResident: 1} {
			if acts[action] != want {
				t.Errorf("audit %s: %d entries, want %d", action, acts[action], want)
			}
		}
	})
}

func TestIssueAndRemoveDevice(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		d := func(s string) ateval.Date { v, _ := ateval.ParseDate(s); return v }
		// camRes was registered on 2025-01-06.
		for _, c := range []struct {
			name string
			di   devices.DeviceIssue
			want string
		}{
			{"issued before registration", devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: d("2025-01-05")}, "issued_on: cannot be before the resident was registered (2025-01-06)"},
			{"issued tomorrow", devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: d("2026-06-02")}, "issued_on: cannot be in the future"},
			{"installed before issue", devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: d("2026-02-01"), InstalledOn: d("2026-01-31")}, "installed_on: cannot be before the device was issued (2026-02-01)"},
			{"removed without a reason", devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: d("2026-02-01"), RemovedOn: d("2026-03-01")}, "removal_reason: must be one of"},
			{"no such device", devices.DeviceIssue{DeviceID: 99999, IssuedOn: d("2026-02-01")}, "device_id: must be a device of the catalogue"},
		} {
			err := db.IssueDevice(p.cam, p.camRes.ID, &c.di)
			if got := fieldsOf(err); !strings.HasPrefix(got, c.want) {
				t.Errorf("%s: got %q, want %q", c.name, got, c.want)
			}
		}
		di := devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: d("2026-02-01"), AssetTag: "FD-1", Need: "falls at night"}
		if err := db.IssueDevice(p.cam, p.camRes.ID, &di); err != nil {
			t.Fatal(err)
		}
		if di.IssuedBy != "prac@camden.example" {
			t.Errorf("issued by %q, want the acting user", di.IssuedBy)
		}
		// The same unit cannot go to a second resident while it is out.
		second := devices.Resident{Reference: "CAM-9", YearOfBirth: 1939, Sex: devices.Female, EthnicGroup: devices.EthnicMixed, PrimarySupportReason: devices.SupportPhysical, RegisteredOn: d("2026-01-01")}
		if err := db.CreateResident(p.cam, &second, nil); err != nil {
			t.Fatal(err)
		}
		again := devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: d("2026-04-01"), AssetTag: "FD-1"}
		if err := db.IssueDevice(p.cam, second.ID, &again); !strings.HasPrefix(fieldsOf(err), "asset_tag: this unit is with another resident") {
			t.Errorf("a unit issued twice at once: %v", err)
		}
		// Sutton's unit with the same tag is another unit.
		sutIssue := devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: d("2026-04-01"), AssetTag: "FD-1"}
		if err := db.IssueDevice(p.sut, p.sutRes.ID, &sutIssue); err != nil {
			t.Errorf("Sutton's own FD-1: %v", err)
		}
		// Install, review, then remove with impossible dates, then properly.
		inst, rev := d("2026-02-03"), devices.Review{On: d("2026-03-01"), Note: "in use"}
		if _, err := db.UpdateDeviceIssue(p.cam, di.ID, devices.DeviceIssuePatch{InstalledOn: &inst, Review: &rev}); err != nil {
			t.Fatal(err)
		}
		other, note := devices.RemovedOther, ""
		early, faulty, returned := d("2026-02-02"), devices.RemovedFaulty, d("2026-04-01")
		for _, c := range []struct {
			name string
			p    devices.DeviceIssuePatch
			want string
		}{
			{"removed before installed", devices.DeviceIssuePatch{RemovedOn: &early, RemovalReason: &faulty}, "removed_on: cannot be before the device was installed (2026-02-03); reviewed_on: cannot be after the device was removed (2026-02-02)"},
			{"removed before the review", devices.DeviceIssuePatch{RemovedOn: &inst, RemovalReason: &faulty}, "reviewed_on: cannot be after the device was removed (2026-02-03)"},
			{"other with no note", devices.DeviceIssuePatch{RemovedOn: &returned, RemovalReason: &other, RemovalNote: &note}, "removal_note: is required when the reason is other"},
		} {
			_, err := db.UpdateDeviceIssue(p.cam, di.ID, c.p)
			if got := fieldsOf(err); got != c.want {
				t.Errorf("%s: got %q, want %q", c.name, got, c.want)
			}
		}
		got, err := db.UpdateDeviceIssue(p.cam, di.ID, devices.DeviceIssuePatch{RemovedOn: &returned, RemovalReason: &faulty})
		if err != nil || got.RemovedOn != returned || len(got.Reviews) != 1 {
			t.Fatalf("remove: %+v %v", got, err)
		}
		// Returned on 2026-04-01, the unit may go out again that day.
		if err := db.IssueDevice(p.cam, second.ID, &again); err != nil {
			t.Errorf("reissue of the returned unit: %v", err)
		}
		// Another borough's issue id answers not found.
		if _, err := db.UpdateDeviceIssue(p.sut, di.ID, devices.DeviceIssuePatch{InstalledOn: &inst}); ateval.ErrorCode(err) != ateval.ENOTFOUND {
			t.Errorf("Sutton updates Camden's issue: %v", err)
		}
		if err := db.IssueDevice(p.sut, p.camRes.ID, &devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: d("2026-04-01")}); ateval.ErrorCode(err) != ateval.ENOTFOUND {
			t.Errorf("Sutton issues to a Camden resident: %v", err)
		}
		tl, err := db.ResidentTimeline(p.cam, forms.Default(), p.camRes.ID)
		if err != nil || len(tl.DeviceIssues) != 1 || len(tl.DeviceIssues[0].Reviews) != 1 || tl.DeviceIssues[0].RemovalReason != devices.RemovedFaulty {
			t.Errorf("timeline issues %+v %v", tl.DeviceIssues, err)
		}
		acts := auditActions(t, db)
		for action, want := range map[string]int{ateval.ActionIssueDevice: 3, ateval.ActionUpdateDeviceIssue: 2, ateval.ActionDeniedDeviceIssue: 1} {
			if acts[action] != want {
				t.Errorf("audit %s: %d entries, want %d", action, acts[action], want)
			}
		}
	})
}

func num(v float64) *float64 { return &v }

func ons4(resident int64, tp forms.Timepoint, on ateval.Date, anxious float64) forms.Assessment {
	return forms.Assessment{ResidentID: resident, Instrument: "ons4", Timepoint: tp, AssessedOn: on, Respondent: forms.RespondentResident,
		Answers: []forms.Answer{{Item: "ons4_satisfied", Value: num(7)}, {Item: "ons4_worthwhile", Value: num(8)},
			{Item: "ons4_happy", Missing: forms.Refused}, {Item: "ons4_anxious", Value: num(anxious)}}}
}

func TestRecordAssessmentAndDueList(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		fw := forms.Default()
		// camRes was enrolled on 2025-02-01; enrol Sutton's today.
		g, today := devices.Comparison, ateval.NewDate(2026, 6, 1)
		if _, err := db.UpdateResident(p.sut, p.sutRes.ID, devices.ResidentPatch{Group: &g, EnrolledOn: &today}); err != nil {
			t.Fatal(err)
		}
		bad := ons4(p.camRes.ID, forms.Baseline, ateval.NewDate(2026, 6, 2), 11)
		bad.Answers = append(bad.Answers[:1], bad.Answers[2:]...) // ons4_worthwhile left out
		bad.Respondent = "neighbour"
		err := db.RecordAssessment(p.cam, fw, &bad)
		want := "respondent: must be one of resident, proxy, carer, record; assessed_on: cannot be in the future; " +
			"ons4_anxious: must be a whole number from 0 to 10; ons4_worthwhile: is required: give a value or a missing reason (refused, not_applicable, unable, not_asked)"
		if got := fieldsOf(err); got != want {
			t.Errorf("bad assessment:\n got %q\nwant %q", got, want)
		}
		a := ons4(p.camRes.ID, forms.Baseline, ateval.NewDate(2025, 2, 1), 6)
		if err := db.RecordAssessment(p.cam, fw, &a); err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 || a.FrameworkVersion != fw.Version() || len(a.Scores) != 4 || a.Scores[3].Value == nil || *a.Scores[3].Value != 6 || a.Scores[2].Value != nil {
			t.Errorf("recorded %+v", a)
		}
		dup := ons4(p.camRes.ID, forms.Baseline, ateval.NewDate(2025, 2, 2), 5)
		if got := fieldsOf(db.RecordAssessment(p.cam, fw, &dup)); got != "timepoint: already has an ONS personal wellbeing (ONS4) assessment for this resident at Baseline: open it to read or correct it" {
			t.Errorf("twice: %q", got)
		}
		if err := db.RecordAssessment(p.sut, fw, &dup); ateval.ErrorCode(err) != ateval.ENOTFOUND {
			t.Errorf("Sutton records for Camden: %v", err)
		}
		tl, err := db.ResidentTimeline(p.cam, fw, p.camRes.ID)
		if err != nil || len(tl.Assessments) != 1 || len(tl.Assessments[0].Scores) != 4 {
			t.Fatalf("timeline: %+v %v", tl.Assessments, err)
		}
		// Camden's resident, enrolled 2025-02-01, is past every window
		// but m12 (target 2026-02-01, window to 2026-03-03, grace to
		// 2026-05-02): so nothing is due or overdue on 2026-06-01.
		// Sutton's, enrolled today, has baseline due.
		due, err := db.DueList(p.cam, fw)
		if err != nil || len(due) != 0 {
			t.Errorf("Camden due: %+v %v", due, err)
		}
		due, err = db.DueList(p.sut, fw)
		if err != nil || len(due) != len(fw.Windows()[0].Instruments) {
			t.Fatalf("Sutton due: %d %v", len(due), err)
		}
		if d := due[0]; d.Reference != "SUT-1" || d.Timepoint != forms.Baseline || d.Status != forms.StatusDue {
			t.Errorf("Sutton's first due: %+v", d)
		}
	})
}

// TestObjectionLeavesSummaries proves an objection recorded through
// UpdateResident takes the resident out of the per-borough summaries the
// report pools, and out of the subjects of an anonymised export.
func TestObjectionLeavesSummaries(t *testing.T) {
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
		count := func() (summarised, subjects int) {
			ss, err := summaries.Of(db).ChangeSummaries(sys, summaryFilter(), "ons4", "anxious", "w6")
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range ss {
				summarised += s.N
			}
			err = db.ExportSubjects(sys, exportAgreement(t, db, "camden"), []string{"camden"}, func(exportSubject) error { subjects++; return nil })
			if err != nil {
				t.Fatal(err)
			}
			return summarised, subjects
		}
		if s, x := count(); s != 1 || x != 1 {
			t.Fatalf("before the objection: %d in summaries, %d export subjects; want 1 and 1", s, x)
		}
		on := ateval.NewDate(2026, 5, 1)
		if _, err := db.UpdateResident(p.cam, p.camRes.ID, devices.ResidentPatch{ObjectedOn: &on}); err != nil {
			t.Fatal(err)
		}
		if s, x := count(); s != 0 || x != 0 {
			t.Errorf("after the objection: %d in summaries, %d export subjects; want none", s, x)
		}
	})
}

type exportSubject = sharing.Subject

func summaryFilter() summary.Filter { return summary.Filter{} }

func TestFindResidentByName(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db) // Camden's CAM-1 is Ada Example
		for _, c := range []struct {
			name string
			want int64
		}{{"ada", 1}, {"EXAMPLE", 1}, {"ada  exam", 1}, {"Ex%", 0}, {"bob", 0}, {"", 1}} {
			rs, total, err := db.Residents(p.cam, storage.ResidentQuery{Name: c.name})
			if err != nil || total != c.want || int64(len(rs)) != c.want {
				t.Errorf("name %q: %d residents (%v), want %d", c.name, total, err, c.want)
			}
		}
		// Sutton's practitioner does not find Camden's Ada.
		if _, total, _ := db.Residents(p.sut, storage.ResidentQuery{Name: "ada"}); total != 0 {
			t.Errorf("Sutton finds %d Adas in Camden", total)
		}
	})
}

func TestCatalogueRoundsOtherBoroughs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		comm := as(addUser(t, db, "comm@example.org", ateval.RoleCommissioner, 0))
		usage := func(who context.Context) []storage.BoroughUsage {
			es, err := db.Catalogue(who)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range es {
				if e.ID == p.device.ID {
					return e.Usage
				}
			}
			return nil
		}
		issue := func(n int) {
			for i := 0; i < n; i++ {
				di := devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: ateval.NewDate(2026, 2, 1+i)}
				if err := db.IssueDevice(p.cam, p.camRes.ID, &di); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Three issues: Camden sees its own 3; other boroughs and a
		// commissioner see no row at all (fewer than 10 is a small cell).
		issue(3)
		if got := usage(p.cam); len(got) != 1 || got[0].Issues != 3 || got[0].Rounded {
			t.Errorf("Camden's own count: %+v, want 3 exactly", got)
		}
		for name, who := range map[string]context.Context{"Sutton": p.sut, "a commissioner": comm} {
			if got := usage(who); len(got) != 0 {
				t.Errorf("%s sees Camden's 3 issues: %+v", name, got)
			}
		}
		// Twelve: others see the count through the gate, perturbed by the
		// cell key of the twelve issues (one resident's key, twelve times)
		// and rounded.
		issue(9)
		var key int64
		if err := db.Gorm(context.Background()).Raw(`SELECT record_key FROM residents WHERE id = ?`, p.camRes.ID).Scan(&key).Error; err != nil {
			t.Fatal(err)
		}
		seen := int64(disclosure.Defaults().Count(12, 12*key))
		for name, who := range map[string]context.Context{"Sutton": p.sut, "a commissioner": comm} {
			if got := usage(who); len(got) != 1 || got[0].Issues != seen || !got[0].Rounded || got[0].Borough != "Camden" {
				t.Errorf("%s: %+v, want %d through the gate", name, got, seen)
			}
		}
		// A resident who objected is counted nowhere.
		if err := db.Gorm(context.Background()).Exec(`UPDATE residents SET objected_on = '2026-03-01' WHERE id = ?`, p.camRes.ID).Error; err != nil {
			t.Fatal(err)
		}
		if got := usage(p.cam); len(got) != 0 {
			t.Errorf("an objector's devices are counted: %+v", got)
		}
		// Only an administrator extends the taxonomy.
		cat := devices.Category{ID: "hearing-loop", Name: "Hearing loop"}
		if err := db.CreateCategory(p.cam, &cat); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("a practitioner adds a category: %v", err)
		}
		admin := as(addUser(t, db, "admin@example.org", ateval.RoleAdmin, 0))
		if err := db.CreateCategory(admin, &cat); err != nil {
			t.Fatal(err)
		}
		if got := fieldsOf(db.CreateCategory(admin, &cat)); got != "id: is already a category" {
			t.Errorf("the same category twice: %q", got)
		}
	})
}

// TestFindResidentByReference: a reference matches anywhere in it
// ("000012" finds CAM-000012), literally, and the page's listing gives
// names, which the API's does not.
func TestFindResidentByReference(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db) // Camden's CAM-1 is Ada Example
		for _, c := range []struct {
			ref  string
			want int64
		}{{"CAM-1", 1}, {"am-", 1}, {"1", 1}, {" m-1 ", 1}, {"SUT", 0}, {"_", 0}, {"%", 0}, {"\x00", 0}, {"1\x00", 0}} {
			_, total, err := db.Residents(p.cam, storage.ResidentQuery{Reference: c.ref})
			if err != nil || total != c.want {
				t.Errorf("reference %q: %d residents (%v), want %d", c.ref, total, err, c.want)
			}
		}
		rs, _, err := db.ResidentsNamed(p.cam, storage.ResidentQuery{Name: "ada"})
		if err != nil || len(rs) != 1 || rs[0].GivenName != "Ada" || rs[0].FamilyName != "Example" || rs[0].Reference != "CAM-1" {
			t.Errorf("named listing: %+v %v", rs, err)
		}
		if _, _, err := db.ResidentsNamed(as(addUser(t, db, "comm@example.org", ateval.RoleCommissioner, 0)), storage.ResidentQuery{}); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("a commissioner lists names: %v", err)
		}
	})
}

// TestIdentifiersStoredOneWay: an NHS number typed with spaces and a
// postcode in lower case are stored one way, on registration and on
// every change.
func TestIdentifiersStoredOneWay(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		r := devices.Resident{Reference: "CAM-9", YearOfBirth: 1944, Sex: devices.Male, EthnicGroup: devices.EthnicBlack,
			PrimarySupportReason: devices.SupportSensory, RegisteredOn: ateval.NewDate(2026, 5, 1)}
		if err := db.CreateResident(p.cam, &r, &devices.Identity{NHSNumber: "943 476 5919", Postcode: "nw1  8nh"}); err != nil {
			t.Fatal(err)
		}
		rec, err := db.ResidentRecord(p.cam, r.ID)
		if err != nil || rec.Identity.NHSNumber != "9434765919" || rec.Identity.Postcode != "NW1 8NH" {
			t.Fatalf("registered: %+v %v", rec.Identity, err)
		}
		if _, err := db.UpdateResident(p.cam, r.ID, devices.ResidentPatch{Identity: &devices.Identity{NHSNumber: "943-476-5919", Postcode: "sw1a1aa"}}); err != nil {
			t.Fatal(err)
		}
		rec, err = db.ResidentRecord(p.cam, r.ID)
		if err != nil || rec.Identity.NHSNumber != "9434765919" || rec.Identity.Postcode != "SW1A 1AA" {
			t.Errorf("changed: %+v %v", rec.Identity, err)
		}
		if err := db.CreateResident(p.cam, &devices.Resident{Reference: "CAM-10", YearOfBirth: 1944, Sex: devices.Male, EthnicGroup: devices.EthnicBlack,
			PrimarySupportReason: devices.SupportSensory, RegisteredOn: ateval.NewDate(2026, 5, 1)}, &devices.Identity{NHSNumber: "943 476 5918"}); fieldsOf(err) != "nhs_number: is not a valid NHS number (10 digits with a modulus 11 check digit)" {
			t.Errorf("a wrong check digit: %v", err)
		}
	})
}
