package storage_test

import (
	"errors"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestBulkTxLandsWholeOrNotAtAll checks the bulk load's transaction
// (COPY on PostgreSQL, a prepared statement on SQLite): a batch that
// repeats an assessment is refused as a conflict, a later failure rolls
// back the batches already sent, and a load that succeeds is all there with
// its scores.
func TestBulkTxLandsWholeOrNotAtAll(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		b, _, r := fixture(t, db)
		v := 25.0
		one := func(tp forms.Timepoint) forms.Assessment {
			return forms.Assessment{ResidentID: r.ID, Instrument: "swemwbs", Timepoint: tp, AssessedOn: ateval.NewDate(2025, 2, 3),
				Respondent: forms.RespondentResident, FrameworkVersion: "2026.1",
				Scores: []forms.Score{{Name: "raw", Value: &v, Method: "swemwbs-raw/1"}, {Name: "metric", Method: "m/1", NotScorable: `a "quoted" reason`}}}
		}
		count := func() int64 {
			c, err := db.View(sys).Counts()
			if err != nil {
				t.Fatal(err)
			}
			return int64(c.Assessments)
		}

		err := db.InBulkTx(sys, func(tx *storage.Tx) error {
			return tx.CreateAssessments([]forms.Assessment{one(forms.Baseline), one(forms.Baseline)}, []int64{b.ID, b.ID})
		})
		if ateval.ErrorCode(err) != ateval.ECONFLICT {
			t.Errorf("a batch repeating an assessment: %v, want a conflict", err)
		}
		later := errors.New("a later row was bad")
		err = db.InBulkTx(sys, func(tx *storage.Tx) error {
			if err := tx.CreateAssessments([]forms.Assessment{one(forms.Baseline)}, []int64{b.ID}); err != nil {
				return err
			}
			return later
		})
		if !errors.Is(err, later) {
			t.Errorf("a failing load: %v, want its own error", err)
		}
		if n := count(); n != 0 {
			t.Fatalf("%d assessments stored after two failed loads, want none", n)
		}

		err = db.InBulkTx(sys, func(tx *storage.Tx) error {
			return tx.CreateAssessments([]forms.Assessment{one(forms.Baseline), one(forms.Month3)}, []int64{b.ID, b.ID})
		})
		if err != nil {
			t.Fatal(err)
		}
		tl, err := db.ResidentTimeline(sys, forms.Default(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(tl.Assessments) != 2 {
			t.Fatalf("%d assessments, want 2", len(tl.Assessments))
		}
		s := tl.Assessments[0].Scores
		sqlDB, err := db.SQL()
		if err != nil {
			t.Fatal(err)
		}
		var unscored int
		if err := sqlDB.QueryRow(`SELECT SUM(unscored) FROM assessments`).Scan(&unscored); err != nil || unscored != 2 {
			t.Errorf("unscored in all = %d (%v), want 2: the metric of each", unscored, err)
		}
		if len(s) != 2 || s[0].Name != "metric" || s[0].Value != nil || s[0].NotScorable != `a "quoted" reason` ||
			s[1].Name != "raw" || s[1].Value == nil || *s[1].Value != 25 || s[1].Method != "swemwbs-raw/1" {
			t.Errorf("scores read back = %+v", s)
		}
	})
}
