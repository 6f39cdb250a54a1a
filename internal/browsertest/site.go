package browsertest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/importer"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/server"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
	"github.com/ateval/ateval/storage/storagetest"
)

// Password is every test user's password.
const Password = "browser-test-password"

// Options choose what the site holds.
type Options struct {
	// Sample loads the committed sample dataset (16 boroughs, 3,000
	// residents, 64,000 assessments; a few seconds) instead of the small
	// fixture (Camden and Sutton, a few residents and devices).
	Sample bool
	// Config is passed to server.New; its Logger defaults to discarding.
	Config server.Config
}

// Site is a running server with its database.
type Site struct {
	URL    string // http://127.0.0.1:PORT, no trailing slash
	DB     *storage.DB
	Server *server.Server
	// Boroughs by slug.
	Boroughs map[string]ateval.Borough
}

// Start imports the data, creates the users and serves the application on
// loopback until the test ends. Users are named as `ateval demo` names
// them: admin@demo.ateval, commissioner@demo.ateval,
// evaluator@demo.ateval, and lead.SLUG@demo.ateval and
// practitioner.SLUG@demo.ateval for each borough, all with Password.
func Start(t testing.TB, opt Options) *Site {
	t.Helper()
	db := storagetest.Open(t, filepath.Join(t.TempDir(), "ateval.db"))
	ctx := ateval.SystemContext(context.Background())
	srcs := fixture()
	if opt.Sample {
		var err error
		if srcs, err = importer.FromFS(sampledata.Committed()); err != nil {
			t.Fatalf("sample data: %v", err)
		}
	}
	if _, err := importer.Import(ctx, db, srcs, importer.Options{}); err != nil {
		t.Fatalf("import: %v", err)
	}
	site := &Site{DB: db, Boroughs: map[string]ateval.Borough{}}
	bs, err := db.View(ctx).Boroughs()
	if err != nil {
		t.Fatal(err)
	}
	users := []ateval.User{
		{Email: "admin@demo.ateval", Role: ateval.RoleAdmin},
		{Email: "commissioner@demo.ateval", Role: ateval.RoleCommissioner},
		{Email: "evaluator@demo.ateval", Role: ateval.RoleEvaluator},
	}
	for _, b := range bs {
		site.Boroughs[b.Slug] = b
		users = append(users,
			ateval.User{Email: "lead." + b.Slug + "@demo.ateval", Role: ateval.RoleBoroughLead, BoroughID: b.ID},
			ateval.User{Email: "practitioner." + b.Slug + "@demo.ateval", Role: ateval.RolePractitioner, BoroughID: b.ID})
	}
	for i := range users {
		if err := auth.New(db).CreateUser(ctx, &users[i], Password); err != nil {
			t.Fatalf("user %s: %v", users[i].Email, err)
		}
	}
	cfg := opt.Config
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	site.Server, err = server.New(cfg, db)
	if err != nil {
		t.Fatalf("server: %v", err)
	}
	hs := httptest.NewServer(site.Server.Handler())
	t.Cleanup(hs.Close)
	site.URL = hs.URL
	return site
}

// fixture is a small dataset in the import's CSV form: two boroughs, a
// few devices, three residents in Camden (enrolled and not) and one in
// Sutton, with identifiers. NHS numbers are from the 999 range the NHS
// reserves for testing.
func fixture() []importer.Source {
	files := map[string]string{
		"boroughs.csv": `borough,name,gss_code
camden,Camden,E09000007
sutton,Sutton,E09000029
`,
		"devices.csv": `device,category,product,supplier,unit_cost_pence,weekly_monitoring_pence,monitored,generation_tier
digital-alarm-unit,community-alarm,Digital alarm hub with pendant and pull cord,Northfield Telecare Ltd,14500,420,true,digital
fall-detector-wrist,fall-detector,Wrist-worn automatic fall detector,Northfield Telecare Ltd,9800,0,true,digital
smart-speaker,voice-assistant,Smart speaker with reminders,Homewise Devices,4999,0,false,consumer
`,
		"residents.csv": `borough,resident_ref,year_of_birth,sex,ethnic_group,living_alone,primary_support_reason,registered_on,group,enrolled_on,objected_on,given_name,family_name,nhs_number,address,postcode,date_of_birth
camden,CAM-0001,1940,female,white,true,physical,2025-01-06,,,,Ada,Example,9992096233,"1 Test Street, London",NW1 0AA,1940-05-04
camden,CAM-0002,1948,male,black,false,memory_cognition,2025-02-10,comparison,2025-03-01,,Ben,Example,9992410493,"2 Test Street, London",NW1 0AB,1948-01-20
camden,CAM-0003,1935,female,asian,true,physical,2025-04-02,,,,Cara,Example,,,,
sutton,SUT-0001,1950,male,asian,false,social,2025-03-01,,,,Sam,Example,,,,
`,
	}
	var out []importer.Source
	for _, name := range []string{"boroughs.csv", "devices.csv", "residents.csv"} {
		out = append(out, importer.Source{Name: name, R: strings.NewReader(files[name])})
	}
	return out
}

// FindResident returns the timeline of the first resident (by reference)
// whose reference holds ref and whom keep accepts, read as the
// command-line operator; the test fails if there is none.
func (s *Site) FindResident(t testing.TB, ref string, keep func(storage.Timeline) bool) storage.Timeline {
	t.Helper()
	ctx := ateval.SystemContext(context.Background())
	for offset := 0; ; offset += 500 {
		rs, total, err := s.DB.Residents(ctx, storage.ResidentQuery{Reference: ref, Limit: 500, Offset: offset})
		if err != nil {
			t.Fatalf("find a resident: %v", err)
		}
		for _, r := range rs {
			tl, err := s.DB.ResidentTimeline(ctx, forms.Default(), r.ID)
			if err != nil {
				t.Fatalf("find a resident: %v", err)
			}
			if keep(tl) {
				return tl
			}
		}
		if int64(offset+500) >= total {
			t.Fatalf("no resident with %q in the reference is as the test needs", ref)
		}
	}
}
