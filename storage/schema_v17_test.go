package storage_test

import (
	"context"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestIdentifiersNormalised builds a database as release 15 left it, with
// NHS numbers and postcodes as they were typed, and checks that migration
// 17 stores each one way, and leaves what is neither as it was.
func TestIdentifiersNormalised(t *testing.T) {
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := migratedTo(t, d, 16,
				`INSERT INTO boroughs (id, slug, name) VALUES (1, 'camden', 'Camden')`,
				`INSERT INTO residents (id, borough_id, reference, year_of_birth, sex, ethnic_group, living_alone, primary_support_reason, registered_on)
					VALUES (1, 1, 'CAM-1', 1940, 'female', 'white', TRUE, 'physical', '2025-01-01'),
					(2, 1, 'CAM-2', 1940, 'female', 'white', TRUE, 'physical', '2025-01-01'),
					(3, 1, 'CAM-3', 1940, 'female', 'white', TRUE, 'physical', '2025-01-01')`,
				`INSERT INTO resident_identities (resident_id, nhs_number, postcode) VALUES
					(1, '943 476 5919', 'nw1 8nh'), (2, '9434765919', 'NW1 8NH'), (3, 'unknown', 'abroad')`,
			)
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for id, want := range map[int64][2]string{1: {"9434765919", "NW1 8NH"}, 2: {"9434765919", "NW1 8NH"}, 3: {"unknown", "abroad"}} {
				rec, err := db.ResidentRecord(ateval.SystemContext(ctx), id)
				if err != nil {
					t.Fatal(err)
				}
				if got := [2]string{rec.Identity.NHSNumber, rec.Identity.Postcode}; got != want {
					t.Errorf("resident %d: %q, want %q", id, got, want)
				}
			}
		})
	}
}
