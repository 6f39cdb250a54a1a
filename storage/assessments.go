package storage

import (
	"fmt"

	"github.com/ateval/ateval/forms"
)

// CreateAssessments stores assessments with their scores and sets their
// IDs. boroughIDs[i] is the borough of as[i]'s resident, kept on the row so
// that per-borough summaries need no join.
func (tx *Tx) CreateAssessments(as []forms.Assessment, boroughIDs []int64) error {
	if len(as) != len(boroughIDs) {
		panic("storage: CreateAssessments: one borough per assessment")
	}
	rows := make([]assessmentRow, len(as))
	for i := range as {
		rows[i] = assessmentToRow(&as[i], boroughIDs[i])
		rows[i].ID = 0
	}
	if err := tx.g.CreateInBatches(&rows, batchSize).Error; err != nil {
		if isUniqueViolation(err) {
			return translate(err, fmt.Sprintf("an assessment of the same resident, instrument and timepoint (in this batch of %d)", len(as)))
		}
		return err
	}
	var scores []scoreRow
	for i := range as {
		as[i].ID = rows[i].ID
		for _, s := range as[i].Scores {
			scores = append(scores, scoreRow{AssessmentID: rows[i].ID, Name: s.Name, Value: s.Value, Method: s.Method, NotScorable: s.NotScorable})
		}
	}
	if len(scores) == 0 {
		return nil
	}
	return tx.g.CreateInBatches(&scores, batchSize).Error
}
