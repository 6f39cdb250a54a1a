package hub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/federation"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
)

// The audit actions of a hub: trusting a borough's key, importing a
// bundle.
const (
	ActionTrustKey     = ateval.ActionTrustKey
	ActionImportBundle = ateval.ActionImportBundle
)

// hubScope lets only an administrator or the command-line operator keep a
// hub's trusted keys and import bundles.
func hubScope(ctx context.Context) error {
	return storage.AdminOnly(ctx, "Your role does not give access to the hub's federated evidence.")
}

type federationKeyRow struct {
	Borough   string `gorm:"primaryKey"`
	KeyID     string `gorm:"primaryKey"`
	PublicKey string
	TrustedAt string
	RetiredAt *string
}

func (federationKeyRow) TableName() string { return "federation_keys" }

type federationBundleRow struct {
	ID               int64 `gorm:"primaryKey"`
	Borough          string
	Sequence         int64
	KeyID            string
	FrameworkVersion string
	PeriodFrom       int
	PeriodTo         int
	Made             string
	ImportedAt       string
	Digest           string
}

func (federationBundleRow) TableName() string { return "federation_bundles" }

type federationCellRow struct {
	BundleID       int64
	Outcome        string
	Timepoint      string
	Kind           string
	DeviceCategory string
	Arm            string
	Periods        string
	N              int
	RecordKeys     int64
	Sums           string
}

func (federationCellRow) TableName() string { return "federation_cells" }

// TrustKey registers a borough's public key: bundles signed with it are
// taken as that borough's, and no other borough's. A borough may have
// several keys trusted at once (a new key beside the old while it
// rotates); trusting a key twice is no change, and a retired key is never
// trusted again. The trust is audited.
func (db *DB) TrustKey(ctx context.Context, borough string, pub []byte) (err error) {
	defer ateval.Wrap(&err, "TrustKey(%q)", borough)
	return db.trustKey(ctx, borough, pub, false)
}

// bundleSender lets the operator and an administrator import any
// borough's bundle, and a borough lead (posting to the hub's API) only
// their own borough's; the signature must still be that borough's key.
func (db *DB) bundleSender(ctx context.Context, borough string) error {
	u := ateval.UserFromContext(ctx)
	if u != nil && u.Role == ateval.RoleBoroughLead {
		var own struct{ Slug string }
		if err := db.store.Gorm(ctx).Table("boroughs").Where("id = ?", u.BoroughID).Take(&own).Error; err != nil && err != gorm.ErrRecordNotFound {
			return err
		}
		if own.Slug != "" && own.Slug == borough {
			return nil
		}
		return ateval.Errorf(ateval.EFORBIDDEN, "A borough lead may send only their own borough's bundle.")
	}
	return hubScope(ctx)
}

