package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/importer"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// A small dataset in the sample's formats, each file a string.
var (
	boroughsCSV = "borough,name,gss_code\ncamden,Camden,E09000007\nsutton,Sutton,E09000029\n"
	devicesCSV  = "device,category,product,supplier,unit_cost_pence,weekly_monitoring_pence,monitored,generation_tier\n" +
		"pendant-a,community-alarm,Pendant A,Northfield Telecare Ltd,9500,450,true,digital\n" +
		"falls-b,fall-detector,Fall detector B,Northfield Telecare Ltd,19900,450,true,digital\n"
	residentsCSV = "borough,resident_ref,year_of_birth,sex,ethnic_group,living_alone,primary_support_reason,registered_on,group,enrolled_on,objected_on,given_name,family_name,nhs_number,address,postcode,date_of_birth\n" +
		"camden,CAM-1,1940,female,white,true,physical,2025-01-06,intervention,2025-02-01,,Ada,Example,9434765919,1 Example Street,NW1 0AA,1940-05-04\n" +
		"camden,CAM-2,1935,male,black,false,memory_cognition,2025-01-10,comparison,2025-02-03,,Ben,Example,,,,\n" +
		"sutton,SUT-1,1948,female,asian,true,physical,2025-03-01,intervention,2025-03-02,,,,,,,\n"
	issuesCSV = "borough,resident_ref,device,issued_on,installed_on,removed_on,removal_reason,removal_note\n" +
		"camden,CAM-1,pendant-a,2025-02-01,2025-02-04,,,\n" +
		"sutton,SUT-1,falls-b,2025-03-02,2025-03-05,2025-09-01,abandoned,\n"
	assessmentsCSV = "borough,resident_ref,instrument,timepoint,assessed_on,respondent,framework_version,answers\n" +
		"camden,CAM-1,swemwbs,baseline,2025-02-01,resident,2026.1,swemwbs_1=3;swemwbs_2=3;swemwbs_3=2;swemwbs_4=3;swemwbs_5=3;swemwbs_6=4;swemwbs_7=3\n" +
		"camden,CAM-1,swemwbs,m3,2025-05-02,resident,2026.1,swemwbs_1=4;swemwbs_2=3;swemwbs_3=3;swemwbs_4=3;swemwbs_5=refused;swemwbs_6=4;swemwbs_7=3\n" +
		"camden,CAM-2,ons4,baseline,2025-02-03,resident,2026.1,ons4_satisfied=6;ons4_worthwhile=7;ons4_happy=5;ons4_anxious=4\n"
)

type file struct{ name, body string }

func sources(files ...file) []importer.Source {
	var out []importer.Source
	for _, f := range files {
		out = append(out, importer.Source{Name: f.name, R: strings.NewReader(f.body), Size: int64(len(f.body))})
	}
	return out
}

func allFiles() []file {
	return []file{{"boroughs.csv", boroughsCSV}, {"devices.csv", devicesCSV}, {"residents.csv", residentsCSV},
		{"device_issues.csv", issuesCSV}, {"assessments.csv", assessmentsCSV}}
}

func counts(t *testing.T, db *storage.DB) storage.Counts {
	t.Helper()
	c, err := db.View(context.Background()).Counts()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestImportInAnyOrder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		fs := allFiles()
		// Reverse: assessments first, boroughs last.
		for i, j := 0, len(fs)-1; i < j; i, j = i+1, j-1 {
			fs[i], fs[j] = fs[j], fs[i]
		}
		sum, err := importer.Import(ateval.SystemContext(context.Background()), db, sources(fs...), importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := importer.Summary{Boroughs: 2, Devices: 2, Residents: 3, DeviceIssues: 2, Assessments: 3}
		if sum != want {
			t.Errorf("Summary = %+v, want %+v", sum, want)
		}
		if got, want := counts(t, db), (storage.Counts{Boroughs: 2, Devices: 2, Residents: 3, DeviceIssues: 2, Assessments: 3}); got != want {
			t.Errorf("Counts = %+v, want %+v", got, want)
		}
	})
}

func TestImportDryRunWritesNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		sum, err := importer.Import(ateval.SystemContext(context.Background()), db, sources(allFiles()...), importer.Options{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Residents != 3 || sum.Assessments != 3 {
			t.Errorf("dry run Summary = %+v, want 3 residents and 3 assessments", sum)
		}
		if got := counts(t, db); got != (storage.Counts{Devices: 0}) {
			t.Errorf("after a dry run Counts = %+v, want all zero", got)
		}
	})
}

