package federation

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval"
)

func testBody() Body {
	return Body{Borough: "camden", FrameworkVersion: "2026.1", PeriodFrom: 2024, PeriodTo: 2025,
		Made: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), Sequence: 3, MinBoroughN: 10, MinCell: 8,
		Statistics: []Statistic{{Outcome: "swemwbs_raw", Timepoint: "m6", Kind: "change", Reference: &Reference{Baseline: 14, Change: 11, Slope: 0.72, Residual: 9.5}, Cells: []Cell{
			{Category: "fall-detector", Arm: "intervention", Periods: []int{2024, 2025}, N: 31, Key: 4017, Values: []float64{22.5, 0.75}},
			{Category: "", Arm: "comparison", Periods: []int{2024}, N: 12, Key: 1500, Values: []float64{21.6, -0.2}},
		}}, {Outcome: "falls", Timepoint: "m6", Kind: "events", Cells: []Cell{
			{Category: "fall-detector", Arm: "intervention", Periods: []int{2024, 2025}, N: 31, Key: 4017, Values: []float64{25, 2790, 15, 2790}},
		}}, {Outcome: "still_using", Timepoint: "m6", Kind: "proportion", Cells: []Cell{
			{Category: "fall-detector", Arm: "intervention", Periods: []int{2024, 2025}, N: 31, Key: 4017, Values: []float64{25}},
		}}}}
}

func key(t testing.TB) ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func encode(t testing.TB, b Bundle) []byte {
	var buf bytes.Buffer
	if err := b.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSignParseVerify(t *testing.T) {
	k := key(t)
	data := encode(t, Sign(testBody(), k))
	b, err := Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, data)
	}
	if err := b.Verify(k.Public().(ed25519.PublicKey)); err != nil {
		t.Errorf("Verify of an untouched bundle: %v", err)
	}
	if got := b.Statistics[0].Cells[1].Values[1]; got != -0.2 {
		t.Errorf("mean change read back as %g", got)
	}
	if got := b.Statistics[0].Reference.Residual; got != 9.5 {
		t.Errorf("reference read back as %g", got)
	}
	// Whitespace is not content: the re-indented bundle still verifies.
	var flat bytes.Buffer
	flat.WriteString(strings.Join(strings.Fields(string(data)), ""))
	if b, err := Parse(&flat); err != nil || b.Verify(k.Public().(ed25519.PublicKey)) != nil {
		t.Errorf("re-indented bundle: parse %v, or it does not verify", err)
	}
	if err := b.Verify(key(t).Public().(ed25519.PublicKey)); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
		t.Errorf("Verify with another key: %v, want EUNAUTHORIZED", err)
	}
}

// TestTamper changes one thing of a signed bundle at a time: every change
// of content must fail verification.
func TestTamper(t *testing.T) {
	k := key(t)
	pub := k.Public().(ed25519.PublicKey)
	data := string(encode(t, Sign(testBody(), k)))
	for _, tc := range []struct{ from, to string }{
		{`"n": 31`, `"n": 32`},
		{`22.5`, `22.6`},
		{`9.5`, `9.6`},
		{`"borough": "camden"`, `"borough": "sutton"`},
		{`"sequence": 3`, `"sequence": 4`},
		{`"arm": "comparison"`, `"arm": "intervention"`},
		{`2025`, `2024`},
	} {
		changed := strings.Replace(data, tc.from, tc.to, 1)
		if changed == data {
			t.Fatalf("%q not in the bundle", tc.from)
		}
		b, err := Parse(strings.NewReader(changed))
		if err != nil {
			continue // refused on its form: also a refusal
		}
		if err := b.Verify(pub); err == nil {
			t.Errorf("%s → %s: the tampered bundle verifies", tc.from, tc.to)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	k := key(t)
	good := string(encode(t, Sign(testBody(), k)))
	for _, tc := range []struct{ name, text, msg string }{
		{"empty", "", "not an evidence bundle"},
		{"not json", "hello", "not an evidence bundle"},
		{"other format", strings.Replace(good, Format, "something-else", 1), "format"},
		{"later version", strings.Replace(good, `"format_version": 2`, `"format_version": 3`, 1), "reads version 2 only"},
		{"version 1", strings.Replace(good, `"format_version": 2`, `"format_version": 1`, 1), "exact sums and is no longer read"},
		{"version 1 sums", strings.Replace(good, `"values": [`, `"sums": [`, 1), "unknown field"},
		{"unknown field", strings.Replace(good, `"borough":`, `"resident_ref": "CAM-000001", "borough":`, 1), "unknown field"},
		{"two bundles", good + good, "text after"},
		{"bad slug", strings.Replace(good, `"borough": "camden"`, `"borough": "Camden Council"`, 1), "not a slug"},
		{"short values", strings.Replace(good, `22.5,`, ``, 1), "malformed"},
		{"exact sums as values", strings.Replace(good, `22.5,`, `682, 711, 15480, 16901,`, 1), "malformed"},
		{"no reference variance", strings.Replace(good, `"var_baseline": 14`, `"var_baseline": 0`, 1), "not the variances"},
		{"negative residual", strings.Replace(good, `"var_residual": 9.5`, `"var_residual": -1`, 1), "not the variances"},
		{"no follow-up variance", strings.Replace(strings.Replace(good, `"var_residual": 9.5`, `"var_residual": 0`, 1), `"slope": 0.72`, `"slope": 0`, 1), "not the variances"},
		{"broken count", strings.Replace(good, `2790,`, `2790.5,`, 1), "broken count"},
		{"negative count", strings.Replace(good, `2790,`, `-2790,`, 1), "negative"},
		{"cell outside period", strings.Replace(good, `"period_from": 2024`, `"period_from": 2025`, 1), "outside"},
		{"no signature", strings.Replace(good, `"signature": "`, `"signature": "x`, 1), "signature"},
		{"oversized", `{"format": "` + strings.Repeat("a", MaxSize) + `"}`, "larger than"},
		{"score without a reference", string(encode(t, Sign(func() Body { b := testBody(); b.Statistics[0].Reference = nil; return b }(), k))), "missing"},
	} {
		_, err := Parse(strings.NewReader(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.msg)
		}
	}
}

// FuzzParse: Parse never panics, and whatever it accepts encodes and
// parses back to the same canonical body.
func FuzzParse(f *testing.F) {
	k := key(f)
	f.Add(encode(f, Sign(testBody(), k)))
	f.Add([]byte(`{"format":"ateval-evidence-bundle","format_version":1}`))
	f.Add([]byte(`{"format":"ateval-evidence-bundle","format_version":2,"statistics":[{"kind":"change","reference":{"var_baseline":-1,"var_change":1,"slope":2,"var_residual":0}}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		again, err := Parse(bytes.NewReader(encode(t, b)))
		if err != nil {
			t.Fatalf("a parsed bundle does not parse again: %v", err)
		}
		if !bytes.Equal(again.Body.Canonical(), b.Body.Canonical()) {
			t.Fatal("canonical encoding changed on a round trip")
		}
		_ = b.Verify(k.Public().(ed25519.PublicKey))
	})
}
