package main

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/ateval/ateval/importer"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/forms"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// sampleFile reads one committed sample CSV file whole, keyed by header.
func sampleFile(t testing.TB, name string) []map[string]string {
	t.Helper()
	srcs, err := importer.FromFS(sampledata.Committed())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if s.Name != name {
			continue
		}
		recs, err := csv.NewReader(s.R).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var out []map[string]string
		for _, r := range recs[1:] {
			m := map[string]string{}
			for i, h := range recs[0] {
				m[h] = r[i]
			}
			out = append(out, m)
		}
		return out
	}
	t.Fatalf("no sample file %s", name)
	return nil
}

func readCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll() // fails on inconsistent field counts
	if err != nil {
		t.Fatalf("%s does not reload as CSV: %v", path, err)
	}
	return recs
}

func addAgreement(t *testing.T, dsn, name, boroughs string) string {
	t.Helper()
	code, out, errs := runCLI(t, "agreement", "add", "--db", dsn, "--name", name, "--purpose", "evaluation of falls outcomes",
		"--boroughs", boroughs, "--expires", "2099-01-01")
	if code != 0 {
		t.Fatalf("agreement add: exit %d: %s", code, errs)
	}
	return strings.TrimSpace(out)
}

func runExportCLI(t *testing.T, dsn, agreement, out string, extra ...string) [][]string {
	t.Helper()
	args := append([]string{"export", "--db", dsn, "--agreement", agreement, "--out", out}, extra...)
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	return readCSV(t, out)
}

// published is each exported resident's quasi-identifiers, by pseudonym.
func published(recs [][]string) map[string][]string {
	out := map[string][]string{}
	for _, r := range recs[1:] {
		out[r[0]] = r[1:8] // the quasi-identifiers and the group
	}
	return out
}

// TestExportSample is the proof on the whole sample, on SQLite and
// PostgreSQL: k-anonymity, no identifier, stable pseudonyms, linkage,
// clean reload, a complete codebook and an audit record. Under -short it
// runs on SQLite only: the whole sample on a second database is a scale
// run (90 s of the 160 s it took on the shared two-core machine), and
// storage's export tests hold both databases to the same rows.
func TestExportSample(t *testing.T) {
	residents := sampleFile(t, "residents.csv")
	boroughSet := map[string]bool{}
	for _, r := range residents {
		boroughSet[r["borough"]] = true
	}
	var boroughs []string
	for b := range boroughSet {
		boroughs = append(boroughs, b)
	}
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			if testing.Short() && d.Name != "sqlite" {
				t.Skip("the whole sample on " + d.Name + " too: run without -short")
			}
			loadSample(t, d.URL)
			dir := t.TempDir()
			a1 := addAgreement(t, d.URL, "first", strings.Join(boroughs, ","))
			a2 := addAgreement(t, d.URL, "second", strings.Join(boroughs, ","))
			long := runExportCLI(t, d.URL, a1, filepath.Join(dir, "long.csv"))
			again := runExportCLI(t, d.URL, a1, filepath.Join(dir, "again.csv"), "--layout", "wide")
			other := runExportCLI(t, d.URL, a2, filepath.Join(dir, "other.csv"))

			p1, pAgain, p2 := published(long), published(again), published(other)
			if len(p1) < 2900 || len(pAgain) != len(p1) || len(p2) != len(p1) {
				t.Fatalf("residents exported: %d, %d (wide), %d (second agreement)", len(p1), len(pAgain), len(p2))
			}
			for ps := range p1 {
				if _, ok := pAgain[ps]; !ok {
					t.Fatalf("pseudonym %s is not stable across two exports under one agreement", ps)
				}
				if _, ok := p2[ps]; ok {
					t.Fatalf("pseudonym %s appears under two agreements", ps)
				}
			}
			if len(long)-1 != len(again)-1+0 && len(again)-1 != len(p1) {
				t.Errorf("wide export has %d rows for %d residents", len(again)-1, len(p1))
			}

			checkKAnonymous(t, p1, exports.DefaultK)
			checkKAnonymous(t, pAgain, exports.DefaultK)
			checkLinkage(t, residents, p1, exports.DefaultK)
			checkNoIdentifiers(t, residents, dir)
			checkCodebook(t, filepath.Join(dir, "long.codebook.json"), long[0])
			checkCodebook(t, filepath.Join(dir, "again.codebook.json"), again[0])
			checkTyped(t, filepath.Join(dir, "long.codebook.json"), long)
			checkTyped(t, filepath.Join(dir, "again.codebook.json"), again)
			if d.Name == storagetest.DSNs(t)[0].Name {
				checkLoadsInR(t, dir, "again")
			}
			checkAudit(t, d.URL, a1, filepath.Join(dir, "long.csv"), len(long)-1)
		})
	}
}

