package hub

import (
	"context"
	"encoding/hex"
	"time"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/federation"
	"github.com/ateval/ateval/storage"
)

// ActionRetireKey is the audit action of retiring a borough's key.
const ActionRetireKey = ateval.ActionRetireKey

// trustKey trusts pub for borough and, with retireOthers, retires every
// other key of the borough in the same transaction (a rotation).
func (db *DB) trustKey(ctx context.Context, borough string, pub []byte, retireOthers bool) error {
	if err := hubScope(ctx); err != nil {
		return err
	}
	if len(pub) != 32 {
		return ateval.Errorf(ateval.EINVALID, "not an Ed25519 public key")
	}
	id := federation.KeyID(pub)
	return db.store.InTx(ctx, func(tx *storage.Tx) error {
		var have federationKeyRow
		err := tx.Gorm().Where("borough = ? AND key_id = ?", borough, id).Take(&have).Error
		switch {
		case err == nil && have.RetiredAt != nil:
			return ateval.Errorf(ateval.ECONFLICT, "key %s of %s was retired on %s: a retired key is never trusted again; %s needs a new key (ateval keygen)", id, borough, dayOf(*have.RetiredAt), borough)
		case err == gorm.ErrRecordNotFound:
			row := federationKeyRow{Borough: borough, KeyID: id, PublicKey: hex.EncodeToString(pub), TrustedAt: db.store.Now().UTC().Format(time.RFC3339)}
			if err := tx.Gorm().Create(&row).Error; err != nil {
				return storage.Translate(err, "key")
			}
			if err := tx.Audit(ateval.AuditEntry{Action: ActionTrustKey, ObjectType: "borough", Detail: borough + " key " + id}); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		if !retireOthers {
			return nil
		}
		var others []federationKeyRow
		if err := tx.Gorm().Where("borough = ? AND key_id <> ? AND retired_at IS NULL", borough, id).Order("key_id").Find(&others).Error; err != nil {
			return err
		}
		for _, o := range others {
			if err := db.retire(ctx, tx, o); err != nil {
				return err
			}
		}
		return nil
	})
}

// RotateKey trusts a borough's new key and retires its others, in one
// transaction: from then on only bundles signed with the new key are
// taken. The borough's bundle numbers run on across keys, so a bundle
// older than one already imported stays refused whichever key signed it.
func (db *DB) RotateKey(ctx context.Context, borough string, pub []byte) (err error) {
	defer ateval.Wrap(&err, "RotateKey(%q)", borough)
	return db.trustKey(ctx, borough, pub, true)
}

// RetireKey retires a borough's trusted key: bundles signed with it are
// refused from then on (those already imported stay, as they were
// verified when they came). Retiring a retired key is no change; a key
// never trusted for the borough is ENOTFOUND. Audited.
func (db *DB) RetireKey(ctx context.Context, borough string, pub []byte) (err error) {
	defer ateval.Wrap(&err, "RetireKey(%q)", borough)
	if err := hubScope(ctx); err != nil {
		return err
	}
	id := federation.KeyID(pub)
	return db.store.InTx(ctx, func(tx *storage.Tx) error {
		var row federationKeyRow
		err := tx.Gorm().Where("borough = ? AND key_id = ?", borough, id).Take(&row).Error
		if err == gorm.ErrRecordNotFound {
			return ateval.Errorf(ateval.ENOTFOUND, "key %s is not trusted for %s: nothing to retire", id, borough)
		}
		if err != nil || row.RetiredAt != nil {
			return err
		}
		return db.retire(ctx, tx, row)
	})
}

func (db *DB) retire(ctx context.Context, tx *storage.Tx, row federationKeyRow) error {
	now := db.store.Now().UTC().Format(time.RFC3339)
	if err := tx.Gorm().Model(&federationKeyRow{}).Where("borough = ? AND key_id = ? AND retired_at IS NULL", row.Borough, row.KeyID).Update("retired_at", now).Error; err != nil {
		return err
	}
	return tx.Audit(ateval.AuditEntry{Action: ActionRetireKey, ObjectType: "borough", Detail: row.Borough + " key " + row.KeyID})
}

// TrustedKey is a key a hub trusts, or trusted, for a borough's bundles.
type TrustedKey struct {
	Borough, KeyID string
	TrustedAt      time.Time
	// RetiredAt is when the key was retired; zero while it is in use.
	RetiredAt time.Time
}

// TrustedKeys lists every key the hub has trusted, by borough, its
// retired keys first, then by when each was trusted.
func (db *DB) TrustedKeys(ctx context.Context) (_ []TrustedKey, err error) {
	defer ateval.Wrap(&err, "TrustedKeys")
	if err := hubScope(ctx); err != nil {
		return nil, err
	}
	var rows []federationKeyRow
	if err := db.store.Gorm(ctx).Order("borough, CASE WHEN retired_at IS NULL THEN 1 ELSE 0 END, trusted_at, key_id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]TrustedKey, 0, len(rows))
	for _, r := range rows {
		k := TrustedKey{Borough: r.Borough, KeyID: r.KeyID}
		k.TrustedAt, _ = time.Parse(time.RFC3339, r.TrustedAt)
		if r.RetiredAt != nil {
			k.RetiredAt, _ = time.Parse(time.RFC3339, *r.RetiredAt)
		}
		out = append(out, k)
	}
	return out, nil
}

// dayOf is the day of an RFC 3339 time, for a message.
func dayOf(rfc3339 string) string {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return rfc3339
	}
	return t.Format("2 January 2006")
}
