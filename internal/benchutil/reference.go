package benchutil

import (
	"database/sql"
	"time"

	"github.com/ateval/ateval/storage"
)

// ReferenceSQL is what a whole report is measured against: one grouped
// SELECT over every assessment's scores (held on the assessment's row as
// JSON, see storage/schema_v8.go), the least any report must read.
func ReferenceSQL(d storage.Dialect) string {
	if d == storage.Postgres {
		return `SELECT a.borough_id, a.instrument, a.timepoint, e.key,
	COUNT(*), SUM(CAST(e.value ->> 'v' AS DOUBLE PRECISION)), SUM(CAST(e.value ->> 'v' AS DOUBLE PRECISION) ^ 2)
	FROM assessments a, jsonb_each(a.scores) e
	GROUP BY a.borough_id, a.instrument, a.timepoint, e.key`
	}
	return `SELECT a.borough_id, a.instrument, a.timepoint, e.key,
	COUNT(*), SUM(json_extract(e.value, '$.v')), SUM(json_extract(e.value, '$.v') * json_extract(e.value, '$.v'))
	FROM assessments a, json_each(a.scores) e
	GROUP BY a.borough_id, a.instrument, a.timepoint, e.key`
}

// Reference runs ReferenceSQL on db, reading every row, and returns how
// long it took.
func Reference(db *sql.DB, d storage.Dialect) (time.Duration, error) {
	start := time.Now()
	rows, err := db.Query(ReferenceSQL(d))
	if err != nil {
		return 0, err
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return 0, err
	}
	return time.Since(start), rows.Close()
}
