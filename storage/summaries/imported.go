package summaries

import (
	"context"
	"encoding/json"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports/summary"
)

// ImportedCells returns the cells of each borough's latest imported
// bundle, for a report built at the hub (reports.HubSource). Reading them
// is reading summaries: the report builder and the roles that read
// reports may.
func (db *DB) ImportedCells(ctx context.Context) (_ []summary.Imported, err error) {
	defer ateval.Wrap(&err, "ImportedCells")
	if err := summaryReader(ctx); err != nil {
		return nil, err
	}
	q := `SELECT b.borough, c.outcome, c.timepoint, c.kind, c.device_category, c.arm, c.periods, c.n, c.record_keys, c.sums
FROM federation_cells c JOIN federation_bundles b ON b.id = c.bundle_id
WHERE b.sequence = (SELECT MAX(sequence) FROM federation_bundles o WHERE o.borough = b.borough)
ORDER BY b.borough, c.outcome, c.timepoint, c.device_category, c.arm, c.periods`
	rs, err := db.store.Gorm(ctx).Raw(q).Rows()
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []summary.Imported
	for rs.Next() {
		var c summary.Imported
		var periods, sums string
		if err := rs.Scan(&c.Borough, &c.Outcome, &c.Timepoint, &c.Kind, &c.Category, &c.Arm, &periods, &c.N, &c.Keys, &sums); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(periods), &c.Periods); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(sums), &c.Sums); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rs.Err()
}
