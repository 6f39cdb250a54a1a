package storage_test

import (
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/sharing"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
	"github.com/ateval/ateval/storage/summaries"
)

// TestCorrectAssessment: a correction changes the answers and scores,
// keeps what it replaced as a version with who and why, is audited, and
// is refused to another borough and without a reason.
func TestCorrectAssessment(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		fw := forms.Default()
		a := ons4(p.camRes.ID, forms.Baseline, ateval.NewDate(2025, 2, 1), 6)
		if err := db.RecordAssessment(p.cam, fw, &a); err != nil {
			t.Fatal(err)
		}
		c := forms.Correction{AssessedOn: a.AssessedOn, Respondent: a.Respondent, Answers: ons4(0, "", ateval.Date{}, 2).Answers}
		if got := fieldsOf2(db.CorrectAssessment(p.cam, fw, a.ID, c)); got != "reason: is required: say why, for the record" {
			t.Errorf("no reason: %q", got)
		}
		c.Reason = "anxiety typed as 6, the resident said 2"
		if _, err := db.CorrectAssessment(p.sut, fw, a.ID, c); ateval.ErrorCode(err) != ateval.ENOTFOUND {
			t.Errorf("Sutton corrects Camden's: %v", err)
		}
		same := c
		same.Answers = a.Answers
		if _, err := db.CorrectAssessment(p.cam, fw, a.ID, same); ateval.ErrorCode(err) != ateval.EINVALID {
			t.Errorf("a correction changing nothing: %v", err)
		}
		got, err := db.CorrectAssessment(p.cam, fw, a.ID, c)
		if err != nil {
			t.Fatal(err)
		}
		if v := scoreOf(got, "anxious"); v == nil || *v != 2 {
			t.Errorf("rescored anxiety %v, want 2", v)
		}
		rec, err := db.Assessment(p.cam, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v := scoreOf(rec.Assessment, "anxious"); v == nil || *v != 2 || rec.Assessment.EnteredInError {
			t.Errorf("stored after the correction: %+v", rec.Assessment)
		}
		if len(rec.Versions) != 1 {
			t.Fatalf("%d versions, want 1", len(rec.Versions))
		}
		v := rec.Versions[0]
		if v.Change != storage.ChangeCorrected || v.ChangedBy != "prac@camden.example" || v.Reason != c.Reason || v.ChangedAt.IsZero() {
			t.Errorf("version: %+v", v)
		}
		if old := v.Assessment.Answers[3].Value; old == nil || *old != 6 {
			t.Errorf("the version's anxiety %v, want the original 6", v.Assessment.Answers[3])
		}
		if _, err := db.Assessment(p.sut, a.ID); ateval.ErrorCode(err) != ateval.ENOTFOUND {
			t.Errorf("Sutton reads Camden's assessment: %v", err)
		}
		acts := auditActions(t, db)
		if acts[ateval.ActionCorrectAssessment] != 1 || acts[ateval.ActionReadAssessment] != 1 {
			t.Errorf("audit: %v", acts)
		}
	})
}

// TestEnteredInError: an assessment entered in error leaves the
// summaries and the export, is due again, and its timepoint can be
// recorded again, the one in error kept as a version.
func TestEnteredInError(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		fw := forms.Default()
		base := ons4(p.camRes.ID, forms.Baseline, ateval.NewDate(2025, 2, 1), 6)
		w6 := ons4(p.camRes.ID, forms.Week6, ateval.NewDate(2025, 3, 15), 3)
		for _, a := range []*forms.Assessment{&base, &w6} {
			if err := db.RecordAssessment(p.cam, fw, a); err != nil {
				t.Fatal(err)
			}
		}
		count := func() (summarised, exported int) {
			ss, err := summaries.Of(db).ChangeSummaries(sys, summaryFilter(), "ons4", "anxious", "w6")
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range ss {
				summarised += s.N
			}
			return summarised, exportedAssessments(t, db, "camden")
		}
		if s, x := count(); s != 1 || x != 2 {
			t.Fatalf("before: %d in summaries, %d exported assessments; want 1 and 2", s, x)
		}
		if err := db.MarkEnteredInError(p.cam, w6.ID, " "); ateval.ErrorCode(err) != ateval.EINVALID {
			t.Errorf("no reason: %v", err)
		}
		if err := db.MarkEnteredInError(p.sut, w6.ID, "wrong resident"); ateval.ErrorCode(err) != ateval.ENOTFOUND {
			t.Errorf("Sutton marks Camden's: %v", err)
		}
		if err := db.MarkEnteredInError(p.cam, w6.ID, "recorded for the wrong resident"); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkEnteredInError(p.cam, w6.ID, "again"); ateval.ErrorCode(err) != ateval.ECONFLICT {
			t.Errorf("twice: %v", err)
		}
		if s, x := count(); s != 0 || x != 1 {
			t.Errorf("after: %d in summaries, %d exported assessments; want 0 and 1", s, x)
		}
		if _, err := db.CorrectAssessment(p.cam, fw, w6.ID, forms.Correction{AssessedOn: w6.AssessedOn, Respondent: w6.Respondent,
			Answers: base.Answers, Reason: "x"}); ateval.ErrorCode(err) != ateval.ECONFLICT {
			t.Errorf("correcting one entered in error: %v", err)
		}
		tl, err := db.ResidentTimeline(p.cam, fw, p.camRes.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range tl.Schedule {
			if d.Timepoint == forms.Week6 && d.Instrument == "ons4" && d.Status == forms.StatusDone {
				t.Errorf("the week-6 ONS4 entered in error still counts as done: %+v", d)
			}
		}
		again := ons4(p.camRes.ID, forms.Week6, ateval.NewDate(2025, 3, 16), 4)
		if err := db.RecordAssessment(p.cam, fw, &again); err != nil {
			t.Fatalf("recording the timepoint again: %v", err)
		}
		if again.ID != w6.ID {
			t.Errorf("recorded again as %d, want the slot's own id %d", again.ID, w6.ID)
		}
		rec, err := db.Assessment(p.cam, w6.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Assessment.EnteredInError || len(rec.Versions) != 2 || rec.Versions[0].Change != storage.ChangeEnteredInError ||
			rec.Versions[1].Change != storage.ChangeRecordedAgain {
			t.Errorf("after recording again: %+v", rec)
		}
		if s, x := count(); s != 1 || x != 2 {
			t.Errorf("recorded again: %d in summaries, %d exported; want 1 and 2", s, x)
		}
		if acts := auditActions(t, db); acts[ateval.ActionAssessmentInError] != 1 {
			t.Errorf("audit: %v", acts)
		}
	})
}

// exportedAssessments counts the assessments an export under an
// agreement for the borough reads.
func exportedAssessments(t *testing.T, db *storage.DB, borough string) int {
	t.Helper()
	n := 0
	err := db.ExportAssessments(sys, exportAgreement(t, db, borough), []string{borough}, func(batch []sharing.Assessments) error {
		for _, b := range batch {
			n += len(b.Assessments)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func fieldsOf2(_ forms.Assessment, err error) string { return fieldsOf(err) }

func scoreOf(a forms.Assessment, name string) *float64 {
	for _, s := range a.Scores {
		if s.Name == name {
			return s.Value
		}
	}
	return nil
}
