package storage

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/sharing"
)

// agreementRowOf reads an agreement's row for a change, within tx.
func (tx *Tx) agreementRowOf(id int64) (agreementRow, error) {
	var row agreementRow
	if err := tx.g.Where("id = ?", id).Take(&row).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return row, ateval.Errorf(ateval.ENOTFOUND, "There is no data sharing agreement %d.", id)
	} else if err != nil {
		return row, err
	}
	return row, nil
}

// SetAgreementMinK sets the least k any export under an agreement may be
// made at, for an administrator: from 2 to sharing.MaxK, as the
// agreement's rules say (sharing.Agreement.Validate). Exports already made
// keep what they promised: the ledger holds each resident to the largest
// k any export published them at, whatever an agreement says later.
// Audited (set_agreement_min_k) with the old and new minimum.
func (db *DB) SetAgreementMinK(ctx context.Context, id int64, k int) (err error) {
	defer ateval.Wrap(&err, "SetAgreementMinK(%d)", id)
	if err := agreementScope(ctx, true); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		row, err := tx.agreementRowOf(id)
		if err != nil {
			return err
		}
		a := row.domain([]string{"-"})
		a.MinK = k
		if err := a.Validate(forms.Default()); err != nil {
			var fields []ateval.FieldError
			for _, f := range ateval.ErrorFields(err) {
				if f.Field == "min_k" {
					fields = append(fields, f)
				}
			}
			if len(fields) > 0 {
				return ateval.Invalid("The minimum k is not valid.", fields)
			}
		}
		if row.MinK == k {
			return nil
		}
		if err := tx.g.Model(&agreementRow{}).Where("id = ?", id).Update("min_k", k).Error; err != nil {
			return err
		}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionSetAgreementMinK, ObjectType: "agreement", ObjectID: id,
			Detail: fmt.Sprintf("%d to %d", row.MinK, k)})
	})
}

// EndAgreement ends an agreement in force early, for an administrator:
// from today it is no longer in force (its expiry becomes today, the
// first day it is not), so no export is made under it again. An agreement
// already expired is left as it is. Audited (end_agreement) with the
// expiry it had.
func (db *DB) EndAgreement(ctx context.Context, id int64) (_ sharing.Agreement, err error) {
	defer ateval.Wrap(&err, "EndAgreement(%d)", id)
	if err := agreementScope(ctx, true); err != nil {
		return sharing.Agreement{}, err
	}
	today := db.today()
	err = db.InTx(ctx, func(tx *Tx) error {
		row, err := tx.agreementRowOf(id)
		if err != nil {
			return err
		}
		if !today.Before(mustDate(row.ExpiresOn)) {
			return ateval.Errorf(ateval.ECONFLICT, "This agreement is already out of force, since %s.", row.ExpiresOn)
		}
		if err := tx.g.Model(&agreementRow{}).Where("id = ?", id).Update("expires_on", today.String()).Error; err != nil {
			return err
		}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionEndAgreement, ObjectType: "agreement", ObjectID: id,
			Detail: "was to expire " + row.ExpiresOn})
	})
	if err != nil {
		return sharing.Agreement{}, err
	}
	return db.Agreement(ctx, id)
}
