package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sampleDB imports the committed sample into a fresh SQLite file.
func sampleDB(t *testing.T) string {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "sample.db")
	if code, _, stderr := runCLI(t, append([]string{"import", "--db", dsn}, csvFiles(t, "../../sample-data")...)...); code != 0 {
		t.Fatalf("import sample: %s", stderr)
	}
	return dsn
}

// keygen writes a key pair under dir and returns the private key's path.
func keygen(t *testing.T, dir, name string) string {
	t.Helper()
	key := filepath.Join(dir, name)
	if code, _, stderr := runCLI(t, "keygen", "--out", key); code != 0 {
		t.Fatalf("keygen: %s", stderr)
	}
	return key
}

func share(t *testing.T, dsn, key, borough, out string) string {
	t.Helper()
	if code, _, stderr := runCLI(t, "share", "--db", dsn, "--key", key, "--out", out, "--borough", borough); code != 0 {
		t.Fatalf("share %s: exit %d: %s", borough, code, stderr)
	}
	return out
}

// TestShareHoldsNoResident greps a borough's bundle for every resident
// reference, NHS number, name, postcode and date of the sample: none may
// be in it, nor any date but the bundle's own time made.
func TestShareHoldsNoResident(t *testing.T) {
	dsn := sampleDB(t)
	dir := t.TempDir()
	key := keygen(t, dir, "camden.key")
	if code, _, stderr := runCLI(t, "share", "--db", dsn, "--key", key, "--out", filepath.Join(dir, "x.json")); code != 1 || !strings.Contains(stderr, "--borough") {
		t.Errorf("share of a database of several boroughs without --borough: exit %d, %q", code, stderr)
	}
	data, err := os.ReadFile(share(t, dsn, key, "camden", filepath.Join(dir, "camden.json")))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.Contains(text, `"borough": "camden"`) || !strings.Contains(text, `"swemwbs_raw"`) {
		t.Fatalf("bundle lacks its borough or statistics:\n%.400s", text)
	}
	f, err := os.Open("../../sample-data/residents.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	checked := 0
	for _, r := range rows[1:] {
		if r[col["borough"]] != "camden" {
			continue
		}
		for _, c := range []string{"resident_ref", "nhs_number", "family_name", "postcode", "address", "date_of_birth", "enrolled_on", "registered_on"} {
			if v := r[col[c]]; len(v) >= 4 && strings.Contains(text, v) {
				t.Errorf("bundle holds a resident's %s %q", c, v)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no Camden residents in the sample")
	}
	// The only date is the bundle's own: "made".
	dates := regexp.MustCompile(`\d{4}-\d{2}-\d{2}`).FindAllStringIndex(text, -1)
	made := regexp.MustCompile(`"made": "\d{4}-\d{2}-\d{2}T`).FindStringIndex(text)
	if len(dates) != 1 || made == nil || dates[0][0] < made[0] || dates[0][0] > made[1] {
		t.Errorf("bundle holds dates other than its time made: %d found", len(dates))
	}
	// Every cell of at least the gate's minimum.
	for _, m := range regexp.MustCompile(`"n": (\d+)`).FindAllStringSubmatch(text, -1) {
		if len(m[1]) == 1 && m[1] < "8" {
			t.Errorf("a cell of %s residents left the borough", m[1])
		}
	}
}

// TestHubImport trusts two boroughs' keys and imports their bundles, then
// checks each refusal: a tampered bundle, an untrusted key, a key trusted
// for another borough, a replay, a malformed file; each leaves the hub as
// it was.
func TestHubImport(t *testing.T) {
	dsn := sampleDB(t)
	dir := t.TempDir()
	hub := filepath.Join(dir, "hub.db")
	camdenKey, suttonKey, strayKey := keygen(t, dir, "camden.key"), keygen(t, dir, "sutton.key"), keygen(t, dir, "stray.key")
	for _, tr := range []struct{ borough, key string }{{"camden", camdenKey}, {"sutton", suttonKey}} {
		if code, _, stderr := runCLI(t, "hub", "trust", "--db", hub, "--borough", tr.borough, "--public-key", tr.key+".pub"); code != 0 {
			t.Fatalf("hub trust: %s", stderr)
		}
	}
	camden1 := share(t, dsn, camdenKey, "camden", filepath.Join(dir, "camden-1.json"))
	camden2 := share(t, dsn, camdenKey, "camden", filepath.Join(dir, "camden-2.json"))
	sutton := share(t, dsn, suttonKey, "sutton", filepath.Join(dir, "sutton.json"))
	stray := share(t, dsn, strayKey, "sutton", filepath.Join(dir, "stray.json"))
	// Camden's key signing a bundle that says it is Sutton's.
	posing := share(t, dsn, camdenKey, "sutton", filepath.Join(dir, "posing.json"))
	good, err := os.ReadFile(camden2)
	if err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(dir, "tampered.json")
	changed := regexp.MustCompile(`"n": (\d+)`).ReplaceAllString(string(good), `"n": 9${1}`)
	if err := os.WriteFile(tampered, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	malformed := filepath.Join(dir, "malformed.json")
	if err := os.WriteFile(malformed, good[:len(good)/2], 0o644); err != nil {
		t.Fatal(err)
	}

	list := func() string {
		_, out, _ := runCLI(t, "hub", "list", "--db", hub)
		return out
	}
	steps := []struct {
		name  string
		files []string
		code  int
		msg   string
	}{
		{"malformed", []string{sutton, malformed}, 1, "not an evidence bundle"},
		{"first", []string{camden2}, 0, "imported bundle 2 of camden"},
		{"replay", []string{camden1}, 1, "already imported"},
		{"replay of the same", []string{camden2}, 1, "already imported"},
		{"tampered", []string{tampered}, 1, "does not verify"},
		{"untrusted key", []string{stray}, 1, "does not trust"},
		{"key of another borough", []string{posing}, 1, "trusted for another borough"},
		{"second borough", []string{sutton}, 0, "imported bundle 1 of sutton"},
	}
	for _, s := range steps {
		before := list()
		code, out, stderr := runCLI(t, append([]string{"hub", "import", "--db", hub}, s.files...)...)
		if code != s.code || !strings.Contains(out+stderr, s.msg) {
			t.Errorf("%s: exit %d, %q %q; want %d and %q", s.name, code, out, stderr, s.code, s.msg)
		}
		if s.code != 0 && list() != before {
			t.Errorf("%s: the refused import changed the hub:\n%s\nto\n%s", s.name, before, list())
		}
	}
	out := list()
	if !regexp.MustCompile(`(?m)^camden +2 `).MatchString(out) || !regexp.MustCompile(`(?m)^sutton +1 `).MatchString(out) {
		t.Errorf("hub list:\n%s", out)
	}
}
