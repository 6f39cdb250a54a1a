package storage

// schemaV11 gives each data sharing agreement the smallest k an export
// under it may be made at: the agreement, not the evaluator exporting,
// sets how hard re-identification must be, and an export may ask for
// more, never less. Agreements registered before keep the default, 5.
const schemaV11 = `
ALTER TABLE data_sharing_agreements ADD COLUMN min_k INTEGER NOT NULL DEFAULT 5
`
