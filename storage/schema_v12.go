package storage

// schemaV12 makes a device issue's issuer an account, not free text that
// anyone could fill with any name: issued_by_user_id references the user
// (a practitioner or borough lead of the resident's borough) who issued
// the device, whom storage checks at every issue (IssueDevice).
//
// What was typed before stays readable as it was, renamed issued_by_text
// so that no one takes it for an account: a value that is the email of a
// member of staff of the resident's own borough (what the form put there
// by default, the acting user's email) becomes a reference to that
// account, and any other value (a name, a team, another borough's email)
// is kept as legacy text and shown as recorded. An import may still give
// text, in a column of the same name, at the command line only.
//
// No index: nothing looks issues up by their issuer.
const schemaV12 = `
ALTER TABLE device_issues ADD COLUMN issued_by_user_id BIGINT REFERENCES users(id);
UPDATE device_issues SET issued_by_user_id = (
	SELECT u.id FROM users u JOIN residents r ON r.id = device_issues.resident_id
	WHERE u.email = LOWER(TRIM(device_issues.issued_by)) AND u.borough_id = r.borough_id
		AND u.role IN ('practitioner', 'borough_lead'))
WHERE issued_by <> '';
UPDATE device_issues SET issued_by = '' WHERE issued_by_user_id IS NOT NULL;
ALTER TABLE device_issues RENAME COLUMN issued_by TO issued_by_text
`
