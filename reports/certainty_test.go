package reports

import (
	"math"
	"strings"
	"testing"

	"github.com/ateval/ateval/evaluation"
	"github.com/ateval/ateval/forms"
)

// judged is an analysis with a pooled estimate set by hand, as certainty
// reads it, with SWEMWBS's minimal important difference of 1 point.
func judged(design string, est, ciLo, ciHi, piLo, piHi float64) Analysis {
	m, _ := forms.Default().Protocol().MID("swemwbs", "raw")
	a := Analysis{Outcome: "swemwbs_raw", DeviceCategory: "fall-detector", Timepoint: "m6", Design: design, Measure: MC,
		Completeness: 0.9, MID: midOf(m), Boroughs: []BoroughEffect{{Borough: "brent"}, {Borough: "camden"}, {Borough: "ealing"}},
		Pooled: evaluation.Pooled{K: 3, Estimate: est, CILower: ciLo, CIUpper: ciHi, PILower: piLo, PIUpper: piHi}}
	if design == DifferenceInChange {
		a.Measure = MCDiff
	}
	return a
}

// TestCertaintyGRADE: non-randomised evidence starts low, randomised
// high; a before-after change is never above low; risk of bias,
// inconsistency and imprecision are judged against the minimal important
// difference (1 point), not against no effect.
func TestCertaintyGRADE(t *testing.T) {
	// allRandom marks every row randomised; nil leaves them as they are.
	allRandom := func(a Analysis) Analysis {
		for i := range a.Boroughs {
			a.Boroughs[i].Randomised = true
		}
		return a
	}
	none := func(a Analysis) Analysis { return a }
	for _, c := range []struct {
		name   string
		a      Analysis
		opt    func(Analysis) Analysis
		want   string
		reason string // a word every reason list must hold, "" for none
	}{
		{"randomised, precise, important", judged(DifferenceInChange, 2, 1.5, 2.5, 1.2, 2.8), allRandom, "high", ""},
		{"randomised, precisely no important effect", judged(DifferenceInChange, 0.1, -0.5, 0.7, -0.8, 0.9), allRandom, "high", ""},
		{"non-randomised comparison starts low", judged(DifferenceInChange, 2, 1.5, 2.5, 1.2, 2.8), none, "low", ""},
		{"before-after, even in randomised boroughs", judged(BeforeAfter, 2, 1.5, 2.5, 1.2, 2.8), allRandom, "low", ""},
		{"CI crosses the MID, not zero", judged(DifferenceInChange, 1.2, 0.5, 1.9, 0.4, 2.0), allRandom, "low", "imprecision"},
		{"CI crosses both MIDs: two levels", judged(DifferenceInChange, 0, -1.5, 1.5, -1.6, 1.6), allRandom, "very low", "serious imprecision"},
		{"PI crosses the MID", judged(DifferenceInChange, 2, 1.5, 2.5, 0.5, 3.5), allRandom, "moderate", "inconsistency"},
		{"before-after lowered further", judged(BeforeAfter, 1.2, 0.5, 1.9, 0.4, 2.0), none, "very low", "imprecision"},
	} {
		a := c.opt(c.a)
		got := certainty(&a)
		if got.Level != c.want {
			t.Errorf("%s: certainty %q %v, want %q", c.name, got.Level, got.Reasons, c.want)
		}
		if all := strings.Join(got.Reasons, "; "); (c.reason == "") != (all == "") || !strings.Contains(all, c.reason) {
			t.Errorf("%s: reasons %q, want %q", c.name, all, c.reason)
		}
		if got.Basis == "" {
			t.Errorf("%s: no basis", c.name)
		}
	}
	a := allRandom(judged(DifferenceInChange, 2, 1.5, 2.5, 1.2, 2.8))
	if got := certainty(&a); got.Level != "high" || got.Basis != basisRandomised {
		t.Errorf("all randomised: %+v", got)
	}
	a.Completeness = 0.75
	if got := certainty(&a); got.Level != "moderate" || !strings.Contains(got.Reasons[0], "25% of the follow-ups due were not recorded") {
		t.Errorf("attrition of 25%%: %+v", got)
	}
	a.Completeness = 0.9
	a.imbalanced = true
	if got := certainty(&a); got.Level != "moderate" || !strings.Contains(got.Reasons[0], "differed at the start") {
		t.Errorf("baseline imbalance: %+v", got)
	}
	a.Boroughs[1].Randomised, a.Boroughs[2].Randomised = false, false
	if got := certainty(&a); got.Level != "very low" || !strings.Contains(got.Basis, "at random in 1 of the 3 boroughs") {
		t.Errorf("one randomised borough of three: %q (%s), want the non-randomised start, low, less one", got.Level, got.Basis)
	}
	// A row of boroughs combined is never randomised, whatever it says.
	c := allRandom(judged(DifferenceInChange, 2, 1.5, 2.5, 1.2, 2.8))
	c.Boroughs[2].Combined = 3
	if got := certainty(&c); got.Level != "low" {
		t.Errorf("a combined row among randomised ones: %q, want low", got.Level)
	}
}

