package summaries

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports/summary"
	"github.com/ateval/ateval/storage"
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

// residentCellColumns are each resident's fixed cell coordinates and
// record key: the financial year of enrolment (by the year it starts in,
// April to March) and the random key of the cell-key method (see package
// disclosure), both summed or grouped by every summary.
const residentCellColumns = `CAST(substr(r.enrolled_on, 1, 4) AS INTEGER) - CASE WHEN substr(r.enrolled_on, 6, 2) < '04' THEN 1 ELSE 0 END AS period,
		COALESCE(r.record_key, 0) AS rkey`

// residentsCTE returns a WITH clause defining res(id, borough, grp,
// category, period, rkey) for the residents f covers, with its arguments.
//
// The two databases find each resident's first device issue differently,
// each the faster way for it (48,000 residents: SQLite 0.08 s by a
// subquery a resident against 0.11 s by a window; PostgreSQL 0.23 s
// against 0.06 s); TestSummaries holds both to the same answers.
func (db *DB) residentsCTE(f summary.Filter) (string, []any) {
	var b strings.Builder
	var args []any
	if db.store.Dialect() == storage.Postgres {
		b.WriteString(`WITH res AS (
	SELECT r.id AS id, b.slug AS borough, r.evaluation_group AS grp, COALESCE(fi.category, '') AS category, ` + residentCellColumns + `
	FROM residents r JOIN boroughs b ON b.id = r.borough_id
	LEFT JOIN (
		SELECT resident_id, category FROM (
			SELECT di.resident_id AS resident_id, d.category AS category,
				ROW_NUMBER() OVER (PARTITION BY di.resident_id ORDER BY di.issued_on, di.id) AS k
			FROM device_issues di JOIN devices d ON d.id = di.device_id) w
		WHERE k = 1) fi ON fi.resident_id = r.id
	WHERE r.objected_on IS NULL AND r.enrolled_on IS NOT NULL`)
	} else {
		b.WriteString(`WITH res AS (
	SELECT r.id AS id, b.slug AS borough, r.evaluation_group AS grp,
		COALESCE((SELECT d.category FROM device_issues di JOIN devices d ON d.id = di.device_id
			WHERE di.resident_id = r.id ORDER BY di.issued_on, di.id LIMIT 1), '') AS category, ` + residentCellColumns + `
	FROM residents r JOIN boroughs b ON b.id = r.borough_id
	WHERE r.objected_on IS NULL AND r.enrolled_on IS NOT NULL`)
	}
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

// materialized has SQLite compute res once, a row a resident, for a
// summary that joins it to many rows a resident (every assessment):
// otherwise SQLite flattens res into the query and asks the first-device
// subquery for every joined row, twice (grouping and ordering), a million
// times in Taken (2.9 s of CPU to 1.7 s at a million assessments). A
// summary joining a row a resident, some residents only, is as fast or
// faster without. PostgreSQL's res joins the first devices, no subquery.
func (db *DB) materialized(cte string) string {
	if db.store.Dialect() == storage.Postgres {
		return cte
	}
	return strings.Replace(cte, "WITH res AS (", "WITH res AS MATERIALIZED (", 1)
}

// categoryWhere keeps the residents of f's device category, and every
// comparison resident.
func categoryWhere(f summary.Filter, args []any) (string, []any) {
	if f.DeviceCategory == "" {
		return "", args
	}
	return " AND (res.category = ? OR res.grp = ?)", append(args, f.DeviceCategory, summary.Comparison)
}

// errSummaries refuses the per-borough summaries to users whose role reads
// no reports.
var errSummaries = ateval.Errorf(ateval.EFORBIDDEN, "Your role does not give access to the evidence reports.")

// summaryReader checks that the acting user may read per-borough
// summaries (ateval.User.ReadsSummaries): the report builder, the
// operator, borough leads, commissioners and evaluators. Summaries
// hold no resident, but they are not for every role, nor for code that
// names no user.
func summaryReader(ctx context.Context) error {
	u := ateval.UserFromContext(ctx)
	switch {
	case u == nil:
		return storage.ErrSignIn
	case u.ReadsSummaries():
		return nil
	}
	return errSummaries
}

// RecordKeys draws the record key of every resident stored since the last
// report (import and the register leave it empty): a random number from 0
// to 255, drawn once and kept, so that the same residents always sum to the
// same cell key.
func (db *DB) RecordKeys(ctx context.Context) (err error) {
	if err := summaryReader(ctx); err != nil {
		return err
	}
	return db.store.DrawRecordKeys(ctx)
}

// ChangeSummaries sums one score of an instrument (swemwbs "raw", ons4
// "anxious", ...) at baseline and at a follow-up timepoint, per borough,
// primary device category and group, over residents scored at both.
func (db *DB) ChangeSummaries(ctx context.Context, f summary.Filter, instrument, score, timepoint string) ([]summary.Change, error) {
	out, err := db.ChangeSummariesOf(ctx, f, instrument, []string{score}, []string{timepoint})
	return out[timepoint][score], err
}

// ChangeSummariesOf is ChangeSummaries for several scores of one
// instrument (ons4's four, say) at several follow-ups at once, by
// follow-up and score: the instrument's assessments are read once for all
// of them. At a million assessments a summary's time is that reading, the
// same for one score at one follow-up as for four at four.
func (db *DB) ChangeSummariesOf(ctx context.Context, f summary.Filter, instrument string, scores, timepoints []string) (_ map[string]map[string][]summary.Change, err error) {
	if err := summaryReader(ctx); err != nil {
		return nil, err
	}
	defer ateval.Wrap(&err, "change summaries of %s %v at %v", instrument, scores, timepoints)
	if len(scores) == 0 || len(timepoints) == 0 {
		return nil, nil
	}
	// Each resident's baseline and follow-up values come out of one grouped
	// pass over the instrument's assessments (the unique key allows one of
	// each), not a join of the two: a self-join of a derived table left
	// each database's planner to find the pairs its own way, and SQLite 3.40
	// found them by scanning one side for every row of the other. A value
	// counts only when the resident has both (paired).
	var values, pairs, paired, sums []string
	var valueArgs, pairArgs []any
	for i, score := range scores {
		value, arg, err := db.scoreValue("a.scores", score)
		if err != nil {
			return nil, err
		}
		v := "v" + strconv.Itoa(i)
		values = append(values, value+" AS "+v)
		valueArgs = append(valueArgs, arg)
		pairs = append(pairs, "MAX(CASE WHEN timepoint = ? THEN "+v+" END) AS b"+v)
		pairArgs = append(pairArgs, "baseline")
		for j, tp := range timepoints {
			// bj, fj: this score's baseline and follow-up j, each kept only
			// when the resident has the other.
			bj, fj := "b"+v+"_"+strconv.Itoa(j), "f"+v+"_"+strconv.Itoa(j)
			pairs = append(pairs, "MAX(CASE WHEN timepoint = ? THEN "+v+" END) AS "+fj)
			pairArgs = append(pairArgs, tp)
			paired = append(paired, "CASE WHEN "+fj+" IS NOT NULL THEN b"+v+" END AS "+bj, "CASE WHEN b"+v+" IS NOT NULL THEN "+fj+" END AS "+fj)
			sums = append(sums, "COUNT(sc."+bj+")", "SUM(sc."+bj+")", "SUM(sc."+fj+")", "SUM(sc."+bj+"*sc."+bj+")", "SUM(sc."+fj+"*sc."+fj+")", "SUM(sc."+bj+"*sc."+fj+")",
				"SUM(CASE WHEN sc."+bj+" IS NOT NULL THEN res.rkey END)")
		}
	}
	cte, args := db.residentsCTE(f)
	q := cte + `, sc AS (
	SELECT resident_id, ` + strings.Join(paired, ", ") + ` FROM (
		SELECT resident_id, ` + strings.Join(pairs, ", ") + `
		FROM (
			SELECT a.resident_id AS resident_id, a.timepoint AS timepoint, ` + strings.Join(values, ", ") + `
			FROM assessments a WHERE a.instrument = ? AND a.timepoint IN ? AND ` + storage.InAnalysis + `) x
		GROUP BY resident_id) y)
SELECT res.borough, res.category, res.grp, res.period, ` + strings.Join(sums, ", ") + `
FROM res JOIN sc ON sc.resident_id = res.id
WHERE 1 = 1`
	args = append(args, pairArgs...)
	args = append(args, valueArgs...)
	args = append(args, instrument, append([]string{"baseline"}, timepoints...))
	where, args := categoryWhere(f, args)
	q += where + byKey
	return scanSummaries(ctx, db, q, args, scores, timepoints, 6, func(key summary.Key, n int, s []sql.NullFloat64) summary.Change {
		return summary.Change{Key: key, N: n, Keys: int64(s[5].Float64), SumB: s[0].Float64, SumF: s[1].Float64, SumBB: s[2].Float64, SumFF: s[3].Float64, SumBF: s[4].Float64}
	})
}

// scanSummaries runs a summary query whose rows are a group's key
// (borough, category, group, period) and then, for each score and within it each
// follow-up, a count and width sums, and returns them by follow-up and
// score; a group in which nobody has a score's pair at a follow-up has no
// summary of it.
func scanSummaries[T any](ctx context.Context, db *DB, q string, args []any, scores, timepoints []string, width int, summarise func(summary.Key, int, []sql.NullFloat64) T) (map[string]map[string][]T, error) {
	rows, err := db.store.Gorm(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cells := len(scores) * len(timepoints)
	var key summary.Key
	n := make([]int, cells)
	sum := make([]sql.NullFloat64, width*cells)
	dest := []any{&key.Borough, &key.Category, &key.Group, &key.Period}
	for i := range cells {
		dest = append(dest, &n[i])
		for j := range width {
			dest = append(dest, &sum[width*i+j])
		}
	}
	out := map[string]map[string][]T{}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		for i := range cells {
			if n[i] == 0 {
				continue
			}
			tp, score := timepoints[i%len(timepoints)], scores[i/len(timepoints)]
			if out[tp] == nil {
				out[tp] = map[string][]T{}
			}
			out[tp][score] = append(out[tp][score], summarise(key, n[i], sum[width*i:width*i+width]))
		}
	}
	return out, rows.Err()
}

// periodDays extracts events_period_days from an events assessment's raw
// answers (forms.FormatAnswers form, "item=value;..."), the one construct
// the two databases spell differently. SQLite's CAST reads the leading
// integer of the text after the item name.
func (db *DB) periodDays(col string) string {
	if db.store.Dialect() == storage.Postgres {
		// split_part, not a regular expression over the whole answers: the
		// expression ran for 0.6 s of a 0.8 s summary at a million
		// assessments.
		v := "split_part(split_part(" + col + ", 'events_period_days=', 2), ';', 1)"
		return "CASE WHEN " + v + " ~ '^[0-9]+$' THEN CAST(" + v + " AS DOUBLE PRECISION) END"
	}
	return "CAST(CAST(substr(" + col + ", instr(" + col + ", 'events_period_days=') + 19) AS INTEGER) AS REAL)"
}

// EventSummaries sums an events rate score (falls_per_30_days,
// admissions_per_30_days, ...) turned back into counts, count = rate ×
// days / 30 rounded, with the days each record covers, at baseline and at
// a follow-up, per borough, primary device category and group.
func (db *DB) EventSummaries(ctx context.Context, f summary.Filter, score, timepoint string) ([]summary.Event, error) {
	out, err := db.EventSummariesOf(ctx, f, []string{score}, []string{timepoint})
	return out[timepoint][score], err
}

// EventSummariesOf is EventSummaries for several rate scores at several
// follow-ups at once, by follow-up and score, reading the events
// assessments once for all of them.
func (db *DB) EventSummariesOf(ctx context.Context, f summary.Filter, scores, timepoints []string) (_ map[string]map[string][]summary.Event, err error) {
	if err := summaryReader(ctx); err != nil {
		return nil, err
	}
	defer ateval.Wrap(&err, "event summaries of %v at %v", scores, timepoints)
	if len(scores) == 0 || len(timepoints) == 0 {
		return nil, nil
	}
	// As in ChangeSummariesOf, one grouped pass pairs each resident's
	// baseline and follow-up records, each score on its own: a record
	// counts for a score when it has a value for it and covers some days.
	var values, counts, pairs, paired, sums []string
	var valueArgs, pairArgs []any
	for i, score := range scores {
		value, arg, err := db.scoreValue("a.scores", score)
		if err != nil {
			return nil, err
		}
		n := strconv.Itoa(i)
		values = append(values, value+" AS v"+n)
		valueArgs = append(valueArgs, arg)
		counts = append(counts, "ROUND(v"+n+" * days / 30) AS c"+n, "CASE WHEN v"+n+" IS NOT NULL THEN days END AS d"+n)
		pairs = append(pairs, "MAX(CASE WHEN timepoint = ? THEN c"+n+" END) AS cb"+n, "MAX(CASE WHEN timepoint = ? THEN d"+n+" END) AS db"+n)
		pairArgs = append(pairArgs, "baseline", "baseline")
		for j, tp := range timepoints {
			m := n + "_" + strconv.Itoa(j)
			pairs = append(pairs, "MAX(CASE WHEN timepoint = ? THEN c"+n+" END) AS cf"+m, "MAX(CASE WHEN timepoint = ? THEN d"+n+" END) AS df"+m)
			pairArgs = append(pairArgs, tp, tp)
			paired = append(paired, "CASE WHEN cf"+m+" IS NOT NULL THEN cb"+n+" END AS cb"+m, "CASE WHEN cf"+m+" IS NOT NULL THEN db"+n+" END AS db"+m,
				"CASE WHEN cb"+n+" IS NOT NULL THEN cf"+m+" END AS cf"+m, "CASE WHEN cb"+n+" IS NOT NULL THEN df"+m+" END AS df"+m)
			sums = append(sums, "COUNT(ev.cb"+m+")", "SUM(ev.cb"+m+")", "SUM(ev.db"+m+")", "SUM(ev.cf"+m+")", "SUM(ev.df"+m+")",
				"SUM(CASE WHEN ev.cb"+m+" IS NOT NULL THEN res.rkey END)")
		}
	}
	cte, args := db.residentsCTE(f)
	q := cte + `, ev AS (
	SELECT resident_id, ` + strings.Join(paired, ", ") + ` FROM (
		SELECT resident_id, ` + strings.Join(pairs, ", ") + `
		FROM (
			SELECT resident_id, timepoint, ` + strings.Join(counts, ", ") + ` FROM (
				SELECT a.resident_id AS resident_id, a.timepoint AS timepoint, ` + strings.Join(values, ", ") + `, ` + db.periodDays("a.answers") + ` AS days
				FROM assessments a
				WHERE a.instrument = 'events' AND a.timepoint IN ? AND ` + storage.InAnalysis + `) x
			WHERE days > 0) y
		GROUP BY resident_id) z)
SELECT res.borough, res.category, res.grp, res.period, ` + strings.Join(sums, ", ") + `
FROM res JOIN ev ON ev.resident_id = res.id
WHERE 1 = 1`
	args = append(args, pairArgs...)
	args = append(args, valueArgs...)
	args = append(args, append([]string{"baseline"}, timepoints...))
	where, args := categoryWhere(f, args)
	q += where + byKey
	return scanSummaries(ctx, db, q, args, scores, timepoints, 5, func(key summary.Key, n int, s []sql.NullFloat64) summary.Event {
		return summary.Event{Key: key, N: n, Keys: int64(s[4].Float64), CountBefore: s[0].Float64, DaysBefore: s[1].Float64, CountAfter: s[2].Float64, DaysAfter: s[3].Float64}
	})
}

// byKey ends a summary query grouped, and ordered, by summary.Key.
const byKey = "\nGROUP BY res.borough, res.category, res.grp, res.period ORDER BY res.borough, res.category, res.grp, res.period"

type proportionRow struct {
	Borough, Category, Grp string
	Period                 int
	N, Yes                 int
	Keys, YesKeys          int64
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
	cte, args := db.residentsCTE(f)
	q := cte + `, sc AS (
	SELECT resident_id, value FROM (
		SELECT a.resident_id AS resident_id, ` + value + ` AS value
		FROM assessments a WHERE a.instrument = ? AND a.timepoint = ? AND ` + storage.InAnalysis + `) x
	WHERE value IS NOT NULL)
SELECT res.borough AS borough, res.category AS category, res.grp AS grp, res.period AS period, COUNT(*) AS n,
	SUM(CASE WHEN sc.value = 1 THEN 1 ELSE 0 END) AS yes, SUM(res.rkey) AS keys,
	SUM(CASE WHEN sc.value = 1 THEN res.rkey ELSE 0 END) AS yes_keys
FROM res JOIN sc ON sc.resident_id = res.id
WHERE 1 = 1`
	args = append(args, arg, instrument, timepoint)
	where, args := categoryWhere(f, args)
	q += where + byKey
	var rows []proportionRow
	if err := db.store.Gorm(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]summary.Proportion, len(rows))
	for i, r := range rows {
		out[i] = summary.Proportion{Key: summary.Key{Borough: r.Borough, Category: r.Category, Group: r.Grp, Period: r.Period}, N: r.N, Yes: r.Yes, Keys: r.Keys, YesKeys: r.YesKeys}
	}
	return out, nil
}

// scoreName is what a score's name may be: the framework's names are all
// of this form, and a name that is not could not be read by scoreValue's
// JSON path.
var scoreName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// scoreValue returns a SQL expression for the value of score name in the
// scores column col (NULL when it is absent or not scorable), and the
// argument it binds.
func (db *DB) scoreValue(col, name string) (string, any, error) {
	if !scoreName.MatchString(name) {
		return "", nil, fmt.Errorf("score name %q: only lower-case letters, digits and _", name)
	}
	if db.store.Dialect() == storage.Postgres {
		return "CAST(" + col + " -> ? ->> 'v' AS DOUBLE PRECISION)", name, nil
	}
	return "json_extract(" + col + ", ?)", "$." + name + ".v", nil
}
