package storage_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/sharing"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestOneLedger builds a database as release 8 left it, with a ledger per
// agreement keyed by each agreement's pseudonyms, and checks that
// migration 10 carries every record into the one ledger, keyed by the
// resident whatever the agreement: a suppressed borough becomes the
// agreement's boroughs, a resident published under two agreements gets
// the join of both records, a pseudonym whose resident is gone still
// counts, and the exports are numbered across agreements in the order
// they were recorded.
func TestOneLedger(t *testing.T) {
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			ctx := context.Background()
			key1, key2 := bytes.Repeat([]byte{1}, sharing.KeySize), bytes.Repeat([]byte{2}, sharing.KeySize)
			rec := func(agreement int, key []byte, resident int64, qis string) string {
				ps := "ps_gone0000000000"
				if resident > 0 {
					ps = sharing.Pseudonym(key, resident)
				}
				return fmt.Sprintf(`INSERT INTO export_released_residents (agreement_id, pseudonym, quasi_identifiers) VALUES (%d, '%s', '%s')`,
					agreement, ps, `["`+strings.ReplaceAll(qis, "|", `","`)+`"]`)
			}
			db, sqlDB := migratedTo(t, d, 9,
				`INSERT INTO boroughs (id, slug, name) VALUES (1, 'camden', 'Camden'), (2, 'sutton', 'Sutton'), (3, 'brent', 'Brent')`,
				`INSERT INTO residents (id, borough_id, reference, year_of_birth, sex, ethnic_group, living_alone, primary_support_reason, registered_on, evaluation_group, enrolled_on)
					VALUES (1, 1, 'CAM-1', 1958, 'female', 'white', TRUE, 'physical', '2025-01-01', 'intervention', '2025-01-02'),
					(2, 2, 'SUT-1', 1940, 'male', 'asian', FALSE, 'physical', '2025-01-01', 'comparison', '2025-01-02')`,
				`INSERT INTO data_sharing_agreements (id, name, purpose, created_on, expires_on, pseudonym_key)
					VALUES (1, 'first', 'p', '2025-01-01', '2099-01-01', '`+hex.EncodeToString(key1)+`'),
					(2, 'second', 'p', '2025-01-01', '2099-01-01', '`+hex.EncodeToString(key2)+`')`,
				`INSERT INTO agreement_boroughs (agreement_id, borough_id) VALUES (1, 1), (1, 2), (2, 1), (2, 2), (2, 3)`,
				`INSERT INTO export_releases (agreement_id, sequence, made_at, boroughs, k, levels, residents)
					VALUES (1, 1, '2026-01-01', 'camden,sutton', 5, '[0,0,0,0,0,0,0]', 2)`,
				`INSERT INTO export_releases (agreement_id, sequence, made_at, boroughs, k, levels, residents)
					VALUES (2, 1, '2026-02-01', 'camden,sutton,brent', 7, '[1,0,1,0,1,0,0]', 2)`,
				`INSERT INTO export_releases (agreement_id, sequence, made_at, boroughs, k, levels, residents)
					VALUES (1, 2, '2026-03-01', 'camden,sutton', 5, '[0,0,0,0,0,0,0]', 2)`,
				rec(1, key1, 1, "65-69|female|white|*|community-alarm|yes|intervention"),
				rec(1, key1, 2, "85-89|male|asian|sutton|none|no|comparison"),
				rec(2, key2, 1, "60-69|female|*|*|alarm|yes|intervention"),
				rec(2, key2, 0, "80-89|*|*|*|none|*|comparison"),
			)
			applied, err := db.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(applied) == 0 || applied[0] != 10 {
				t.Fatalf("applied %v, want 10 first", applied)
			}
			var n int
			if err := sqlDB.QueryRow(`SELECT COUNT(*) FROM export_released_residents`).Scan(&n); err == nil {
				t.Error("export_released_residents is still there")
			}
			sys := ateval.SystemContext(ctx)
			got, err := db.ExportReleases(sys, 1)
			if err != nil {
				t.Fatal(err)
			}
			if got.Exports != 3 || got.Agreements != 2 || fmt.Sprint(got.Levels) != "[0 0 0 0 0 0 0]" || len(got.Records) != 3 {
				t.Fatalf("the ledger after migration: %+v; want 3 exports under 2 agreements, the first export's levels, 3 residents", got)
			}
			ledger := map[int]string{} // by year of birth
			for _, b := range []string{"camden", "sutton"} {
				if err := db.ExportSubjects(sys, 2, []string{b}, func(s sharing.Subject) error { ledger[s.YearOfBirth] = s.Ledger; return nil }); err != nil {
					t.Fatal(err)
				}
			}
			for yob, want := range map[int]string{
				1958: "60-69&65-69|female|white|camden+sutton|alarm&community-alarm|yes|intervention k 7",
				1940: "85-89|male|asian|sutton|none|no|comparison k 5",
			} {
				if e := got.Records[ledger[yob]]; fmt.Sprintf("%s k %d", strings.Join(e.Record, "|"), e.K) != want {
					t.Errorf("the resident born in %d: ledger entry %v, want %s", yob, e, want)
				}
			}
			orphans := 0
			for lk, e := range got.Records {
				if lk != ledger[1958] && lk != ledger[1940] {
					orphans++
					if strings.Join(e.Record, "|") != "80-89|*|*|brent+camden+sutton|none|*|comparison" || e.K != 7 {
						t.Errorf("the entry of a resident no longer stored: %v", e)
					}
				}
			}
			if orphans != 1 {
				t.Errorf("%d records of residents no longer stored, want 1", orphans)
			}
			entry := ateval.AuditEntry{Action: ateval.ActionExport, ObjectType: "agreement", ObjectID: 2}
			if err := db.RecordExport(sys, &sharing.Release{AgreementID: 2, Sequence: 3, Boroughs: []string{"brent"}}, entry); ateval.ErrorCode(err) != ateval.ECONFLICT {
				t.Errorf("an export numbered 3 after 3 migrated ones: %v, want conflict", err)
			}
			if err := db.RecordExport(sys, &sharing.Release{AgreementID: 2, Sequence: 4, Boroughs: []string{"brent"}, Levels: got.Levels}, entry); err != nil {
				t.Errorf("the export after the migrated ones: %v", err)
			}
		})
	}
}
