package storage

import (
	"fmt"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
)

// Row structs mirror the tables; they never leave this package.

type boroughRow struct {
	ID      int64 `gorm:"primaryKey"`
	Slug    string
	Name    string
	GSSCode string `gorm:"column:gss_code"`
}

func (boroughRow) TableName() string { return "boroughs" }

func (r *boroughRow) domain() ateval.Borough {
	return ateval.Borough{ID: r.ID, Slug: r.Slug, Name: r.Name, GSSCode: r.GSSCode}
}

type categoryRow struct {
	ID      string `gorm:"primaryKey"`
	Name    string
	ISO9999 string `gorm:"column:iso9999"`
	Builtin bool
}

func (categoryRow) TableName() string { return "device_categories" }

type deviceRow struct {
	ID                    int64 `gorm:"primaryKey"`
	Code                  string
	Category              string
	Product               string
	Supplier              string
	UnitCostPence         int64
	WeeklyMonitoringPence int64
	Monitored             bool
	GenerationTier        string
}

func (deviceRow) TableName() string { return "devices" }

func deviceToRow(d *devices.Device) deviceRow {
	return deviceRow{ID: d.ID, Code: d.Code, Category: d.Category, Product: d.Product, Supplier: d.Supplier,
		UnitCostPence: d.UnitCostPence, WeeklyMonitoringPence: d.WeeklyMonitoringPence, Monitored: d.Monitored, GenerationTier: d.GenerationTier}
}

func (r *deviceRow) domain() devices.Device {
	return devices.Device{ID: r.ID, Code: r.Code, Category: r.Category, Product: r.Product, Supplier: r.Supplier,
		UnitCostPence: r.UnitCostPence, WeeklyMonitoringPence: r.WeeklyMonitoringPence, Monitored: r.Monitored, GenerationTier: r.GenerationTier}
}

type residentRow struct {
	ID                   int64 `gorm:"primaryKey"`
	BoroughID            int64
	Reference            string
	YearOfBirth          int
	Sex                  string
	EthnicGroup          string
	LivingAlone          bool
	PrimarySupportReason string
	RegisteredOn         string
	EvaluationGroup      string
	EnrolledOn           *string
	ObjectedOn           *string
}

func (residentRow) TableName() string { return "residents" }

func residentToRow(r *devices.Resident) residentRow {
	return residentRow{ID: r.ID, BoroughID: r.BoroughID, Reference: r.Reference, YearOfBirth: r.YearOfBirth,
		Sex: string(r.Sex), EthnicGroup: string(r.EthnicGroup), LivingAlone: r.LivingAlone,
		PrimarySupportReason: string(r.PrimarySupportReason), RegisteredOn: r.RegisteredOn.String(),
		EvaluationGroup: string(r.Group), EnrolledOn: nullDate(r.EnrolledOn), ObjectedOn: nullDate(r.ObjectedOn)}
}

func (r *residentRow) domain() (devices.Resident, error) {
	enrolled, err := fromNullDate(r.EnrolledOn)
	if err != nil {
		return devices.Resident{}, fmt.Errorf("resident %d enrolled_on: %w", r.ID, err)
	}
	objected, err := fromNullDate(r.ObjectedOn)
	if err != nil {
		return devices.Resident{}, fmt.Errorf("resident %d objected_on: %w", r.ID, err)
	}
	return devices.Resident{ID: r.ID, BoroughID: r.BoroughID, Reference: r.Reference, YearOfBirth: r.YearOfBirth,
		Sex: devices.Sex(r.Sex), EthnicGroup: devices.EthnicGroup(r.EthnicGroup), LivingAlone: r.LivingAlone,
		PrimarySupportReason: devices.SupportReason(r.PrimarySupportReason), RegisteredOn: mustDate(r.RegisteredOn),
		Group: devices.Group(r.EvaluationGroup), EnrolledOn: enrolled, ObjectedOn: objected}, nil
}

type identityRow struct {
	ResidentID  int64 `gorm:"primaryKey;autoIncrement:false"`
	GivenName   string
	FamilyName  string
	NHSNumber   string `gorm:"column:nhs_number"`
	Address     string
	Postcode    string
	DateOfBirth *string
}

func (identityRow) TableName() string { return "resident_identities" }

func identityToRow(id *devices.Identity) identityRow {
	return identityRow{ResidentID: id.ResidentID, GivenName: id.GivenName, FamilyName: id.FamilyName,
		NHSNumber: id.NHSNumber, Address: id.Address, Postcode: id.Postcode, DateOfBirth: nullDate(id.DateOfBirth)}
}

func (r *identityRow) domain() devices.Identity {
	dob, _ := fromNullDate(r.DateOfBirth)
	return devices.Identity{ResidentID: r.ResidentID, GivenName: r.GivenName, FamilyName: r.FamilyName,
		NHSNumber: r.NHSNumber, Address: r.Address, Postcode: r.Postcode, DateOfBirth: dob}
}

