package evaluation

import (
	"math"
	"strings"
	"testing"

	"github.com/ateval/ateval"
)

func TestReadStudies(t *testing.T) {
	in := "\ufeffStudy, yi ,vi,notes\nCamden,0.25,0.04,first\n\nHackney,-0.1,0.09,\"a, b\"\n"
	got, err := ReadStudies(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Study{{"Camden", 0.25, 0.04}, {"Hackney", -0.1, 0.09}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v, want %+v", got, want)
	}
	got, err = ReadStudies(strings.NewReader("study,yi,sei\nA,1,0.5\n"))
	if err != nil || got[0].Vi != 0.25 {
		t.Errorf("sei: got %+v, %v", got, err)
	}
}

func TestReadStudiesErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"study,vi\nA,1\n", "missing column yi"},
		{"study,yi\nA,1\n", "missing column vi (or sei)"},
		{"", "the file is empty"},
		{"study,yi,vi\n", "no studies"},
		{"study,yi,vi\nA,1,0.1\nB,1,-2\nC,1,abc\n", `line 3: vi: must be positive` + "\n" + `  line 4: vi: "abc" is not a number`},
		{"study,yi,sei\nA,NaN,0\n", `line 2: yi: "NaN" is not a finite number` + "\n" + `  line 2: sei: must be positive`},
		{"study,yi,vi\n,1,1\n", "line 2: study: must not be empty"},
		{"study,yi,vi\nA,1\n", `line 2: vi: "" is not a number`},
		{"study,yi,vi\n\"A,1,1\n", "line 2"},
	} {
		_, err := ReadStudies(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) || ateval.ErrorCode(err) != ateval.EINVALID {
			t.Errorf("%q: got %v, want %q", c.in, err, c.want)
		}
	}
}

func FuzzReadStudies(f *testing.F) {
	f.Add([]byte("study,yi,vi\nCamden,0.25,0.04\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		studies, err := ReadStudies(strings.NewReader(string(data)))
		if err != nil {
			if studies != nil {
				t.Fatal("studies with an error")
			}
			if ateval.ErrorCode(err) != ateval.EINVALID {
				t.Fatalf("error with code %q: %v", ateval.ErrorCode(err), err)
			}
			return
		}
		if len(studies) == 0 {
			t.Fatal("no studies and no error")
		}
		for _, s := range studies {
			if s.Label == "" || math.IsNaN(s.Yi) || math.IsInf(s.Yi, 0) || !(s.Vi > 0) || math.IsInf(s.Vi, 0) {
				t.Fatalf("bad study accepted: %+v", s)
			}
		}
		// Whatever is accepted can be pooled.
		for _, m := range []Method{DL, REML} {
			p, err := Pool(studies, Options{Method: m})
			if err != nil {
				if ateval.ErrorCode(err) != ateval.EINVALID {
					t.Fatalf("pooling accepted studies: %v", err)
				}
				continue
			}
			if math.IsNaN(p.Estimate) || math.IsNaN(p.SE) || math.IsNaN(p.Tau2) {
				t.Fatalf("%s: pooled %+v from %+v", m, p, studies)
			}
		}
	})
}

func TestReadTable(t *testing.T) {
	in := "study,yi,vi,Lat,alloc\nA,0.1,0.04,44,random\nB,0.2,0.09,13,alternate\nC,0.3,0.01,, random\n"
	tb, err := ReadTable(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Studies) != 3 || strings.Join(tb.Names, ",") != "lat,alloc" || strings.Join(tb.Columns["alloc"], ",") != "random,alternate,random" {
		t.Errorf("got %+v", tb)
	}
	mods, err := tb.Moderators([]string{"ALLOC"})
	if err != nil || len(mods) != 1 || mods[0].Name != "allocrandom" || mods[0].Values[1] != 0 || mods[0].Values[2] != 1 {
		t.Errorf("factor: %+v, %v", mods, err)
	}
	if _, err := tb.Moderators([]string{"lat"}); err == nil || !strings.Contains(err.Error(), "C: lat is empty") {
		t.Errorf("empty value: %v", err)
	}
	if _, err := tb.Column("year"); err == nil || !strings.Contains(err.Error(), "other columns are lat, alloc") {
		t.Errorf("missing column: %v", err)
	}
}
