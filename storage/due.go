package storage

import (
	"context"
	"sort"
	"strconv"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
)

// DueItem is one assessment due or overdue for one resident.
type DueItem struct {
	ResidentID int64  `json:"resident_id"`
	Reference  string `json:"reference"`
	forms.Due
}

// DueList returns, for every resident of the acting user's borough who is
// enrolled and has not objected, the assessments whose window is open
// (due) or has closed within its grace days (overdue), most urgent first:
// overdue before due, then by window end. It makes two queries whatever
// the borough's size, the enrolled residents and the assessments taken,
// and works out each schedule in memory. The reading is audited by count.
func (db *DB) DueList(ctx context.Context, fw *forms.Framework) (_ []DueItem, err error) {
	defer ateval.Wrap(&err, "DueList")
	borough, all, err := residentScope(ctx)
	if err != nil {
		return nil, err
	}
	if all {
		return nil, ateval.Errorf(ateval.EINVALID, "the due list is of one borough; act as a user of it")
	}
	today := db.today()
	// Nothing of a resident enrolled before the horizon can be due or
	// overdue: every window of theirs, and its grace, has closed. Leaving
	// them out keeps the list's cost to the residents it can hold.
	since := today.AddDays(-dueHorizon(fw)).String()
	var out []DueItem
	err = db.InTx(ctx, func(tx *Tx) error {
		var residents []struct {
			ID         int64
			Reference  string
			EnrolledOn string
		}
		if err := tx.g.Model(&residentRow{}).Select("id, reference, enrolled_on").
			Where("borough_id = ? AND enrolled_on IS NOT NULL AND enrolled_on >= ? AND objected_on IS NULL", borough, since).
			Order("reference").Scan(&residents).Error; err != nil {
			return err
		}
		var taken []struct {
			ResidentID int64
			Instrument string
			Timepoint  string
			AssessedOn string
		}
		if err := tx.g.Table("assessments a").Select("a.resident_id, a.instrument, a.timepoint, a.assessed_on").
			Joins("JOIN residents r ON r.id = a.resident_id").
			Where("a.borough_id = ? AND r.enrolled_on >= ? AND r.objected_on IS NULL", borough, since).
			Scan(&taken).Error; err != nil {
			return err
		}
		byResident := map[int64][]forms.Taken{}
		for _, t := range taken {
			byResident[t.ResidentID] = append(byResident[t.ResidentID], forms.Taken{Timepoint: forms.Timepoint(t.Timepoint), Instrument: t.Instrument, On: mustDate(t.AssessedOn)})
		}
		for _, r := range residents {
			sched, err := fw.Schedule(mustDate(r.EnrolledOn), byResident[r.ID], nil, today)
			if err != nil {
				return err
			}
			for _, d := range sched {
				if d.Status == forms.StatusDue || d.Status == forms.StatusOverdue {
					out = append(out, DueItem{ResidentID: r.ID, Reference: r.Reference, Due: d})
				}
			}
		}
		sort.SliceStable(out, func(i, j int) bool {
			a, b := out[i], out[j]
			if (a.Status == forms.StatusOverdue) != (b.Status == forms.StatusOverdue) {
				return a.Status == forms.StatusOverdue
			}
			return a.WindowEnd.Before(b.WindowEnd)
		})
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionReadDueList, BoroughID: borough, Detail: strconv.Itoa(len(out)) + " due"})
	})
	return out, err
}

// dueHorizon is how many days after enrolment the last window of the
// schedule, with its grace, closes.
func dueHorizon(fw *forms.Framework) int {
	h := 0
	for _, w := range fw.Windows() {
		h = max(h, w.TargetDays+w.WindowAfter+w.GraceDays)
	}
	return h
}
