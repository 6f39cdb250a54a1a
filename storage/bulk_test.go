package storage

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzJSONRows checks that any strings and numbers make valid JSON that
// decodes back to what was written (invalid UTF-8 becoming U+FFFD, as
// encoding/json does too).
//
//	go test -run=^$ -fuzz=FuzzJSONRows -fuzztime=1m ./storage
func FuzzJSONRows(f *testing.F) {
	f.Add("swemwbs_1=4;swemwbs_2=refused", int64(42), 3.25)
	f.Add("quote \" backslash \\ tab \t nul \x00 é 中", int64(-1), math.Inf(1))
	f.Add("\xff\xfe bad utf-8", int64(math.MaxInt64), math.NaN())
	f.Fuzz(func(t *testing.T, s string, n int64, x float64) {
		var j jsonRows
		j.reset()
		j.row()
		j.str(s)
		j.int(n)
		var fp *float64
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			fp = &x
		}
		j.float(fp)
		j.row()
		j.str("")
		out := j.String()
		if !json.Valid([]byte(out)) {
			t.Fatalf("invalid JSON %q", out)
		}
		var back [][]any
		d := json.NewDecoder(strings.NewReader(out))
		d.UseNumber()
		if err := d.Decode(&back); err != nil {
			t.Fatal(err)
		}
		want := s
		if !utf8.ValidString(s) {
			want = string([]rune(s)) // replaces invalid bytes with U+FFFD
		}
		if back[0][0] != want {
			t.Errorf("string %q came back as %q", s, back[0][0])
		}
		if got := back[0][1].(json.Number).String(); got != jsonInt(n) {
			t.Errorf("int %d came back as %s", n, got)
		}
		if fp == nil && back[0][2] != nil {
			t.Errorf("null came back as %v", back[0][2])
		}
		if fp != nil {
			if v, _ := back[0][2].(json.Number).Float64(); v != x {
				t.Errorf("float %v came back as %v", x, v)
			}
		}
	})
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