// checkTyped checks every cell against its column's type in the
// codebook: a number column holds numbers or nothing, never a reason; a
// category one of its levels or nothing.
func checkTyped(t *testing.T, codebook string, recs [][]string) {
	t.Helper()
	b, err := os.ReadFile(codebook)
	if err != nil {
		t.Fatal(err)
	}
	var cb exports.Codebook
	if err := json.Unmarshal(b, &cb); err != nil {
		t.Fatal(err)
	}
	bad := map[string]int{}
	for i, c := range cb.Columns {
		levels := map[string]bool{}
		for _, l := range c.Levels {
			levels[l.Code] = true
		}
		for _, r := range recs[1:] {
			v := r[i]
			if v == "" {
				continue
			}
			switch c.Type {
			case "integer", "decimal":
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					bad[c.Name]++
				}
			case "category":
				if !levels[v] {
					bad[c.Name]++
				}
			}
		}
	}
	for name, n := range bad {
		t.Errorf("%s: column %s has %d cells not of its type", codebook, name, n)
	}
}

// checkLoadsInR sources the R syntax written beside an export of the
// whole sample in R, and checks that every column the codebook calls a
// number is numeric there, blank in every row or not.
func checkLoadsInR(t *testing.T, dir, base string) {
	t.Helper()
	bin, err := exec.LookPath("Rscript")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but no Rscript: .ci/run installs r-base-core")
		}
		t.Log("no Rscript: the R syntax is not run")
		return
	}
	b, err := os.ReadFile(filepath.Join(dir, base+".codebook.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cb exports.Codebook
	if err := json.Unmarshal(b, &cb); err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for _, c := range cb.Columns {
		if c.Type == "integer" || c.Type == "decimal" || c.Type == "category" && c.Item != "" && c.MissingFor == "" {
			numbers = append(numbers, strconv.Quote(c.Name))
		}
	}
	check := `source("` + base + `.R")
numbers <- c(` + strings.Join(numbers, ", ") + `)
typed <- sapply(numbers, function(n) is.numeric(data[[n]]))
if (!all(typed)) stop("not numeric: ", paste(numbers[!typed], collapse = ", "))
empty <- sapply(data, function(x) all(is.na(x)))
cat(nrow(data), "rows;", sum(typed), "of", length(numbers), "number columns numeric;", sum(empty), "columns blank in every row\n")
`
	if err := os.WriteFile(filepath.Join(dir, "check.R"), []byte(check), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--vanilla", "check.R")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	os.Remove(filepath.Join(dir, "check.R"))
	if err != nil {
		t.Fatalf("R could not load %s.csv with %s.R: %v\n%s", base, base, err, out)
	}
	t.Logf("R: %s", strings.TrimSpace(string(out)))
}

func checkKAnonymous(t *testing.T, pub map[string][]string, k int) {
	t.Helper()
	classes := map[string]int{}
	for _, q := range pub {
		classes[strings.Join(q, "|")]++
	}
	for key, n := range classes {
		if n < k {
			t.Errorf("quasi-identifiers %s are shared by %d residents, fewer than k = %d", key, n, k)
		}
	}
}

// checkLinkage plays the attacker who knows every resident's true
// quasi-identifiers: each resident in the export must match at least k
// exported residents on what is published.
func checkLinkage(t *testing.T, residents []map[string]string, pub map[string][]string, k int) {
	t.Helper()
	category := map[string]string{}
	for _, d := range sampleFile(t, "devices.csv") {
		category[d["device"]] = d["category"]
	}
	first := map[string]string{} // borough/ref -> category of the earliest issue
	firstOn := map[string]string{}
	for _, di := range sampleFile(t, "device_issues.csv") {
		key := di["borough"] + "/" + di["resident_ref"]
		if on, ok := firstOn[key]; !ok || di["issued_on"] < on {
			firstOn[key], first[key] = di["issued_on"], category[di["device"]]
		}
	}
	covers := func(published, age string) bool {
		a, _ := strconv.Atoi(age)
		switch {
		case published == exports.Suppressed:
			return true
		case strings.HasSuffix(published, "+"):
			lo, _ := strconv.Atoi(strings.TrimSuffix(published, "+"))
			return a >= lo
		}
		lo, hi, _ := strings.Cut(published, "-")
		l, _ := strconv.Atoi(lo)
		h, _ := strconv.Atoi(hi)
		return a >= l && a <= h
	}
	tested := 0
	for _, r := range residents {
		if r["enrolled_on"] == "" || r["objected_on"] != "" {
			continue
		}
		tested++
		yob, _ := strconv.Atoi(r["year_of_birth"])
		enrolled, _ := strconv.Atoi(r["enrolled_on"][:4])
		age := strconv.Itoa(enrolled - yob)
		dev := first[r["borough"]+"/"+r["resident_ref"]]
		if dev == "" {
			dev = exports.NoDevice
		}
		anyDev := exports.AnyDevice
		if dev == exports.NoDevice {
			anyDev = exports.NoDevice
		}
		living := map[string]string{"true": "yes", "false": "no"}[r["living_alone"]]
		one := func(got string, allowed ...string) bool {
			for _, a := range allowed {
				if got == a {
					return true
				}
			}
			return got == exports.Suppressed
		}
		matches := 0
		for _, q := range pub {
			if covers(q[0], age) && one(q[1], r["sex"]) &&
				one(q[2], r["ethnic_group"], exports.BroadEthnicGroup(devicesEthnic(r["ethnic_group"]))) &&
				one(q[3], r["borough"]) && one(q[4], dev, exports.DeviceGroup(dev), anyDev) && one(q[5], living) {
				matches++
			}
		}
		if matches < k {
			t.Errorf("resident %s/%s (age %s) matches %d exported residents, fewer than k = %d", r["borough"], r["resident_ref"], age, matches, k)
		}
	}
	if tested < 2900 {
		t.Errorf("linkage tested on %d residents", tested)
	}
}

// checkNoIdentifiers scans every file written for every direct identifier
// of the source data and the residents' references: the CSV files cell by
// distinct cell, the codebooks and reports whole.
func checkNoIdentifiers(t *testing.T, residents []map[string]string, dir string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) < 21 {
		t.Fatalf("%d files written, want CSV, codebooks, disclosure reports and R, Stata and SPSS syntax for 3 exports", len(files))
	}
	var text strings.Builder
	cells := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, ".csv") {
			for _, r := range readCSV(t, f) {
				for _, c := range r {
					cells[strings.ToLower(c)] = true
				}
			}
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text.Write(b)
	}
	for c := range cells {
		text.WriteString("\n" + c)
	}
	// Every identifier, looked up at every position of the text by its
	// length: a substring search, fast enough for 15,000 identifiers.
	ids := map[string]string{}
	lengths := map[int]bool{}
	add := func(field, v string) {
		if v = strings.ToLower(v); v != "" {
			ids[v], lengths[len(v)] = field, true
		}
	}
	for _, r := range residents {
		for _, field := range []string{"nhs_number", "address", "postcode", "date_of_birth", "resident_ref"} {
			add(field, r[field])
		}
	}
	s := strings.ToLower(text.String())
	for i := range s {
		for n := range lengths {
			if i+n <= len(s) {
				if field, ok := ids[s[i:i+n]]; ok {
					t.Errorf("%s %q of a resident appears in the export", field, s[i:i+n])
				}
			}
		}
	}
	for _, r := range residents {
		// Names, and postcodes without their space, are short enough to
		// occur by chance inside a pseudonym: they are looked for as cells.
		for _, field := range []string{"given_name", "family_name", "postcode"} {
			if v := strings.ToLower(strings.ReplaceAll(r[field], " ", "")); v != "" && cells[v] {
				t.Errorf("%s %q of a resident is a cell of the export", field, v)
			}
		}
	}
	for _, bad := range []string{"resident_id", "reference", "removal_note", "given_name", "nhs"} {
		if strings.Contains(s, `"`+bad) || cells[bad] {
			t.Errorf("the export names a column or field %q", bad)
		}
	}
}

