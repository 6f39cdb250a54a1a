package forms

import (
	"fmt"
	"math"
	"testing"
)

// scoreOf returns the named score, failing the test if there is none.
func scoreOf(t *testing.T, scores []Score, name string) Score {
	t.Helper()
	for _, s := range scores {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no score %q in %+v", name, scores)
	return Score{}
}

func items(prefix string, vals ...float64) []Answer {
	var a []Answer
	for i, v := range vals {
		if math.IsNaN(v) {
			a = append(a, miss(fmt.Sprintf("%s%d", prefix, i+1), Refused))
			continue
		}
		a = append(a, ans(fmt.Sprintf("%s%d", prefix, i+1), v))
	}
	return a
}

var gap = math.NaN() // an item answered "refused"

type scoreCase struct {
	name        string
	answers     []Answer
	score       string
	want        float64 // ignored when notScorable is set
	tol         float64
	notScorable string
}

func runScoreCases(t *testing.T, instrument string, cases []scoreCase) {
	t.Helper()
	in := mustInstrument(t, instrument)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := scoreOf(t, in.Score(c.answers), c.score)
			if c.notScorable != "" {
				if s.Value != nil || s.NotScorable != c.notScorable {
					t.Fatalf("%s = %v (%q), want not scorable %q", c.score, s.Value, s.NotScorable, c.notScorable)
				}
				return
			}
			if s.Value == nil {
				t.Fatalf("%s not scorable: %s", c.score, s.NotScorable)
			}
			if math.Abs(*s.Value-c.want) > c.tol {
				t.Errorf("%s = %v, want %v ± %v", c.score, *s.Value, c.want, c.tol)
			}
		})
	}
}

// SWEMWBS metric scores: rows of the Warwick Medical School conversion table
// (Stewart-Brown et al. 2009 Rasch transformation): raw 7 -> 7.00,
// 14 -> 15.32, 21 -> 19.25, 23 -> 20.73, 28 -> 25.03, 34 -> 32.55, 35 -> 35.00.
func TestScoreSWEMWBS(t *testing.T) {
	runScoreCases(t, "swemwbs", []scoreCase{
		{"floor", items("swemwbs_", 1, 1, 1, 1, 1, 1, 1), "metric", 7.00, 0, ""},
		{"raw 14", items("swemwbs_", 2, 2, 2, 2, 2, 2, 2), "metric", 15.32, 0, ""},
		{"raw 21", items("swemwbs_", 3, 3, 3, 3, 3, 3, 3), "metric", 19.25, 0, ""},
		{"raw 23", items("swemwbs_", 1, 5, 3, 4, 2, 5, 3), "metric", 20.73, 0, ""},
		{"raw 28", items("swemwbs_", 4, 4, 4, 4, 4, 4, 4), "metric", 25.03, 0, ""},
		{"raw 34", items("swemwbs_", 5, 5, 5, 5, 5, 5, 4), "metric", 32.55, 0, ""},
		{"ceiling", items("swemwbs_", 5, 5, 5, 5, 5, 5, 5), "metric", 35.00, 0, ""},
		{"raw kept", items("swemwbs_", 1, 5, 3, 4, 2, 5, 3), "raw", 23, 0, ""},
		{"one missing: no proration", items("swemwbs_", 5, 5, 5, 5, 5, 5, gap), "metric", 0, 0, "swemwbs_7 is missing (refused); every item is needed"},
		{"two missing", items("swemwbs_", gap, 5, 5, 5, 5, 5, gap), "metric", 0, 0, "2 of 7 items missing; every item is needed"},
	})
}

