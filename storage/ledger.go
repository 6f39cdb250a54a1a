package storage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/sharing"
)

// The ledger of releases: what every export released, under any
// agreement, to anyone (see schemaV10 and sharing.Released). Each resident
// in it is named by a ledger key, an HMAC of their internal id under the
// platform's ledger key: the same under every agreement, so that what an
// export under one agreement released is found when the next is made
// under another, and never published.

type releaseRow struct {
	ID          int64 `gorm:"primaryKey"`
	AgreementID int64
	// Sequence is the export's number under its agreement; LedgerSequence
	// its number among every export.
	Sequence       int
	LedgerSequence int
	MadeAt         string
	Boroughs       string
	K              int
	Levels         string
	Residents      int
}

func (releaseRow) TableName() string { return "export_releases" }

type ledgerRow struct {
	LedgerKey        string `gorm:"primaryKey"`
	QuasiIdentifiers string
	K                int
}

func (ledgerRow) TableName() string { return "export_ledger" }

// ledgerSecretName names the ledger key in platform_secrets.
const ledgerSecretName = "release_ledger"

// ledgerSecret returns the platform's ledger key.
func ledgerSecret(g *gorm.DB) ([]byte, error) {
	var s string
	err := g.Raw(`SELECT secret FROM platform_secrets WHERE name = ?`, ledgerSecretName).Row().Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ateval.Errorf(ateval.EINTERNAL, "no ledger key: the database is not migrated")
	} else if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(s)
	if err != nil || len(key) != 32 {
		return nil, ateval.Errorf(ateval.EINTERNAL, "malformed ledger key")
	}
	return key, nil
}

func ledgerHMAC(secret []byte, what string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("ateval/ledger/v1\x00" + what))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// ledgerKey is the resident's key in the ledger: the first 128 bits of
// HMAC-SHA256(ledger key, "ateval/ledger/v1" NUL resident id), in hex.
func ledgerKey(secret []byte, residentID int64) string {
	return ledgerHMAC(secret, strconv.FormatInt(residentID, 10))
}

// orphanLedgerKey is the ledger key of a pseudonym carried over from an
// agreement's own ledger whose resident is no longer stored.
func orphanLedgerKey(secret []byte, agreementID int64, pseudonym string) string {
	return ledgerHMAC(secret, "orphan\x00"+strconv.FormatInt(agreementID, 10)+"\x00"+pseudonym)
}

// ExportReleases returns the ledger, to the user exporting under the
// agreement: how many exports were made, under how many agreements, the
// levels the first export ever fixed, and each resident's
// entry (joined record and the largest k they were published at), by
// ledger key.
func (db *DB) ExportReleases(ctx context.Context, agreementID int64) (_ sharing.Released, err error) {
	defer ateval.Wrap(&err, "ExportReleases(%d)", agreementID)
	g := db.gorm.WithContext(ctx)
	if _, err := db.exportGrant(ctx, g, agreementID, nil); err != nil {
		return sharing.Released{}, err
	}
	var rs []releaseRow
	if err := g.Order("ledger_sequence").Find(&rs).Error; err != nil {
		return sharing.Released{}, err
	}
	out := sharing.Released{Exports: len(rs), Records: map[string]sharing.Entry{}}
	agreements := map[int64]bool{}
	for i, r := range rs {
		if r.LedgerSequence != i+1 {
			return sharing.Released{}, ateval.Errorf(ateval.EINTERNAL, "export %d of the ledger recorded as number %d", i+1, r.LedgerSequence)
		}
		agreements[r.AgreementID] = true
		if i == 0 {
			if err := json.Unmarshal([]byte(r.Levels), &out.Levels); err != nil {
				return sharing.Released{}, err
			}
		}
	}
	out.Agreements = len(agreements)
	var recs []ledgerRow
	if err := g.Find(&recs).Error; err != nil {
		return sharing.Released{}, err
	}
	for _, r := range recs {
		var v []string
		if err := json.Unmarshal([]byte(r.QuasiIdentifiers), &v); err != nil {
			return sharing.Released{}, err
		}
		out.Records[r.LedgerKey] = sharing.Entry{Record: v, K: r.K}
	}
	return out, nil
}

