package storage_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/reports/summary"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
	"github.com/ateval/ateval/storage/summaries"
)

func TestMigrateIsIdempotent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := sys
		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Errorf("second Migrate applied %v, want nothing", applied)
		}
		v, err := db.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := 1; v < want {
			t.Errorf("SchemaVersion = %d, want at least %d", v, want)
		}
		cats, err := db.View(ctx).Categories()
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(cats), len(devices.Categories()); got != want {
			t.Errorf("%d categories seeded, want %d", got, want)
		}
	})
}

// fixture stores one borough, one device and one enrolled resident.
func fixture(t *testing.T, db *storage.DB) (ateval.Borough, devices.Device, devices.Resident) {
	t.Helper()
	ctx := sys
	b := ateval.Borough{Slug: "camden", Name: "Camden", GSSCode: "E09000007"}
	d := devices.Device{Code: "pendant-a", Category: "community-alarm", Product: "Pendant A", UnitCostPence: 9500, WeeklyMonitoringPence: 450, Monitored: true}
	r := devices.Resident{Reference: "CAM-1", YearOfBirth: 1940, Sex: devices.Female, EthnicGroup: devices.EthnicWhite,
		LivingAlone: true, PrimarySupportReason: devices.SupportPhysical, RegisteredOn: ateval.NewDate(2025, 1, 6),
		Group: devices.Intervention, EnrolledOn: ateval.NewDate(2025, 2, 1)}
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		if err := tx.CreateBorough(&b); err != nil {
			return err
		}
		if err := tx.CreateDevice(&d); err != nil {
			return err
		}
		r.BoroughID = b.ID
		rs := []devices.Resident{r}
		ids := []devices.Identity{{GivenName: "Ada", FamilyName: "Example", NHSNumber: "9434765919", Postcode: "NW1 0AA", DateOfBirth: ateval.NewDate(1940, 5, 4)}}
		if err := tx.CreateResidents(rs, ids); err != nil {
			return err
		}
		r = rs[0]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b, d, r
}

func TestRoundTrip(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := sys
		b, d, r := fixture(t, db)
		four := 4.0
		a := []forms.Assessment{{ResidentID: r.ID, Instrument: "swemwbs", Timepoint: forms.Baseline, AssessedOn: ateval.NewDate(2025, 2, 1),
			Respondent: forms.RespondentResident, FrameworkVersion: "2026.1",
			Answers: []forms.Answer{{Item: "swemwbs_1", Value: &four}, {Item: "swemwbs_2", Missing: forms.Refused}},
			Scores:  []forms.Score{{Name: "score", Method: "test/1", NotScorable: "1 of 7 items missing"}}}}
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			if err := tx.CreateDeviceIssues([]devices.DeviceIssue{{ResidentID: r.ID, DeviceID: d.ID, IssuedOn: ateval.NewDate(2025, 2, 1)}}); err != nil {
				return err
			}
			return tx.CreateAssessments(a, []int64{b.ID})
		})
		if err != nil {
			t.Fatal(err)
		}
		c, err := db.View(ctx).Counts()
		if err != nil {
			t.Fatal(err)
		}
		want := storage.Counts{Boroughs: 1, Residents: 1, Devices: 1, DeviceIssues: 1, Assessments: 1}
		if c != want {
			t.Errorf("Counts() = %+v, want %+v", c, want)
		}
		sqlDB, err := db.SQL()
		if err != nil {
			t.Fatal(err)
		}
		// The scores are stored on the assessment's row as JSON (schema
		// version 8), each with its method and why it could not be scored.
		var column string
		var assessmentResident int64
		err = sqlDB.QueryRow(`SELECT scores, resident_id FROM assessments`).Scan(&column, &assessmentResident)
		if err != nil {
			t.Fatalf("reading the stored score: %v", err)
		}
		var stored map[string]struct {
			V  *float64 `json:"v"`
			M  string   `json:"m"`
			NS string   `json:"ns"`
		}
		if err := json.Unmarshal([]byte(column), &stored); err != nil {
			t.Fatalf("stored scores %s: %v", column, err)
		}
		s, ok := stored["score"]
		if len(stored) != 1 || !ok || s.V != nil || s.M != "test/1" || s.NS != "1 of 7 items missing" || assessmentResident != r.ID {
			t.Errorf("stored scores = %s for resident %d, want score test/1 with its reason for resident %d", column, assessmentResident, r.ID)
		}
		keys, err := db.View(ctx).ResidentKeys()
		if err != nil {
			t.Fatal(err)
		}
		k := keys[b.ID]["CAM-1"]
		if k.ID != r.ID || k.RegisteredOn != r.RegisteredOn || k.EnrolledOn != r.EnrolledOn {
			t.Errorf("ResidentKeys()[camden][CAM-1] = %+v, want id %d registered %s enrolled %s", k, r.ID, r.RegisteredOn, r.EnrolledOn)
		}
	})
}

