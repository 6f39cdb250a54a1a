package hub

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/federation"
	"github.com/ateval/ateval/storage"
)

// ActionShareBundle is the audit action of a borough making a bundle.
const ActionShareBundle = ateval.ActionShareBundle

// LedgerKey names a family of a bundle's cells: one statistic's cells of
// one device category and arm.
type LedgerKey struct {
	Outcome, Timepoint, Category, Arm string
}

type shareLedgerRow struct {
	Borough        string `gorm:"primaryKey"`
	Outcome        string `gorm:"primaryKey"`
	Timepoint      string `gorm:"primaryKey"`
	DeviceCategory string `gorm:"primaryKey"`
	Arm            string `gorm:"primaryKey"`
	Cells          string
	Sequence       int64
}

func (shareLedgerRow) TableName() string { return "share_ledger" }

type shareSequenceRow struct {
	Borough  string `gorm:"primaryKey"`
	Sequence int64
	KeyID    string
	Made     string
}

func (shareSequenceRow) TableName() string { return "share_sequences" }

// shareScope lets only the command-line operator and an administrator
// read or write a borough's share ledger: it holds the borough's released
// sums, and its sequence decides what the next bundle may carry.
func shareScope(ctx context.Context) error {
	return storage.AdminOnly(ctx, "Your role does not give access to the borough's share ledger.")
}

// ShareLedger returns a borough's last bundle number (0 before its first)
// and the cells its bundles last released of each family.
func (db *DB) ShareLedger(ctx context.Context, borough string) (seq int64, cells map[LedgerKey][]federation.Cell, err error) {
	defer ateval.Wrap(&err, "ShareLedger(%q)", borough)
	if err := shareScope(ctx); err != nil {
		return 0, nil, err
	}
	g := db.store.Gorm(ctx)
	var s []shareSequenceRow
	if err := g.Where("borough = ?", borough).Find(&s).Error; err != nil {
		return 0, nil, err
	}
	if len(s) > 0 {
		seq = s[0].Sequence
	}
	var rows []shareLedgerRow
	if err := g.Where("borough = ?", borough).Find(&rows).Error; err != nil {
		return 0, nil, err
	}
	cells = map[LedgerKey][]federation.Cell{}
	for _, r := range rows {
		var cs []federation.Cell
		if err := json.Unmarshal([]byte(r.Cells), &cs); err != nil {
			return 0, nil, err
		}
		cells[LedgerKey{r.Outcome, r.Timepoint, r.DeviceCategory, r.Arm}] = cs
	}
	return seq, cells, nil
}

// RecordShare records a borough's bundle number seq, made at made with
// the key keyID, and the ledger entries of the families it changed, in
// one transaction, audited. It refuses (ECONFLICT) a number not above the
// one recorded: two shares made at once, of which only one may stand.
func (db *DB) RecordShare(ctx context.Context, borough string, seq int64, keyID string, made time.Time, entries map[LedgerKey][]federation.Cell) (err error) {
	defer ateval.Wrap(&err, "RecordShare(%q, %d)", borough, seq)
	if err := shareScope(ctx); err != nil {
		return err
	}
	return db.store.InTx(ctx, func(tx *storage.Tx) error {
		var s []shareSequenceRow
		if err := tx.Gorm().Where("borough = ?", borough).Find(&s).Error; err != nil {
			return err
		}
		if len(s) > 0 && s[0].Sequence >= seq {
			return ateval.Errorf(ateval.ECONFLICT, "%s's bundle %d is already made: another share ran at the same time; share again", borough, s[0].Sequence)
		}
		row := shareSequenceRow{Borough: borough, Sequence: seq, KeyID: keyID, Made: made.UTC().Format(time.RFC3339)}
		if len(s) == 0 {
			if err := tx.Gorm().Create(&row).Error; err != nil {
				return storage.Translate(err, "share")
			}
		} else if err := tx.Gorm().Model(&shareSequenceRow{}).Where("borough = ? AND sequence = ?", borough, s[0].Sequence).
			Updates(map[string]any{"sequence": seq, "key_id": keyID, "made": row.Made}).Error; err != nil {
			return err
		}
		for k, cs := range entries {
			if cs == nil {
				cs = []federation.Cell{}
			}
			text, err := json.Marshal(cs)
			if err != nil {
				return err
			}
			if err := tx.Gorm().Where("borough = ? AND outcome = ? AND timepoint = ? AND device_category = ? AND arm = ?", borough, k.Outcome, k.Timepoint, k.Category, k.Arm).
				Delete(&shareLedgerRow{}).Error; err != nil {
				return err
			}
			if err := tx.Gorm().Create(&shareLedgerRow{Borough: borough, Outcome: k.Outcome, Timepoint: k.Timepoint, DeviceCategory: k.Category, Arm: k.Arm, Cells: string(text), Sequence: seq}).Error; err != nil {
				return err
			}
		}
		return tx.Audit(ateval.AuditEntry{Action: ActionShareBundle, ObjectType: "borough", Detail: borough + " bundle " + strconv.FormatInt(seq, 10) + " key " + keyID})
	})
}
