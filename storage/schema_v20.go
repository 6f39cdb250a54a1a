package storage

// schemaV20 records, per borough and device category, the periods in
// which the borough allocated residents at random to the device or to its
// comparison group (ateval.RandomisedTrial). A report's certainty starts
// high for a comparison resting only on them. A trial is kept by borough
// and category, since a borough randomises one service at a time and a
// commissioner asks "did Croydon randomise its fall detectors?"; ends_on
// is ” while the trial runs.
const schemaV20 = `
CREATE TABLE randomised_trials (
	id {{pk}},
	borough_id BIGINT NOT NULL REFERENCES boroughs(id),
	device_category TEXT NOT NULL REFERENCES device_categories(id),
	starts_on TEXT NOT NULL,
	ends_on TEXT NOT NULL DEFAULT '',
	recorded_at TEXT NOT NULL,
	UNIQUE (borough_id, device_category, starts_on)
)`
