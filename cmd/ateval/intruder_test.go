package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/exports/exportstest"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// firstExport is the database without its ledger: every export is
// prepared as if it were the first ever, as each agreement's first export
// was with a ledger per agreement. Only the unsafe release of
// TestIntruderJoinSample is made through it, and never recorded.
type firstExport struct{ *storage.DB }

func (firstExport) ExportReleases(context.Context, int64) (exports.Released, error) {
	return exports.Released{}, nil
}

// unsafeExport makes an export through firstExport, to memory.
func unsafeExport(t *testing.T, db *storage.DB, a exports.Agreement, layout string, k int) (exportstest.Export, exports.Disclosure) {
	t.Helper()
	ctx := ateval.SystemContext(context.Background())
	p, err := exports.Prepare(ctx, firstExport{db}, exports.Options{Agreement: &a, Layout: layout, K: k, Today: db.View(ctx).Today()})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := p.WriteCSV(ctx, &buf, nil); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return exportstest.Export{Records: recs, Boroughs: a.Boroughs}, p.Disclosure()
}

// TestIntruderJoinSample is issue 13's attack on real output: the whole
// committed sample in a SQLite file, an agreement for four boroughs and
// one for all sixteen, an export under each through the command line
// (long at k 5 then 10, then wide at k 10 then 5), and the intruder's join
// of each pair of CSV files on the answers and scores. No resident linked
// across the two may be in a class of the join smaller than k. The same
// attack on the same exports made as each agreement's first (the ledger
// per agreement, bypassed here by preparing them without it) must find
// residents in classes under k: the attack works, and the test can fail.
func TestIntruderJoinSample(t *testing.T) {
	if testing.Short() {
		t.Skip("exports the whole sample four times; exports' TestIntruderJoin attacks generated exports in short")
	}
	dsn := filepath.Join(t.TempDir(), "ateval.db")
	loadSample(t, dsn)
	var all []string
	seen := map[string]bool{}
	for _, r := range sampleFile(t, "residents.csv") {
		if !seen[r["borough"]] {
			seen[r["borough"]] = true
			all = append(all, r["borough"])
		}
	}
	sort.Strings(all)
	four := []string{"brent", "camden", "croydon", "ealing"}
	idA := addAgreement(t, dsn, "four boroughs", strings.Join(four, ","))
	idB := addAgreement(t, dsn, "every borough", strings.Join(all, ","))
	db := storagetest.Open(t, dsn)
	sys := ateval.SystemContext(context.Background())
	agreementOf := func(id string) exports.Agreement {
		t.Helper()
		as, err := db.Agreements(sys)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if a.Name == map[bool]string{true: "four boroughs", false: "every borough"}[id == idA] {
				return a
			}
		}
		t.Fatalf("no agreement %s", id)
		return exports.Agreement{}
	}
	a, b := agreementOf(idA), agreementOf(idB)
	dir := t.TempDir()
	for _, tc := range []struct {
		layout string
		kA, kB int
	}{{exports.LayoutLong, 5, 10}, {exports.LayoutWide, 10, 5}} {
		k := min(tc.kA, tc.kB)
		uA, _ := unsafeExport(t, db, a, tc.layout, tc.kA)
		uB, _ := unsafeExport(t, db, b, tc.layout, tc.kB)
		unsafe, err := exportstest.Link(uA, uB)
		if err != nil {
			t.Fatal(err)
		}
		if unsafe.Linked < 1000 || unsafe.Below(k) == 0 {
			t.Fatalf("%s, without the one ledger: %v, %d linked residents in classes under k = %d; want most of the four boroughs' linked, some exposed",
				tc.layout, unsafe, unsafe.Below(k), k)
		}

		pathA, pathB := filepath.Join(dir, tc.layout+"-a.csv"), filepath.Join(dir, tc.layout+"-b.csv")
		sA := exportstest.Export{Records: runExportCLI(t, dsn, idA, pathA, "--layout", tc.layout, "--k", itoa(tc.kA)), Boroughs: four}
		sB := exportstest.Export{Records: runExportCLI(t, dsn, idB, pathB, "--layout", tc.layout, "--k", itoa(tc.kB)), Boroughs: all}
		safe, err := exportstest.Link(sA, sB)
		if err != nil {
			t.Fatal(err)
		}
		// Residents of the four boroughs withheld from the second export
		// are not linked: the rest are, on their answers alone.
		if safe.Linked == 0 || safe.Ambiguous > 0 || safe.Below(k) > 0 {
			t.Errorf("%s, with the one ledger: %v; %d linked residents in classes under k = %d", tc.layout, safe, safe.Below(k), k)
		}
		d := disclosureOf(t, pathB)
		t.Logf("%s, k %d then %d: without the one ledger %d of %d residents linked, %d in classes under k = %d (smallest %d), %d residents in the second export; "+
			"with it %d linked, smallest class %d, %d residents in the second export, %d withheld for the earlier exports (%d values), checked against %d exports under %d agreements",
			tc.layout, tc.kA, tc.kB, unsafe.Linked, unsafe.Linked+unsafe.Ambiguous+unsafe.Unmatched, unsafe.Below(k), k, unsafe.Smallest, residentsOf(uB),
			safe.Linked, safe.Smallest, d.Residents, d.ResidentsWithheld, d.ValuesWithheld, d.EarlierExports, d.EarlierAgreements)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// disclosureOf reads the disclosure report from the codebook written
// beside an export.
func disclosureOf(t *testing.T, path string) exports.Disclosure {
	t.Helper()
	b, err := os.ReadFile(strings.TrimSuffix(path, ".csv") + ".codebook.json")
	if err != nil {
		t.Fatal(err)
	}
	var cb exports.Codebook
	if err := json.Unmarshal(b, &cb); err != nil {
		t.Fatal(err)
	}
	return cb.Disclosure
}

func residentsOf(e exportstest.Export) int {
	seen := map[string]bool{}
	for _, r := range e.Records[1:] {
		seen[r[0]] = true
	}
	return len(seen)
}
