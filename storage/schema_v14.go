package storage

// schemaV14 lets login_failures hold sign-ins still in progress as well as
// failures: a sign-in records its attempt (pending) before it checks the
// password, so that concurrent attempts can count each other, and then
// either turns it into a failure or deletes it. Only failures, and
// attempts pending so long that their process must have died, count
// against a limit; a sign-in that finds attempts in progress ahead of it
// waits for them instead of being refused. Keys are now the SHA-256 of
// "email:...", "addr:..." (the client address) and "pair:..." (the two
// together, for the address limit; see LoginLimits).
const schemaV14 = `
ALTER TABLE login_failures ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE
`
