package forms

import (
	"strings"
	"testing"
)

// TestLabelsNameEveryCode: every missing reason, respondent, timepoint
// and score of the framework has words of its own.
func TestLabelsNameEveryCode(t *testing.T) {
	for _, r := range MissingReasons() {
		if r.Label() == string(r) {
			t.Errorf("missing reason %q has no label", r)
		}
	}
	for _, r := range Respondents() {
		if r.Label() == string(r) {
			t.Errorf("respondent %q has no label", r)
		}
	}
	for _, in := range Default().Instruments() {
		for _, s := range in.Scores {
			if _, ok := scoreLabels[in.ID+"/"+s.Name]; !ok {
				t.Errorf("score %s of %s has no label", s.Name, in.ID)
			}
		}
	}
	for key := range scoreLabels {
		found := false
		for _, in := range Default().Instruments() {
			for _, s := range in.Scores {
				found = found || in.ID+"/"+s.Name == key
			}
		}
		if !found {
			t.Errorf("label for %s names no score of the framework", key)
		}
	}
}

// TestScoreText: each kind of score written as people read it, not as
// Go prints a float64 (an EQ-5D profile was shown as 4.543e+04).
func TestScoreText(t *testing.T) {
	fw := Default()
	v := func(x float64) *float64 { return &x }
	for _, c := range []struct {
		instrument, score string
		value             *float64
		want              string
	}{
		{"eq5d5l", "profile", v(45431), "45431"},
		{"eq5d5l", "index", v(0.75), "0.750"},
		{"eq5d5l", "vas", v(80), "80"},
		{"swemwbs", "metric", v(20.73), "20.73"},
		{"swemwbs", "raw", v(23), "23"},
		{"events", "falls_per_30_days", v(1.5), "1.50"},
		{"ons4", "anxious", v(3), "3"},
		{"swemwbs", "metric", nil, ""},
	} {
		in, ok := fw.Instrument(c.instrument)
		if !ok {
			t.Fatalf("no instrument %s", c.instrument)
		}
		if got := in.ScoreText(Score{Name: c.score, Value: c.value}); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.instrument, c.score, got, c.want)
		}
	}
	// A score of one choice item reads as the level's label.
	in, _ := fw.Instrument("events")
	for _, r := range in.Scores {
		if r.Kind != KindItem {
			continue
		}
		it, _ := in.Item(r.Items[0])
		if it.Type != TypeChoice {
			continue
		}
		l := it.Levels[0]
		if got := in.ScoreText(Score{Name: r.Name, Value: v(float64(l.Code))}); got != l.Label {
			t.Errorf("events %s = %d: %q, want the level's label %q", r.Name, l.Code, got, l.Label)
		}
	}
}

func TestNotScorableText(t *testing.T) {
	in, _ := Default().Instrument("swemwbs")
	var answers []Answer
	three := 3.0
	for _, it := range in.Items {
		a := Answer{Item: it.ID, Value: &three}
		if it.ID == "swemwbs_3" {
			a = Answer{Item: it.ID, Missing: Refused}
		}
		answers = append(answers, a)
	}
	scores := in.Score(answers)
	got := in.NotScorableText(scores[0].NotScorable)
	if got == scores[0].NotScorable {
		t.Fatalf("reason %q left as stored", got)
	}
	for _, bad := range []string{"swemwbs_", "not_applicable"} {
		if strings.Contains(got, bad) {
			t.Errorf("reason %q still holds the code %q", got, bad)
		}
	}
	if got := in.NotScorableText("swemwbs_3 is missing (not_applicable); every item is needed"); got != "question 3 did not apply; every item is needed" {
		t.Errorf("reason in words: %q", got)
	}
}

func TestShownWhen(t *testing.T) {
	in, _ := Default().Instrument("device-use")
	var got []string
	for _, it := range in.Items {
		if w := in.ShownWhen(it); w != "" {
			got = append(got, w)
		}
	}
	if len(got) == 0 {
		t.Fatal("no item of device-use has a skip rule in words")
	}
	for _, w := range got {
		if strings.Contains(w, "device_use_") || !strings.HasPrefix(w, "question 1 is answered “") {
			t.Errorf("skip rule in words: %q", w)
		}
	}
}

func TestAName(t *testing.T) {
	fw := Default()
	for id, want := range map[string]string{"ons4": "an ONS personal wellbeing (ONS4)", "ucla3": "a Three-item loneliness scale (UCLA 3-item)", "eq5d5l": "an EQ-5D-5L"} {
		in, _ := fw.Instrument(id)
		if got := in.AName(); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
}

func TestShortName(t *testing.T) {
	fw := Default()
	for id, want := range map[string]string{"ons4": "ONS4", "zbi12": "ZBI-12", "eq5d5l": "EQ-5D-5L", "events": "Service use and events"} {
		in, _ := fw.Instrument(id)
		if got := in.ShortName(); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
}
