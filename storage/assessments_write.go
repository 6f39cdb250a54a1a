package storage

import (
	"context"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
)

// RecordAssessment checks, scores and stores one assessment of a resident
// the acting user may see, whole or not at all, and audits it in the same
// transaction. Every problem is reported at once, one field per item (and
// "instrument", "timepoint", "respondent", "assessed_on" for the rest),
// so a form can show each beside its question.
func (db *DB) RecordAssessment(ctx context.Context, fw *forms.Framework, a *forms.Assessment) (err error) {
	defer ateval.Wrap(&err, "RecordAssessment(%d)", a.ResidentID)
	defer db.denied(ctx, &err, ateval.ActionRecordAssessment, residentObject(a.ResidentID))
	err = db.InTx(ctx, func(tx *Tx) error {
		row, err := tx.scopedResident(ctx, a.ResidentID)
		if err != nil {
			return err
		}
		enrolled, err := fromNullDate(row.EnrolledOn)
		if err != nil {
			return err
		}
		scores, err := fw.CheckAssessment(a, forms.ResidentDates{Registered: mustDate(row.RegisteredOn), Enrolled: enrolled}, db.today())
		if err != nil {
			return err
		}
		a.FrameworkVersion = fw.Version()
		a.Scores = scores
		detail := a.Instrument + " " + string(a.Timepoint)
		prev, taken, err := tx.slotTaken(a.ResidentID, a.Instrument, a.Timepoint)
		switch {
		case err != nil:
			return err
		case taken && prev.EnteredInErrorAt != nil:
			if err := db.recordAgain(ctx, tx, prev, a); err != nil {
				return err
			}
			detail += ", again after one entered in error"
		case taken:
			return errAlreadyRecorded(fw, a)
		default:
			if err := tx.createAssessment(a, row.BoroughID); err != nil {
				if ateval.ErrorCode(err) == ateval.ECONFLICT {
					return errAlreadyRecorded(fw, a)
				}
				return err
			}
		}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionRecordAssessment, ObjectType: "assessment", ObjectID: a.ID,
			ResidentID: a.ResidentID, BoroughID: row.BoroughID, Detail: detail})
	})
	return err
}

// errAlreadyRecorded refuses a second assessment of one instrument at one
// timepoint, naming both in words; the form links to the one recorded.
func errAlreadyRecorded(fw *forms.Framework, a *forms.Assessment) error {
	name := "a " + a.Instrument
	if in, ok := fw.Instrument(a.Instrument); ok {
		name = in.AName()
	}
	return ateval.Invalid("This assessment is already recorded.", []ateval.FieldError{{Field: "timepoint",
		Message: "already has " + name + " assessment for this resident at " + a.Timepoint.Label() + ": open it to read or correct it"}})
}