// ImportBundle verifies a parsed bundle and stores its cells, in one
// transaction. The operator and administrators may import any borough's
// bundle, a borough lead only their own's. It refuses a bundle whose key is not trusted for its
// borough (EUNAUTHORIZED), whose signature does not verify
// (EUNAUTHORIZED), whose framework version this build cannot read
// (EINVALID), or whose sequence is not above every bundle of the borough
// already imported (ECONFLICT: a replay). It returns the bundle's id.
func (db *DB) ImportBundle(ctx context.Context, b federation.Bundle) (id int64, err error) {
	defer ateval.Wrap(&err, "ImportBundle(%q, %d)", b.Borough, b.Sequence)
	if err := db.bundleSender(ctx, b.Borough); err != nil {
		return 0, err
	}
	if b.FrameworkVersion != forms.CurrentVersion {
		return 0, ateval.Errorf(ateval.EINVALID, "the bundle of %s was made under framework %s; this hub reads %s only", b.Borough, b.FrameworkVersion, forms.CurrentVersion)
	}
	err = db.store.InTx(ctx, func(tx *storage.Tx) error {
		var key federationKeyRow
		err := tx.Gorm().Where("borough = ? AND key_id = ?", b.Borough, b.KeyID).Take(&key).Error
		if err == gorm.ErrRecordNotFound {
			var other int64
			if err := tx.Gorm().Model(&federationKeyRow{}).Where("key_id = ?", b.KeyID).Count(&other).Error; err != nil {
				return err
			}
			if other > 0 {
				return ateval.Errorf(ateval.EUNAUTHORIZED, "the bundle says it is %s's, but its key %s is trusted for another borough, not %s", b.Borough, b.KeyID, b.Borough)
			}
			return ateval.Errorf(ateval.EUNAUTHORIZED, "the bundle of %s is signed with key %s, which this hub does not trust (ateval hub trust)", b.Borough, b.KeyID)
		}
		if err != nil {
			return err
		}
		if key.RetiredAt != nil {
			return ateval.Errorf(ateval.EUNAUTHORIZED, "the bundle of %s is signed with key %s, which this hub retired on %s: a bundle signed with a retired key is refused; ask %s for one signed with its current key",
				b.Borough, b.KeyID, dayOf(*key.RetiredAt), b.Borough)
		}
		pub, err := hex.DecodeString(key.PublicKey)
		if err != nil {
			return err
		}
		if err := b.Verify(pub); err != nil {
			return err
		}
		var last struct{ Max *int64 }
		if err := tx.Gorm().Model(&federationBundleRow{}).Select("MAX(sequence) AS max").Where("borough = ?", b.Borough).Scan(&last).Error; err != nil {
			return err
		}
		if last.Max != nil && b.Sequence <= *last.Max {
			return ateval.Errorf(ateval.ECONFLICT, "the bundle of %s is number %d, but number %d is already imported: an old bundle is never taken over a newer one", b.Borough, b.Sequence, *last.Max)
		}
		digest := sha256.Sum256(b.Body.Canonical())
		row := federationBundleRow{Borough: b.Borough, Sequence: b.Sequence, KeyID: b.KeyID, FrameworkVersion: b.FrameworkVersion,
			PeriodFrom: b.PeriodFrom, PeriodTo: b.PeriodTo, Made: b.Made.UTC().Format(time.RFC3339),
			ImportedAt: db.store.Now().UTC().Format(time.RFC3339), Digest: hex.EncodeToString(digest[:])}
		if err := tx.Gorm().Create(&row).Error; err != nil {
			if err := storage.Translate(err, "bundle"); ateval.ErrorCode(err) != ateval.ECONFLICT {
				return err
			}
			// Another request imported the same number meanwhile (two
			// servers of one hub): the database's unique sequence keeps it
			// once.
			return ateval.Errorf(ateval.ECONFLICT, "the bundle of %s numbered %d was imported at the same moment by another request: it is stored once", b.Borough, b.Sequence)
		}
		var cells []federationCellRow
		for _, s := range b.Statistics {
			for _, c := range s.Cells {
				periods, _ := json.Marshal(c.Periods)
				// A score's cell keeps its statistic's reference after its
				// values, so that a cell read alone rebuilds as
				// the borough's gate protected it (reports.HubSource).
				values := c.Values
				if r := s.Reference; r != nil {
					values = append(slices.Clone(values), r.Values()...)
				}
				sums, err := json.Marshal(values)
				if err != nil {
					return err
				}
				cells = append(cells, federationCellRow{BundleID: row.ID, Outcome: s.Outcome, Timepoint: s.Timepoint, Kind: s.Kind,
					DeviceCategory: c.Category, Arm: c.Arm, Periods: string(periods), N: c.N, RecordKeys: c.Key, Sums: string(sums)})
			}
		}
		if len(cells) > 0 {
			if err := tx.Gorm().CreateInBatches(cells, 200).Error; err != nil {
				return err
			}
		}
		id = row.ID
		return tx.Audit(ateval.AuditEntry{Action: ActionImportBundle, ObjectType: "bundle", ObjectID: row.ID, Detail: b.Borough})
	})
	return id, err
}

// SharedBundle is a hub's record of one imported bundle, for the list of
// which boroughs shared what and when.
type SharedBundle struct {
	Borough              string
	Sequence             int64
	KeyID                string
	FrameworkVersion     string
	PeriodFrom, PeriodTo int
	Made, ImportedAt     time.Time
	Cells                int
}

// LatestBundles returns each borough's latest imported bundle, by borough.
func (db *DB) LatestBundles(ctx context.Context) (_ []SharedBundle, err error) {
	defer ateval.Wrap(&err, "LatestBundles")
	if err := hubScope(ctx); err != nil {
		return nil, err
	}
	var rows []struct {
		Borough, KeyID, FrameworkVersion, Made, ImportedAt string
		Sequence                                           int64
		PeriodFrom, PeriodTo, Cells                        int
	}
	q := `SELECT b.borough, b.key_id, b.framework_version, b.made, b.imported_at, b.sequence, b.period_from, b.period_to, (SELECT COUNT(*) FROM federation_cells c WHERE c.bundle_id = b.id) AS cells
FROM federation_bundles b
WHERE b.sequence = (SELECT MAX(sequence) FROM federation_bundles o WHERE o.borough = b.borough)
ORDER BY b.borough`
	if err := db.store.Gorm(ctx).Raw(q).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]SharedBundle, 0, len(rows))
	for _, r := range rows {
		made, _ := time.Parse(time.RFC3339, r.Made)
		imported, _ := time.Parse(time.RFC3339, r.ImportedAt)
		out = append(out, SharedBundle{Borough: r.Borough, Sequence: r.Sequence, KeyID: r.KeyID, FrameworkVersion: r.FrameworkVersion,
			PeriodFrom: r.PeriodFrom, PeriodTo: r.PeriodTo, Made: made, ImportedAt: imported, Cells: r.Cells})
	}
	return out, nil
}
