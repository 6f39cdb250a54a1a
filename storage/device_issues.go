package storage

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

type reviewRow struct {
	ID            int64 `gorm:"primaryKey"`
	DeviceIssueID int64
	ReviewedOn    string
	Note          string
}

func (reviewRow) TableName() string { return "device_reviews" }

// errIssueNotFound answers for a device issue that does not exist and for
// one of another borough's resident alike.
var errIssueNotFound = ateval.Errorf(ateval.ENOTFOUND, "There is no device issue with this id in your borough.")

// checkIssue validates di for the resident: its dates, its device, and
// that its unit, if tagged, is free over its days. bad are problems
// already found, reported with the rest.
func (tx *Tx) checkIssue(res residentRow, di *devices.DeviceIssue, bad ...ateval.FieldError) error {
	fields := bad
	msg := "The device issue is not valid."
	if err := di.Validate(mustDate(res.RegisteredOn), tx.db.today()); err != nil {
		fields = append(fields, ateval.ErrorFields(err)...)
	}
	var n int64
	if err := tx.g.Model(&deviceRow{}).Where("id = ?", di.DeviceID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		fields = append(fields, ateval.FieldError{Field: "device_id", Message: "must be a device of the catalogue"})
	}
	if len(fields) > 0 {
		return ateval.Invalid(msg, fields)
	}
	if di.AssetTag == "" {
		return nil
	}
	// Another issue of the same unit in the same borough overlaps when it
	// began before this one ends and ends after this one begins; a unit
	// returned on a day may go out again that day.
	if tx.db.dialect == Postgres {
		// Two issues of one unit at once would each see the other absent
		// under READ COMMITTED; a lock per borough serialises them.
		// (SQLite's IMMEDIATE transactions already do.)
		if err := tx.g.Exec(`SELECT pg_advisory_xact_lock(7277281, CAST(? AS INTEGER))`, res.BoroughID).Error; err != nil {
			return err
		}
	}
	q := tx.g.Table("device_issues AS di").Joins("JOIN residents r ON r.id = di.resident_id").
		Where("r.borough_id = ? AND di.asset_tag = ? AND di.id <> ?", res.BoroughID, di.AssetTag, di.ID).
		Where("di.removed_on IS NULL OR di.removed_on > ?", di.IssuedOn.String())
	if !di.RemovedOn.IsZero() {
		q = q.Where("di.issued_on < ?", di.RemovedOn.String())
	}
	if err := q.Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return ateval.Invalid(msg, []ateval.FieldError{{Field: "asset_tag",
			Message: "this unit is with another resident over these dates; record its return first"}})
	}
	return nil
}

// saveReviews stores the reviews of di that have no row yet (all of them
// for a new issue; the last added for an update).
func (tx *Tx) saveReviews(di *devices.DeviceIssue) error {
	var n int64
	if err := tx.g.Model(&reviewRow{}).Where("device_issue_id = ?", di.ID).Count(&n).Error; err != nil {
		return err
	}
	for _, r := range di.Reviews[n:] {
		row := reviewRow{DeviceIssueID: di.ID, ReviewedOn: r.On.String(), Note: r.Note}
		if err := tx.g.Create(&row).Error; err != nil {
			return err
		}
	}
	return nil
}

// UpdateDeviceIssue installs, reviews or removes a device issued to a
// resident the acting user may see, and returns it as it now stands. An
// issue of another borough is ENOTFOUND, like a missing one, and the
// attempt is audited by id.
func (db *DB) UpdateDeviceIssue(ctx context.Context, id int64, p devices.DeviceIssuePatch) (_ devices.DeviceIssue, err error) {
	defer ateval.Wrap(&err, "UpdateDeviceIssue(%d)", id)
	defer db.denied(ctx, &err, ateval.ActionUpdateDeviceIssue, issueObject(id))
	var out devices.DeviceIssue
	err = db.InTx(ctx, func(tx *Tx) error {
		row, res, err := tx.scopedIssue(ctx, id)
		if err != nil {
			return err
		}
		di := row.domain()
		if di.Reviews, err = tx.reviews(id); err != nil {
			return err
		}
		var changed []string
		if p.InstalledOn != nil {
			di.InstalledOn, changed = *p.InstalledOn, append(changed, "installed_on")
		}
		if p.RemovedOn != nil {
			di.RemovedOn, changed = *p.RemovedOn, append(changed, "removed_on")
		}
		if p.RemovalReason != nil {
			di.RemovalReason, changed = *p.RemovalReason, append(changed, "removal_reason")
		}
		if p.RemovalNote != nil {
			di.RemovalNote, changed = *p.RemovalNote, append(changed, "removal_note")
		}
		if p.AssetTag != nil {
			di.AssetTag, changed = strings.TrimSpace(*p.AssetTag), append(changed, "asset_tag")
		}
		if p.Need != nil {
			di.Need, changed = *p.Need, append(changed, "need")
		}
		if p.Review != nil {
			di.Reviews, changed = append(di.Reviews, *p.Review), append(changed, "review")
		}
		if err := tx.checkIssue(res, &di); err != nil {
			return err
		}
		if di.IssuedBy, err = tx.issuerEmail(di.IssuedByID); err != nil {
			return err
		}
		newRow := deviceIssueToRow(&di)
		newRow.IdempotencyKey, newRow.RequestDigest = row.IdempotencyKey, row.RequestDigest // a repeat of the issue is still known
		if err := tx.g.Save(&newRow).Error; err != nil {
			return err
		}
		if err := tx.saveReviews(&di); err != nil {
			return err
		}
		out = di
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionUpdateDeviceIssue, ObjectType: "device_issue", ObjectID: id,
			ResidentID: res.ID, BoroughID: res.BoroughID, Detail: strings.Join(changed, ",")})
	})
	return out, err
}

