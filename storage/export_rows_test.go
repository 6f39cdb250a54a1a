package storage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/sharing"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// exportAgreement returns the id of an agreement in force covering the
// borough, registering one the first time, for tests that read export rows.
func exportAgreement(t *testing.T, db *storage.DB, slug string, evaluators ...string) int64 {
	t.Helper()
	name := strings.Join(append([]string{"export test", slug}, evaluators...), " ")
	all, err := db.Agreements(sys)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if a.Name == name {
			return a.ID
		}
	}
	a := sharing.Agreement{Name: name, Purpose: "test", Boroughs: []string{slug}, ExpiresOn: ateval.DateOf(db.Now()).AddDays(365), Evaluators: evaluators}
	if err := db.CreateAgreement(sys, &a, forms.Default()); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// newAgreement registers an agreement in force covering the boroughs.
func newAgreement(t *testing.T, db *storage.DB, name string, boroughs ...string) int64 {
	t.Helper()
	a := sharing.Agreement{Name: name, Purpose: "test", Boroughs: boroughs, ExpiresOn: ateval.NewDate(2099, 1, 1)}
	if err := db.CreateAgreement(sys, &a, forms.Default()); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// subjects returns what ExportSubjects hands over, by pseudonym.
func subjects(t *testing.T, db *storage.DB, ctx context.Context, agreement int64, boroughs ...string) map[string]sharing.Subject {
	t.Helper()
	out := map[string]sharing.Subject{}
	if err := db.ExportSubjects(ctx, agreement, boroughs, func(s sharing.Subject) error { out[s.Pseudonym] = s; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestExportRows checks the rows an export is made from: only enrolled
// residents who have not objected, named by pseudonym, with their first
// device issue, and their assessments with scores, with no id.
func TestExportRows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		b, d, r := fixture(t, db)
		ctx := ateval.SystemContext(context.Background())
		objected := devices.Resident{BoroughID: b.ID, Reference: "CAM-2", YearOfBirth: 1950, Sex: devices.Male, EthnicGroup: devices.EthnicAsian,
			PrimarySupportReason: devices.SupportPhysical, RegisteredOn: ateval.NewDate(2025, 1, 6), Group: devices.Comparison,
			EnrolledOn: ateval.NewDate(2025, 2, 1), ObjectedOn: ateval.NewDate(2025, 3, 1)}
		notEnrolled := objected
		notEnrolled.Reference, notEnrolled.Group, notEnrolled.EnrolledOn, notEnrolled.ObjectedOn = "CAM-3", "", ateval.Date{}, ateval.Date{}
		four := 4.0
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			rs := []devices.Resident{objected, notEnrolled}
			if err := tx.CreateResidents(rs, nil); err != nil {
				return err
			}
			objected.ID, notEnrolled.ID = rs[0].ID, rs[1].ID
			if err := tx.CreateDeviceIssues([]devices.DeviceIssue{
				{ResidentID: r.ID, DeviceID: d.ID, IssuedOn: ateval.NewDate(2025, 2, 9)},
				{ResidentID: r.ID, DeviceID: d.ID, IssuedOn: ateval.NewDate(2025, 2, 3)}}); err != nil {
				return err
			}
			as := []forms.Assessment{
				{ResidentID: r.ID, Instrument: "swemwbs", Timepoint: forms.Baseline, AssessedOn: ateval.NewDate(2025, 2, 1), Respondent: forms.RespondentResident,
					FrameworkVersion: "2026.1", Answers: []forms.Answer{{Item: "swemwbs_1", Value: &four}}, Scores: []forms.Score{{Name: "raw", Value: &four, Method: "swemwbs-raw/1"}}},
				{ResidentID: objected.ID, Instrument: "swemwbs", Timepoint: forms.Baseline, AssessedOn: ateval.NewDate(2025, 2, 1), Respondent: forms.RespondentResident,
					FrameworkVersion: "2026.1", Answers: []forms.Answer{{Item: "swemwbs_1", Value: &four}}},
			}
			return tx.CreateAssessments(as, []int64{b.ID, b.ID})
		})
		if err != nil {
			t.Fatal(err)
		}
		ag := exportAgreement(t, db, "camden")
		got := subjects(t, db, ctx, ag, "camden")
		var s sharing.Subject
		for _, x := range got {
			s = x
		}
		if len(got) != 1 || !strings.HasPrefix(s.Pseudonym, sharing.PseudonymPrefix) || s.Borough != "camden" ||
			s.DeviceCategory != "community-alarm" || s.FirstIssuedOn != ateval.NewDate(2025, 2, 3) || s.YearOfBirth != 1940 {
			t.Fatalf("ExportSubjects = %+v, want only CAM-1, by pseudonym, first issued 2025-02-03", got)
		}
		if strings.Contains(fmt.Sprintf("%+v", s), "CAM-") {
			t.Errorf("a subject carries the borough's reference: %+v", s)
		}
		var batches [][]sharing.Assessments
		err = db.ExportAssessments(ctx, ag, []string{"camden"}, func(b []sharing.Assessments) error { batches = append(batches, b); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if len(batches) != 1 || len(batches[0]) != 1 || batches[0][0].Pseudonym != s.Pseudonym || len(batches[0][0].Assessments) != 1 {
			t.Fatalf("ExportAssessments = %+v, want CAM-1's one assessment, not the objector's", batches)
		}
		a := batches[0][0].Assessments[0]
		if a.ID != 0 || a.ResidentID != 0 || len(a.Scores) != 1 || *a.Scores[0].Value != 4 || len(a.Answers) != 1 {
			t.Errorf("ExportAssessments handed over %+v: want no ids, the score and the answer", a)
		}
	})
}

// TestExportAssessmentsBatches checks the bound on the second pass:
// ExportBatch residents at a time, in pseudonym order, every one once.
func TestExportAssessmentsBatches(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		b, _, _ := fixture(t, db)
		n := storage.ExportBatch + 3
		var rs []devices.Resident
		for i := 0; i < n; i++ {
			rs = append(rs, devices.Resident{BoroughID: b.ID, Reference: fmt.Sprintf("B-%d", i), YearOfBirth: 1950, Sex: devices.Male,
				EthnicGroup: devices.EthnicAsian, PrimarySupportReason: devices.SupportPhysical, RegisteredOn: ateval.NewDate(2025, 1, 6),
				Group: devices.Comparison, EnrolledOn: ateval.NewDate(2025, 2, 1)})
		}
		if err := db.InTx(sys, func(tx *storage.Tx) error { return tx.CreateResidents(rs, nil) }); err != nil {
			t.Fatal(err)
		}
		var sizes []int
		last, seen := "", 0
		err := db.ExportAssessments(sys, exportAgreement(t, db, "camden"), []string{"camden"}, func(batch []sharing.Assessments) error {
			sizes = append(sizes, len(batch))
			for _, a := range batch {
				if a.Pseudonym <= last {
					t.Fatalf("%s after %s: not in pseudonym order", a.Pseudonym, last)
				}
				last, seen = a.Pseudonym, seen+1
			}
			return nil
		})
		if err != nil || seen != n+1 || len(sizes) != 2 || sizes[0] != storage.ExportBatch {
			t.Errorf("batches of %v residents (%d in all, %v); want %d then the rest, %d in all", sizes, seen, err, storage.ExportBatch, n+1)
		}
	})
}