// TestVerdict: findings are read against the minimal important difference,
// aware of direction (falls: lower is better, a 25% change matters).
func TestVerdict(t *testing.T) {
	swemwbs, _ := OutcomeByID("swemwbs_raw")
	falls, _ := OutcomeByID("falls")
	fm, _ := forms.Default().Protocol().MID("events", "falls_per_30_days")
	rr := func(lo, hi float64) Analysis {
		return Analysis{Measure: IRRDiff, MID: midOf(fm), Pooled: evaluation.Pooled{CILower: math.Log(lo), CIUpper: math.Log(hi)}}
	}
	for _, c := range []struct {
		name string
		o    Outcome
		a    Analysis
		want string
	}{
		{"wellbeing up by more than 1 point", swemwbs, judged(DifferenceInChange, 2, 1.5, 2.5, 0, 0), VerdictImportantBenefit},
		{"wellbeing up, perhaps by less", swemwbs, judged(DifferenceInChange, 0.8, 0.2, 1.4, 0, 0), VerdictSmallBenefit},
		{"wellbeing within a point either way", swemwbs, judged(DifferenceInChange, 0.1, -0.6, 0.8, 0, 0), VerdictNoImportant},
		{"wellbeing unclear", swemwbs, judged(DifferenceInChange, 0.4, -0.3, 1.2, 0, 0), VerdictUncertain},
		{"wellbeing down by more than 1 point", swemwbs, judged(DifferenceInChange, -2, -2.5, -1.5, 0, 0), VerdictImportantHarm},
		{"falls down by more than 25%", falls, rr(0.5, 0.7), VerdictImportantBenefit},
		{"falls down, perhaps by less", falls, rr(0.6, 0.9), VerdictSmallBenefit},
		{"falls up, perhaps by less", falls, rr(1.05, 1.4), VerdictSmallHarm},
		{"falls within 25% either way", falls, rr(0.8, 1.2), VerdictNoImportant},
	} {
		if got := verdict(c.o, &c.a); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestRolesAndQValues: the protocol's primary endpoint is primary only in
// the design that is the finding (the comparison, where there is one);
// everything else that has a p-value gets a Benjamini-Hochberg q-value,
// and its sentence says it is exploratory.
func TestRolesAndQValues(t *testing.T) {
	r := &Report{protocol: forms.Default().Protocol()}
	p := func(x float64) evaluation.Pooled {
		return evaluation.Pooled{K: 3, Estimate: 0.5, CILower: 0.1, CIUpper: 0.9, PValue: x, PILower: math.NaN(), PIUpper: math.NaN()}
	}
	r.Analyses = []Analysis{
		{Outcome: "swemwbs_raw", DeviceCategory: "community-alarm", Timepoint: "m6", Design: BeforeAfter, Measure: MC, Pooled: p(0.01)},
		{Outcome: "swemwbs_raw", DeviceCategory: "community-alarm", Timepoint: "m6", Design: DifferenceInChange, Measure: MCDiff, Pooled: p(0.2)},
		{Outcome: "swemwbs_raw", DeviceCategory: "fall-detector", Timepoint: "m6", Design: BeforeAfter, Measure: MC, Pooled: p(0.03)},
		{Outcome: "eq5d5l_index", DeviceCategory: "fall-detector", Timepoint: "m6", Design: BeforeAfter, Measure: MC, Pooled: p(0.02)},
		{Outcome: "ons4_happy", DeviceCategory: "fall-detector", Timepoint: "w6", Design: BeforeAfter, Measure: MC, Pooled: p(0.5)},
		{Outcome: "device_in_use", DeviceCategory: "fall-detector", Timepoint: "m6", Design: SingleGroup, Measure: PLO, Pooled: p(math.NaN())},
	}
	byID := map[string]Outcome{}
	for _, o := range Outcomes() {
		byID[o.ID] = o
	}
	r.assignRoles(byID)
	tests := r.assignQValues()
	wantRoles := []string{"secondary", "primary", "primary", "secondary", "exploratory", "secondary"}
	// p.adjust(c(0.01, 0.02, 0.5), "BH") = 0.03 0.03 0.50
	wantQ := []float64{0.03, math.NaN(), math.NaN(), 0.03, 0.5, math.NaN()}
	if tests != 3 {
		t.Errorf("%d tests, want 3", tests)
	}
	for i, a := range r.Analyses {
		if a.Role != wantRoles[i] {
			t.Errorf("analysis %d (%s %s %s): role %q, want %q", i, a.Outcome, a.DeviceCategory, a.Design, a.Role, wantRoles[i])
		}
		if (a.QValue == nil) != math.IsNaN(wantQ[i]) || a.QValue != nil && math.Abs(*a.QValue-wantQ[i]) > 1e-12 {
			t.Errorf("analysis %d: q %v, want %v", i, a.QValue, wantQ[i])
		}
		if a.MID == nil {
			t.Errorf("analysis %d has no minimal important difference", i)
		}
		a.Certainty = certainty(&a)
		s := sentence(byID[a.Outcome], &a, tests)
		exploratory := strings.Contains(s, "exploratory")
		if exploratory != (a.Role != "primary") {
			t.Errorf("analysis %d (%s): sentence %q", i, a.Role, s)
		}
		if a.QValue != nil && *a.QValue >= 0.05 && strings.Contains(s, "This is an improvement") {
			t.Errorf("analysis %d claims a direction at q = %g: %q", i, *a.QValue, s)
		}
	}
}

func TestNumbersNeverNegativeZero(t *testing.T) {
	for _, x := range []float64{-0.0001, -0.004, 0} {
		if got := num(x); got != "0.00" {
			t.Errorf("num(%g) = %q", x, got)
		}
	}
	if got := num(-1.5); got != "−1.50" {
		t.Errorf("num(-1.5) = %q, want a true minus sign", got)
	}
}

func TestBoroughName(t *testing.T) {
	for slug, want := range map[string]string{
		"kingston-upon-thames": "Kingston upon Thames", "kensington-and-chelsea": "Kensington and Chelsea",
		"city-of-london": "City of London", "brent": "Brent", "Other boroughs of Local London (2)": "Other boroughs of Local London (2)",
	} {
		if got := BoroughName(slug); got != want {
			t.Errorf("BoroughName(%q) = %q, want %q", slug, got, want)
		}
	}
}
