package storage

// schemaV8 keeps an assessment's scores on its own row, as one JSON object
// keyed by score name, instead of a row each in assessment_scores:
//
//	{"raw": {"v": 25, "m": "swemwbs-raw/1"},
//	 "index": {"v": null, "m": "eq5d5l-index/england-devlin-2018", "ns": "eq5d5l_sc is missing"}}
//
// v is the value (null when not scorable), m the method and version that
// made it, ns why it could not be scored (left out when it could). The keys
// are short because they are repeated on every one of a million rows.
//
// Why: an assessment and its scores are written and read together, never
// apart, and a score row each (3.4 of them an assessment) with its primary
// key and foreign key cost more to import than the assessments themselves
// (BENCHMARKS.md, "Import"). Both databases read a value with their JSON
// operators inside the grouped summaries (scoreValue). On PostgreSQL the
// column is jsonb, parsed once when written rather than at every summary.
//
// unscored counts the scores without a value, written with the row
// (assessments are never updated): the report's data-quality table counts
// incomplete assessments, and opening every row's JSON for that took 2 s
// at a million assessments; reading a small integer takes a fifth of it.
//
// assessments_borough goes: no query reads assessments by borough any
// more (the summaries go through the residents and assessments_instrument,
// the due list through the residents and the unique key), and each index
// costs every imported row a B-tree insertion (about 0.9 s a million).
const schemaV8 = `
DROP INDEX assessments_borough;
ALTER TABLE assessments ADD COLUMN scores TEXT NOT NULL DEFAULT '{}';
ALTER TABLE assessments ADD COLUMN unscored INTEGER NOT NULL DEFAULT 0;
UPDATE assessments SET scores = (
	SELECT json_group_object(s.name, CASE WHEN s.not_scorable = ''
		THEN json_object('v', s.value, 'm', s.method)
		ELSE json_object('v', s.value, 'm', s.method, 'ns', s.not_scorable) END)
	FROM assessment_scores s WHERE s.assessment_id = assessments.id)
WHERE EXISTS (SELECT 1 FROM assessment_scores s WHERE s.assessment_id = assessments.id);
UPDATE assessments SET unscored = (
	SELECT COUNT(*) FROM assessment_scores s WHERE s.assessment_id = assessments.id AND s.value IS NULL);
DROP TABLE assessment_scores
`

const schemaV8Postgres = `
DROP INDEX assessments_borough;
ALTER TABLE assessments ADD COLUMN scores JSONB NOT NULL DEFAULT '{}';
ALTER TABLE assessments ADD COLUMN unscored INTEGER NOT NULL DEFAULT 0;
UPDATE assessments a SET scores = x.scores, unscored = x.unscored FROM (
	SELECT s.assessment_id, jsonb_object_agg(s.name, CASE WHEN s.not_scorable = ''
		THEN jsonb_build_object('v', s.value, 'm', s.method)
		ELSE jsonb_build_object('v', s.value, 'm', s.method, 'ns', s.not_scorable) END) AS scores, COUNT(*) FILTER (WHERE s.value IS NULL) AS unscored
	FROM assessment_scores s GROUP BY s.assessment_id) x
WHERE a.id = x.assessment_id;
DROP TABLE assessment_scores
`
