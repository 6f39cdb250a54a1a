package storage

// schemaV15 lets a recorded assessment be corrected, or taken out as
// entered in error, without losing what it said:
//
//   - assessments.entered_in_error_at is when an assessment recorded by
//     mistake (for the wrong resident, say) was taken out of analysis:
//     every summary, export and due list reads only assessments where it
//     is NULL (inAnalysis). The row stays, answers and all, and its slot
//     (resident, instrument, timepoint) may be recorded again.
//   - assessment_versions keeps each state an assessment was in before a
//     change (a correction, being entered in error, being recorded again
//     in its slot): its date, respondent, framework version, raw answers
//     and scores as they stood, with who changed it, when and why. The
//     index serves an assessment's page, which lists its versions.
const schemaV15 = `
ALTER TABLE assessments ADD COLUMN entered_in_error_at TEXT;
CREATE TABLE assessment_versions (
	id {{pk}},
	assessment_id BIGINT NOT NULL REFERENCES assessments(id),
	change TEXT NOT NULL,
	changed_at TEXT NOT NULL,
	changed_by BIGINT REFERENCES users(id),
	changed_by_email TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL,
	assessed_on TEXT NOT NULL,
	respondent TEXT NOT NULL,
	framework_version TEXT NOT NULL,
	answers TEXT NOT NULL,
	scores TEXT NOT NULL
);
CREATE INDEX assessment_versions_assessment ON assessment_versions (assessment_id, id)
`
