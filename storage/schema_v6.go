package storage

// schemaV6 keeps what each data sharing agreement has released, so that
// every export is checked together with the earlier ones under the same
// agreement: their pseudonyms are the same, so they can be joined.
//
//   - export_releases has one row per export, recorded with its audit
//     entry before any of it is published. (agreement_id, sequence) is
//     unique: of two exports prepared against the same earlier ones, only
//     the first recorded may be published. levels are the generalisation
//     levels, which the first export fixes for every later one.
//   - export_released_residents holds, per agreement and pseudonym, the
//     quasi-identifiers an evaluator who joins every export knows: no more
//     than the evaluator holds already. The primary key serves reading an
//     agreement's records whole before each export.
const schemaV6 = `
CREATE TABLE export_releases (
	id {{pk}},
	agreement_id BIGINT NOT NULL REFERENCES data_sharing_agreements(id),
	sequence INTEGER NOT NULL,
	made_at TEXT NOT NULL,
	boroughs TEXT NOT NULL,
	k INTEGER NOT NULL,
	levels TEXT NOT NULL,
	residents INTEGER NOT NULL,
	UNIQUE (agreement_id, sequence)
);
CREATE TABLE export_released_residents (
	agreement_id BIGINT NOT NULL REFERENCES data_sharing_agreements(id),
	pseudonym TEXT NOT NULL,
	quasi_identifiers TEXT NOT NULL,
	PRIMARY KEY (agreement_id, pseudonym)
)
`
