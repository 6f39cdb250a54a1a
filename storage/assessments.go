package storage

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/ateval/ateval/forms"
)

// EncodedAssessment is an assessment as a bulk load writes it: its answers
// and scores already in their stored forms. EncodeAssessment makes one,
// so that an import can do that work on its checking goroutine while
// another writes (importer's writer).
type EncodedAssessment struct {
	residentID, boroughID                              int64
	instrument, timepoint, assessedOn, respondent, fwv string
	answers, scores                                    string
	unscored                                           int
}

// EncodeAssessment encodes a for a bulk load. boroughID is the borough of
// its resident.
func EncodeAssessment(a *forms.Assessment, boroughID int64) EncodedAssessment {
	return EncodedAssessment{residentID: a.ResidentID, boroughID: boroughID, instrument: a.Instrument,
		timepoint: string(a.Timepoint), assessedOn: a.AssessedOn.String(), respondent: string(a.Respondent),
		fwv: a.FrameworkVersion, answers: forms.FormatAnswers(a.Answers), scores: string(appendScores(nil, a.Scores)),
		unscored: unscored(a.Scores)}
}

// CreateAssessments stores a batch of assessments with their scores.
// boroughIDs[i] is the borough of as[i]'s resident. It does not set the
// assessments' IDs: a bulk load has no use for them (createAssessment,
// for one, does). Operator only.
func (tx *Tx) CreateAssessments(as []forms.Assessment, boroughIDs []int64) error {
	if len(as) != len(boroughIDs) {
		panic("storage: CreateAssessments: one borough per assessment")
	}
	rows := make([]EncodedAssessment, len(as))
	for i := range as {
		rows[i] = EncodeAssessment(&as[i], boroughIDs[i])
	}
	return tx.CreateEncodedAssessments(rows)
}

// CreateEncodedAssessments stores a batch of encoded assessments: with one
// prepared statement on SQLite, COPY on PostgreSQL in a bulk load's
// transaction (InBulkTx), and one JSON batch otherwise. Operator only.
func (tx *Tx) CreateEncodedAssessments(rows []EncodedAssessment) error {
	if err := tx.operatorOnly(); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	if tx.db.dialect == SQLite {
		return tx.insertAssessmentsSQLite(rows)
	}
	if tx.conn != nil {
		return tx.copyAssessments(rows)
	}
	var j jsonRows
	j.reset()
	for i := range rows {
		r := &rows[i]
		j.row()
		j.int(r.residentID)
		j.int(r.boroughID)
		j.str(r.instrument)
		j.str(r.timepoint)
		j.str(r.assessedOn)
		j.str(r.respondent)
		j.str(r.fwv)
		j.str(r.answers)
		j.sep()
		j.b = append(j.b, r.scores...)
		j.int(int64(r.unscored))
	}
	// The scores arrive as a JSON object inside the row's array: -> keeps
	// it JSON, cast to the jsonb column.
	err := tx.g.Exec(`INSERT INTO assessments
		(resident_id, borough_id, instrument, timepoint, assessed_on, respondent, framework_version, answers, scores, unscored)
		SELECT CAST(j.value->>0 AS BIGINT), CAST(j.value->>1 AS BIGINT), j.value->>2, j.value->>3,
			j.value->>4, j.value->>5, j.value->>6, j.value->>7, CAST(j.value->8 AS jsonb), CAST(j.value->>9 AS INTEGER)
		FROM `+tx.db.jsonFrom(), j.String()).Error
	if err != nil && isUniqueViolation(err) {
		return translate(err, fmt.Sprintf("an assessment of the same resident, instrument and timepoint (in this batch of %d)", len(rows)))
	}
	return err
}

