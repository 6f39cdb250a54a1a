package storage

// schemaV2 adds accounts, sessions and the login-failure counters. They live
// in the database, not in a server's memory, so that several server
// processes on one PostgreSQL behave as one: a session made by one is
// honoured by all, and a login rate limit is not multiplied by their number.
//
// Times here are Unix seconds (BIGINT): both databases compare them alike,
// and expiry checks are plain integer comparisons.
//
//   - sessions keep only the SHA-256 of their token, so a copy of the
//     database does not hand out live sessions; kind is "cookie" (pages,
//     with a CSRF token) or "bearer" (the API), and neither is accepted as
//     the other.
//   - login_failures keys are SHA-256 hashes of "email:..." or "ip:...",
//     so the table holds neither addresses nor emails typed at the form.
//   - audit_log (user_id, at) and (action, at): the administrator's filters.
const schemaV2 = `
CREATE TABLE users (
	id {{pk}},
	email TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL,
	borough_id BIGINT REFERENCES boroughs(id),
	password_hash TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	disabled BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	csrf_token TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE TABLE login_failures (
	id {{pk}},
	key_hash TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key_hash, at);
CREATE INDEX audit_log_user ON audit_log (user_id, at);
CREATE INDEX audit_log_action ON audit_log (action, at)
`
