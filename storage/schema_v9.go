package storage

// schemaV9 gives every resident a record key, the random number from 0 to
// 255 of the cell-key method (see package disclosure): a published count's
// perturbation is read from the sum of its residents' keys, so the same
// residents always get the same noise. Keys are drawn by the database, for
// residents already stored here and, for new ones, by RecordKeys before a
// report reads its summaries.
const schemaV9 = `
ALTER TABLE residents ADD COLUMN record_key INTEGER;
UPDATE residents SET record_key = abs(random()) % 256
`

const schemaV9Postgres = `
ALTER TABLE residents ADD COLUMN record_key INTEGER;
UPDATE residents SET record_key = floor(random() * 256)::int
`
