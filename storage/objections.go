package storage

import (
	"context"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

type withdrawalRow struct {
	ID              int64 `gorm:"primaryKey"`
	ResidentID      int64
	ObjectedOn      string
	WithdrawnOn     string
	RecordedAt      string
	RecordedBy      *int64
	RecordedByEmail string
}

func (withdrawalRow) TableName() string { return "objection_withdrawals" }

// WithdrawObjection records that a resident the acting user may see
// withdrew their objection to the use of their data for evaluation (UK
// GDPR article 21) on the day given: the objection is cleared, so that
// from then on the resident counts again in summaries and exports and is
// scheduled again, and it is kept, with the day it was withdrawn and who
// recorded that, in objection_withdrawals. Audited (withdraw_objection)
// in the same transaction.
func (db *DB) WithdrawObjection(ctx context.Context, id int64, on ateval.Date) (_ devices.Resident, err error) {
	defer ateval.Wrap(&err, "WithdrawObjection(%d)", id)
	defer db.denied(ctx, &err, ateval.ActionWithdrawObjection, residentObject(id))
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
		w := devices.Withdrawal{ObjectedOn: r.ObjectedOn, WithdrawnOn: on}
		if err := w.Validate(db.today()); err != nil {
			return err
		}
		if err := tx.g.Model(&residentRow{}).Where("id = ?", id).Update("objected_on", nil).Error; err != nil {
			return err
		}
		r.ObjectedOn = ateval.Date{}
		out = r
		return db.keepWithdrawal(ctx, tx, r, w)
	})
	return out, err
}

// keepWithdrawal stores the withdrawal of the resident's objection, with
// who records it, and audits it, within tx; the resident's objected_on
// is the caller's to clear.
func (db *DB) keepWithdrawal(ctx context.Context, tx *Tx, r devices.Resident, w devices.Withdrawal) error {
	if err := w.Validate(db.today()); err != nil {
		return err
	}
	row := withdrawalRow{ResidentID: r.ID, ObjectedOn: w.ObjectedOn.String(), WithdrawnOn: w.WithdrawnOn.String(),
		RecordedAt: db.Now().UTC().Format(auditTimeLayout)}
	if u := ateval.UserFromContext(ctx); u != nil {
		row.RecordedByEmail = u.Email
		if u.ID != 0 {
			row.RecordedBy = &u.ID
		}
	}
	if err := tx.g.Create(&row).Error; err != nil {
		return err
	}
	return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionWithdrawObjection, ObjectType: "resident", ObjectID: r.ID,
		ResidentID: r.ID, BoroughID: r.BoroughID})
}

// withdrawalsOf lists the objections a resident withdrew, oldest first.
func (tx *Tx) withdrawalsOf(residentID int64) ([]devices.Withdrawal, error) {
	var rows []withdrawalRow
	if err := tx.g.Where("resident_id = ?", residentID).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]devices.Withdrawal, len(rows))
	for i, r := range rows {
		out[i] = devices.Withdrawal{ObjectedOn: mustDate(r.ObjectedOn), WithdrawnOn: mustDate(r.WithdrawnOn)}
	}
	return out, nil
}
