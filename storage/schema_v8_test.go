package storage_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestScoresMoveOntoTheAssessmentRow builds a database as release 7 left
// it, with scores a row each in assessment_scores, and checks that
// migration 8 carries every score, its method and its reason onto the
// assessment's row, and that an assessment without scores keeps none.
func TestScoresMoveOntoTheAssessmentRow(t *testing.T) {
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			ctx := context.Background()
			db, sqlDB := migratedTo(t, d, 7,
				`INSERT INTO boroughs (id, slug, name) VALUES (1, 'camden', 'Camden')`,
				`INSERT INTO residents (id, borough_id, reference, year_of_birth, sex, ethnic_group, living_alone, primary_support_reason, registered_on)
					VALUES (1, 1, 'CAM-1', 1940, 'female', 'white_british', TRUE, 'physical', '2025-01-01')`,
				`INSERT INTO assessments (id, resident_id, borough_id, instrument, timepoint, assessed_on, respondent, framework_version, answers)
					VALUES (1, 1, 1, 'swemwbs', 'baseline', '2025-01-07', 'resident', '2026.1', 'swemwbs_1=4')`,
				`INSERT INTO assessments (id, resident_id, borough_id, instrument, timepoint, assessed_on, respondent, framework_version, answers)
					VALUES (2, 1, 1, 'goals', 'baseline', '2025-01-07', 'resident', '2026.1', '')`,
				`INSERT INTO assessment_scores (assessment_id, name, value, method, not_scorable)
					VALUES (1, 'raw', 25, 'swemwbs-raw/1', ''), (1, 'metric', NULL, 'swemwbs-metric/stewart-brown-2009', '3 of 7 items "missing"')`,
			)
			applied, err := db.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(applied) == 0 || applied[0] != 8 {
				t.Fatalf("applied %v, want 8 first", applied)
			}
			var n int
			if err := sqlDB.QueryRow(`SELECT COUNT(*) FROM assessment_scores`).Scan(&n); err == nil {
				t.Error("assessment_scores is still there")
			}
			for id, want := range map[int]int{1: 1, 2: 0} {
				var got int
				if err := sqlDB.QueryRow(`SELECT unscored FROM assessments WHERE id = ` + strconv.Itoa(id)).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("assessment %d: unscored = %d, want %d", id, got, want)
				}
			}
			sys := ateval.SystemContext(ctx)
			tl, err := db.ResidentTimeline(sys, forms.Default(), 1)
			if err != nil {
				t.Fatal(err)
			}
			got := tl.Assessments
			if len(got) != 2 {
				t.Fatalf("%d assessments, want 2", len(got))
			}
			var sw, goals forms.Assessment
			for _, a := range got {
				if a.Instrument == "swemwbs" {
					sw = a
				} else {
					goals = a
				}
			}
			if len(goals.Scores) != 0 {
				t.Errorf("an assessment without scores has %+v", goals.Scores)
			}
			if len(sw.Scores) != 2 {
				t.Fatalf("scores %+v, want 2", sw.Scores)
			}
			metric, raw := sw.Scores[0], sw.Scores[1]
			if metric.Name != "metric" || metric.Value != nil || metric.Method != "swemwbs-metric/stewart-brown-2009" || metric.NotScorable != `3 of 7 items "missing"` {
				t.Errorf("metric = %+v", metric)
			}
			if raw.Name != "raw" || raw.Value == nil || *raw.Value != 25 || raw.Method != "swemwbs-raw/1" || raw.NotScorable != "" {
				t.Errorf("raw = %+v", raw)
			}
		})
	}
}
