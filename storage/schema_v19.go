package storage

// schemaV19 is a hub's record of federated evidence: the public keys it
// trusts for each borough, the bundles it has imported (one row each, the
// sequence unique per borough so that a replayed bundle is refused by the
// database too), and the released cells of each bundle. Cells keep the
// bundle's numbers as they came (periods and sums as JSON text), since the
// hub computes from them and must not round them.
const schemaV19 = `
CREATE TABLE federation_keys (
	borough TEXT NOT NULL,
	key_id TEXT NOT NULL,
	public_key TEXT NOT NULL,
	trusted_at TEXT NOT NULL,
	PRIMARY KEY (borough, key_id)
);
CREATE TABLE federation_bundles (
	id {{pk}},
	borough TEXT NOT NULL,
	sequence BIGINT NOT NULL,
	key_id TEXT NOT NULL,
	framework_version TEXT NOT NULL,
	period_from INTEGER NOT NULL,
	period_to INTEGER NOT NULL,
	made TEXT NOT NULL,
	imported_at TEXT NOT NULL,
	digest TEXT NOT NULL,
	UNIQUE (borough, sequence)
);
CREATE TABLE federation_cells (
	bundle_id BIGINT NOT NULL REFERENCES federation_bundles (id),
	outcome TEXT NOT NULL,
	timepoint TEXT NOT NULL,
	kind TEXT NOT NULL,
	device_category TEXT NOT NULL,
	arm TEXT NOT NULL,
	periods TEXT NOT NULL,
	n INTEGER NOT NULL,
	record_keys BIGINT NOT NULL,
	sums TEXT NOT NULL
);
CREATE INDEX federation_cells_bundle ON federation_cells (bundle_id, outcome, timepoint)
`