func checkCodebook(t *testing.T, path string, header []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cb exports.Codebook
	if err := json.Unmarshal(b, &cb); err != nil {
		t.Fatal(err)
	}
	if len(cb.Columns) != len(header) {
		t.Fatalf("%s describes %d columns, the CSV has %d", path, len(cb.Columns), len(header))
	}
	for i, c := range cb.Columns {
		if c.Name != header[i] || c.Type == "" || c.Label == "" || (c.Score != "" && c.Scoring == "") {
			t.Errorf("%s: column %d %q is described as %+v", path, i, header[i], c)
		}
	}
	if cb.Agreement.Purpose == "" || cb.Disclosure.K != exports.DefaultK || cb.Disclosure.HighestRisk > 1/float64(exports.DefaultK) {
		t.Errorf("%s: agreement %+v, disclosure %+v", path, cb.Agreement, cb.Disclosure)
	}
	md := strings.TrimSuffix(path, ".json") + ".md"
	text, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range header {
		if !strings.Contains(string(text), "\n### "+h+"\n") {
			t.Errorf("%s does not describe column %s", md, h)
		}
	}
}

func checkAudit(t *testing.T, dsn, agreement, path string, rows int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	sum := hex.EncodeToString(h.Sum(nil))
	db, err := storage.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	entries, _, err := db.AuditLog(ateval.SystemContext(context.Background()), storage.AuditFilter{Action: ateval.ActionExport, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strconv.FormatInt(e.ObjectID, 10) == agreement && e.ObjectType == "agreement" && e.UserEmail == "system" &&
			strings.Contains(e.Detail, sum) && strings.Contains(e.Detail, " "+strconv.Itoa(rows)+" rows") &&
			strings.Contains(e.Detail, "k 5, boroughs ") {
			return
		}
	}
	t.Errorf("no audit entry for the export of %s under agreement %s with %d rows and sha256 %s; have %+v", path, agreement, rows, sum, entries)
}

func TestExportRefusals(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "ateval.db")
	loadSample(t, dsn)
	a := addAgreement(t, dsn, "camden only", "camden")
	code, strict, errs := runCLI(t, "agreement", "add", "--db", dsn, "--name", "strict", "--purpose", "p", "--boroughs", "camden", "--expires", "2099-01-01", "--min-k", "10")
	if code != 0 {
		t.Fatalf("agreement add: exit %d: %s", code, errs)
	}
	strict = strings.TrimSpace(strict)
	out := filepath.Join(t.TempDir(), "x.csv")
	var audited []string
	for _, tc := range []struct {
		args  []string
		code  int
		msg   string
		audit string // the refusal's audit entry: agreement and detail
	}{
		{[]string{"--agreement", "99", "--out", out}, 1, "no data sharing agreement 99", "99 refused: not_found"},
		{[]string{"--agreement", a, "--out", out, "--boroughs", "camden,sutton"}, 1, "outside", a + " refused: forbidden, borough_outside_agreement"},
		{[]string{"--agreement", a, "--out", out, "--layout", "tall"}, 1, "long or wide", a + " refused: invalid, invalid_request"},
		{[]string{"--out", out}, 2, "", ""},
		{[]string{"--agreement", strict, "--out", out, "--k", "5"}, 1, "Data sharing agreement " + strict + " sets a minimum k of 10",
			strict + " refused: invalid, k_below_agreement_minimum"},
	} {
		code, _, errs := runCLI(t, append([]string{"export", "--db", dsn}, tc.args...)...)
		if code != tc.code || !strings.Contains(errs, tc.msg) {
			t.Errorf("export %q: exit %d, %q; want %d mentioning %q", tc.args, code, errs, tc.code, tc.msg)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("export %q refused but wrote %s", tc.args, out)
		}
		if tc.audit != "" {
			audited = append([]string{tc.audit}, audited...) // newest first
		}
	}
	db := storagetest.Open(t, dsn)
	es, _, err := db.AuditLog(ateval.SystemContext(context.Background()), storage.AuditFilter{Action: ateval.ActionExportRefused})
	var got []string
	for _, e := range es {
		got = append(got, fmt.Sprintf("%d %s", e.ObjectID, e.Detail))
		if e.ObjectType != "agreement" || e.UserEmail != "system" {
			t.Errorf("refusal audited as %+v", e)
		}
	}
	if err != nil || strings.Join(got, "\n") != strings.Join(audited, "\n") {
		t.Errorf("refusals audited (%v):\n%s\nwant\n%s", err, strings.Join(got, "\n"), strings.Join(audited, "\n"))
	}
}

