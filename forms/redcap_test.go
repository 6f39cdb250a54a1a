package forms

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}

// The 18 columns as REDCap writes them, checked against REDCap data
// dictionary exports and the PyCap column map.
func TestREDCapColumns(t *testing.T) {
	if len(REDCapColumns) != 18 || REDCapColumns[0] != "Variable / Field Name" || REDCapColumns[11] != "Branching Logic (Show field only if...)" || REDCapColumns[17] != "Field Annotation" {
		t.Errorf("REDCapColumns = %q", REDCapColumns)
	}
}

func TestWriteREDCapDictionary(t *testing.T) {
	for _, id := range []string{"device-use", "events"} {
		var b bytes.Buffer
		if err := mustInstrument(t, id).WriteREDCapDictionary(&b); err != nil {
			t.Fatal(err)
		}
		golden(t, "redcap-"+id+".csv", b.Bytes())
	}
	var b bytes.Buffer
	if err := Default().WriteREDCapDictionary(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range Default().Instruments() {
		n += len(in.Items)
	}
	if len(rows) != n+2 || rows[1][0] != "record_id" {
		t.Errorf("framework dictionary has %d rows (first field %q), want %d starting with record_id", len(rows), rows[1][0], n+2)
	}
}

// Every instrument survives export to REDCap and import back: same items,
// types, levels, ranges, required flags and skip rules.
func TestREDCapRoundTrip(t *testing.T) {
	for _, in := range Default().Instruments() {
		t.Run(in.ID, func(t *testing.T) {
			var b bytes.Buffer
			if err := in.WriteREDCapDictionary(&b); err != nil {
				t.Fatal(err)
			}
			got, err := ParseREDCapDictionary(&b)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != formName(in.ID) || len(got.Items) != len(in.Items) {
				t.Fatalf("imported %s with %d items", got.ID, len(got.Items))
			}
			for i, it := range in.Items {
				g := got.Items[i]
				if g.ID != it.ID || g.Type != it.Type || g.Required != it.Required || g.Relevant != it.Relevant || g.allowed() != it.allowed() || len(g.Levels) != len(it.Levels) {
					t.Errorf("item %d: got %+v, want %+v", i, g, it)
				}
			}
		})
	}
}

func TestParseREDCapDictionaryErrors(t *testing.T) {
	header := `"` + strings.Join(REDCapColumns, `","`) + `"` + "\n"
	row := func(cells ...string) string {
		r := make([]string, 18)
		copy(r, cells)
		var b strings.Builder
		w := csv.NewWriter(&b)
		w.Write(r)
		w.Flush()
		return b.String()
	}
	tests := []struct {
		name, csv, field, msg string
	}{
		{"bad header", "Variable,Form\n", "", "16 to 18 columns"},
		{"renamed column", strings.Replace(header, "Field Type", "Type", 1), "", `REDCap calls it "Field Type"`},
		{"unsupported type", header + row("q1", "myform", "", "checkbox", "Q", "1, a | 2, b"), "line 2, Field Type", `field type "checkbox" cannot be imported`},
		{"bad choices", header + row("q1", "myform", "", "radio", "Q", "1, a | b"), "line 2, Choices, Calculations, OR Slider Labels", `"b" is not of the form`},
		{"free text", header + row("q1", "myform", "", "text", "Q"), "line 2, Text Validation Type OR Show Slider Number", "only text fields validated"},
		{"bad min", header + row("q1", "myform", "", "text", "Q", "", "", "integer", "low"), "line 2, Text Validation Min", "must be a number"},
		{"two forms", header + row("q1", "myform", "", "yesno", "Q") + row("q2", "other", "", "yesno", "Q"), "line 3, Form Name", "one form"},
		{"bad variable", header + row("Q 1", "myform", "", "yesno", "Q"), "line 2, Variable / Field Name", "lower-case"},
		{"branching on later field", header + row("q1", "myform", "", "yesno", "Q", "", "", "", "", "", "", "[q2] = '1'") + row("q2", "myform", "", "yesno", "Q"), "line 2, Branching Logic (Show field only if...)", "not an earlier field"},
		{"complex branching", header + row("q1", "myform", "", "yesno", "Q") + row("q2", "myform", "", "yesno", "Q", "", "", "", "", "", "", "([q1] = '1' or [q1] = '0') and [q1] <> ''"), "line 3, Branching Logic (Show field only if...)", "only comparisons"},
		{"duplicate", header + row("q1", "myform", "", "yesno", "Q") + row("q1", "myform", "", "yesno", "Q"), "line 3, Variable / Field Name", "used twice"},
		{"short row", header + "q1,myform\n", "line 2", "has 2 columns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseREDCapDictionary(strings.NewReader(tt.csv))
			if err == nil {
				t.Fatal("parsed without error")
			}
			if tt.field == "" {
				if !strings.Contains(err.Error(), tt.msg) {
					t.Errorf("error %q does not contain %q", err, tt.msg)
				}
				return
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if strings.Contains(line, tt.field+": ") && strings.Contains(line, tt.msg) {
					return
				}
			}
			t.Errorf("error %q has no line naming %q and saying %q", err, tt.field, tt.msg)
		})
	}
}

func TestParseREDCapDictionary(t *testing.T) {
	f, err := os.Open("testdata/redcap-borough-measure.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := ParseREDCapDictionary(f)
	if err != nil {
		t.Fatal(err)
	}
	if in.ID != "home_safety" || len(in.Items) != 4 {
		t.Fatalf("imported %s with %d items", in.ID, len(in.Items))
	}
	stairs := in.Items[2]
	if stairs.Relevant != "home_safety_has_stairs = 1" || !stairs.Required {
		t.Errorf("stairs item = %+v", stairs)
	}
	err = in.Validate([]Answer{ans("home_safety_rating", 4), ans("home_safety_has_stairs", 0), ans("home_safety_stairs_rail", 1), ans("home_safety_hours_alone", 30)})
	if err == nil || !strings.Contains(err.Error(), "home_safety_stairs_rail: is only asked when home_safety_has_stairs = 1") {
		t.Errorf("Validate = %v", err)
	}
}

func FuzzParseREDCapDictionary(f *testing.F) {
	for _, id := range []string{"device-use", "swemwbs"} {
		var b bytes.Buffer
		mustInstrument(f, id).WriteREDCapDictionary(&b)
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ParseREDCapDictionary(bytes.NewReader(data))
		if err != nil {
			return
		}
		// Whatever imports must export and import again unchanged.
		var b bytes.Buffer
		if err := in.WriteREDCapDictionary(&b); err != nil {
			t.Fatal(err)
		}
		again, err := ParseREDCapDictionary(&b)
		if err != nil {
			t.Fatalf("re-import of an export failed: %v\n%s", err, b.Bytes())
		}
		if len(again.Items) != len(in.Items) {
			t.Fatalf("re-import has %d items, want %d", len(again.Items), len(in.Items))
		}
		for i := range in.Items {
			if again.Items[i].ID != in.Items[i].ID || again.Items[i].Relevant != in.Items[i].Relevant || again.Items[i].allowed() != in.Items[i].allowed() {
				t.Fatalf("item %d changed: %+v -> %+v", i, in.Items[i], again.Items[i])
			}
		}
	})
}
