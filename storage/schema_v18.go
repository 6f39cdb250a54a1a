package storage

// schemaV18 lets an administrator give a user a one-time link to set
// their password, in the browser, instead of typing one for them at the
// command line: password_resets keeps only the SHA-256 of each link's
// token (as sessions do), with its account, when it was made, until when
// it works, and when it was used, so that it works once. Its index serves
// the making of a new link, which retires the account's earlier ones.
const schemaV18 = `
CREATE TABLE password_resets (
	token_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at BIGINT
);
CREATE INDEX password_resets_user ON password_resets (user_id)
`
