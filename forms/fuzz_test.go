package forms

import (
	"os"
	"strings"
	"testing"
)

// Fuzz targets for every file or string a borough can hand the framework.
// Each runs for a minute with, for example:
//
//	go test -run=^$ -fuzz=FuzzParseAnswers -fuzztime=1m ./forms

// FuzzParseAnswers: the compact answers field of assessments.csv. What it
// accepts must survive FormatAnswers and come back the same, and no input
// may panic the validator or the scorer of any instrument.
func FuzzParseAnswers(f *testing.F) {
	f.Add("swemwbs_1=4;swemwbs_2=refused;swemwbs_3=3")
	f.Add("ons4_anxious=10;ons4_happy=not_asked")
	f.Add("eq5d5l_vas=1e309;x=")
	f.Add("a=1;a=2")
	f.Add(" ; = ;;")
	fw := Default()
	f.Fuzz(func(t *testing.T, s string) {
		answers, err := ParseAnswers(s)
		if err != nil {
			return
		}
		back, err := ParseAnswers(FormatAnswers(answers))
		if err != nil {
			t.Fatalf("FormatAnswers wrote what ParseAnswers refuses: %v", err)
		}
		if len(back) != len(answers) {
			t.Fatalf("round trip: %d answers became %d", len(answers), len(back))
		}
		for i := range back {
			a, b := answers[i], back[i]
			if a.Item != b.Item || a.Missing != b.Missing || (a.Value == nil) != (b.Value == nil) || (a.Value != nil && *a.Value != *b.Value) {
				t.Fatalf("round trip changed %+v into %+v", a, b)
			}
		}
		for _, in := range fw.Instruments() {
			if in.Validate(answers) == nil {
				in.Score(answers)
			}
		}
	})
}

// FuzzLoadWording: a borough's licensed wording file.
func FuzzLoadWording(f *testing.F) {
	f.Add(`{"instrument":"zbi12","items":{"zbi12_1":{"text":"Licensed text 1","levels":{"0":"Licensed never"}}}}`)
	f.Add(`{"instrument":"nope"}`)
	f.Add(`{"instrument":"zbi12","items":{"zbi12_1":{"levels":{"99":"x"}}}}`)
	fw := Default()
	f.Fuzz(func(t *testing.T, s string) {
		g, err := fw.LoadWording(strings.NewReader(s))
		if err == nil && g == nil {
			t.Fatal("no error and no framework")
		}
	})
}

// FuzzLoadValueSet: a value set (licensed weights, or a newer tariff).
func FuzzLoadValueSet(f *testing.F) {
	if b, err := os.ReadFile("framework/2026.1/valuesets/eq5d5l-england-devlin-2018.json"); err == nil {
		f.Add(string(b))
	}
	f.Add(`{}`)
	f.Add(`{"id":"x","instrument":"ces"}`)
	fw := Default()
	f.Fuzz(func(t *testing.T, s string) {
		g, err := fw.LoadValueSet(strings.NewReader(s))
		if err != nil {
			return
		}
		// A value set that loads must score without panicking.
		for _, in := range g.Instruments() {
			var answers []Answer
			for _, it := range in.Items {
				v := 1.0
				answers = append(answers, Answer{Item: it.ID, Value: &v})
			}
			in.Score(answers)
		}
	})
}