// TestImportLeavesPlannerStatistics: on PostgreSQL an import commits with
// the planner's statistics of what it loaded, so the first pages read
// after it are planned from real counts (the timeline seq-scanned every
// score without them); SQLite is left without statistics.
func TestImportLeavesPlannerStatistics(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		if _, err := importer.Import(ateval.SystemContext(context.Background()), db, sources(allFiles()...), importer.Options{}); err != nil {
			t.Fatal(err)
		}
		sqlDB, _ := db.SQL()
		if db.Dialect() == storage.SQLite {
			var n int
			if err := sqlDB.QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").Scan(&n); err != nil || n != 0 {
				t.Errorf("SQLite statistics tables: %d (%v), want none", n, err)
			}
			return
		}
		var tuples float64
		var columns int
		if err := sqlDB.QueryRow("SELECT reltuples FROM pg_class WHERE relname = 'assessments'").Scan(&tuples); err != nil {
			t.Fatal(err)
		}
		if err := sqlDB.QueryRow("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'assessments'").Scan(&columns); err != nil {
			t.Fatal(err)
		}
		if tuples != 3 || columns == 0 {
			t.Errorf("after the import the planner counts %v assessments with statistics of %d columns; want 3 and some", tuples, columns)
		}
	})
}

// TestImportRefusesBadRows changes one line of one file and checks that
// the import is refused with that line and field named, and that nothing
// of it lands, not even the files before the bad one.
func TestImportRefusesBadRows(t *testing.T) {
	cases := []struct {
		name     string
		file     string
		old, new string
		want     string // substring of the message
	}{
		{"unknown borough", "residents.csv", "sutton,SUT-1", "suton,SUT-1", `residents.csv line 4: borough: "suton" is not a known borough`},
		{"bad year", "residents.csv", "CAM-2,1935", "CAM-2,19x5", `residents.csv line 3: year_of_birth: "19x5" is not a year`},
		{"bad sex", "residents.csv", "CAM-2,1935,male", "CAM-2,1935,m", `residents.csv line 3: sex: must be one of`},
		{"bad NHS number", "residents.csv", "9434765919", "9434765918", `residents.csv line 2: nhs_number: is not a valid NHS number`},
		{"duplicate reference", "residents.csv", "camden,CAM-2,", "camden,CAM-1,", `residents.csv line 3: resident_ref: "CAM-1" already exists in borough camden`},
		{"enrolled before registered", "residents.csv", "2025-01-10,comparison,2025-02-03", "2025-01-10,comparison,2024-12-03", `residents.csv line 3: enrolled_on: cannot be before the resident was registered`},
		{"unknown device", "device_issues.csv", "camden,CAM-1,pendant-a", "camden,CAM-1,pendant-z", `device_issues.csv line 2: device: "pendant-z" is not in the device catalogue`},
		{"removed before issued", "device_issues.csv", "2025-09-01,abandoned", "2025-03-01,abandoned", `device_issues.csv line 3: removed_on: cannot be before the device was issued`},
		{"removal without reason", "device_issues.csv", "2025-09-01,abandoned", "2025-09-01,", `device_issues.csv line 3: removal_reason: must be one of`},
		{"unknown resident", "device_issues.csv", "camden,CAM-1,pendant-a", "camden,CAM-9,pendant-a", `device_issues.csv line 2: resident_ref: "CAM-9" is not a resident of camden`},
		{"answer out of range", "assessments.csv", "swemwbs_3=2;", "swemwbs_3=9;", `assessments.csv line 2: answers: swemwbs_3:`},
		{"unknown instrument", "assessments.csv", "CAM-2,ons4", "CAM-2,ons5", `assessments.csv line 4: instrument: "ons5" is not an instrument`},
		{"bad timepoint", "assessments.csv", "swemwbs,m3", "swemwbs,m4", `assessments.csv line 3: timepoint: must be one of baseline, w6, m3, m6, m12`},
		{"duplicate assessment", "assessments.csv", "swemwbs,m3", "swemwbs,baseline", `assessments.csv line 3: timepoint: the resident already has a swemwbs assessment at baseline (line 2)`},
		{"malformed answers", "assessments.csv", "ons4_anxious=4", "ons4_anxious", `assessments.csv line 4: answers: "ons4_anxious" is not of the form item=value`},
		{"future date", "assessments.csv", "m3,2025-05-02", "m3,2099-05-02", `assessments.csv line 3: assessed_on: cannot be in the future`},
		{"ragged row", "devices.csv", "monitored,generation_tier\n", "monitored,generation_tier\nx,y\n", `devices.csv line 2: wrong number of fields`},
		{"an override in a name", "residents.csv", "Ada,Example", "Ada,Ex\u202eample", `residents.csv line 2: family_name: must not contain bidirectional override`},
		{"a NUL in a product", "devices.csv", "Pendant A,", "Pendant\x00A,", `devices.csv line 2: product: must not contain control characters`},
		{"a line break in a borough's name", "boroughs.csv", "camden,Camden,", "camden,\"Cam\nden\",", `boroughs.csv line 2: name: must be one line`},
		{"unknown column", "boroughs.csv", "borough,name,gss_code", "borough,name,gss", `boroughs.csv line 1: header: column "gss" is not one of the boroughs columns`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := storagetest.Open(t, filepath.Join(t.TempDir(), "ateval.db"))
			fs := allFiles()
			changed := false
			for i := range fs {
				if fs[i].name == c.file && strings.Contains(fs[i].body, c.old) {
					fs[i].body = strings.Replace(fs[i].body, c.old, c.new, 1)
					changed = true
				}
			}
			if !changed {
				t.Fatalf("test case does not apply: %q not in %s", c.old, c.file)
			}
			_, err := importer.Import(ateval.SystemContext(context.Background()), db, sources(fs...), importer.Options{})
			if err == nil {
				t.Fatal("import succeeded")
			}
			if ateval.ErrorCode(err) != ateval.EINVALID {
				t.Errorf("error code %q, want %q (%v)", ateval.ErrorCode(err), ateval.EINVALID, err)
			}
			if msg := render(err); !strings.Contains(msg, c.want) {
				t.Errorf("error\n%s\ndoes not contain\n%s", msg, c.want)
			}
			if got := counts(t, db); got != (storage.Counts{}) {
				t.Errorf("after a refused import Counts = %+v, want all zero", got)
			}
		})
	}
}

