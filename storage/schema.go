package storage

// schemaV1 is the initial schema. Dates are YYYY-MM-DD text: both databases
// compare and sort it correctly, and it reads the same in either.
//
// Each index is there for a query the platform makes:
//   - residents (borough_id, reference): unique, and the practitioner's
//     lookup by borough reference;
//   - device_issues (resident_id): a resident's timeline;
//   - assessments (resident_id, instrument, timepoint): unique (one
//     assessment per instrument and timepoint), the timeline and schedules;
//   - assessments (borough_id, instrument, timepoint): the per-borough
//     summaries the evidence report aggregates (dropped by version 8, when
//     nothing read assessments by borough any more);
//   - audit_log (at) and (resident_id): the administrator's filters.
const schemaV1 = `
CREATE TABLE boroughs (
	id {{pk}},
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	gss_code TEXT NOT NULL DEFAULT ''
);
CREATE TABLE device_categories (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	iso9999 TEXT NOT NULL DEFAULT '',
	builtin BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE devices (
	id {{pk}},
	code TEXT NOT NULL UNIQUE,
	category TEXT NOT NULL REFERENCES device_categories(id),
	product TEXT NOT NULL,
	supplier TEXT NOT NULL DEFAULT '',
	unit_cost_pence BIGINT NOT NULL DEFAULT 0,
	weekly_monitoring_pence BIGINT NOT NULL DEFAULT 0,
	monitored BOOLEAN NOT NULL DEFAULT FALSE,
	generation_tier TEXT NOT NULL DEFAULT ''
);
CREATE TABLE residents (
	id {{pk}},
	borough_id BIGINT NOT NULL REFERENCES boroughs(id),
	reference TEXT NOT NULL,
	year_of_birth INTEGER NOT NULL,
	sex TEXT NOT NULL,
	ethnic_group TEXT NOT NULL,
	living_alone BOOLEAN NOT NULL,
	primary_support_reason TEXT NOT NULL,
	registered_on TEXT NOT NULL,
	evaluation_group TEXT NOT NULL DEFAULT '',
	enrolled_on TEXT,
	objected_on TEXT,
	UNIQUE (borough_id, reference)
);
CREATE TABLE resident_identities (
	resident_id BIGINT PRIMARY KEY REFERENCES residents(id) ON DELETE CASCADE,
	given_name TEXT NOT NULL DEFAULT '',
	family_name TEXT NOT NULL DEFAULT '',
	nhs_number TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	postcode TEXT NOT NULL DEFAULT '',
	date_of_birth TEXT
);
CREATE TABLE device_issues (
	id {{pk}},
	resident_id BIGINT NOT NULL REFERENCES residents(id),
	device_id BIGINT NOT NULL REFERENCES devices(id),
	issued_on TEXT NOT NULL,
	installed_on TEXT,
	removed_on TEXT,
	removal_reason TEXT NOT NULL DEFAULT '',
	removal_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX device_issues_resident ON device_issues (resident_id);
CREATE TABLE assessments (
	id {{pk}},
	resident_id BIGINT NOT NULL REFERENCES residents(id),
	borough_id BIGINT NOT NULL REFERENCES boroughs(id),
	instrument TEXT NOT NULL,
	timepoint TEXT NOT NULL,
	assessed_on TEXT NOT NULL,
	respondent TEXT NOT NULL,
	framework_version TEXT NOT NULL,
	answers TEXT NOT NULL,
	UNIQUE (resident_id, instrument, timepoint)
);
CREATE INDEX assessments_borough ON assessments (borough_id, instrument, timepoint);
CREATE TABLE assessment_scores (
	assessment_id BIGINT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	value DOUBLE PRECISION,
	method TEXT NOT NULL,
	not_scorable TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (assessment_id, name)
);
CREATE TABLE audit_log (
	id {{pk}},
	at TEXT NOT NULL,
	user_id BIGINT NOT NULL DEFAULT 0,
	user_email TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	object_type TEXT NOT NULL DEFAULT '',
	object_id BIGINT NOT NULL DEFAULT 0,
	resident_id BIGINT NOT NULL DEFAULT 0,
	borough_id BIGINT NOT NULL DEFAULT 0,
	remote_addr TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_resident ON audit_log (resident_id);
`