// TestExportGrant is H6 of the review: storage itself refuses an export
// to anyone not entitled to it, whatever its caller checked: an evaluator
// not named on the agreement, an administrator, an agreement expired by
// the database's clock, a borough outside it.
func TestExportGrant(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		b, _, _, _ := twoBoroughs(t, db)
		ann := as(addUser(t, db, "ann@ucl.example", ateval.RoleEvaluator, 0))
		bob := as(addUser(t, db, "bob@lse.example", ateval.RoleEvaluator, 0))
		admin := as(addUser(t, db, "admin@x.example", ateval.RoleAdmin, 0))
		lead := as(addUser(t, db, "lead@camden.example", ateval.RoleBoroughLead, b.ID))
		anns := exportAgreement(t, db, "camden", "ann@ucl.example")
		old := sharing.Agreement{Name: "old", Purpose: "p", Boroughs: []string{"camden"}, ExpiresOn: ateval.DateOf(time.Now()).AddDays(30),
			Evaluators: []string{"ann@ucl.example"}}
		if err := db.CreateAgreement(sys, &old, forms.Default()); err != nil {
			t.Fatal(err)
		}
		calls := map[string]func(ctx context.Context, id int64, boroughs []string) error{
			"ExportSubjects": func(ctx context.Context, id int64, bs []string) error {
				return db.ExportSubjects(ctx, id, bs, func(sharing.Subject) error { return nil })
			},
			"ExportAssessments": func(ctx context.Context, id int64, bs []string) error {
				return db.ExportAssessments(ctx, id, bs, func([]sharing.Assessments) error { return nil })
			},
			"ExportReleases": func(ctx context.Context, id int64, bs []string) error {
				_, err := db.ExportReleases(ctx, id)
				return err
			},
		}
		for _, tc := range []struct {
			name     string
			ctx      context.Context
			id       int64
			boroughs []string
			code     string
			later    bool // run with the clock past the old agreement's expiry
		}{
			{"named evaluator", ann, anns, []string{"camden"}, "", false},
			{"operator", sys, anns, []string{"camden"}, "", false},
			{"evaluator not named", bob, anns, []string{"camden"}, ateval.EFORBIDDEN, false},
			{"evaluator, no such agreement", bob, 999, []string{"camden"}, ateval.EFORBIDDEN, false},
			{"administrator", admin, anns, []string{"camden"}, ateval.EFORBIDDEN, false},
			{"borough lead", lead, anns, []string{"camden"}, ateval.EFORBIDDEN, false},
			{"no user", context.Background(), anns, []string{"camden"}, ateval.EUNAUTHORIZED, false},
			{"borough outside", ann, anns, []string{"camden", "sutton"}, ateval.EFORBIDDEN, false},
			{"in force", ann, old.ID, []string{"camden"}, "", false},
			{"expired", ann, old.ID, []string{"camden"}, ateval.EFORBIDDEN, true},
		} {
			db.Now = time.Now
			if tc.later {
				db.Now = func() time.Time { return time.Now().AddDate(0, 0, 30) }
			}
			for name, call := range calls {
				if name == "ExportReleases" && tc.name == "borough outside" {
					continue
				}
				if err := call(tc.ctx, tc.id, tc.boroughs); ateval.ErrorCode(err) != tc.code {
					t.Errorf("%s: %s error %v, want code %q", tc.name, name, err, tc.code)
				}
			}
		}
		db.Now = time.Now
	})
}

