package storage_test

import (
	"context"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestExportRows checks the rows an export is made from: only enrolled
// residents who have not objected, with their first device issue, their
// assessments with scores, and only for roles allowed to export.
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
		var got []exports.Subject
		if err := db.ExportSubjects(ctx, []string{"camden"}, func(s exports.Subject) error { got = append(got, s); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ResidentID != r.ID || got[0].Borough != "camden" || got[0].Reference != "CAM-1" ||
			got[0].DeviceCategory != "community-alarm" || got[0].FirstIssuedOn != ateval.NewDate(2025, 2, 3) || got[0].YearOfBirth != 1940 {
			t.Fatalf("ExportSubjects = %+v, want only CAM-1, first issued 2025-02-03", got)
		}
		if err := db.ExportSubjects(ctx, []string{"sutton"}, func(exports.Subject) error { t.Error("a subject of another borough"); return nil }); err != nil {
			t.Fatal(err)
		}
		var got2 []forms.Assessment
		err = db.ExportAssessments(ctx, []int64{r.ID, objected.ID, notEnrolled.ID}, func(a forms.Assessment) error { got2 = append(got2, a); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if len(got2) != 1 || got2[0].ResidentID != r.ID || len(got2[0].Scores) != 1 || *got2[0].Scores[0].Value != 4 || len(got2[0].Answers) != 1 {
			t.Errorf("ExportAssessments = %+v, want CAM-1's one assessment with its score, not the objector's", got2)
		}
		for _, u := range []*ateval.User{{ID: 2, Email: "p@camden.gov.uk", Role: ateval.RolePractitioner, BoroughID: b.ID}, {ID: 3, Email: "c@gla.gov.uk", Role: ateval.RoleCommissioner}} {
			err := db.ExportSubjects(as(u), []string{"camden"}, func(exports.Subject) error { return nil })
			if ateval.ErrorCode(err) != ateval.EFORBIDDEN {
				t.Errorf("%s: ExportSubjects error %v, want forbidden", u.Role, err)
			}
		}
	})
}
