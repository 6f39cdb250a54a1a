package storage

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
)

// The kinds of change an assessment's versions record.
const (
	ChangeCorrected      = "corrected"
	ChangeEnteredInError = "entered_in_error"
	ChangeRecordedAgain  = "recorded_again"
)

// AssessmentVersion is an assessment as it stood before one change, with
// the change: its kind, when, by whom and why. The raw answers it held are
// kept whole, so nothing a correction replaced is lost.
type AssessmentVersion struct {
	Assessment forms.Assessment `json:"assessment"`
	Change     string           `json:"change"`
	ChangedAt  time.Time        `json:"changed_at"`
	ChangedBy  string           `json:"changed_by"` // the account's email
	Reason     string           `json:"reason"`
}

// AssessmentRecord is one recorded assessment as it stands, its resident,
// when it was taken out of analysis if it was entered in error, and the
// versions it replaced, oldest first.
type AssessmentRecord struct {
	Assessment       forms.Assessment    `json:"assessment"`
	Resident         devices.Resident    `json:"resident"`
	EnteredInErrorAt time.Time           `json:"entered_in_error_at"`
	Versions         []AssessmentVersion `json:"versions"`
}

type assessmentVersionRow struct {
	ID               int64 `gorm:"primaryKey"`
	AssessmentID     int64
	Change           string
	ChangedAt        string
	ChangedBy        *int64
	ChangedByEmail   string
	Reason           string
	AssessedOn       string
	Respondent       string
	FrameworkVersion string
	Answers          string
	Scores           string
}

func (assessmentVersionRow) TableName() string { return "assessment_versions" }

// errAssessmentNotFound answers for an assessment that does not exist and
// for one of another borough's resident alike.
var errAssessmentNotFound = ateval.Errorf(ateval.ENOTFOUND, "There is no assessment with this id in your borough.")

func assessmentObject(id int64) ateval.AuditEntry {
	return ateval.AuditEntry{ObjectType: "assessment", ObjectID: id}
}

// scopedAssessment loads an assessment and its resident, if the acting
// user may see the resident: a missing assessment and another borough's
// alike are errAssessmentNotFound.
func (tx *Tx) scopedAssessment(ctx context.Context, id int64) (assessmentRow, residentRow, error) {
	var row assessmentRow
	if err := tx.g.Where("id = ?", id).Take(&row).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return row, residentRow{}, errAssessmentNotFound
	} else if err != nil {
		return row, residentRow{}, err
	}
	res, err := tx.scopedResident(ctx, row.ResidentID)
	if ateval.ErrorCode(err) == ateval.ENOTFOUND {
		return row, res, errAssessmentNotFound
	}
	return row, res, err
}

// Assessment reads one recorded assessment with its versions, if the
// acting user may see its resident; the reading is audited
// (read_assessment). Another borough's is ENOTFOUND, audited as denied.
func (db *DB) Assessment(ctx context.Context, id int64) (_ AssessmentRecord, err error) {
	defer ateval.Wrap(&err, "Assessment(%d)", id)
	defer db.denied(ctx, &err, ateval.ActionReadAssessment, assessmentObject(id))
	var rec AssessmentRecord
	err = db.InTx(ctx, func(tx *Tx) error {
		row, rrow, err := tx.scopedAssessment(ctx, id)
		if err != nil {
			return err
		}
		if rec.Resident, err = rrow.domain(); err != nil {
			return err
		}
		if rec.Assessment, err = row.domain(); err != nil {
			return err
		}
		if row.EnteredInErrorAt != nil {
			rec.EnteredInErrorAt, _ = time.Parse(auditTimeLayout, *row.EnteredInErrorAt)
		}
		if rec.Versions, err = tx.versionsOf(row); err != nil {
			return err
		}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionReadAssessment, ObjectType: "assessment", ObjectID: id,
			ResidentID: rrow.ID, BoroughID: rrow.BoroughID})
	})
	return rec, err
}

