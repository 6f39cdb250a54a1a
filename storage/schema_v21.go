package storage

// schemaV21 keeps federated evidence safe across time and keys. At a
// hub, a borough's key can be retired (retired_at), after which bundles it
// signed are refused, while the borough's sequence numbers run on across
// its keys. In a borough's own database, the share ledger holds, for each
// outcome, follow-up, device category and arm, the cells its last bundle
// released, and share_sequences the borough's last bundle number, so
// that `ateval share` can refuse to release a change of fewer residents
// than a cell holds (see federation.Successive) and a new key continues
// the numbering.
const schemaV21 = `
ALTER TABLE federation_keys ADD COLUMN retired_at TEXT;
CREATE TABLE share_ledger (
	borough TEXT NOT NULL,
	outcome TEXT NOT NULL,
	timepoint TEXT NOT NULL,
	device_category TEXT NOT NULL,
	arm TEXT NOT NULL,
	cells TEXT NOT NULL,
	sequence BIGINT NOT NULL,
	PRIMARY KEY (borough, outcome, timepoint, device_category, arm)
);
CREATE TABLE share_sequences (
	borough TEXT PRIMARY KEY,
	sequence BIGINT NOT NULL,
	key_id TEXT NOT NULL,
	made TEXT NOT NULL
)
`