// EQ-5D-5L England (Devlin et al. 2018) index values, as published in the
// R package eq5d's tests (eq5d5l(c(MO=2,SC=3,UA=2,PD=4,AD=5), "England") =
// 0.247 and so on); 11111 = 1 and 55555 = -0.285 are the published extremes.
func TestScoreEQ5D5L(t *testing.T) {
	state := func(mo, sc, ua, pd, ad float64) []Answer {
		return []Answer{ans("eq5d5l_mo", mo), ans("eq5d5l_sc", sc), ans("eq5d5l_ua", ua), ans("eq5d5l_pd", pd), ans("eq5d5l_ad", ad), ans("eq5d5l_vas", 70)}
	}
	runScoreCases(t, "eq5d5l", []scoreCase{
		{"11111", state(1, 1, 1, 1, 1), "index", 1, 1e-9, ""},
		{"55555", state(5, 5, 5, 5, 5), "index", -0.285, 1e-9, ""},
		{"23245", state(2, 3, 2, 4, 5), "index", 0.247, 1e-9, ""},
		{"11112", state(1, 1, 1, 1, 2), "index", 0.922, 1e-9, ""},
		{"11121", state(1, 1, 1, 2, 1), "index", 0.937, 1e-9, ""},
		{"11211", state(1, 1, 2, 1, 1), "index", 0.950, 1e-9, ""},
		{"12111", state(1, 2, 1, 1, 1), "index", 0.950, 1e-9, ""},
		{"21111", state(2, 1, 1, 1, 1), "index", 0.942, 1e-9, ""},
		{"vas", state(2, 3, 2, 4, 5), "vas", 70, 0, ""},
		{"profile", state(2, 3, 2, 4, 5), "profile", 23245, 0, ""},
		{"a dimension missing", append(state(2, 3, 2, 4, 5)[:4], miss("eq5d5l_ad", Unable)), "index", 0, 0, "eq5d5l_ad is missing (unable); every item is needed"},
	})
	// The headline is the index, and it names its value set.
	s := mustInstrument(t, "eq5d5l").Score(state(1, 1, 1, 1, 1))[0]
	if s.Name != "index" || s.Method != "eq5d5l-index/england-devlin-2018" {
		t.Errorf("headline = %s %s", s.Name, s.Method)
	}
}

// Short FES-I (Kempen et al. 2008): sum 7-28; one missing item prorated
// as the sum of the six answered / 6 x 7, rounded up to a whole number
// (the FES-I scoring guidance), two or more not scorable.
func TestScoreShortFESI(t *testing.T) {
	runScoreCases(t, "short-fes-i", []scoreCase{
		{"floor", items("short_fes_i_", 1, 1, 1, 1, 1, 1, 1), "score", 7, 0, ""},
		{"ceiling", items("short_fes_i_", 4, 4, 4, 4, 4, 4, 4), "score", 28, 0, ""},
		{"mixed", items("short_fes_i_", 1, 2, 3, 4, 1, 2, 3), "score", 16, 0, ""},
		{"one missing prorated", items("short_fes_i_", 2, 2, 2, 2, 2, 2, gap), "score", 14, 0, ""},
		{"one missing, fractional", items("short_fes_i_", 1, 2, 3, 4, 1, gap, 2), "score", 16, 0, ""}, // 13/6*7 = 15.17, rounded up
		{"one missing, just over", items("short_fes_i_", 4, 4, 4, 4, 4, 1, gap), "score", 25, 0, ""},  // 21/6*7 = 24.5, rounded up
		{"one missing, whole", items("short_fes_i_", 3, 3, 3, 3, 3, 3, gap), "score", 21, 0, ""},      // 18/6*7 = 21 exactly, not 22
		{"two missing", items("short_fes_i_", 1, 2, 3, 4, gap, gap, 2), "score", 0, 0, "2 of 7 items missing; at most 1 may be prorated"},
	})
}

