package summaries

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports/summary"
	"github.com/ateval/ateval/storage"
)

// ProportionSummariesOf is ProportionSummaries for several yes/no scores
// of one instrument at several timepoints at once, by timepoint and
// score: the instrument's assessments are read once for all of them, and
// the residents once, where ProportionSummaries reads both for each (a
// report asks device use at four follow-ups).
func (db *DB) ProportionSummariesOf(ctx context.Context, f summary.Filter, instrument string, scores, timepoints []string) (_ map[string]map[string][]summary.Proportion, err error) {
	if err := summaryReader(ctx); err != nil {
		return nil, err
	}
	defer ateval.Wrap(&err, "proportions of %s %v at %v", instrument, scores, timepoints)
	if len(scores) == 0 || len(timepoints) == 0 {
		return nil, nil
	}
	// Per score, as ProportionSummaries counts it over the records with a
	// value: those records, those answering yes (1), and the record keys
	// of each.
	var values, sums []string
	var valueArgs []any
	for i, score := range scores {
		value, arg, err := db.scoreValue("a.scores", score)
		if err != nil {
			return nil, err
		}
		v := "sc.v" + strconv.Itoa(i)
		values = append(values, value+" AS v"+strconv.Itoa(i))
		valueArgs = append(valueArgs, arg)
		sums = append(sums, "COUNT("+v+")", "SUM(CASE WHEN "+v+" = 1 THEN 1 ELSE 0 END)",
			"SUM(CASE WHEN "+v+" IS NOT NULL THEN res.rkey END)", "SUM(CASE WHEN "+v+" = 1 THEN res.rkey ELSE 0 END)")
	}
	cte, args := db.residentsCTE(f)
	q := cte + `, sc AS (
	SELECT a.resident_id AS resident_id, a.timepoint AS timepoint, ` + strings.Join(values, ", ") + `
	FROM assessments a WHERE a.instrument = ? AND a.timepoint IN ? AND ` + storage.InAnalysis + `)
SELECT res.borough, res.category, res.grp, res.period, sc.timepoint, ` + strings.Join(sums, ", ") + `
FROM res JOIN sc ON sc.resident_id = res.id
WHERE 1 = 1`
	args = append(args, valueArgs...)
	args = append(args, instrument, timepoints)
	where, args := categoryWhere(f, args)
	q += where + "\nGROUP BY res.borough, res.category, res.grp, res.period, sc.timepoint ORDER BY res.borough, res.category, res.grp, res.period, sc.timepoint"
	rows, err := db.store.Gorm(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var key summary.Key
	var tp string
	n, yes := make([]int, len(scores)), make([]int, len(scores))
	keys, yesKeys := make([]sql.NullInt64, len(scores)), make([]sql.NullInt64, len(scores))
	dest := []any{&key.Borough, &key.Category, &key.Group, &key.Period, &tp}
	for i := range scores {
		dest = append(dest, &n[i], &yes[i], &keys[i], &yesKeys[i])
	}
	out := map[string]map[string][]summary.Proportion{}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		for i, score := range scores {
			if n[i] == 0 { // nobody in the group has a value: no summary, as ProportionSummaries
				continue
			}
			if out[tp] == nil {
				out[tp] = map[string][]summary.Proportion{}
			}
			out[tp][score] = append(out[tp][score], summary.Proportion{Key: key, N: n[i], Yes: yes[i], Keys: keys[i].Int64, YesKeys: yesKeys[i].Int64})
		}
	}
	return out, rows.Err()
}
