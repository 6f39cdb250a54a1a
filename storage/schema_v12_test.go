package storage_test

import (
	"context"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestIssuerBecomesAnAccount builds a database as release 8 left it, with
// who issued each device typed as text, and checks that migration 12 makes
// the email of a member of staff of the resident's borough a reference to
// that account (whatever its case and spaces), and keeps any other text
// (a name, another borough's email, a commissioner's) as it was, as text.
func TestIssuerBecomesAnAccount(t *testing.T) {
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := migratedTo(t, d, 11,
				`INSERT INTO boroughs (id, slug, name) VALUES (1, 'camden', 'Camden'), (2, 'sutton', 'Sutton')`,
				`INSERT INTO users (id, email, role, borough_id, password_hash, created_at) VALUES
					(1, 'prac@camden.example', 'practitioner', 1, 'x', 0),
					(2, 'prac@sutton.example', 'practitioner', 2, 'x', 0),
					(3, 'comm@example.org', 'commissioner', NULL, 'x', 0)`,
				`INSERT INTO residents (id, borough_id, reference, year_of_birth, sex, ethnic_group, living_alone, primary_support_reason, registered_on)
					VALUES (1, 1, 'CAM-1', 1940, 'female', 'white', TRUE, 'physical', '2025-01-01')`,
				`INSERT INTO devices (id, code, category, product) VALUES (1, 'pendant-a', 'community-alarm', 'Pendant A')`,
				`INSERT INTO device_issues (id, resident_id, device_id, issued_on, issued_by) VALUES
					(1, 1, 1, '2025-02-01', 'prac@camden.example'),
					(2, 1, 1, '2025-02-01', ' Prac@Camden.example '),
					(3, 1, 1, '2025-02-01', 'Jo Bloggs, TEC team'),
					(4, 1, 1, '2025-02-01', 'prac@sutton.example'),
					(5, 1, 1, '2025-02-01', 'comm@example.org'),
					(6, 1, 1, '2025-02-01', '')`,
			)
			applied, err := db.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(applied) == 0 || applied[0] != 12 {
				t.Fatalf("applied %v, want 12 first", applied)
			}
			rec, err := db.ResidentRecord(ateval.SystemContext(ctx), 1)
			if err != nil {
				t.Fatal(err)
			}
			type issuer struct {
				id          int64
				email, text string
			}
			want := map[int64]issuer{
				1: {1, "prac@camden.example", ""},
				2: {1, "prac@camden.example", ""},
				3: {0, "", "Jo Bloggs, TEC team"},
				4: {0, "", "prac@sutton.example"},
				5: {0, "", "comm@example.org"},
				6: {0, "", ""},
			}
			if len(rec.DeviceIssues) != len(want) {
				t.Fatalf("%d issues, want %d", len(rec.DeviceIssues), len(want))
			}
			for _, di := range rec.DeviceIssues {
				if got := (issuer{di.IssuedByID, di.IssuedBy, di.IssuedByText}); got != want[di.ID] {
					t.Errorf("issue %d: issued by %+v, want %+v", di.ID, got, want[di.ID])
				}
			}
		})
	}
}
