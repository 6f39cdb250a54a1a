package storage

import (
	"context"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports/summary"
)

// The summaries below are grouped aggregates computed by the database, so
// that an evidence report never loads every assessment into memory. Each
// query is written once for SQLite and PostgreSQL. They return the plain
// types of reports/summary, a leaf package, so that storage need not import
// the report's charts and PDF code (and reports need not import gorm).
//
// Residents count when they are enrolled and have not objected. A
// resident's primary device category is that of their first device issue
// (earliest issued_on, then lowest id); comparison residents have none.

// residentsCTE returns a WITH clause defining res(id, borough, grp,
// category) for the residents f covers, with its arguments.
func residentsCTE(f summary.Filter) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString(`WITH res AS (
	SELECT r.id AS id, b.slug AS borough, r.evaluation_group AS grp,
		COALESCE((SELECT d.category FROM device_issues di JOIN devices d ON d.id = di.device_id
			WHERE di.resident_id = r.id ORDER BY di.issued_on, di.id LIMIT 1), '') AS category
	FROM residents r JOIN boroughs b ON b.id = r.borough_id
	WHERE r.objected_on IS NULL AND r.enrolled_on IS NOT NULL`)
	if len(f.Boroughs) > 0 {
		b.WriteString(" AND b.slug IN ?")
		args = append(args, f.Boroughs)
	}
	if !f.From.IsZero() {
		b.WriteString(" AND r.enrolled_on >= ?")
		args = append(args, f.From.String())
	}
	if !f.To.IsZero() {
		b.WriteString(" AND r.enrolled_on <= ?")
		args = append(args, f.To.String())
	}
	b.WriteString(")\n")
	return b.String(), args
}

// categoryWhere keeps the residents of f's device category, and every
// comparison resident.
func categoryWhere(f summary.Filter, args []any) (string, []any) {
	if f.DeviceCategory == "" {
		return "", args
	}
	return " AND (res.category = ? OR res.grp = ?)", append(args, f.DeviceCategory, summary.Comparison)
}

type changeRow struct {
	Borough, Category, Grp          string
	N                               int
	SumB, SumF, SumBB, SumFF, SumBF float64
}

// errSummaries refuses the per-borough summaries to users whose role reads
// no reports.
var errSummaries = ateval.Errorf(ateval.EFORBIDDEN, "Your role does not give access to the evidence reports.")

// summaryReader checks that the acting user may read per-borough
// summaries: the operator (the command line, or the application building a
// shared report), borough leads, commissioners and evaluators. Summaries
// hold no resident, but they are not for every role, nor for code that
// names no user.
func summaryReader(ctx context.Context) error {
	u := ateval.UserFromContext(ctx)
	switch {
	case u == nil:
		return errSignIn
	case u.IsSystem(), u.Role == ateval.RoleBoroughLead, u.Role == ateval.RoleCommissioner, u.Role == ateval.RoleEvaluator:
		return nil
	}
	return errSummaries
}

// ChangeSummaries sums one score of an instrument (swemwbs "raw", ons4
// "anxious", ...) at baseline and at a follow-up timepoint, per borough,
// primary device category and group, over residents scored at both.
func (db *DB) ChangeSummaries(ctx context.Context, f summary.Filter, instrument, score, timepoint string) (_ []summary.Change, err error) {
	if err := summaryReader(ctx); err != nil {
		return nil, err
	}
	defer ateval.Wrap(&err, "change summaries of %s %s at %s", instrument, score, timepoint)
	value, arg, err := db.scoreValue("a.scores", score)
	if err != nil {
		return nil, err
	}
	cte, args := residentsCTE(f)
	// Each resident's baseline and follow-up values come out of one grouped
	// pass over the instrument's assessments (the unique key allows one of
	// each), not a join of the two: a self-join of a derived table left
	// each database's planner to find the pairs its own way, and SQLite 3.40
	// found them by scanning one side for every row of the other.
	q := cte + `, sc AS (
	SELECT resident_id, MAX(CASE WHEN timepoint = ? THEN value END) AS b, MAX(CASE WHEN timepoint = ? THEN value END) AS f
	FROM (
		SELECT a.resident_id AS resident_id, a.timepoint AS timepoint, ` + value + ` AS value
		FROM assessments a WHERE a.instrument = ? AND a.timepoint IN (?, ?)) x
	GROUP BY resident_id)
SELECT res.borough AS borough, res.category AS category, res.grp AS grp, COUNT(*) AS n,
	SUM(sc.b) AS sum_b, SUM(sc.f) AS sum_f, SUM(sc.b*sc.b) AS sum_bb,
	SUM(sc.f*sc.f) AS sum_ff, SUM(sc.b*sc.f) AS sum_bf
FROM res JOIN sc ON sc.resident_id = res.id
WHERE sc.b IS NOT NULL AND sc.f IS NOT NULL`
	args = append(args, "baseline", timepoint, arg, instrument, "baseline", timepoint)
	where, args := categoryWhere(f, args)
	q += where + "\nGROUP BY res.borough, res.category, res.grp ORDER BY res.borough, res.category, res.grp"
	var rows []changeRow
	if err := db.gorm.WithContext(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]summary.Change, len(rows))
	for i, r := range rows {
		out[i] = summary.Change{Key: summary.Key{Borough: r.Borough, Category: r.Category, Group: r.Grp},
			N: r.N, SumB: r.SumB, SumF: r.SumF, SumBB: r.SumBB, SumFF: r.SumFF, SumBF: r.SumBF}
	}
	return out, nil
}

