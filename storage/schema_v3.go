package storage

// schemaV3 adds the register of data sharing agreements, under which
// evaluators receive anonymised exports.
//
//   - pseudonym_key is the agreement's 32-byte HMAC key, hex-encoded: the
//     same resident gets the same pseudonym in every export under one
//     agreement and an unlinkable one under another. It is as sensitive
//     as the residents' references it keys, and is kept beside them.
//   - instruments and fields are comma-separated codes; empty means all.
//   - agreement_boroughs is the boroughs an agreement covers; its primary
//     key serves the one query made of it, an agreement's boroughs.
const schemaV3 = `
CREATE TABLE data_sharing_agreements (
	id {{pk}},
	name TEXT NOT NULL UNIQUE,
	parties TEXT NOT NULL DEFAULT '',
	purpose TEXT NOT NULL,
	lawful_basis TEXT NOT NULL DEFAULT '',
	instruments TEXT NOT NULL DEFAULT '',
	fields TEXT NOT NULL DEFAULT '',
	created_on TEXT NOT NULL,
	expires_on TEXT NOT NULL,
	pseudonym_key TEXT NOT NULL
);
CREATE TABLE agreement_boroughs (
	agreement_id BIGINT NOT NULL REFERENCES data_sharing_agreements(id) ON DELETE CASCADE,
	borough_id BIGINT NOT NULL REFERENCES boroughs(id),
	PRIMARY KEY (agreement_id, borough_id)
)
`