// render writes an import error the way the command line does.
func render(err error) string {
	s := ateval.ErrorMessage(err)
	for _, f := range ateval.ErrorFields(err) {
		s += "\n" + f.Field + ": " + f.Message
	}
	if len(ateval.ErrorFields(err)) == 0 {
		s += "\n" + err.Error()
	}
	return s
}

func TestImportTwiceIsRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := ateval.SystemContext(context.Background())
		if _, err := importer.Import(ctx, db, sources(allFiles()...), importer.Options{}); err != nil {
			t.Fatal(err)
		}
		before := counts(t, db)
		_, err := importer.Import(ctx, db, sources(file{"residents.csv", residentsCSV}), importer.Options{})
		if msg := render(err); !strings.Contains(msg, `residents.csv line 2: resident_ref: "CAM-1" already exists in borough camden`) {
			t.Errorf("second import: %s", msg)
		}
		if after := counts(t, db); after != before {
			t.Errorf("Counts changed from %+v to %+v", before, after)
		}
	})
}

func TestImportStopsAfterMaxErrors(t *testing.T) {
	db := storagetest.Open(t, filepath.Join(t.TempDir(), "ateval.db"))
	body := "borough,name\n" + strings.Repeat("Bad Slug,Name\n", 50)
	_, err := importer.Import(ateval.SystemContext(context.Background()), db, sources(file{"boroughs.csv", body}), importer.Options{MaxErrors: 10})
	if n := len(ateval.ErrorFields(err)); n != 10 {
		t.Errorf("%d problems reported, want 10", n)
	}
}

func TestImportEmptyFile(t *testing.T) {
	db := storagetest.Open(t, filepath.Join(t.TempDir(), "ateval.db"))
	_, err := importer.Import(ateval.SystemContext(context.Background()), db, sources(file{"x.csv", ""}), importer.Options{})
	if err == nil || !strings.Contains(err.Error(), "x.csv: the file is empty") {
		t.Errorf("empty file: %v", err)
	}
}

// TestImportSample loads the committed sample data, when present.
func TestImportSample(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole sample")
	}
	dir := filepath.Join("..", "sample-data")
	paths, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(paths) == 0 {
		t.Skip("no sample CSVs committed yet")
	}
	db := storagetest.Open(t, filepath.Join(t.TempDir(), "ateval.db"))
	var srcs []importer.Source
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		srcs = append(srcs, importer.Source{Name: filepath.Base(p), R: f})
	}
	if _, err := importer.Import(ateval.SystemContext(context.Background()), db, srcs, importer.Options{}); err != nil {
		t.Fatal(render(err))
	}
}

// TestImportAssessmentsAlreadyStored re-imports assessments that are in the
// database already: each line is named, and the whole import is refused.
func TestImportAssessmentsAlreadyStored(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := ateval.SystemContext(context.Background())
		if _, err := importer.Import(ctx, db, sources(allFiles()...), importer.Options{}); err != nil {
			t.Fatal(err)
		}
		before := counts(t, db)
		_, err := importer.Import(ctx, db, sources(file{"assessments.csv", assessmentsCSV}), importer.Options{})
		if got := ateval.ErrorCode(err); got != ateval.EINVALID {
			t.Errorf("re-importing stored assessments: code %q (%v), want %q", got, err, ateval.EINVALID)
		}
		want := "assessments.csv line 3: timepoint: the resident already has a swemwbs assessment at m3 stored"
		if msg := render(err); !strings.Contains(msg, want) || len(ateval.ErrorFields(err)) != 3 {
			t.Errorf("error\n%s\ndoes not name each of the 3 lines, such as\n%s", msg, want)
		}
		if after := counts(t, db); after != before {
			t.Errorf("Counts changed from %+v to %+v", before, after)
		}
	})
}