// periodDays extracts events_period_days from an events assessment's raw
// answers (forms.FormatAnswers form, "item=value;..."), the one construct
// the two databases spell differently. SQLite's CAST reads the leading
// integer of the text after the item name.
func (db *DB) periodDays(col string) string {
	if db.dialect == Postgres {
		return "CAST(substring(" + col + " from 'events_period_days=([0-9]+)') AS DOUBLE PRECISION)"
	}
	return "CAST(CAST(substr(" + col + ", instr(" + col + ", 'events_period_days=') + 19) AS INTEGER) AS REAL)"
}

type eventsRow struct {
	Borough, Category, Grp  string
	N                       int
	CountBefore, DaysBefore float64
	CountAfter, DaysAfter   float64
}

// EventSummaries sums an events rate score (falls_per_30_days,
// admissions_per_30_days, ...) turned back into counts, count = rate ×
// days / 30 rounded, with the days each record covers, at baseline and at
// a follow-up, per borough, primary device category and group.
func (db *DB) EventSummaries(ctx context.Context, f summary.Filter, score, timepoint string) (_ []summary.Event, err error) {
	if err := summaryReader(ctx); err != nil {
		return nil, err
	}
	defer ateval.Wrap(&err, "event summaries of %s at %s", score, timepoint)
	value, arg, err := db.scoreValue("a.scores", score)
	if err != nil {
		return nil, err
	}
	cte, args := residentsCTE(f)
	// One grouped pass pairs each resident's records, as in ChangeSummaries.
	q := cte + `, ev AS (
	SELECT resident_id,
		MAX(CASE WHEN timepoint = ? THEN count END) AS count_b, MAX(CASE WHEN timepoint = ? THEN days END) AS days_b,
		MAX(CASE WHEN timepoint = ? THEN count END) AS count_f, MAX(CASE WHEN timepoint = ? THEN days END) AS days_f
	FROM (
		SELECT resident_id, timepoint, ROUND(value * days / 30) AS count, days FROM (
			SELECT a.resident_id AS resident_id, a.timepoint AS timepoint, ` + value + ` AS value, ` + db.periodDays("a.answers") + ` AS days
			FROM assessments a
			WHERE a.instrument = 'events' AND a.timepoint IN (?, ?)) x
		WHERE value IS NOT NULL AND days > 0) y
	GROUP BY resident_id)
SELECT res.borough AS borough, res.category AS category, res.grp AS grp, COUNT(*) AS n,
	SUM(ev.count_b) AS count_before, SUM(ev.days_b) AS days_before, SUM(ev.count_f) AS count_after, SUM(ev.days_f) AS days_after
FROM res JOIN ev ON ev.resident_id = res.id
WHERE ev.count_b IS NOT NULL AND ev.count_f IS NOT NULL`
	args = append(args, "baseline", "baseline", timepoint, timepoint, arg, "baseline", timepoint)
	where, args := categoryWhere(f, args)
	q += where + "\nGROUP BY res.borough, res.category, res.grp ORDER BY res.borough, res.category, res.grp"
	var rows []eventsRow
	if err := db.gorm.WithContext(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]summary.Event, len(rows))
	for i, r := range rows {
		out[i] = summary.Event{Key: summary.Key{Borough: r.Borough, Category: r.Category, Group: r.Grp}, N: r.N,
			CountBefore: r.CountBefore, DaysBefore: r.DaysBefore, CountAfter: r.CountAfter, DaysAfter: r.DaysAfter}
	}
	return out, nil
}

type proportionRow struct {
	Borough, Category, Grp string
	N, Yes                 int
}

// ProportionSummaries counts the residents with a yes/no score (1 yes, 0
// no) of an instrument at a timepoint, and those answering yes, per
// borough, primary device category and group.
func (db *DB) ProportionSummaries(ctx context.Context, f summary.Filter, instrument, score, timepoint string) (_ []summary.Proportion, err error) {
	if err := summaryReader(ctx); err != nil {
		return nil, err
	}
	defer ateval.Wrap(&err, "proportions of %s %s at %s", instrument, score, timepoint)
	value, arg, err := db.scoreValue("a.scores", score)
	if err != nil {
		return nil, err
	}
	cte, args := residentsCTE(f)
	q := cte + `, sc AS (
	SELECT resident_id, value FROM (
		SELECT a.resident_id AS resident_id, ` + value + ` AS value
		FROM assessments a WHERE a.instrument = ? AND a.timepoint = ?) x
	WHERE value IS NOT NULL)
SELECT res.borough AS borough, res.category AS category, res.grp AS grp, COUNT(*) AS n,
	SUM(CASE WHEN sc.value = 1 THEN 1 ELSE 0 END) AS yes
FROM res JOIN sc ON sc.resident_id = res.id
WHERE 1 = 1`
	args = append(args, arg, instrument, timepoint)
	where, args := categoryWhere(f, args)
	q += where + "\nGROUP BY res.borough, res.category, res.grp ORDER BY res.borough, res.category, res.grp"
	var rows []proportionRow
	if err := db.gorm.WithContext(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]summary.Proportion, len(rows))
	for i, r := range rows {
		out[i] = summary.Proportion{Key: summary.Key{Borough: r.Borough, Category: r.Category, Group: r.Grp}, N: r.N, Yes: r.Yes}
	}
	return out, nil
}
