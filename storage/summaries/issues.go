package summaries

import (
	"context"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports/summary"
)

type issueRow struct {
	Borough                       string
	Period                        int
	Keys                          int64
	Category, IssuedOn, RemovedOn string
	Abandoned                     bool
	N                             int
}

// Issues counts the devices issued to the intervention residents f
// covers, per device category (of the device itself), day of issue, day
// of removal and whether it was removed as abandoned: enough for the
// report to follow abandonment over time since issue. A device category
// filter keeps devices of that category.
func (db *DB) Issues(ctx context.Context, f summary.Filter) (_ []summary.Issue, err error) {
	if err := summaryReader(ctx); err != nil {
		return nil, err
	}
	defer ateval.Wrap(&err, "device issues")
	cte, args := db.residentsCTE(f)
	abandoned := "CASE WHEN di.removal_reason = 'abandoned' THEN 1 ELSE 0 END"
	q := cte + `SELECT res.borough AS borough, res.period AS period, SUM(res.rkey) AS keys, d.category AS category, di.issued_on AS issued_on, COALESCE(di.removed_on, '') AS removed_on,
	` + abandoned + ` AS abandoned, COUNT(*) AS n
FROM res JOIN device_issues di ON di.resident_id = res.id JOIN devices d ON d.id = di.device_id
WHERE res.grp = ?`
	args = append(args, summary.Intervention)
	if f.DeviceCategory != "" {
		q += " AND d.category = ?"
		args = append(args, f.DeviceCategory)
	}
	q += "\nGROUP BY res.borough, res.period, d.category, di.issued_on, di.removed_on, " + abandoned + "\nORDER BY res.borough, res.period, d.category, di.issued_on, di.removed_on"
	var rows []issueRow
	if err := db.store.Gorm(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]summary.Issue, len(rows))
	for i, r := range rows {
		issued, err := ateval.ParseDate(r.IssuedOn)
		if err != nil {
			return nil, err
		}
		out[i] = summary.Issue{Borough: r.Borough, Period: r.Period, Keys: r.Keys, Category: r.Category, IssuedOn: issued, Abandoned: r.Abandoned, N: r.N}
		if r.RemovedOn != "" {
			if out[i].RemovedOn, err = ateval.ParseDate(r.RemovedOn); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
