package forms

import (
	"strings"
	"testing"
)

func TestLoadWording(t *testing.T) {
	f := Default()
	g, err := f.LoadWording(strings.NewReader(`{"instrument":"zbi12","items":{"zbi12_1":{"text":"Licensed text 1","levels":{"0":"Licensed never"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	in, _ := g.Instrument("zbi12")
	it, _ := in.Item("zbi12_1")
	if it.Text != "Licensed text 1" || it.Levels[0].Label != "Licensed never" || !in.Licence.WordingLoaded {
		t.Errorf("wording not loaded: %+v", it)
	}
	orig, _ := f.Instrument("zbi12")
	if it0, _ := orig.Item("zbi12_1"); strings.Contains(it0.Text, "Licensed text") || orig.Licence.WordingLoaded {
		t.Error("LoadWording changed the default framework")
	}
	for _, bad := range []string{
		`{"instrument":"nope","items":{}}`,
		`{"instrument":"zbi12","items":{"zbi12_99":{"text":"x"}}}`,
		`{"instrument":"zbi12","items":{"zbi12_1":{"levels":{"7":"x"}}}}`,
		`{"instrument":"zbi12","extra":1}`,
	} {
		if _, err := f.LoadWording(strings.NewReader(bad)); err == nil {
			t.Errorf("LoadWording(%s) succeeded", bad)
		}
	}
}

// TestLoadValueSet loads a made-up value set (not the licensed ASCOT
// weights, which are not shipped) to check the loading path and arithmetic.
func TestLoadValueSet(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"id":"test","instrument":"ascot-sct4","version":"test-weights","source":"made up for a test","intercept":0.5,"multiplier":2,"decimals":3,"weights":{`)
	for i, d := range []string{"control", "personal_care", "food", "safety", "social", "occupation", "accommodation", "dignity"} {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"ascot_sct4_` + d + `":{"1":0.1,"2":0.05,"3":0,"4":-0.05}`)
	}
	b.WriteString(`}}`)
	g, err := Default().LoadValueSet(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	in, _ := g.Instrument("ascot-sct4")
	var a []Answer
	for i, d := range []string{"control", "personal_care", "food", "safety", "social", "occupation", "accommodation", "dignity"} {
		a = append(a, ans("ascot_sct4_"+d, []float64{1, 1, 1, 1, 4, 4, 3, 2}[i]))
	}
	s := in.Score(a)[0]
	// 0.5 + 2*(4*0.1 - 2*0.05 + 0 + 0.05) = 1.2
	if s.Value == nil || *s.Value != 1.2 || s.Method != "ascot-sct4-scrqol/test-weights" {
		t.Errorf("score with loaded weights = %+v", s)
	}
	if _, err := Default().LoadValueSet(strings.NewReader(strings.Replace(b.String(), `"4":-0.05}}`, `}}`, 1))); err == nil {
		t.Error("a value set missing a level loaded")
	}
	// The weights give -0.3 to 2.1; a declared range that disagrees is a
	// transcription error.
	if _, err := Default().LoadValueSet(strings.NewReader(strings.Replace(b.String(), `"decimals":3`, `"decimals":3,"min":-0.3,"max":2.1`, 1))); err != nil {
		t.Errorf("a value set with its true range: %v", err)
	}
	if _, err := Default().LoadValueSet(strings.NewReader(strings.Replace(b.String(), `"decimals":3`, `"decimals":3,"min":-0.285,"max":1`, 1))); err == nil || !strings.Contains(err.Error(), "range") {
		t.Errorf("a value set with a wrong declared range: %v", err)
	}
}