type deviceIssueRow struct {
	ID            int64 `gorm:"primaryKey"`
	ResidentID    int64
	DeviceID      int64
	IssuedOn      string
	InstalledOn   *string
	RemovedOn     *string
	RemovalReason string
	RemovalNote   string
	AssetTag      string
	// IssuedByUserID is the account that issued the device (nil: none
	// named), and IssuedByText who did as free text (see schemaV9).
	IssuedByUserID *int64
	IssuedByText   string
	Need           string
	// IdempotencyKey is the key of the request that recorded the issue,
	// if it had one, and RequestDigest what that request asked for (see
	// schemaV10 and requestDigest).
	IdempotencyKey *string
	RequestDigest  *string
}

func (deviceIssueRow) TableName() string { return "device_issues" }

func deviceIssueToRow(di *devices.DeviceIssue) deviceIssueRow {
	return deviceIssueRow{ID: di.ID, ResidentID: di.ResidentID, DeviceID: di.DeviceID, IssuedOn: di.IssuedOn.String(),
		InstalledOn: nullDate(di.InstalledOn), RemovedOn: nullDate(di.RemovedOn),
		RemovalReason: string(di.RemovalReason), RemovalNote: di.RemovalNote,
		AssetTag: di.AssetTag, IssuedByUserID: nullID(di.IssuedByID), IssuedByText: di.IssuedByText, Need: di.Need}
}

// nullID stores the zero id as NULL, for a reference that may be absent,
// and derefID reads it back.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func derefID(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

func (r *deviceIssueRow) domain() devices.DeviceIssue {
	inst, _ := fromNullDate(r.InstalledOn)
	rem, _ := fromNullDate(r.RemovedOn)
	return devices.DeviceIssue{ID: r.ID, ResidentID: r.ResidentID, DeviceID: r.DeviceID, IssuedOn: mustDate(r.IssuedOn),
		InstalledOn: inst, RemovedOn: rem, RemovalReason: devices.RemovalReason(r.RemovalReason), RemovalNote: r.RemovalNote,
		AssetTag: r.AssetTag, IssuedByID: derefID(r.IssuedByUserID), IssuedByText: r.IssuedByText, Need: r.Need}
}

type assessmentRow struct {
	ID               int64 `gorm:"primaryKey"`
	ResidentID       int64
	BoroughID        int64
	Instrument       string
	Timepoint        string
	AssessedOn       string
	Respondent       string
	FrameworkVersion string
	// Answers holds the raw answers in forms.FormatAnswers form: the
	// assessment is one row, so it is written whole or not at all, and the
	// raw answers are kept exactly for rescoring.
	Answers string
	// Scores holds the derived scores, each with the method that made it,
	// as the JSON object appendScores writes, and Unscored how many of them
	// have no value.
	Scores   string
	Unscored int
	// EnteredInErrorAt is when the assessment was taken out of analysis
	// as entered in error (see schemaV14), or nil.
	EnteredInErrorAt *string
}

func (assessmentRow) TableName() string { return "assessments" }

// inAnalysis is the one condition that keeps an assessment (aliased a) in
// analysis: every summary, export and due list reads only these. An
// assessment entered in error is kept, but counts nowhere.
const inAnalysis = "a.entered_in_error_at IS NULL"

func assessmentToRow(a *forms.Assessment, boroughID int64) assessmentRow {
	return assessmentRow{ID: a.ID, ResidentID: a.ResidentID, BoroughID: boroughID, Instrument: a.Instrument,
		Timepoint: string(a.Timepoint), AssessedOn: a.AssessedOn.String(), Respondent: string(a.Respondent),
		FrameworkVersion: a.FrameworkVersion, Answers: forms.FormatAnswers(a.Answers), Scores: string(appendScores(nil, a.Scores)),
		Unscored: unscored(a.Scores)}
}

func (r *assessmentRow) domain() (forms.Assessment, error) {
	answers, err := forms.ParseAnswers(r.Answers)
	if err != nil {
		return forms.Assessment{}, fmt.Errorf("assessment %d answers: %w", r.ID, err)
	}
	a := forms.Assessment{ID: r.ID, ResidentID: r.ResidentID, Instrument: r.Instrument, Timepoint: forms.Timepoint(r.Timepoint),
		AssessedOn: mustDate(r.AssessedOn), Respondent: forms.Respondent(r.Respondent), FrameworkVersion: r.FrameworkVersion, Answers: answers,
		EnteredInError: r.EnteredInErrorAt != nil}
	if a.Scores, err = scoresOf(r.Scores); err != nil {
		return forms.Assessment{}, fmt.Errorf("assessment %d: %w", r.ID, err)
	}
	return a, nil
}
