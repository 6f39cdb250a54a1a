package storage

// schemaV5 names the evaluators of each data sharing agreement: an
// evaluator may export only under an agreement they are named on.
//
//   - agreement_members' primary key serves "who is named on agreement
//     N" (the register page); the index on user_id serves "which
//     agreements name this evaluator" (their exports page, and the check
//     made before every export).
const schemaV5 = `
CREATE TABLE agreement_members (
	agreement_id BIGINT NOT NULL REFERENCES data_sharing_agreements(id) ON DELETE CASCADE,
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	added_on TEXT NOT NULL,
	PRIMARY KEY (agreement_id, user_id)
);
CREATE INDEX agreement_members_user ON agreement_members (user_id)
`