// errLedgerMoved refuses an export prepared against a ledger another
// export has changed since.
func errLedgerMoved() error {
	return ateval.Errorf(ateval.ECONFLICT, "Another export was recorded meanwhile, under this or another data sharing agreement, and this one must be checked against it: make it again.")
}

// RecordExport records what an export releases into the ledger, with its
// audit entry, in one transaction, before any of the export is published:
// so that no export goes unaudited, and the next export, under any
// agreement, is checked against this one. It checks the agreement again;
// and if another export, under any agreement, was recorded since this one
// was prepared, it refuses (ECONFLICT): the export must be prepared again.
func (db *DB) RecordExport(ctx context.Context, rel *sharing.Release, e ateval.AuditEntry) (err error) {
	defer ateval.Wrap(&err, "RecordExport(%d)", rel.AgreementID)
	if e.Action != ateval.ActionExport || e.ObjectID != rel.AgreementID {
		return ateval.Errorf(ateval.EINTERNAL, "the audit entry is not of this export")
	}
	levels, err := json.Marshal(rel.Levels)
	if err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := db.exportGrant(ctx, tx.g, rel.AgreementID, rel.Boroughs); err != nil {
			return err
		}
		var all, mine int64
		if err := tx.g.Model(&releaseRow{}).Count(&all).Error; err != nil {
			return err
		}
		if int(all) != rel.Sequence-1 {
			return errLedgerMoved()
		}
		if err := tx.g.Model(&releaseRow{}).Where("agreement_id = ?", rel.AgreementID).Count(&mine).Error; err != nil {
			return err
		}
		// Two exports counting the same ledger both try to be number
		// rel.Sequence: the unique index lets only the first commit.
		row := releaseRow{AgreementID: rel.AgreementID, Sequence: int(mine) + 1, LedgerSequence: rel.Sequence,
			MadeAt: db.Now().UTC().Format(auditTimeLayout), Boroughs: strings.Join(rel.Boroughs, ","), K: rel.K,
			Levels: string(levels), Residents: rel.Residents}
		if err := tx.g.Create(&row).Error; err != nil {
			if isUniqueViolation(err) {
				return errLedgerMoved()
			}
			return err
		}
		var lks []string
		var recs []ledgerRow
		for lk, e := range rel.Records {
			b, err := json.Marshal(e.Record)
			if err != nil {
				return err
			}
			lks = append(lks, lk)
			recs = append(recs, ledgerRow{LedgerKey: lk, QuasiIdentifiers: string(b), K: e.K})
		}
		for start := 0; start < len(lks); start += batchSize {
			chunk := lks[start:min(start+batchSize, len(lks))]
			if err := tx.g.Where("ledger_key IN ?", chunk).Delete(&ledgerRow{}).Error; err != nil {
				return err
			}
		}
		if len(recs) > 0 {
			if err := tx.g.CreateInBatches(recs, batchSize).Error; err != nil {
				return err
			}
		}
		return db.audit(ctx, tx.g, e)
	})
}

// ExportRefused records in the audit log that an export under the
// agreement was refused with err, with the reason sharing.RefusalEntry
// gives it, and returns err: every entry point (the command line, the
// page, the API) calls it with whatever refused the export. An error that
// refuses nothing (an internal fault) is returned unrecorded; a refusal
// that cannot be recorded is returned with the reason why.
func (db *DB) ExportRefused(ctx context.Context, agreementID int64, err error) error {
	e, ok := sharing.RefusalEntry(agreementID, err)
	if !ok {
		return err
	}
	if aerr := db.Audit(ctx, e); aerr != nil {
		return errors.Join(err, fmt.Errorf("recording the refusal in the audit log: %w", aerr))
	}
	return err
}
