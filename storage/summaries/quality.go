package summaries

import (
	"context"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports/summary"
	"github.com/ateval/ateval/storage"
)

type enrolmentRow struct {
	Borough, Grp, Category, EnrolledOn string
	N                                  int
	Keys                               int64
}

// Enrolments counts the residents f covers per borough, group and day of
// enrolment: enough to know how many follow-ups are due by any date
// without loading a row per resident.
func (db *DB) Enrolments(ctx context.Context, f summary.Filter) (_ []summary.Enrolment, err error) {
	if err := summaryReader(ctx); err != nil {
		return nil, err
	}
	defer ateval.Wrap(&err, "enrolments")
	cte, args := db.residentsCTE(f)
	cte = db.materialized(cte)
	q := cte + `SELECT res.borough AS borough, res.grp AS grp, res.category AS category, r.enrolled_on AS enrolled_on, COUNT(*) AS n,
	SUM(res.rkey) AS keys
FROM res JOIN residents r ON r.id = res.id WHERE 1 = 1`
	where, args := categoryWhere(f, args)
	q += where + "\nGROUP BY res.borough, res.grp, res.category, r.enrolled_on ORDER BY res.borough, res.grp, res.category, r.enrolled_on"
	var rows []enrolmentRow
	if err := db.store.Gorm(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]summary.Enrolment, len(rows))
	for i, r := range rows {
		enrolled, err := ateval.ParseDate(r.EnrolledOn)
		if err != nil {
			return nil, err
		}
		out[i] = summary.Enrolment{Borough: r.Borough, Group: r.Grp, Category: r.Category, EnrolledOn: enrolled, N: r.N, Keys: r.Keys}
	}
	return out, nil
}

type takenRow struct {
	Borough, Grp, Category, Instrument, Timepoint string
	Period                                        int
	N, Incomplete                                 int
	Keys, IncompleteKeys                          int64
}

// Taken counts the assessments of the residents f covers per borough,
// group, instrument and timepoint, and those with a score that could not be
// computed (an item missing).
func (db *DB) Taken(ctx context.Context, f summary.Filter) (_ []summary.Taken, err error) {
	if err := summaryReader(ctx); err != nil {
		return nil, err
	}
	defer ateval.Wrap(&err, "assessments taken")
	cte, args := db.residentsCTE(f)
	cte = db.materialized(cte)
	q := cte + `SELECT res.borough AS borough, res.grp AS grp, res.category AS category, res.period AS period,
	a.instrument AS instrument, a.timepoint AS timepoint, COUNT(*) AS n,
	SUM(CASE WHEN a.unscored > 0 THEN 1 ELSE 0 END) AS incomplete, SUM(res.rkey) AS keys,
	SUM(CASE WHEN a.unscored > 0 THEN res.rkey ELSE 0 END) AS incomplete_keys
FROM res JOIN assessments a ON a.resident_id = res.id WHERE ` + storage.InAnalysis
	where, args := categoryWhere(f, args)
	q += where + "\nGROUP BY res.borough, res.grp, res.category, res.period, a.instrument, a.timepoint ORDER BY res.borough, res.grp, res.category, res.period, a.instrument, a.timepoint"
	var rows []takenRow
	if err := db.store.Gorm(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]summary.Taken, len(rows))
	for i, r := range rows {
		out[i] = summary.Taken{Borough: r.Borough, Group: r.Grp, Category: r.Category, Period: r.Period, Instrument: r.Instrument, Timepoint: r.Timepoint,
			N: r.N, Incomplete: r.Incomplete, Keys: r.Keys, IncompleteKeys: r.IncompleteKeys}
	}
	return out, nil
}

type costRow struct {
	Borough, Category      string
	Period                 int
	N                      int
	Keys                   int64
	UnitPence, WeeklyPence float64
}

// Costs sums, per borough and primary device category, the purchase price
// and weekly monitoring charge of every device issued to the intervention
// residents f covers.
func (db *DB) Costs(ctx context.Context, f summary.Filter) (_ []summary.Cost, err error) {
	if err := summaryReader(ctx); err != nil {
		return nil, err
	}
	defer ateval.Wrap(&err, "device costs")
	cte, args := db.residentsCTE(f)
	q := cte + `, per AS (
	SELECT di.resident_id AS resident_id, SUM(d.unit_cost_pence) AS unit_pence, SUM(d.weekly_monitoring_pence) AS weekly_pence
	FROM device_issues di JOIN devices d ON d.id = di.device_id GROUP BY di.resident_id)
SELECT res.borough AS borough, res.category AS category, res.period AS period, COUNT(*) AS n, SUM(res.rkey) AS keys,
	SUM(per.unit_pence) AS unit_pence, SUM(per.weekly_pence) AS weekly_pence
FROM res JOIN per ON per.resident_id = res.id WHERE res.grp = ?`
	args = append(args, summary.Intervention)
	where, args := categoryWhere(f, args)
	q += where + "\nGROUP BY res.borough, res.category, res.period ORDER BY res.borough, res.category, res.period"
	var rows []costRow
	if err := db.store.Gorm(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]summary.Cost, len(rows))
	for i, r := range rows {
		out[i] = summary.Cost{Borough: r.Borough, Category: r.Category, Period: r.Period, N: r.N, Keys: r.Keys, UnitPence: r.UnitPence, WeeklyPence: r.WeeklyPence}
	}
	return out, nil
}
