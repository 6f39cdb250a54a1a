package storage

// schemaV16 keeps every objection a resident withdrew. An objection to
// the use of a resident's data for evaluation (UK GDPR article 21) may
// be withdrawn: residents.objected_on is then cleared, so the resident
// counts again from then on, and the objection, with the day it was
// withdrawn and who recorded that, is kept here. The index serves the
// resident's timeline.
const schemaV16 = `
CREATE TABLE objection_withdrawals (
	id {{pk}},
	resident_id BIGINT NOT NULL REFERENCES residents(id),
	objected_on TEXT NOT NULL,
	withdrawn_on TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	recorded_by BIGINT REFERENCES users(id),
	recorded_by_email TEXT NOT NULL DEFAULT ''
);
CREATE INDEX objection_withdrawals_resident ON objection_withdrawals (resident_id, id)
`