func TestScoreSums(t *testing.T) {
	runScoreCases(t, "ucla3", []scoreCase{
		{"floor", items("ucla3_", 1, 1, 1), "score", 3, 0, ""},
		{"ceiling", items("ucla3_", 3, 3, 3), "score", 9, 0, ""},
		{"one missing", items("ucla3_", 3, gap, 3), "score", 0, 0, "ucla3_2 is missing (refused); every item is needed"},
	})
	runScoreCases(t, "zbi12", []scoreCase{
		{"floor", items("zbi12_", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), "score", 0, 0, ""},
		{"ceiling", items("zbi12_", 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4), "score", 48, 0, ""},
		{"mixed", items("zbi12_", 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1), "score", 21, 0, ""},
		{"one missing", items("zbi12_", 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, gap), "score", 0, 0, "zbi12_12 is missing (refused); every item is needed"},
	})
}

func TestScoreONS4(t *testing.T) {
	a := []Answer{ans("ons4_satisfied", 7), ans("ons4_worthwhile", 8), ans("ons4_happy", 6), miss("ons4_anxious", Refused)}
	runScoreCases(t, "ons4", []scoreCase{
		{"satisfied alone", a, "satisfied", 7, 0, ""},
		{"worthwhile alone", a, "worthwhile", 8, 0, ""},
		{"happy alone", a, "happy", 6, 0, ""},
		{"anxious refused", a, "anxious", 0, 0, "ons4_anxious is missing (refused)"},
	})
}

func TestScoreLicensedWeightsNotLoaded(t *testing.T) {
	runScoreCases(t, "ascot-sct4", []scoreCase{
		{"no weights", nil, "index", 0, 0, "weights not loaded (licensed from PSSRU): load the Netten et al. 2012 preference weights with LoadValueSet"},
	})
	runScoreCases(t, "ces", []scoreCase{
		{"no tariff", nil, "index", 0, 0, "weights not loaded: load the Al-Janabi et al. 2011 CES tariff with LoadValueSet"},
	})
}

// GAS T-scores from the Kiresuk & Sherman (1968) formula with rho = 0.3, in
// the form given by Turner-Stokes (Clin Rehabil 2009;23:362-70):
// T = 50 + 10 Σwx / sqrt(0.7 Σw² + 0.3 (Σw)²). Worked by hand:
// three equal goals all at -1: 50 - 30/sqrt(0.7*3 + 0.3*9) = 36.31;
// weights 2 and 1 at +1 and -1: 50 + 10*1/sqrt(0.7*5 + 0.3*9) = 54.02.
func TestScoreGAS(t *testing.T) {
	goal := func(g int, x, w float64) []Answer {
		return []Answer{ans(gasItem(g, "attainment"), x), ans(gasItem(g, "weight"), w)}
	}
	cat := func(as ...[]Answer) (out []Answer) {
		for _, a := range as {
			out = append(out, a...)
		}
		return out
	}
	runScoreCases(t, "gas", []scoreCase{
		{"expected level", goal(1, 0, 1), "t_score", 50, 0, ""},
		{"one goal much better", goal(1, 2, 1), "t_score", 70, 1e-9, ""},
		{"one goal much worse", goal(1, -2, 5), "t_score", 30, 1e-9, ""},
		{"three at -1", cat(goal(1, -1, 1), goal(2, -1, 1), goal(3, -1, 1)), "t_score", 36.31, 1e-9, ""},
		{"weighted", cat(goal(1, 1, 2), goal(2, -1, 1)), "t_score", 54.02, 1e-9, ""},
		{"weight missing", cat(goal(1, 1, 2), []Answer{ans("gas_goal2_attainment", 0), miss("gas_goal2_weight", NotAsked)}), "t_score", 0, 0, "goal 2 has an attainment but no weight (gas_goal2_weight is missing (not_asked))"},
		{"no goals", []Answer{miss("gas_goal1_attainment", Unable)}, "t_score", 0, 0, "no goal has an attainment"},
	})
}

