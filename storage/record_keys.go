package storage

import (
	"context"

	"github.com/ateval/ateval"
)

// DrawRecordKeys draws the record keys of the residents who have none
// (see summaries.DB.RecordKeys), for the summaries and for storage's own
// published counts; it reads nothing. It
// writes only when some resident has no key, so a page that publishes
// counts takes no write lock on a database whose keys are drawn.
func (db *DB) DrawRecordKeys(ctx context.Context) (err error) {
	defer ateval.Wrap(&err, "draw record keys")
	g := db.gorm.WithContext(ctx)
	var missing int64
	if err := g.Raw("SELECT COUNT(*) FROM (SELECT 1 FROM residents WHERE record_key IS NULL LIMIT 1) x").Scan(&missing).Error; err != nil || missing == 0 {
		return err
	}
	draw := "abs(random()) % 256"
	if db.dialect == Postgres {
		draw = "floor(random() * 256)::int"
	}
	return g.Exec("UPDATE residents SET record_key = " + draw + " WHERE record_key IS NULL").Error
}
