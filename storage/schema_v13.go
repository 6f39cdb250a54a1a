package storage

// schemaV13 lets a device issue be recorded once however often its
// request arrives: a form submitted twice (a double click, a reload, a
// retry over a bad connection) or an API call sent again. The request
// carries a key (the form's hidden submission token, or the API's
// Idempotency-Key header), stored with the issue; the unique index makes
// a second issue of a resident with the same key impossible, and serves
// the look-up IssueDeviceOnce makes before it stores one. request_digest
// is the SHA-256 of what the first request asked for, so that a repeat is
// told from another issue sent with the same key even after the issue
// has been installed, reviewed or removed since.
//
// Why a key and not a natural key such as resident, device and date: a
// resident may rightly be issued two units of one product on one day (a
// door sensor for the front door and one for the back), which a natural
// key would refuse.
const schemaV13 = `
ALTER TABLE device_issues ADD COLUMN idempotency_key TEXT;
ALTER TABLE device_issues ADD COLUMN request_digest TEXT;
CREATE UNIQUE INDEX device_issues_idempotency ON device_issues (resident_id, idempotency_key) WHERE idempotency_key IS NOT NULL
`