// TestPseudonymFollowsResident is M4 of the review: a pseudonym is made
// from the resident's internal id, not the borough's reference, so
// correcting a reference keeps it, and a new resident given the old
// reference gets another.
func TestPseudonymFollowsResident(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		ag := exportAgreement(t, db, "camden")
		before := subjects(t, db, sys, ag, "camden")
		if len(before) != 1 {
			t.Fatalf("%d subjects, want CAM-1", len(before))
		}
		ref := "CAM-99"
		if _, err := db.UpdateResident(p.cam, p.camRes.ID, devices.ResidentPatch{Reference: &ref}); err != nil {
			t.Fatal(err)
		}
		after := subjects(t, db, sys, ag, "camden")
		for ps := range before {
			if _, ok := after[ps]; !ok || len(after) != 1 {
				t.Fatalf("renaming the reference changed the pseudonym: %v then %v", before, after)
			}
		}
		again := p.camRes
		again.ID, again.Reference = 0, "CAM-1"
		if err := db.InTx(sys, func(tx *storage.Tx) error { return tx.CreateResidents([]devices.Resident{again}, nil) }); err != nil {
			t.Fatal(err)
		}
		both := subjects(t, db, sys, ag, "camden")
		if len(both) != 2 {
			t.Fatalf("a new resident given the old reference CAM-1 shares the first one's pseudonym: %v", both)
		}
		// Pseudonyms differ between agreements.
		other := sharing.Agreement{Name: "other", Purpose: "p", Boroughs: []string{"camden"}, ExpiresOn: ateval.NewDate(2099, 1, 1)}
		if err := db.CreateAgreement(sys, &other, forms.Default()); err != nil {
			t.Fatal(err)
		}
		for ps := range subjects(t, db, sys, other.ID, "camden") {
			if _, ok := both[ps]; ok {
				t.Errorf("pseudonym %s under two agreements", ps)
			}
		}
	})
}

