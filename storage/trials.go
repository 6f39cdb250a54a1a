package storage

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
)

type trialRow struct {
	ID             int64 `gorm:"primaryKey"`
	BoroughID      int64
	DeviceCategory string
	StartsOn       string
	EndsOn         string
	RecordedAt     string
}

func (trialRow) TableName() string { return "randomised_trials" }

// trialScope lets any signed-in user read the trials (a report's
// certainty rests on them, and they say nothing about a resident), and
// only an administrator or the command-line operator record or remove one.
func trialScope(ctx context.Context, write bool) error {
	u := ateval.UserFromContext(ctx)
	switch {
	case u == nil:
		return errSignIn
	case !write, u.IsSystem(), u.Role == ateval.RoleAdmin:
		return nil
	}
	return ateval.Errorf(ateval.EFORBIDDEN, "Only administrators may record which boroughs allocated residents at random.")
}

// RandomisedTrials lists every borough's randomised trials, by borough
// slug, category and first day.
func (db *DB) RandomisedTrials(ctx context.Context) (_ []ateval.RandomisedTrial, err error) {
	defer ateval.Wrap(&err, "RandomisedTrials")
	if err := trialScope(ctx, false); err != nil {
		return nil, err
	}
	type joined struct {
		ID             int64
		DeviceCategory string
		StartsOn       string
		EndsOn         string
		Slug           string
	}
	var rows []joined
	if err := db.gorm.WithContext(ctx).Table("randomised_trials t").
		Select("t.id, t.device_category, t.starts_on, t.ends_on, b.slug").
		Joins("JOIN boroughs b ON b.id = t.borough_id").
		Order("b.slug, t.device_category, t.starts_on").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]ateval.RandomisedTrial, len(rows))
	for i, r := range rows {
		from, err := ateval.ParseDate(r.StartsOn)
		if err != nil {
			return nil, err
		}
		to, err := ateval.ParseDate(r.EndsOn)
		if err != nil {
			return nil, err
		}
		out[i] = ateval.RandomisedTrial{ID: r.ID, Borough: r.Slug, DeviceCategory: r.DeviceCategory, From: from, To: to}
	}
	return out, nil
}

// RecordRandomisedTrial records that a borough allocated residents of a
// device category at random from t.From (until t.To, if set), for an
// administrator, and sets t.ID. The borough and the category must exist;
// a trial overlapping another of the same borough and category is refused,
// so that each year is counted once. Audited (record_randomised_trial).
func (db *DB) RecordRandomisedTrial(ctx context.Context, t *ateval.RandomisedTrial) (err error) {
	defer ateval.Wrap(&err, "RecordRandomisedTrial")
	defer db.deniedRole(ctx, &err, ateval.ActionRecordTrial, ateval.AuditEntry{ObjectType: "randomised_trial"})
	if err := trialScope(ctx, true); err != nil {
		return err
	}
	if err := t.Validate(); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		var b boroughRow
		var fields []ateval.FieldError
		if err := tx.g.Where("slug = ?", t.Borough).Take(&b).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			fields = append(fields, ateval.FieldError{Field: "borough", Message: fmt.Sprintf("There is no borough %q", t.Borough)})
		} else if err != nil {
			return err
		}
		var n int64
		if err := tx.g.Model(&categoryRow{}).Where("id = ?", t.DeviceCategory).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			fields = append(fields, ateval.FieldError{Field: "device_category", Message: fmt.Sprintf("There is no device category %q", t.DeviceCategory)})
		}
		if fields != nil {
			return ateval.Invalid("The randomised trial is not valid.", fields)
		}
		var others []trialRow
		if err := tx.g.Where("borough_id = ? AND device_category = ?", b.ID, t.DeviceCategory).Find(&others).Error; err != nil {
			return err
		}
		for _, o := range others {
			// Two periods overlap unless one ends before the other starts.
			if (t.To.IsZero() || o.StartsOn <= t.To.String()) && (o.EndsOn == "" || t.From.String() <= o.EndsOn) {
				return ateval.Invalid("The randomised trial is not valid.", []ateval.FieldError{{Field: "from",
					Message: fmt.Sprintf("%s already has a randomised trial of this category from %s; end or remove it first", b.Name, o.StartsOn)}})
			}
		}
		row := trialRow{BoroughID: b.ID, DeviceCategory: t.DeviceCategory, StartsOn: t.From.String(), EndsOn: t.To.String(),
			RecordedAt: db.Now().UTC().Format(auditTimeLayout)}
		if err := tx.g.Create(&row).Error; err != nil {
			return translate(err, "randomised trial")
		}
		t.ID = row.ID
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionRecordTrial, ObjectType: "randomised_trial", ObjectID: row.ID,
			BoroughID: b.ID, Detail: trialDetail(t)})
	})
}

// RemoveRandomisedTrial removes a trial recorded in error, for an
// administrator. Audited (remove_randomised_trial) with what it said.
func (db *DB) RemoveRandomisedTrial(ctx context.Context, id int64) (err error) {
	defer ateval.Wrap(&err, "RemoveRandomisedTrial(%d)", id)
	defer db.deniedRole(ctx, &err, ateval.ActionRemoveTrial, ateval.AuditEntry{ObjectType: "randomised_trial", ObjectID: id})
	if err := trialScope(ctx, true); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		var row trialRow
		if err := tx.g.Where("id = ?", id).Take(&row).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ateval.Errorf(ateval.ENOTFOUND, "There is no randomised trial %d.", id)
		} else if err != nil {
			return err
		}
		var b boroughRow
		if err := tx.g.Where("id = ?", row.BoroughID).Take(&b).Error; err != nil {
			return err
		}
		if err := tx.g.Where("id = ?", id).Delete(&trialRow{}).Error; err != nil {
			return err
		}
		from, _ := ateval.ParseDate(row.StartsOn)
		to, _ := ateval.ParseDate(row.EndsOn)
		t := ateval.RandomisedTrial{Borough: b.Slug, DeviceCategory: row.DeviceCategory, From: from, To: to}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionRemoveTrial, ObjectType: "randomised_trial", ObjectID: id,
			BoroughID: b.ID, Detail: trialDetail(&t)})
	})
}

func trialDetail(t *ateval.RandomisedTrial) string {
	to := "still running"
	if !t.To.IsZero() {
		to = "to " + t.To.String()
	}
	return fmt.Sprintf("%s %s from %s %s", t.Borough, t.DeviceCategory, t.From, to)
}

// deniedRole records a refusal by role (EFORBIDDEN) as access_denied, as
// denied does; a trial's id that is not found is no one's record, so it is
// not an attempt on another borough's data and is not recorded.
func (db *DB) deniedRole(ctx context.Context, errp *error, attempt string, obj ateval.AuditEntry) {
	if ateval.ErrorCode(*errp) != ateval.EFORBIDDEN {
		return
	}
	if aerr := db.AccessDenied(ctx, attempt, obj); aerr != nil {
		*errp = aerr
	}
}
