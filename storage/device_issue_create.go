package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// IssueDevice records a device given to a resident the acting user may
// see, and sets di.ID. The dates must make sense (devices.DeviceIssue.Validate),
// the device must be in the catalogue, a tagged unit must not be with
// anyone else over the same days, and the issuer must be a member of the
// resident's borough's staff (see issuer): the acting user unless
// di.IssuedByID or di.IssuedBy (an email) names another.
func (db *DB) IssueDevice(ctx context.Context, residentID int64, di *devices.DeviceIssue) error {
	_, err := db.IssueDeviceOnce(ctx, residentID, "", di)
	return err
}

// IssueDeviceOnce is IssueDevice for a request that may arrive more than
// once: key (the form's submission token, the API's Idempotency-Key; ""
// for none) is stored with the issue, and a later request with the same
// key for the same resident stores nothing. If it asks for the same
// issue, di is set to the one stored and repeated is true; if it asks
// for another (another device, date, unit, need or issuer), it is
// refused, ECONFLICT, since a key names one issue.
//
// Two requests with one key at once store one issue. On SQLite their
// IMMEDIATE transactions run one after the other, so the second finds the
// first's issue. On PostgreSQL (READ COMMITTED) both may find none; the
// second's INSERT then waits on the unique index for the first to commit,
// fails, and the second is tried once more, when it finds the first's.
func (db *DB) IssueDeviceOnce(ctx context.Context, residentID int64, key string, di *devices.DeviceIssue) (repeated bool, err error) {
	defer ateval.Wrap(&err, "IssueDevice(%d)", residentID)
	defer db.denied(ctx, &err, ateval.ActionIssueDevice, residentObject(residentID))
	if err := checkIssueKey(key); err != nil {
		return false, err
	}
	repeated, err = db.issueOnce(ctx, residentID, key, di)
	if errors.Is(err, errKeyTaken) {
		repeated, err = db.issueOnce(ctx, residentID, key, di)
	}
	if errors.Is(err, errKeyTaken) {
		err = errKeyReused
	}
	return repeated, err
}

// errKeyTaken is a request's key stored by another request between this
// one's look-up and its INSERT: try again, and find it.
var errKeyTaken = errors.New("idempotency key taken meanwhile")

// issueOnce is one attempt of IssueDeviceOnce, in one transaction.
func (db *DB) issueOnce(ctx context.Context, residentID int64, key string, di *devices.DeviceIssue) (repeated bool, err error) {
	err = db.InTx(ctx, func(tx *Tx) error {
		row, err := tx.scopedResident(ctx, residentID)
		if err != nil {
			return err
		}
		di.ResidentID = residentID
		di.AssetTag = strings.TrimSpace(di.AssetTag)
		bad, err := tx.issuer(ctx, row.BoroughID, di)
		if err != nil {
			return err
		}
		if key != "" {
			// Before the checks: a repeat must not find its own issue
			// holding its unit.
			prev, found, err := tx.issueByKey(residentID, key)
			if err != nil {
				return err
			}
			if found {
				if len(bad) > 0 || prev.RequestDigest == nil || *prev.RequestDigest != requestDigest(di) {
					return errKeyReused
				}
				issues, err := tx.issues([]deviceIssueRow{prev})
				if err != nil {
					return err
				}
				*di, repeated = issues[0], true
				if di.Reviews, err = tx.reviews(di.ID); err != nil {
					return err
				}
				return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionReadResident, ObjectType: "device_issue", ObjectID: di.ID,
					ResidentID: residentID, BoroughID: row.BoroughID, Detail: "repeated issue request"})
			}
		}
		if err := tx.checkIssue(row, di, bad...); err != nil {
			return err
		}
		newRow := deviceIssueToRow(di)
		newRow.ID = 0
		if key != "" {
			digest := requestDigest(di)
			newRow.IdempotencyKey, newRow.RequestDigest = &key, &digest
		}
		if err := tx.g.Create(&newRow).Error; err != nil {
			if key != "" && isUniqueViolation(err) {
				return errKeyTaken
			}
			return translate(err, "device issue")
		}
		di.ID = newRow.ID
		if err := tx.saveReviews(di); err != nil {
			return err
		}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionIssueDevice, ObjectType: "device_issue", ObjectID: di.ID, ResidentID: residentID, BoroughID: row.BoroughID})
	})
	return repeated && err == nil, err
}

// errKeyReused refuses a request whose key already named another issue.
var errKeyReused = ateval.Errorf(ateval.ECONFLICT, "This request's key (a form's submission token, or the Idempotency-Key header) already recorded a different device issue for this resident. Send a new key for a new issue.")

// checkIssueKey checks a request's key: at most 255 visible ASCII
// characters, as HTTP carries a header's value and a form a token.
func checkIssueKey(key string) error {
	if len(key) > 255 {
		return ateval.Invalid("The request's key is not valid.", []ateval.FieldError{{Field: "idempotency_key", Message: "must be at most 255 characters"}})
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return ateval.Invalid("The request's key is not valid.", []ateval.FieldError{{Field: "idempotency_key", Message: "must be visible ASCII characters, with no spaces"}})
		}
	}
	return nil
}

// issueByKey finds the row of the resident's issue stored with key.
func (tx *Tx) issueByKey(residentID int64, key string) (deviceIssueRow, bool, error) {
	var rows []deviceIssueRow
	if err := tx.g.Where("resident_id = ? AND idempotency_key = ?", residentID, key).Limit(1).Find(&rows).Error; err != nil || len(rows) == 0 {
		return deviceIssueRow{}, false, err
	}
	return rows[0], true, nil
}

// requestDigest is the SHA-256 of what a request to issue a device asks
// for: the device, dates, unit, need and issuer (settled before, so a
// request leaving it to the caller asks for the caller). A repeat of the
// request has the same digest whatever has happened to the issue since.
func requestDigest(di *devices.DeviceIssue) string {
	b, _ := json.Marshal([]any{di.DeviceID, di.IssuedOn.String(), di.InstalledOn.String(), di.RemovedOn.String(),
		di.RemovalReason, di.RemovalNote, di.AssetTag, di.Need, di.IssuedByID, di.IssuedByText})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