// TestRecordExport records exports under two agreements into the one
// ledger: read back whole, in sequence, under either agreement, with the
// audit entry in the same transaction; an export prepared against a
// ledger another export has changed since, under any agreement, is
// refused.
func TestRecordExport(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		fixture(t, db)
		ag, other := exportAgreement(t, db, "camden"), newAgreement(t, db, "second", "camden")
		entry := func(id int64) ateval.AuditEntry {
			return ateval.AuditEntry{Action: ateval.ActionExport, ObjectType: "agreement", ObjectID: id, Detail: "long layout, k 5, boroughs camden"}
		}
		first := &sharing.Release{AgreementID: ag, Sequence: 1, Boroughs: []string{"camden"}, K: 5, Levels: []int{1, 0, 2, 0, 0, 1, 0}, Residents: 2,
			Records: map[string]sharing.Entry{"lk_a": {Record: []string{"60-69", "female", "*", "camden", "community-alarm", "*", "intervention"}, K: 5},
				"lk_b": {Record: []string{"*", "male", "*", "camden", "none", "*", "comparison"}, K: 5}}}
		if err := db.RecordExport(sys, first, entry(ag)); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordExport(sys, first, entry(ag)); ateval.ErrorCode(err) != ateval.ECONFLICT {
			t.Errorf("recording export 1 twice: %v, want conflict", err)
		}
		second := &sharing.Release{AgreementID: other, Sequence: 2, Boroughs: []string{"camden"}, K: 7, Levels: first.Levels, Residents: 1,
			Records: map[string]sharing.Entry{"lk_b": {Record: []string{"*", "male", "*", "camden", "none", "*", "*"}, K: 7}}}
		if err := db.RecordExport(sys, second, entry(other)); err != nil {
			t.Fatal(err)
		}
		// Prepared under the first agreement against the ledger as it was
		// before the second agreement's export: refused.
		stale := &sharing.Release{AgreementID: ag, Sequence: 2, Boroughs: []string{"camden"}, K: 5, Levels: first.Levels}
		if err := db.RecordExport(sys, stale, entry(ag)); ateval.ErrorCode(err) != ateval.ECONFLICT {
			t.Errorf("an export prepared before another agreement's was recorded: %v, want conflict", err)
		}
		for _, id := range []int64{ag, other} {
			got, err := db.ExportReleases(sys, id)
			if err != nil {
				t.Fatal(err)
			}
			if got.Exports != 2 || got.Agreements != 2 || fmt.Sprint(got.Levels) != "[1 0 2 0 0 1 0]" || len(got.Records) != 2 ||
				got.Records["lk_a"].Record[0] != "60-69" || got.Records["lk_a"].K != 5 || got.Records["lk_b"].Record[6] != "*" || got.Records["lk_b"].K != 7 {
				t.Errorf("ExportReleases(%d) = %+v, want both agreements' exports", id, got)
			}
		}
		es, _, err := db.AuditLog(sys, storage.AuditFilter{Action: ateval.ActionExport})
		if err != nil || len(es) != 2 || es[0].ObjectID != other || !strings.Contains(es[0].Detail, "boroughs camden") {
			t.Errorf("audit of the recorded exports: %+v (%v), want 2, the refused ones not among them", es, err)
		}
		if err := db.RecordExport(sys, &sharing.Release{AgreementID: ag, Sequence: 3}, ateval.AuditEntry{Action: ateval.ActionExport, ObjectID: ag + 1}); err == nil {
			t.Error("an export recorded with another agreement's audit entry")
		}

		// Six exports, under both agreements, prepared against the same
		// ledger and recorded at once: one only may be published.
		results := make(chan error, 6)
		for i := 0; i < 6; i++ {
			id := []int64{ag, other}[i%2]
			go func() {
				results <- db.RecordExport(sys, &sharing.Release{AgreementID: id, Sequence: 3, Boroughs: []string{"camden"}, K: 5, Levels: first.Levels,
					Records: map[string]sharing.Entry{fmt.Sprintf("lk_%d", i): {Record: []string{"*", "*", "*", "camden", "*", "*", "*"}, K: 5}}}, entry(id))
			}()
		}
		recorded := 0
		for i := 0; i < 6; i++ {
			switch err := <-results; ateval.ErrorCode(err) {
			case "":
				recorded++
			case ateval.ECONFLICT:
			default:
				t.Errorf("recording at once: %v, want success or conflict", err)
			}
		}
		if got, err := db.ExportReleases(sys, ag); recorded != 1 || err != nil || got.Exports != 3 || len(got.Records) != 3 {
			t.Errorf("%d of 6 exports prepared against one ledger recorded, the ledger then %d exports, %d residents (%v); want 1, 3, 3",
				recorded, got.Exports, len(got.Records), err)
		}
	})
}

// TestLedgerKey checks what names a resident in the ledger: the same
// under every agreement, though their pseudonyms differ, and neither a
// pseudonym nor their id.
func TestLedgerKey(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		fixture(t, db)
		one := subjects(t, db, sys, exportAgreement(t, db, "camden"), "camden")
		two := subjects(t, db, sys, newAgreement(t, db, "second", "camden"), "camden")
		if len(one) != 1 || len(two) != 1 {
			t.Fatalf("subjects %v and %v, want CAM-1 under each agreement", one, two)
		}
		for p1, s1 := range one {
			for p2, s2 := range two {
				if p1 == p2 || s1.Ledger != s2.Ledger || len(s1.Ledger) != 32 || s1.Ledger == p1 || s1.Ledger == p2 {
					t.Errorf("pseudonyms %s, %s; ledger keys %q, %q: want two pseudonyms and one ledger key", p1, p2, s1.Ledger, s2.Ledger)
				}
			}
		}
	})
}