// versionsOf reads the versions an assessment replaced, oldest first.
func (tx *Tx) versionsOf(a assessmentRow) ([]AssessmentVersion, error) {
	var rows []assessmentVersionRow
	if err := tx.g.Where("assessment_id = ?", a.ID).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]AssessmentVersion, 0, len(rows))
	for _, r := range rows {
		old := a
		old.AssessedOn, old.Respondent, old.FrameworkVersion, old.Answers, old.Scores, old.EnteredInErrorAt =
			r.AssessedOn, r.Respondent, r.FrameworkVersion, r.Answers, r.Scores, nil
		v, err := old.domain()
		if err != nil {
			return nil, err
		}
		at, _ := time.Parse(auditTimeLayout, r.ChangedAt)
		out = append(out, AssessmentVersion{Assessment: v, Change: r.Change, ChangedAt: at, ChangedBy: r.ChangedByEmail, Reason: r.Reason})
	}
	return out, nil
}

// keepVersion stores the assessment as it stands, before a change of the
// kind, with who makes it (the acting user), when and why.
func (db *DB) keepVersion(ctx context.Context, tx *Tx, a assessmentRow, change, reason string) error {
	v := assessmentVersionRow{AssessmentID: a.ID, Change: change, ChangedAt: db.Now().UTC().Format(auditTimeLayout),
		Reason: strings.TrimSpace(reason), AssessedOn: a.AssessedOn, Respondent: a.Respondent,
		FrameworkVersion: a.FrameworkVersion, Answers: a.Answers, Scores: a.Scores}
	if u := ateval.UserFromContext(ctx); u != nil {
		v.ChangedByEmail = u.Email
		if u.ID != 0 {
			v.ChangedBy = &u.ID
		}
	}
	return tx.g.Create(&v).Error
}

// CorrectAssessment changes a recorded assessment's date, respondent and
// raw answers, if the acting user may see its resident: the answers are
// checked and scored again by the one rule every recording keeps
// (forms.Framework.CheckAssessment), the assessment as it stood is kept
// as a version with who, when and the reason given, and the correction is
// audited (correct_assessment, naming what changed) in the same
// transaction. An assessment entered in error is not corrected: it is
// recorded again.
func (db *DB) CorrectAssessment(ctx context.Context, fw *forms.Framework, id int64, c forms.Correction) (_ forms.Assessment, err error) {
	defer ateval.Wrap(&err, "CorrectAssessment(%d)", id)
	defer db.denied(ctx, &err, ateval.ActionCorrectAssessment, assessmentObject(id))
	var out forms.Assessment
	err = db.InTx(ctx, func(tx *Tx) error {
		row, rrow, err := tx.scopedAssessment(ctx, id)
		if err != nil {
			return err
		}
		if row.EnteredInErrorAt != nil {
			return ateval.Errorf(ateval.ECONFLICT, "This assessment was entered in error and is out of analysis; record the assessment again instead of correcting it.")
		}
		before, err := row.domain()
		if err != nil {
			return err
		}
		a := c.Corrected(before)
		enrolled, err := fromNullDate(rrow.EnrolledOn)
		if err != nil {
			return err
		}
		scores, cerr := fw.CheckAssessment(&a, forms.ResidentDates{Registered: mustDate(rrow.RegisteredOn), Enrolled: enrolled}, db.today())
		fields := append(ateval.ErrorFields(cerr), forms.CheckReason(c.Reason)...)
		if len(fields) > 0 {
			return ateval.Invalid("The correction is not valid.", fields)
		}
		a.Scores, a.FrameworkVersion = scores, fw.Version()
		next := assessmentToRow(&a, row.BoroughID)
		var changed []string
		if next.AssessedOn != row.AssessedOn {
			changed = append(changed, "assessed_on")
		}
		if next.Respondent != row.Respondent {
			changed = append(changed, "respondent")
		}
		if next.Answers != row.Answers {
			changed = append(changed, "answers")
		}
		if len(changed) == 0 {
			return ateval.Invalid("The correction changes nothing.", []ateval.FieldError{{Field: "answers", Message: "are as recorded: change an answer, the date or who answered, or go back"}})
		}
		if err := db.keepVersion(ctx, tx, row, ChangeCorrected, c.Reason); err != nil {
			return err
		}
		err = tx.g.Model(&assessmentRow{}).Where("id = ?", id).Updates(map[string]any{
			"assessed_on": next.AssessedOn, "respondent": next.Respondent, "framework_version": next.FrameworkVersion,
			"answers": next.Answers, "scores": next.Scores, "unscored": next.Unscored}).Error
		if err != nil {
			return err
		}
		out = a
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionCorrectAssessment, ObjectType: "assessment", ObjectID: id,
			ResidentID: rrow.ID, BoroughID: rrow.BoroughID, Detail: strings.Join(changed, ",")})
	})
	return out, err
}

