package storage

import (
	"context"
	"strconv"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
)

// assessmentsOf returns a resident's assessments with their scores, in
// order of date.
func (tx *Tx) assessmentsOf(residentID int64) ([]forms.Assessment, error) {
	var rows []assessmentRow
	if err := tx.g.Where("resident_id = ?", residentID).Order("assessed_on, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]forms.Assessment, 0, len(rows))
	for i := range rows {
		a, err := rows[i].domain()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Timeline is the starting point of every practitioner task: a
// resident's record, devices held and returned, assessments taken with
// their scores, and what is due.
type Timeline struct {
	ResidentRecord
	Assessments []forms.Assessment `json:"assessments"`
	// Schedule is empty until the resident is enrolled, and while an
	// objection to the use of their data for evaluation stands: no
	// evaluation questionnaire is due then.
	Schedule []forms.Due `json:"schedule"`
	// Withdrawals are the objections the resident made and withdrew.
	Withdrawals []devices.Withdrawal `json:"objection_withdrawals,omitempty"`
}

// ResidentTimeline reads one resident's timeline, if the acting user may
// see them, and audits the reading (read_resident) in the same
// transaction; another borough's resident is ENOTFOUND and audited as
// denied, by id.
func (db *DB) ResidentTimeline(ctx context.Context, fw *forms.Framework, id int64) (_ Timeline, err error) {
	defer ateval.Wrap(&err, "ResidentTimeline(%d)", id)
	defer db.denied(ctx, &err, ateval.ActionReadResident, residentObject(id))
	var tl Timeline
	err = db.InTx(ctx, func(tx *Tx) error {
		row, err := tx.scopedResident(ctx, id)
		if err != nil {
			return err
		}
		if tl.Resident, err = row.domain(); err != nil {
			return err
		}
		var idRows []identityRow
		if err := tx.g.Where("resident_id = ?", id).Limit(1).Find(&idRows).Error; err != nil {
			return err
		}
		if len(idRows) == 1 {
			ident := idRows[0].domain()
			tl.Identity = &ident
		}
		if tl.DeviceIssues, err = tx.issuesOf(id); err != nil {
			return err
		}
		if tl.DeviceIssues == nil {
			tl.DeviceIssues = []devices.DeviceIssue{}
		}
		if tl.Assessments, err = tx.assessmentsOf(id); err != nil {
			return err
		}
		if tl.Withdrawals, err = tx.withdrawalsOf(id); err != nil {
			return err
		}
		tl.Schedule = []forms.Due{}
		if tl.Resident.InEvaluation() {
			if tl.Schedule, err = fw.Schedule(tl.Resident.EnrolledOn, forms.TakenFrom(tl.Assessments), nil, db.today()); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionReadResident, ObjectType: "resident", ObjectID: id, ResidentID: id,
			BoroughID: row.BoroughID, Detail: "timeline, " + strconv.Itoa(len(tl.Assessments)) + " assessments"})
	})
	return tl, err
}
