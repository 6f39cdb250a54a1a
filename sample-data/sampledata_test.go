package sampledata

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

var update = flag.Bool("update", false, "regenerate the committed sample CSVs and the README's effects table")

// generate returns the five files of cfg, keyed by name.
func generate(t testing.TB, cfg Config) (map[string][]byte, Summary) {
	t.Helper()
	bufs := make([]bytes.Buffer, 5)
	sum, err := Generate(cfg, Writers{&bufs[0], &bufs[1], &bufs[2], &bufs[3], &bufs[4]})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for i, name := range Files() {
		files[name] = bufs[i].Bytes()
	}
	return files, sum
}

// table is a CSV file as rows of named columns.
type table []map[string]string

func parse(t testing.TB, b []byte, header []string) table {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], header) {
		t.Fatalf("header = %v, want %v", recs[0], header)
	}
	var out table
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range header {
			row[h] = rec[i]
		}
		out = append(out, row)
	}
	return out
}

func date(t testing.TB, s string) ateval.Date {
	t.Helper()
	d, err := ateval.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// dataset is the default sample, parsed once per test binary.
type dataset struct {
	files                                                 map[string][]byte
	sum                                                   Summary
	boroughs, devs, residents, issues, assessmentsByWhole table
}

var (
	defaultOnce sync.Once
	defaultData *dataset
)

func loadDefault(t testing.TB) *dataset {
	t.Helper()
	defaultOnce.Do(func() { defaultData = parseDefault(t) })
	if defaultData == nil {
		t.FailNow()
	}
	return defaultData
}

func parseDefault(t testing.TB) *dataset {
	files, sum := generate(t, DefaultConfig())
	return &dataset{
		files: files, sum: sum,
		boroughs:           parse(t, files["boroughs.csv"], boroughsHeader),
		devs:               parse(t, files["devices.csv"], devicesHeader),
		residents:          parse(t, files["residents.csv"], residentsHeader),
		issues:             parse(t, files["device_issues.csv"], deviceIssuesHeader),
		assessmentsByWhole: parse(t, files["assessments.csv"], assessmentsHeader),
	}
}

// TestCommittedSample regenerates the default sample and compares it byte
// for byte with the committed files, so the generator and the data cannot
// drift apart. go test -update rewrites them.
func TestCommittedSample(t *testing.T) {
	files, _ := generate(t, DefaultConfig())
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- effects:begin -->\n", "<!-- effects:end -->"
	i, j := bytes.Index(readme, []byte(begin)), bytes.Index(readme, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q ... %q markers", begin, end)
	}
	wantReadme := string(readme[:i+len(begin)]) + EffectsMarkdown() + string(readme[j:])
	if *update {
		for name, b := range files {
			if err := os.WriteFile(name, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile("README.md", []byte(wantReadme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(readme) != wantReadme {
		t.Errorf("README.md's effects table differs from EffectsMarkdown(); run go test ./sample-data -update")
	}
	for _, name := range Files() {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, files[name]) {
			t.Errorf("%s differs from what the generator writes with the default seed; run go test ./sample-data -update", name)
		}
	}
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Seed: 7, Residents: 500, Boroughs: 33}
	a, _ := generate(t, cfg)
	b, _ := generate(t, cfg)
	for _, name := range Files() {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs with one seed", name)
		}
	}
	cfg.Seed = 8
	c, _ := generate(t, cfg)
	if bytes.Equal(a["assessments.csv"], c["assessments.csv"]) {
		t.Error("seeds 7 and 8 give the same assessments")
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{{Seed: 1, Residents: 100, Boroughs: 12}, {Seed: 1, Residents: 10, Boroughs: 16}, {Seed: 1, Residents: maxNHSNumbers + 1, Boroughs: 33}} {
		if _, err := Generate(c, Writers{}); ateval.ErrorCode(err) != ateval.EINVALID {
			t.Errorf("Generate(%+v) error = %v, want %s", c, err, ateval.EINVALID)
		}
	}
}

func TestAllocate(t *testing.T) {
	for _, tc := range []struct{ boroughs, total int }{{16, 3000}, {16, 16}, {16, 17}, {33, 60000}, {33, 33}, {33, 1000}} {
		bs, _ := selectBoroughs(tc.boroughs)
		counts := allocate(bs, tc.total)
		sum := 0
		for _, n := range counts {
			if n < 1 {
				t.Errorf("allocate(%d, %d) gives a borough %d residents", tc.boroughs, tc.total, n)
			}
			sum += n
		}
		if sum != tc.total {
			t.Errorf("allocate(%d, %d) sums to %d", tc.boroughs, tc.total, sum)
		}
	}
}

func TestBoroughsAndDevices(t *testing.T) {
	d := loadDefault(t)
	if len(d.boroughs) != 16 {
		t.Fatalf("%d boroughs, want 16", len(d.boroughs))
	}
	for _, row := range d.boroughs {
		b := ateval.Borough{Slug: row["borough"], Name: row["name"], GSSCode: row["gss_code"]}
		if err := b.Validate(); err != nil {
			t.Error(err)
		}
		if b.Slug != ateval.Slugify(b.Name) || !regexp.MustCompile(`^E090000(0[1-9]|[12][0-9]|3[0-3])$`).MatchString(b.GSSCode) {
			t.Errorf("borough %v: slug or GSS code wrong", row)
		}
	}
	all, _ := selectBoroughs(33)
	gss := map[string]int{"city-of-london": 1, "barking-and-dagenham": 2, "tower-hamlets": 30, "westminster": 33, "kingston-upon-thames": 21, "kensington-and-chelsea": 20, "brent": 5}
	for _, b := range all {
		if want, ok := gss[ateval.Slugify(b.name)]; ok && b.gss != want {
			t.Errorf("%s has GSS E090000%02d, want E090000%02d", b.name, b.gss, want)
		}
	}
	codes := map[string]bool{}
	for _, row := range d.devs {
		dev := devices.Device{Code: row["device"], Category: row["category"], Product: row["product"], Supplier: row["supplier"]}
		var err error
		if dev.UnitCostPence, err = strconv.ParseInt(row["unit_cost_pence"], 10, 64); err != nil || dev.UnitCostPence < 1000 || dev.UnitCostPence > 60000 {
			t.Errorf("device %s: unit cost %s pence is not between £10 and £600", dev.Code, row["unit_cost_pence"])
		}
		if err := dev.Validate(devices.Categories()); err != nil {
			t.Error(err)
		}
		if codes[dev.Code] {
			t.Errorf("device %s listed twice", dev.Code)
		}
		codes[dev.Code] = true
		if !slices.Contains([]string{"analogue", "digital", "smart"}, row["generation_tier"]) || !slices.Contains([]string{"true", "false"}, row["monitored"]) {
			t.Errorf("device %s: bad tier or monitored flag", dev.Code)
		}
	}
	for _, c := range devices.Categories() {
		found := false
		for _, row := range d.devs {
			found = found || row["category"] == c.ID
		}
		if !found {
			t.Errorf("no device in category %s", c.ID)
		}
	}
}

func TestResidents(t *testing.T) {
	t.Run("default", func(t *testing.T) { checkResidents(t, loadDefault(t), DefaultResidents, true) })
	t.Run("london", func(t *testing.T) { d, cfg := largeSample(t); checkResidents(t, d, cfg.Residents, false) })
}

// checkResidents checks every resident; the committed sample also has
// boroughs of 30 to 400 residents, a handful of objections and a few
// boroughs without a comparison group.
func checkResidents(t *testing.T, d *dataset, want int, committed bool) {
	asOf := AsOf()
	if len(d.residents) != want || d.sum.Residents != want {
		t.Fatalf("%d residents, want %d", len(d.residents), want)
	}
	outward := map[string][]string{}
	all, _ := selectBoroughs(33)
	for _, b := range all {
		outward[ateval.Slugify(b.name)] = b.outward
	}
	perBorough, refs, nhs := map[string]int{}, map[string]bool{}, map[string]bool{}
	objected, comparison := 0, map[string]int{}
	for _, row := range d.residents {
		b := row["borough"]
		perBorough[b]++
		key := b + "/" + row["resident_ref"]
		if refs[key] {
			t.Errorf("%s: reference used twice", key)
		}
		refs[key] = true
		yob, err := strconv.Atoi(row["year_of_birth"])
		if err != nil {
			t.Fatal(err)
		}
		res := devices.Resident{Reference: row["resident_ref"], YearOfBirth: yob, Sex: devices.Sex(row["sex"]), EthnicGroup: devices.EthnicGroup(row["ethnic_group"]),
			LivingAlone: row["living_alone"] == "true", PrimarySupportReason: devices.SupportReason(row["primary_support_reason"]), RegisteredOn: date(t, row["registered_on"]),
			Group: devices.Group(row["group"]), EnrolledOn: date(t, row["enrolled_on"]), ObjectedOn: date(t, row["objected_on"])}
		if err := res.Validate(asOf); err != nil {
			t.Errorf("%s: %v", key, err)
		}
		if !res.Enrolled() || res.EnrolledOn.Before(ateval.NewDate(2024, 6, 1)) {
			t.Errorf("%s: enrolled on %s, want from June 2024", key, res.EnrolledOn)
		}
		id := devices.Identity{GivenName: row["given_name"], FamilyName: row["family_name"], NHSNumber: row["nhs_number"], Address: row["address"], Postcode: row["postcode"], DateOfBirth: date(t, row["date_of_birth"])}
		if err := id.Validate(asOf); err != nil {
			t.Errorf("%s: %v", key, err)
		}
		if !devices.ValidNHSNumber(id.NHSNumber) || !strings.HasPrefix(id.NHSNumber, "999") || nhs[id.NHSNumber] {
			t.Errorf("%s: NHS number %s is not a unique valid number in the 999 test range", key, id.NHSNumber)
		}
		nhs[id.NHSNumber] = true
		if id.DateOfBirth.Year() != yob {
			t.Errorf("%s: born %s but year of birth %d", key, id.DateOfBirth, yob)
		}
		if age := asOf.Year() - yob; age < 18 || age > 106 {
			t.Errorf("%s: aged %d", key, age)
		}
		if !slices.Contains(outward[b], strings.Fields(id.Postcode)[0]) {
			t.Errorf("%s: postcode %s is not in %s", key, id.Postcode, b)
		}
		if id.GivenName == "" || id.FamilyName == "" || !strings.HasSuffix(id.Address, ", London") {
			t.Errorf("%s: incomplete identity %+v", key, id)
		}
		if !res.ObjectedOn.IsZero() {
			objected++
		}
		if res.Group == devices.Comparison {
			comparison[b]++
		}
	}
	if !committed {
		return
	}
	for b, n := range perBorough {
		if n < 30 || n > 400 {
			t.Errorf("%s has %d residents, want 30 to 400", b, n)
		}
	}
	if objected == 0 || objected > 20 {
		t.Errorf("%d residents objected, want a handful", objected)
	}
	none := 0
	for b, n := range perBorough {
		share := float64(comparison[b]) / float64(n)
		if comparison[b] == 0 {
			none++
		} else if share < 0.15 || share > 0.45 {
			t.Errorf("%s: comparison share %.2f, want about a quarter or a third", b, share)
		}
	}
	if none < 2 || none > 4 {
		t.Errorf("%d boroughs without a comparison group, want a few", none)
	}
}
