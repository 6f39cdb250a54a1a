package storage_test

import (
	"context"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports/summary"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
	"github.com/ateval/ateval/storage/summaries"
)

// TestReportBuilderReadsSummariesOnly: the principal a report is built
// under reads the per-borough summaries and nothing else; code that names
// no principal reads nothing at all.
func TestReportBuilderReadsSummariesOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		rb := ateval.ReportContext(context.Background())
		if _, err := summaries.Of(db).Enrolments(rb, summary.Filter{}); err != nil {
			t.Errorf("the report builder cannot read summaries: %v", err)
		}
		if err := summaries.Of(db).RecordKeys(rb); err != nil {
			t.Errorf("the report builder cannot draw record keys: %v", err)
		}
		if _, _, err := db.Residents(rb, storage.ResidentQuery{}); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("the report builder lists residents: %v", err)
		}
		if _, err := db.ResidentRecord(rb, p.camRes.ID); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("the report builder reads a resident's record: %v", err)
		}
		if _, err := db.View(rb).ResidentKeys(); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("the report builder reads residents in bulk: %v", err)
		}
		none := context.Background()
		if _, err := summaries.Of(db).Enrolments(none, summary.Filter{}); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
			t.Errorf("no principal reads summaries: %v", err)
		}
		if _, _, err := db.Residents(none, storage.ResidentQuery{}); err == nil {
			t.Error("no principal lists residents")
		}
	})
}