// TestImportIsTheOperators: a signed-in web user cannot run an import.
func TestImportIsTheOperators(t *testing.T) {
	db := storagetest.Open(t, filepath.Join(t.TempDir(), "ateval.db"))
	ctx := ateval.NewContextWithUser(context.Background(), &ateval.User{ID: 3, Role: ateval.RolePractitioner, BoroughID: 1})
	_, err := importer.Import(ctx, db, sources(allFiles()...), importer.Options{})
	if ateval.ErrorCode(err) != ateval.EFORBIDDEN {
		t.Errorf("import by a practitioner: %v, want forbidden", err)
	}
	if got := counts(t, db); got != (storage.Counts{}) {
		t.Errorf("Counts = %+v, want nothing written", got)
	}
}

// TestImportIssuedByText imports who issued a device as text, in the
// column named so, and reads it back as text, naming no account; a text
// that breaks the text rule is refused with its line.
func TestImportIssuedByText(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		fs := allFiles()
		fs[3].body = "borough,resident_ref,device,issued_on,issued_by_text\ncamden,CAM-1,pendant-a,2025-02-01,TEC team North\n"
		if _, err := importer.Import(ateval.SystemContext(context.Background()), db, sources(fs...), importer.Options{}); err != nil {
			t.Fatal(err)
		}
		sys := ateval.SystemContext(context.Background())
		list, _, err := db.Residents(sys, storage.ResidentQuery{Reference: "CAM-1"})
		if err != nil || len(list) == 0 {
			t.Fatalf("CAM-1: %v %v", list, err)
		}
		rec, err := db.ResidentRecord(sys, list[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.DeviceIssues) != 1 || rec.DeviceIssues[0].IssuedByText != "TEC team North" || rec.DeviceIssues[0].IssuedByID != 0 || rec.DeviceIssues[0].IssuedBy != "" {
			t.Errorf("issues %+v, want one issued by the text TEC team North and no account", rec.DeviceIssues)
		}
	})
	db := storagetest.Open(t, filepath.Join(t.TempDir(), "ateval.db"))
	fs := allFiles()
	fs[3].body = "borough,resident_ref,device,issued_on,issued_by_text\ncamden,CAM-1,pendant-a,2025-02-01,\"TEC\u202e team\"\n"
	_, err := importer.Import(ateval.SystemContext(context.Background()), db, sources(fs...), importer.Options{})
	if want := "device_issues.csv line 2: issued_by_text: must not contain bidirectional"; !strings.Contains(render(err), want) {
		t.Errorf("an override in issued_by_text: %v, want %q", err, want)
	}
}

// TestImportNamesItsPrincipal: an import with no principal in its context
// is refused, as is one by a signed-in web user; only the operator's is
// made. Nothing is taken for the operator by default.
func TestImportNamesItsPrincipal(t *testing.T) {
	db := storagetest.Open(t, filepath.Join(t.TempDir(), "ateval.db"))
	if _, err := importer.Import(context.Background(), db, sources(allFiles()...), importer.Options{}); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
		t.Errorf("an import naming no principal: %v, want it refused", err)
	}
	web := ateval.NewContextWithUser(context.Background(), &ateval.User{ID: 3, Role: ateval.RoleAdmin})
	if _, err := importer.Import(web, db, sources(allFiles()...), importer.Options{}); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
		t.Errorf("an import by a web user: %v, want it refused", err)
	}
	if _, err := importer.Import(ateval.SystemContext(context.Background()), db, sources(allFiles()...), importer.Options{}); err != nil {
		t.Errorf("the operator's import: %v", err)
	}
}

// TestImportNormalisesIdentifiers: an NHS number with spaces and a postcode
// in lower case are stored one way, as the forms and the API store them.
func TestImportNormalisesIdentifiers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		residents := strings.Replace(strings.Replace(residentsCSV, "9434765919", "943 476 5919", 1), "NW1 0AA", "nw1 0aa", 1)
		if _, err := importer.Import(ateval.SystemContext(context.Background()), db, sources(file{"boroughs.csv", boroughsCSV}, file{"residents.csv", residents}), importer.Options{}); err != nil {
			t.Fatal(err)
		}
		rec, err := db.ResidentRecord(ateval.SystemContext(context.Background()), 1)
		if err != nil || rec.Identity == nil || rec.Identity.NHSNumber != "9434765919" || rec.Identity.Postcode != "NW1 0AA" {
			t.Errorf("stored %+v, %v; want 9434765919 and NW1 0AA", rec.Identity, err)
		}
	})
}
