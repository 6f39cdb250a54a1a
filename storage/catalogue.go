package storage

import (
	"context"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/disclosure"
)

// BoroughUsage is how many times one borough has issued one product.
type BoroughUsage struct {
	Borough string `json:"borough"` // the borough's name
	Issues  int64  `json:"issues"`
	// Rounded reports that Issues has passed the disclosure gate (perturbed
	// by its cell key and rounded to the nearest 5): it has for every
	// borough but the user's own, as for any count published below
	// national level.
	Rounded bool `json:"rounded"`
}

// CatalogueEntry is a product with who uses it.
type CatalogueEntry struct {
	devices.Device
	Usage []BoroughUsage `json:"usage"`
}

// Catalogue lists the shared device catalogue with each borough's count
// of issues of each product, for any signed-in user, leaving out residents
// who objected. Other boroughs' counts pass the disclosure gate: shown
// only with at least 10 issues, perturbed by the cell key of the residents
// issued and rounded to the nearest 5 (disclosure.Rules.Count); the user's
// own borough's are exact. So no small number of residents can be picked
// out, by one view or by comparing views over time. One grouped query
// makes the counts.
func (db *DB) Catalogue(ctx context.Context) (_ []CatalogueEntry, err error) {
	defer ateval.Wrap(&err, "Catalogue")
	u := ateval.UserFromContext(ctx)
	if u == nil {
		return nil, errSignIn
	}
	tx := db.View(ctx)
	ds, err := tx.Devices()
	if err != nil {
		return nil, err
	}
	if err := db.DrawRecordKeys(ctx); err != nil {
		return nil, err
	}
	var counts []struct {
		DeviceID  int64
		BoroughID int64
		Name      string
		N         int64
		Keys      int64
	}
	err = tx.g.Table("device_issues AS di").Select("di.device_id, r.borough_id, b.name, COUNT(*) AS n, SUM(COALESCE(r.record_key, 0)) AS keys").
		Joins("JOIN residents r ON r.id = di.resident_id").Joins("JOIN boroughs b ON b.id = r.borough_id").
		Where("r.objected_on IS NULL"). // a resident who objected is counted nowhere outside their record
		Group("di.device_id, r.borough_id, b.name").Order("b.name").Scan(&counts).Error
	if err != nil {
		return nil, err
	}
	byDevice := map[int64][]BoroughUsage{}
	for _, c := range counts {
		bu := BoroughUsage{Borough: c.Name, Issues: c.N}
		if !u.IsSystem() && c.BoroughID != u.BoroughID {
			// Another borough's count of one product is a small cell: shown
			// only with at least MinBoroughN issues, and then through the
			// gate, so that no borough's few residents with a product can be
			// picked out, nor a combined row's members named.
			rules := disclosure.Defaults()
			if int(c.N) < rules.MinBoroughN {
				continue
			}
			bu.Issues, bu.Rounded = int64(rules.Count(int(c.N), c.Keys)), true
		}
		if bu.Issues > 0 || !bu.Rounded {
			byDevice[c.DeviceID] = append(byDevice[c.DeviceID], bu)
		}
	}
	out := make([]CatalogueEntry, len(ds))
	for i, d := range ds {
		out[i] = CatalogueEntry{Device: d, Usage: byDevice[d.ID]}
		if out[i].Usage == nil {
			out[i].Usage = []BoroughUsage{}
		}
	}
	return out, nil
}

// CreateCategory adds a device category to the taxonomy. Only
// administrators (and the command-line operator) may; it is audited.
func (db *DB) CreateCategory(ctx context.Context, c *devices.Category) (err error) {
	defer ateval.Wrap(&err, "CreateCategory")
	defer db.denied(ctx, &err, ateval.ActionCreateCategory, ateval.AuditEntry{})
	u := ateval.UserFromContext(ctx)
	switch {
	case u == nil:
		return errSignIn
	case u.Role != ateval.RoleAdmin && !u.IsSystem():
		return ateval.Errorf(ateval.EFORBIDDEN, "Only administrators may extend the device taxonomy.")
	}
	if err := c.Validate(); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		row := categoryRow{ID: c.ID, Name: c.Name, ISO9999: c.ISO9999}
		if err := tx.g.Create(&row).Error; err != nil {
			if isUniqueViolation(err) {
				return ateval.Invalid("The category is not valid.", []ateval.FieldError{{Field: "id", Message: "is already a category"}})
			}
			return err
		}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionCreateCategory, ObjectType: "device_category"})
	})
}
