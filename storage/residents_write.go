package storage

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// scopedResident reads one resident the acting user may see, within tx:
// ENOTFOUND (errResidentNotFound) for another borough's as for a missing one.
func (tx *Tx) scopedResident(ctx context.Context, id int64) (residentRow, error) {
	borough, all, err := residentScope(ctx)
	if err != nil {
		return residentRow{}, err
	}
	g := tx.g.Where("id = ?", id)
	if !all {
		g = g.Where("borough_id = ?", borough)
	}
	var row residentRow
	if err := g.Take(&row).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return residentRow{}, errResidentNotFound
	} else if err != nil {
		return residentRow{}, err
	}
	return row, nil
}

// CreateResident registers a resident, with their identifiers if ident is
// not nil, in the acting user's borough (the command-line operator names
// the borough in r.BoroughID), and sets r.ID. The registration is audited
// in the same transaction.
func (db *DB) CreateResident(ctx context.Context, r *devices.Resident, ident *devices.Identity) (err error) {
	defer ateval.Wrap(&err, "CreateResident")
	defer db.denied(ctx, &err, ateval.ActionCreateResident, ateval.AuditEntry{})
	borough, all, err := residentScope(ctx)
	if err != nil {
		return err
	}
	if !all {
		r.BoroughID = borough
	}
	if err := validateResident(r, ident, db.today()); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.referenceFree(r.BoroughID, r.Reference, 0); err != nil {
			return err
		}
		var ids []devices.Identity
		if ident != nil {
			ids = []devices.Identity{*ident}
		}
		rs := []devices.Resident{*r}
		if err := tx.createResidents(rs, ids); err != nil {
			return err
		}
		r.ID = rs[0].ID
		if ident != nil {
			ident.ResidentID = r.ID
		}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionCreateResident, ObjectType: "resident", ObjectID: r.ID, ResidentID: r.ID, BoroughID: r.BoroughID})
	})
}

// validateResident checks the resident and the identifiers together, so
// that a form shows every bad field at once.
func validateResident(r *devices.Resident, ident *devices.Identity, today ateval.Date) error {
	var fields []ateval.FieldError
	msg := ""
	if err := r.Validate(today); err != nil {
		fields, msg = append(fields, ateval.ErrorFields(err)...), ateval.ErrorMessage(err)
	}
	if ident != nil {
		ident.Normalize()
		if err := ident.Validate(today); err != nil {
			fields = append(fields, ateval.ErrorFields(err)...)
			if msg == "" {
				msg = ateval.ErrorMessage(err)
			}
		}
		if !ident.DateOfBirth.IsZero() && ident.DateOfBirth.Year() != r.YearOfBirth && r.YearOfBirth != 0 {
			fields = append(fields, ateval.FieldError{Field: "date_of_birth", Message: "must fall in the year of birth given"})
			if msg == "" {
				msg = "The resident's identifiers are not valid."
			}
		}
	}
	if len(fields) > 0 {
		return ateval.Invalid(msg, fields)
	}
	return nil
}

// referenceFree checks that no other resident of the borough (than id)
// has the reference.
func (tx *Tx) referenceFree(borough int64, ref string, id int64) error {
	var n int64
	if err := tx.g.Model(&residentRow{}).Where("borough_id = ? AND reference = ? AND id <> ?", borough, ref, id).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return ateval.Invalid("The resident's record is not valid.", []ateval.FieldError{{Field: "reference", Message: "is already the reference of another resident of your borough"}})
	}
	return nil
}

// UpdateResident changes the record of a resident the acting user may see
// and returns it as it now stands. The change is audited by the names of
// the fields changed (never their values), and an objection also as
// record_objection, in the same transaction.
func (db *DB) UpdateResident(ctx context.Context, id int64, p devices.ResidentPatch) (_ devices.Resident, err error) {
	defer ateval.Wrap(&err, "UpdateResident(%d)", id)
	defer db.denied(ctx, &err, ateval.ActionUpdateResident, residentObject(id))
	var out devices.Resident
	err = db.InTx(ctx, func(tx *Tx) error {
		row, err := tx.scopedResident(ctx, id)
		if err != nil {
			return err
		}
		r, err := row.domain()
		if err != nil {
			return err
		}
		before := r
		changed := p.Apply(&r)
		if !before.ObjectedOn.IsZero() && r.ObjectedOn != before.ObjectedOn {
			return ateval.Invalid("The resident's record is not valid.", []ateval.FieldError{{Field: "objected_on",
				Message: "an objection recorded on " + before.ObjectedOn.String() + " is not moved: to withdraw it, send objected_on null"}})
		}
		withdrawn := p.WithdrawObjection && p.ObjectedOn == nil && !before.ObjectedOn.IsZero()
		if withdrawn {
			r.ObjectedOn = ateval.Date{}
			changed = append(changed, "objected_on")
		}
		if p.ObjectedOn != nil && p.ObjectedOn.IsZero() {
			return ateval.Invalid("The resident's record is not valid.", []ateval.FieldError{{Field: "objected_on", Message: "must be a date"}})
		}
		if err := validateResident(&r, p.Identity, db.today()); err != nil {
			return err
		}
		if !r.ObjectedOn.IsZero() && r.ObjectedOn.Before(r.RegisteredOn) {
			return ateval.Invalid("The resident's record is not valid.", []ateval.FieldError{{Field: "objected_on", Message: "cannot be before the resident was registered (" + r.RegisteredOn.String() + ")"}})
		}
		if r.Reference != before.Reference {
			if err := tx.referenceFree(r.BoroughID, r.Reference, r.ID); err != nil {
				return err
			}
		}
		if p.Identity != nil {
			p.Identity.ResidentID = id
			row := identityToRow(p.Identity)
			if err := tx.g.Where("resident_id = ?", id).Delete(&identityRow{}).Error; err != nil {
				return err
			}
			if err := tx.g.Create(&row).Error; err != nil {
				return err
			}
			changed = append(changed, "identity")
		}
		newRow := residentToRow(&r)
		if err := tx.g.Save(&newRow).Error; err != nil {
			return translate(err, "resident")
		}
		out = r
		e := ateval.AuditEntry{Action: ateval.ActionUpdateResident, ObjectType: "resident", ObjectID: id, ResidentID: id, BoroughID: r.BoroughID, Detail: strings.Join(changed, ",")}
		if err := db.audit(ctx, tx.g, e); err != nil {
			return err
		}
		if before.ObjectedOn.IsZero() && !r.ObjectedOn.IsZero() {
			e.Action, e.Detail = ateval.ActionObjectResident, ""
			return db.audit(ctx, tx.g, e)
		}
		if withdrawn {
			return db.keepWithdrawal(ctx, tx, r, devices.Withdrawal{ObjectedOn: before.ObjectedOn, WithdrawnOn: db.today()})
		}
		return nil
	})
	return out, err
}