func devicesEthnic(s string) devices.EthnicGroup { return devices.EthnicGroup(s) }

// BenchmarkExportSample exports the whole committed sample (3,000
// residents, 64,360 assessments) from SQLite, both passes, to io.Discard.
func BenchmarkExportSample(b *testing.B) {
	for _, layout := range []string{exports.LayoutLong, exports.LayoutWide} {
		b.Run(layout, func(b *testing.B) {
			dsn := filepath.Join(b.TempDir(), "ateval.db")
			loadSample(b, dsn)
			db := storagetest.Open(b, dsn)
			ctx := ateval.SystemContext(context.Background())
			var slugs []string
			bs, err := db.View(ctx).Boroughs()
			if err != nil {
				b.Fatal(err)
			}
			for _, x := range bs {
				slugs = append(slugs, x.Slug)
			}
			a := exports.Agreement{Name: "bench", Purpose: "benchmark", Boroughs: slugs, ExpiresOn: ateval.NewDate(2099, 1, 1)}
			if err := db.CreateAgreement(ctx, &a, forms.Default()); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			var rows int64
			for i := 0; i < b.N; i++ {
				p, err := exports.Prepare(ctx, db, exports.Options{Agreement: &a, Layout: layout, Today: ateval.NewDate(2026, 11, 23)})
				if err != nil {
					b.Fatal(err)
				}
				st, err := p.WriteCSV(ctx, io.Discard, nil)
				if err != nil {
					b.Fatal(err)
				}
				rows = st.Rows
			}
			b.ReportMetric(float64(rows), "rows")
		})
	}
}
