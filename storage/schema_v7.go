package storage

// schemaV7 indexes assessments by instrument and timepoint, for the
// evidence report's per-borough summaries: each reads one instrument at
// baseline and one follow-up across every borough, and without this index
// SQLite scanned every score row of the database for each (0.9 s a query at
// a million assessments; 0.12 s with it). resident_id completes the index
// so the baseline-to-follow-up pairing reads it alone.
const schemaV7 = `
CREATE INDEX assessments_instrument ON assessments (instrument, timepoint, resident_id)
`
