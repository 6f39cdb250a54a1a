package forms

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/ateval/ateval"
)

// TestREDCapFrameworkRoundTrip: the dictionary ateval writes comes back,
// through ParseREDCapFramework, as the framework it was written from:
// its JSON (version, schedule, every instrument's id, name, items,
// levels, ranges, skip rules and scoring rules) is the same byte for
// byte; the EQ-5D-5L value set is loaded again; and every instrument
// scores the same answers to the same scores.
func TestREDCapFrameworkRoundTrip(t *testing.T) {
	fw := Default()
	var dict bytes.Buffer
	if err := fw.WriteREDCapDictionary(&dict); err != nil {
		t.Fatal(err)
	}
	d, err := ParseREDCapFramework(bytes.NewReader(dict.Bytes()), fw)
	if err != nil {
		t.Fatalf("ateval's own dictionary does not read back: %v", err)
	}
	want, _ := json.MarshalIndent(fw, "", " ")
	got, _ := json.MarshalIndent(d.Framework, "", " ")
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("the framework read back differs at line %d:\n got %s\nwant %s", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("the framework read back has %d lines of JSON, want %d", len(gl), len(wl))
	}
	for _, in := range fw.Instruments() {
		back, _ := d.Framework.Instrument(in.ID)
		for _, r := range back.Scores {
			if r.Kind == KindValueSet && r.ValueSet != "" && r.LoadedValueSet() == nil {
				t.Errorf("%s: value set %s not loaded again", in.ID, r.ValueSet)
			}
		}
		answers := typicalAnswers(in)
		a, b := in.Score(answers), back.Score(answers)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if !bytes.Equal(ja, jb) {
			t.Errorf("%s scores %s, read back %s", in.ID, ja, jb)
		}
	}
	if _, ok := d.Files["framework.json"]; !ok || len(d.Files) < len(fw.Instruments())+2 {
		t.Errorf("draft files: %d", len(d.Files))
	}
	// A directory of the files loads as the same framework.
	dir := t.TempDir()
	for name, b := range d.Files {
		if err := os.MkdirAll(dir+"/"+name[:strings.LastIndexByte(name, '/')+1], 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir+"/"+name, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	again, err := Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.MarshalIndent(again, "", " "); !bytes.Equal(b, want) {
		t.Error("the draft's directory loads as another framework")
	}
}

// typicalAnswers answers every item of in with its middle level or value.
func typicalAnswers(in *Instrument) []Answer {
	var out []Answer
	for _, it := range in.Items {
		var v float64
		switch {
		case len(it.Levels) > 0:
			v = float64(it.Levels[len(it.Levels)/2].Code)
		case it.Min != nil && it.Max != nil:
			v = float64(int((*it.Min + *it.Max) / 2))
		case it.Min != nil:
			v = *it.Min + 1
		default:
			v = 1
		}
		out = append(out, Answer{Item: it.ID, Value: &v})
	}
	return out
}

// TestREDCapBoroughDraft: a borough's own dictionary (no @ATEVAL- tags,
// a record id row first) becomes a draft framework: the built-in
// instruments and schedule, its form added as an instrument named by its
// section header, version 2026.1-draft.
func TestREDCapBoroughDraft(t *testing.T) {
	f, err := os.Open("testdata/redcap-borough-measure.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var withID bytes.Buffer
	b, _ := os.ReadFile("testdata/redcap-borough-measure.csv")
	lines := strings.SplitN(string(b), "\n", 2)
	withID.WriteString(lines[0] + "\n")
	withID.WriteString("record_id," + strings.Split(lines[1], ",")[1] + ",,text,Record ID,,,,,,,,,,,,,\n")
	withID.WriteString(lines[1])
	d, err := ParseREDCapFramework(&withID, Default())
	if err != nil {
		t.Fatal(err)
	}
	base := Default()
	if got := d.Framework.Version(); got != base.Version()+"-draft" {
		t.Errorf("version %q", got)
	}
	if n := len(d.Framework.Instruments()); n != len(base.Instruments())+1 {
		t.Fatalf("%d instruments, want the %d built in and the borough's", n, len(base.Instruments()))
	}
	added := d.Framework.Instruments()[len(base.Instruments())]
	if len(added.Items) == 0 || len(added.Scores) != 0 || len(d.Framework.Windows()) != len(base.Windows()) {
		t.Errorf("the borough's instrument %s: %d items, %d scores", added.ID, len(added.Items), len(added.Scores))
	}
	// The record id row is not an item.
	if _, ok := added.Item("record_id"); ok {
		t.Error("record_id became an item")
	}
}

func TestParseREDCapFrameworkErrors(t *testing.T) {
	header := strings.Join(quoteAll(REDCapColumns), ",") + "\n"
	id := "record_id,m,,text,Record ID,,,,,,,,,,,,,\n"
	for _, tc := range []struct{ name, body, want string }{
		{"no record id", header + "q1,m,,radio,Q,\"1, A | 2, B\",,,,,,,,,,,,\n", "record identifier"},
		{"an unknown tag", header + id + "q1,m,,radio,Q,\"1, A | 2, B\",,,,,,,,,,,,@ATEVAL-NOPE={}\n", "not a tag ateval writes"},
		{"a broken score", header + id + "q1,m,,radio,Q,\"1, A | 2, B\",,,,,,,,,,,,\"@ATEVAL-SCORE={\"\"name\"\":1}\"\n", "@ATEVAL-SCORE"},
		{"a score of an unknown item", header + id + "q1,m,,radio,Q,\"1, A | 2, B\",,,,,,,,,,,,\"@ATEVAL-SCORE={\"\"name\"\":\"\"s\"\",\"\"kind\"\":\"\"sum\"\",\"\"method\"\":\"\"m\"\",\"\"version\"\":\"\"1\"\",\"\"items\"\":[\"\"q9\"\"]}\"\n", "q9 is not in the instrument"},
		{"an item of the framework", header + id + "swemwbs_1,m,,radio,Q,\"1, A | 2, B\",,,,,,,,,,,,\n", "swemwbs_1 is also in"},
		{"a form named as an instrument", header + id + "q1,ons4,,radio,Q,\"1, A | 2, B\",,,,,,,,,,,,\n", "has the id of the framework's instrument"},
	} {
		_, err := ParseREDCapFramework(strings.NewReader(tc.body), Default())
		if err == nil || !strings.Contains(errorText(err), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, errorText(err), tc.want)
		}
	}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = `"` + s + `"`
	}
	return out
}

// errorText is an error's message with its fields, as a user reads it.
func errorText(err error) string {
	if err == nil {
		return "<nil>"
	}
	s := ateval.ErrorMessage(err)
	for _, f := range ateval.ErrorFields(err) {
		s += "; " + f.Field + ": " + f.Message
	}
	return s
}

// FuzzParseREDCapFramework: a REDCap data dictionary, from a borough or
// written by ateval and edited in REDCap. Nothing may panic; a dictionary
// that reads must write out and read back as the same framework, and its
// files must load as it.
//
//	go test -run=^$ -fuzz=FuzzParseREDCapFramework -fuzztime=1m ./forms
func FuzzParseREDCapFramework(f *testing.F) {
	var own bytes.Buffer
	if err := Default().WriteREDCapDictionary(&own); err != nil {
		f.Fatal(err)
	}
	f.Add(own.String())
	var one bytes.Buffer
	in, _ := Default().Instrument("device-use")
	if err := in.WriteREDCapDictionary(&one); err != nil {
		f.Fatal(err)
	}
	header := strings.SplitN(one.String(), "\n", 2)[0]
	f.Add(header + "\nrecord_id,m,,text,ID,,,,,,,,,,,,,\nq1,m,Mine,radio,Q,\"1, A | 2, B\",,,,,,,y,,,,,\"@ATEVAL-ITEM={\"\"unit\"\":\"\"u\"\"}\"\n")
	f.Add(header + "\nrecord_id,m,,text,ID,,,,,,,,,,,,,@ATEVAL-FRAMEWORK={}\n")
	f.Add(header + "\nrecord_id,m,,text,ID,,,,,,,,,,,,,\nq1,m,,text,Q,,,number,1,x,,[q0] = '1',,,,,,@ATEVAL-SCORE=[\n")
	base := Default()
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseREDCapFramework(strings.NewReader(s), base)
		if err != nil {
			return
		}
		var again bytes.Buffer
		if err := d.Framework.WriteREDCapDictionary(&again); err != nil {
			t.Fatal(err)
		}
		back, err := ParseREDCapFramework(&again, base)
		if err != nil {
			t.Fatalf("a framework read from a dictionary does not read back from its own: %v", err)
		}
		a, _ := json.Marshal(d.Framework)
		b, _ := json.Marshal(back.Framework)
		if !bytes.Equal(a, b) {
			t.Fatalf("round trip changed the framework:\n%s\n%s", a, b)
		}
	})
}