// MarkEnteredInError takes a recorded assessment out of analysis, if the
// acting user may see its resident: it stays, with its answers, but no
// summary, export or due list counts it, and its timepoint may be
// recorded again. The assessment as it stood is kept as a version with
// who, when and the reason given, and the change is audited
// (assessment_entered_in_error) in the same transaction.
func (db *DB) MarkEnteredInError(ctx context.Context, id int64, reason string) (err error) {
	defer ateval.Wrap(&err, "MarkEnteredInError(%d)", id)
	defer db.denied(ctx, &err, ateval.ActionAssessmentInError, assessmentObject(id))
	return db.InTx(ctx, func(tx *Tx) error {
		row, rrow, err := tx.scopedAssessment(ctx, id)
		if err != nil {
			return err
		}
		if row.EnteredInErrorAt != nil {
			return ateval.Errorf(ateval.ECONFLICT, "This assessment is already out of analysis as entered in error.")
		}
		if fields := forms.CheckReason(reason); len(fields) > 0 {
			return ateval.Invalid("Say why the assessment was entered in error.", fields)
		}
		if err := db.keepVersion(ctx, tx, row, ChangeEnteredInError, reason); err != nil {
			return err
		}
		at := db.Now().UTC().Format(auditTimeLayout)
		if err := tx.g.Model(&assessmentRow{}).Where("id = ?", id).Update("entered_in_error_at", at).Error; err != nil {
			return err
		}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionAssessmentInError, ObjectType: "assessment", ObjectID: id,
			ResidentID: rrow.ID, BoroughID: rrow.BoroughID, Detail: row.Instrument + " " + row.Timepoint})
	})
}

// slotTaken returns the assessment recorded of the resident for the
// instrument and timepoint, if there is one.
func (tx *Tx) slotTaken(residentID int64, instrument string, tp forms.Timepoint) (assessmentRow, bool, error) {
	var rows []assessmentRow
	err := tx.g.Where("resident_id = ? AND instrument = ? AND timepoint = ?", residentID, instrument, string(tp)).Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return assessmentRow{}, false, err
	}
	return rows[0], true, nil
}

// recordAgain stores a, a fresh recording of the slot of prev, an
// assessment entered in error, in prev's row: prev is kept as a version,
// and a takes its id and comes back into analysis.
func (db *DB) recordAgain(ctx context.Context, tx *Tx, prev assessmentRow, a *forms.Assessment) error {
	if err := db.keepVersion(ctx, tx, prev, ChangeRecordedAgain, "recorded again after being entered in error"); err != nil {
		return err
	}
	next := assessmentToRow(a, prev.BoroughID)
	err := tx.g.Model(&assessmentRow{}).Where("id = ?", prev.ID).Updates(map[string]any{
		"assessed_on": next.AssessedOn, "respondent": next.Respondent, "framework_version": next.FrameworkVersion,
		"answers": next.Answers, "scores": next.Scores, "unscored": next.Unscored, "entered_in_error_at": nil}).Error
	if err != nil {
		return err
	}
	a.ID = prev.ID
	return nil
}