func TestConflictsAreTranslated(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := sys
		fixture(t, db)
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			return tx.CreateBorough(&ateval.Borough{Slug: "camden", Name: "Camden again"})
		})
		if got := ateval.ErrorCode(err); got != ateval.ECONFLICT {
			t.Errorf("duplicate borough: code %q (%v), want %q", got, err, ateval.ECONFLICT)
		}
		err = db.InTx(ctx, func(tx *storage.Tx) error {
			bs, _ := tx.Boroughs()
			return tx.CreateResidents([]devices.Resident{{BoroughID: bs[0].ID, Reference: "CAM-1", YearOfBirth: 1950, Sex: devices.Male,
				EthnicGroup: devices.EthnicAsian, PrimarySupportReason: devices.SupportSocial, RegisteredOn: ateval.NewDate(2025, 3, 1)}}, nil)
		})
		if got := ateval.ErrorCode(err); got != ateval.ECONFLICT {
			t.Errorf("duplicate resident reference: code %q (%v), want %q", got, err, ateval.ECONFLICT)
		}
	})
}

func TestForeignKeysAreEnforced(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		err := db.InTx(sys, func(tx *storage.Tx) error {
			return tx.CreateDeviceIssues([]devices.DeviceIssue{{ResidentID: 999, DeviceID: 999, IssuedOn: ateval.NewDate(2025, 1, 1)}})
		})
		if err == nil {
			t.Fatal("a device issue for a resident that does not exist was stored")
		}
	})
}

func TestFailedTransactionWritesNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := sys
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			if err := tx.CreateBorough(&ateval.Borough{Slug: "sutton", Name: "Sutton"}); err != nil {
				return err
			}
			return ateval.Errorf(ateval.EINVALID, "a later row is bad")
		})
		if err == nil {
			t.Fatal("InTx returned nil")
		}
		c, err := db.View(ctx).Counts()
		if err != nil {
			t.Fatal(err)
		}
		if c.Boroughs != 0 {
			t.Errorf("after a rolled-back transaction, %d boroughs are stored, want 0", c.Boroughs)
		}
	})
}

// TestBulkMethodsAreOperatorOnly: the unscoped bulk methods refuse a web
// user of any role, and code that names no user at all.
func TestBulkMethodsAreOperatorOnly(t *testing.T) {
	db := storagetest.Open(t, t.TempDir()+"/bulk.db")
	for name, ctx := range map[string]context.Context{
		"no user":      context.Background(),
		"practitioner": ateval.NewContextWithUser(context.Background(), &ateval.User{ID: 7, Role: ateval.RolePractitioner, BoroughID: 1}),
		"admin":        ateval.NewContextWithUser(context.Background(), &ateval.User{ID: 8, Role: ateval.RoleAdmin}),
	} {
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			if _, err := tx.ResidentKeys(); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
				t.Errorf("%s: ResidentKeys: %v, want forbidden", name, err)
			}
			if _, err := tx.StoredAssessments([]int64{1}); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
				t.Errorf("%s: StoredAssessments: %v, want forbidden", name, err)
			}
			for what, err := range map[string]error{
				"CreateResidents":    tx.CreateResidents([]devices.Resident{{}}, nil),
				"CreateDeviceIssues": tx.CreateDeviceIssues([]devices.DeviceIssue{{}}),
				"CreateAssessments":  tx.CreateAssessments([]forms.Assessment{{}}, []int64{1}),
			} {
				if ateval.ErrorCode(err) != ateval.EFORBIDDEN {
					t.Errorf("%s: %s: %v, want forbidden", name, what, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestSummariesAreForReportReaders: the per-borough summaries go to the
// roles that read reports, and to the operator, not to anyone else.
func TestSummariesAreForReportReaders(t *testing.T) {
	db := storagetest.Open(t, t.TempDir()+"/summaries.db")
	as := func(r ateval.Role) context.Context {
		return ateval.NewContextWithUser(context.Background(), &ateval.User{ID: 1, Role: r, BoroughID: 1})
	}
	for _, c := range []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"no user", context.Background(), ateval.EUNAUTHORIZED},
		{"practitioner", as(ateval.RolePractitioner), ateval.EFORBIDDEN},
		{"admin", as(ateval.RoleAdmin), ateval.EFORBIDDEN},
		{"borough lead", as(ateval.RoleBoroughLead), ""},
		{"commissioner", as(ateval.RoleCommissioner), ""},
		{"evaluator", as(ateval.RoleEvaluator), ""},
		{"operator", sys, ""},
	} {
		_, err := summaries.Of(db).ChangeSummaries(c.ctx, summary.Filter{}, "swemwbs", "raw", "m6")
		_, err2 := summaries.Of(db).Enrolments(c.ctx, summary.Filter{})
		if got := ateval.ErrorCode(err); got != c.want || ateval.ErrorCode(err2) != c.want {
			t.Errorf("%s: ChangeSummaries %q, Enrolments %q; want %q", c.name, got, ateval.ErrorCode(err2), c.want)
		}
		if _, err := summaries.Of(db).ProportionSummariesOf(c.ctx, summary.Filter{}, "device-use", []string{"in_use"}, []string{"m6"}); ateval.ErrorCode(err) != c.want {
			t.Errorf("%s: ProportionSummariesOf %q; want %q", c.name, ateval.ErrorCode(err), c.want)
		}
	}
}