// reviews returns one issue's reviews, oldest first.
func (tx *Tx) reviews(issueID int64) ([]devices.Review, error) {
	var rows []reviewRow
	if err := tx.g.Where("device_issue_id = ?", issueID).Order("reviewed_on, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	var out []devices.Review
	for _, r := range rows {
		out = append(out, devices.Review{On: mustDate(r.ReviewedOn), Note: r.Note})
	}
	return out, nil
}

// issuesOf returns a resident's device issues with their reviews and
// issuers, in order of issue.
func (tx *Tx) issuesOf(residentID int64) ([]devices.DeviceIssue, error) {
	var rows []deviceIssueRow
	if err := tx.g.Where("resident_id = ?", residentID).Order("issued_on, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	var revs []struct {
		DeviceIssueID int64
		ReviewedOn    string
		Note          string
	}
	err := tx.g.Table("device_reviews AS v").Select("v.device_issue_id, v.reviewed_on, v.note").
		Joins("JOIN device_issues di ON di.id = v.device_issue_id").Where("di.resident_id = ?", residentID).
		Order("v.reviewed_on, v.id").Scan(&revs).Error
	if err != nil {
		return nil, err
	}
	byIssue := map[int64][]devices.Review{}
	for _, r := range revs {
		byIssue[r.DeviceIssueID] = append(byIssue[r.DeviceIssueID], devices.Review{On: mustDate(r.ReviewedOn), Note: r.Note})
	}
	out, err := tx.issues(rows)
	for i := range out {
		out[i].Reviews = byIssue[out[i].ID]
	}
	return out, err
}

// DeviceIssue reads one device issue with its reviews and its resident,
// if the acting user may see the resident; the reading is audited.
// Another borough's issue is ENOTFOUND, audited as denied.
func (db *DB) DeviceIssue(ctx context.Context, id int64) (_ devices.DeviceIssue, _ devices.Resident, err error) {
	defer ateval.Wrap(&err, "DeviceIssue(%d)", id)
	defer db.denied(ctx, &err, ateval.ActionReadResident, issueObject(id))
	var di devices.DeviceIssue
	var res devices.Resident
	err = db.InTx(ctx, func(tx *Tx) error {
		row, rrow, err := tx.scopedIssue(ctx, id)
		if err != nil {
			return err
		}
		if res, err = rrow.domain(); err != nil {
			return err
		}
		issues, err := tx.issues([]deviceIssueRow{row})
		if err != nil {
			return err
		}
		di = issues[0]
		if di.Reviews, err = tx.reviews(id); err != nil {
			return err
		}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionReadResident, ObjectType: "device_issue", ObjectID: id, ResidentID: res.ID, BoroughID: res.BoroughID})
	})
	return di, res, err
}

// scopedIssue loads a device issue and its resident, if the acting user may
// see the resident. A missing issue and another borough's answer alike,
// ENOTFOUND, so that existence does not leak; the public method's deferred
// db.denied audits the denied attempt.
func (tx *Tx) scopedIssue(ctx context.Context, id int64) (deviceIssueRow, residentRow, error) {
	var row deviceIssueRow
	if err := tx.g.Where("id = ?", id).Take(&row).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return row, residentRow{}, errIssueNotFound
	} else if err != nil {
		return row, residentRow{}, err
	}
	res, err := tx.scopedResident(ctx, row.ResidentID)
	if ateval.ErrorCode(err) == ateval.ENOTFOUND {
		return row, res, errIssueNotFound
	}
	return row, res, err
}