func TestScoreEvents(t *testing.T) {
	runScoreCases(t, "events", []scoreCase{
		{"30 days", events(30, 1, 7.5), "adverse_events_per_30_days", 2, 1e-9, ""}, // 1 fall + 0 admissions + 1 A&E
		{"60 days", events(60, 1, 7.5), "adverse_events_per_30_days", 1, 1e-9, ""},
		{"falls rate", events(90, 3, 7.5), "falls_per_30_days", 1, 1e-9, ""},
		{"home care kept", events(90, 3, 7.5), "home_care_hours", 7.5, 0, ""},
		{"no period", events(90, 3, 7.5)[1:], "falls_per_30_days", 0, 0, "events_period_days has no answer"},
	})
}

func TestScoreDeviceUse(t *testing.T) {
	stopped := []Answer{ans("device_use_in_use", 0), ans("device_use_satisfaction", 2), ans("device_use_stop_reason", 5)}
	runScoreCases(t, "device-use", []scoreCase{
		{"in use", stopped, "in_use", 0, 0, ""},
		{"frequency hidden", stopped, "frequency", 0, 0, "device_use_frequency has no answer"},
	})
	// A value given to a hidden item is never scored.
	hidden := append(stopped, ans("device_use_frequency", 5))
	if s := scoreOf(t, mustInstrument(t, "device-use").Score(hidden), "frequency"); s.Value != nil {
		t.Errorf("frequency of a stopped device = %v, want not scorable", *s.Value)
	}
}

func TestRecompute(t *testing.T) {
	f := Default()
	a := &Assessment{Instrument: "ucla3", Answers: items("ucla3_", 2, 2, 3)}
	if err := f.Recompute(a); err != nil {
		t.Fatal(err)
	}
	if a.FrameworkVersion != "2026.1" || len(a.Scores) != 1 || *a.Scores[0].Value != 7 || a.Scores[0].Method != "ucla3-sum/hughes-2004" {
		t.Errorf("Recompute gave %+v", a)
	}
	if err := f.Recompute(&Assessment{Instrument: "nope"}); err == nil {
		t.Error("Recompute of an unknown instrument succeeded")
	}
	if err := f.Recompute(&Assessment{Instrument: "ucla3", Answers: items("ucla3_", 4, 2, 3)}); err == nil {
		t.Error("Recompute of invalid answers succeeded")
	}
}

func BenchmarkScoreEQ5D5L(b *testing.B) {
	in := mustInstrument(b, "eq5d5l")
	a := []Answer{ans("eq5d5l_mo", 2), ans("eq5d5l_sc", 3), ans("eq5d5l_ua", 2), ans("eq5d5l_pd", 4), ans("eq5d5l_ad", 5), ans("eq5d5l_vas", 70)}
	for b.Loop() {
		in.Score(a)
	}
}

// TestSWEMWBSSecondSource scores every raw total from 7 to 35 and checks the
// metric score against a second transcription of the Warwick table, typed
// here from a source independent of the one the framework's JSON was made
// from: a public R analysis script's conversion_table (found by code
// search on 2026-12-01), which agrees with the three transcriptions the
// framework cites on all 29 rows. A mistyped row in the JSON fails here.
func TestSWEMWBSSecondSource(t *testing.T) {
	second := []float64{7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36,
		16.88, 17.43, 17.98, 18.59, 19.25, 19.98, 20.73, 21.54, 22.35, 23.21,
		24.11, 25.03, 26.02, 27.03, 28.13, 29.31, 30.70, 32.55, 35.00}
	in := mustInstrument(t, "swemwbs")
	for raw := 7; raw <= 35; raw++ {
		// Seven answers of 1–5 summing to raw.
		vals := make([]float64, 7)
		left := raw
		for i := range vals {
			v := min(5, left-(6-i))
			vals[i] = float64(v)
			left -= v
		}
		s := scoreOf(t, in.Score(items("swemwbs_", vals...)), "metric")
		if s.Value == nil || math.Abs(*s.Value-second[raw-7]) > 1e-9 {
			t.Errorf("raw %d (%v): metric %v, the second source says %.2f", raw, vals, s.Value, second[raw-7])
		}
	}
}
