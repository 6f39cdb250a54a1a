package storage

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"gorm.io/gorm"

	"github.com/ateval/ateval/sharing"
)

// schemaV10 keeps one ledger of what every export released, across every
// agreement and evaluator, in place of one per agreement (schemaV6).
// Pseudonyms differ between agreements, but answers and scores are a
// fingerprint: an evaluator holding exports made under two agreements can
// link them resident by resident (issue 13), so each export is checked
// against all of them.
//
//   - platform_secrets holds keys that are the platform's own, never any
//     agreement's. The ledger key (name release_ledger, 32 random bytes,
//     hex) keys the HMAC that names a resident in the ledger: the same
//     under every agreement, never published, and no pseudonym.
//   - export_ledger holds, by ledger key, the entry of every resident
//     ever published: their joined record, what an intruder holding every
//     export knows of their quasi-identifiers (sharing.JoinRecords), and
//     k, the largest k of the exports that published them, which their
//     class in the join must keep.
//   - export_releases gains ledger_sequence, the export's number among
//     all exports, unique: of two exports prepared against the same
//     ledger, only the first recorded may be published. Existing exports
//     are numbered in the order they were recorded; the first export ever
//     fixes the generalisation levels of every later one.
//
// moveToOneLedger then carries every per-agreement record into the
// ledger and drops export_released_residents.
const schemaV10 = `
CREATE TABLE platform_secrets (
	name TEXT PRIMARY KEY,
	secret TEXT NOT NULL
);
CREATE TABLE export_ledger (
	ledger_key TEXT PRIMARY KEY,
	quasi_identifiers TEXT NOT NULL,
	k INTEGER NOT NULL
);
ALTER TABLE export_releases ADD COLUMN ledger_sequence INTEGER NOT NULL DEFAULT 0;
UPDATE export_releases SET ledger_sequence = (SELECT COUNT(*) FROM export_releases e WHERE e.id <= export_releases.id);
CREATE UNIQUE INDEX export_releases_ledger_sequence ON export_releases (ledger_sequence)
`

// moveToOneLedger makes the ledger key and carries each agreement's
// records into the ledger: storage holds every agreement's key, so it
// finds the resident behind each pseudonym by making the pseudonyms of
// every resident again. A borough suppressed in a per-agreement record
// stood for the agreement's boroughs, and becomes them; a resident
// published under several agreements gets the join of their records
// (sharing.JoinRecords), which is what an intruder holding those exports
// learns, and the largest k of those agreements' exports (which of an
// agreement's exports published them was not kept). A pseudonym no resident has any more (a resident deleted) keeps
// a ledger key of its own, so that it still counts in every join.
func moveToOneLedger(tx *gorm.DB) error {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	if err := tx.Exec(`INSERT INTO platform_secrets (name, secret) VALUES (?, ?)`, ledgerSecretName, hex.EncodeToString(secret)).Error; err != nil {
		return err
	}
	var agreements []int64
	if err := tx.Raw(`SELECT DISTINCT agreement_id FROM export_released_residents ORDER BY agreement_id`).Scan(&agreements).Error; err != nil {
		return err
	}
	var residents []int64
	if len(agreements) > 0 {
		if err := tx.Raw(`SELECT id FROM residents`).Scan(&residents).Error; err != nil {
			return err
		}
	}
	joined := map[string]sharing.Entry{}
	for _, id := range agreements {
		// Columns named, never *: a statement cached with * would not
		// survive a later migration's new column on PostgreSQL.
		a := agreementRow{ID: id}
		if err := tx.Raw(`SELECT pseudonym_key FROM data_sharing_agreements WHERE id = ?`, id).Row().Scan(&a.PseudonymKey); err != nil {
			return fmt.Errorf("agreement %d: %w", id, err)
		}
		key, err := a.key()
		if err != nil {
			return err
		}
		var boroughs []string
		if err := tx.Raw(`SELECT b.slug FROM agreement_boroughs ab JOIN boroughs b ON b.id = ab.borough_id
			WHERE ab.agreement_id = ?`, id).Scan(&boroughs).Error; err != nil {
			return err
		}
		var k int
		if err := tx.Raw(`SELECT COALESCE(MAX(k), 0) FROM export_releases WHERE agreement_id = ?`, id).Scan(&k).Error; err != nil {
			return err
		}
		who := make(map[string]int64, len(residents))
		for _, r := range residents {
			who[sharing.Pseudonym(key, r)] = r
		}
		var recs []struct {
			Pseudonym        string
			QuasiIdentifiers string
		}
		if err := tx.Raw(`SELECT pseudonym, quasi_identifiers FROM export_released_residents WHERE agreement_id = ?`, id).Scan(&recs).Error; err != nil {
			return err
		}
		for _, r := range recs {
			var v []string
			if err := json.Unmarshal([]byte(r.QuasiIdentifiers), &v); err != nil {
				return fmt.Errorf("agreement %d: a released record: %w", id, err)
			}
			lk := orphanLedgerKey(secret, id, r.Pseudonym)
			if resident, ok := who[r.Pseudonym]; ok {
				lk = ledgerKey(secret, resident)
			}
			e := joined[lk]
			joined[lk] = sharing.Entry{Record: sharing.JoinRecords(e.Record, sharing.LedgerRecord(v, boroughs)), K: max(e.K, k)}
		}
	}
	keys := make([]string, 0, len(joined))
	for lk := range joined {
		keys = append(keys, lk)
	}
	sort.Strings(keys)
	rows := make([]ledgerRow, len(keys))
	for i, lk := range keys {
		b, err := json.Marshal(joined[lk].Record)
		if err != nil {
			return err
		}
		rows[i] = ledgerRow{LedgerKey: lk, QuasiIdentifiers: string(b), K: joined[lk].K}
	}
	if len(rows) > 0 {
		if err := tx.CreateInBatches(rows, batchSize).Error; err != nil {
			return err
		}
	}
	return tx.Exec(`DROP TABLE export_released_residents`).Error
}