// insertAssessmentsSQLite writes a batch with one prepared statement run
// once a row. In-process SQLite makes that cheaper than the JSON batch the
// other tables use: at a million assessments, expanding the JSON cost SQLite
// more than writing the rows (BENCHMARKS.md, "Import").
func (tx *Tx) insertAssessmentsSQLite(rows []EncodedAssessment) error {
	const insert = `INSERT INTO assessments
		(resident_id, borough_id, instrument, timepoint, assessed_on, respondent, framework_version, answers, scores, unscored)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	ctx := tx.ctx
	if err := ctx.Err(); err != nil {
		return err
	}
	exec := func(r *EncodedAssessment) error {
		return tx.g.Exec(insert, r.residentID, r.boroughID, r.instrument, r.timepoint, r.assessedOn,
			r.respondent, r.fwv, r.answers, r.scores, r.unscored).Error
	}
	if tx.sqlTx != nil { // a bulk load's own transaction: one prepared statement
		stmt, err := tx.sqlTx.PrepareContext(ctx, insert)
		if err != nil {
			return err
		}
		defer stmt.Close()
		// Given a context that can be cancelled, the SQLite driver runs each
		// statement on a goroutine of its own to watch it: a million
		// goroutines for a million rows. A row takes microseconds, so the
		// batch is checked for cancellation once, above, and its rows run
		// without.
		rowCtx := context.WithoutCancel(ctx)
		exec = func(r *EncodedAssessment) error {
			_, err := stmt.ExecContext(rowCtx, r.residentID, r.boroughID, r.instrument, r.timepoint, r.assessedOn,
				r.respondent, r.fwv, r.answers, r.scores, r.unscored)
			return err
		}
	}
	for i := range rows {
		r := &rows[i]
		if err := exec(r); err != nil {
			return translate(err, fmt.Sprintf("a %s assessment at %s for resident %d", r.instrument, r.timepoint, r.residentID))
		}
	}
	return nil
}

// copyAssessments sends a batch to PostgreSQL with COPY, on the bulk
// load's own connection (InBulkTx): the server then parses no JSON and
// plans no statement per batch, which halved a million-assessment import.
func (tx *Tx) copyAssessments(rows []EncodedAssessment) error {
	ctx := tx.ctx
	err := tx.conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("bulk load: the PostgreSQL connection is a %T, not pgx's", driverConn)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{"assessments"},
			[]string{"resident_id", "borough_id", "instrument", "timepoint", "assessed_on", "respondent", "framework_version", "answers", "scores", "unscored"},
			pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
				r := &rows[i]
				return []any{r.residentID, r.boroughID, r.instrument, r.timepoint, r.assessedOn,
					r.respondent, r.fwv, r.answers, r.scores, r.unscored}, nil
			}))
		return err
	})
	if err != nil && isUniqueViolation(err) {
		return translate(err, fmt.Sprintf("an assessment of the same resident, instrument and timepoint (in this batch of %d)", len(rows)))
	}
	return err
}

// createAssessment stores one assessment with its scores and sets its ID,
// for RecordAssessment, after its scoping.
func (tx *Tx) createAssessment(a *forms.Assessment, boroughID int64) error {
	row := assessmentToRow(a, boroughID)
	row.ID = 0
	if err := tx.g.Create(&row).Error; err != nil {
		return translate(err, fmt.Sprintf("a %s assessment at %s for this resident", a.Instrument, a.Timepoint))
	}
	a.ID = row.ID
	return nil
}

// AssessmentKey is an assessment's natural key: one per resident,
// instrument and timepoint.
type AssessmentKey struct {
	ResidentID int64
	Instrument string
	Timepoint  forms.Timepoint
}

// StoredAssessments returns which of the residents' assessments are
// stored already, so an import can name the line that repeats one.
// Operator only.
func (tx *Tx) StoredAssessments(residentIDs []int64) (map[AssessmentKey]bool, error) {
	if err := tx.operatorOnly(); err != nil {
		return nil, err
	}
	out := map[AssessmentKey]bool{}
	for start := 0; start < len(residentIDs); start += batchSize {
		end := min(start+batchSize, len(residentIDs))
		var rows []struct {
			ResidentID int64
			Instrument string
			Timepoint  string
		}
		err := tx.g.Table("assessments").Select("resident_id, instrument, timepoint").
			Where("resident_id IN ?", residentIDs[start:end]).Find(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[AssessmentKey{r.ResidentID, r.Instrument, forms.Timepoint(r.Timepoint)}] = true
		}
	}
	return out, nil
}
