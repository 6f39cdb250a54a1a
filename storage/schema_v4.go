package storage

// schemaV4 adds what the practitioner's register needs of device issues:
//
//   - asset_tag names one physical unit of a borough's stock, so that a
//     returned unit can be issued again and never to two residents at
//     once; the partial index serves the overlap check made at each issue.
//   - issued_by and need are free text for the resident's care (who
//     issued the device, the need it meets); exports never read them.
//   - device_reviews are the checks made since issue; the index serves a
//     resident's timeline.
//   - residents (borough_id, enrolled_on) serves the borough's due list,
//     which reads every enrolled resident of a borough in one query.
const schemaV4 = `
ALTER TABLE device_issues ADD COLUMN asset_tag TEXT NOT NULL DEFAULT '';
ALTER TABLE device_issues ADD COLUMN issued_by TEXT NOT NULL DEFAULT '';
ALTER TABLE device_issues ADD COLUMN need TEXT NOT NULL DEFAULT '';
CREATE INDEX device_issues_asset_tag ON device_issues (asset_tag) WHERE asset_tag <> '';
CREATE TABLE device_reviews (
	id {{pk}},
	device_issue_id BIGINT NOT NULL REFERENCES device_issues(id) ON DELETE CASCADE,
	reviewed_on TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX device_reviews_issue ON device_reviews (device_issue_id, reviewed_on);
CREATE INDEX residents_enrolled ON residents (borough_id, enrolled_on)
`
