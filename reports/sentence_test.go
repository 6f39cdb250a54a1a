package reports

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/ateval/ateval/evaluation"
)

// analysisOf pools rows as the report does.
func analysisOf(t *testing.T, measure string, yi, vi []float64) Analysis {
	t.Helper()
	a := Analysis{Outcome: "swemwbs_raw", DeviceCategory: "fall-detector", Timepoint: "m6", Design: BeforeAfter, Measure: measure,
		Method: evaluation.REML, Test: evaluation.Adhoc, Completeness: 0.9}
	for i := range yi {
		a.Boroughs = append(a.Boroughs, BoroughEffect{Borough: string(rune('a' + i)), N: 20, Yi: yi[i], Vi: vi[i]})
	}
	p, err := evaluation.Pool(a.Studies(), evaluation.Options{Method: a.Method, Test: a.Test})
	if err != nil {
		t.Fatal(err)
	}
	a.Pooled = p
	return a
}

// TestSentenceHeterogeneity: the prediction interval is always given, and
// τ̂² = 0 is never read as one common effect.
func TestSentenceHeterogeneity(t *testing.T) {
	o, _ := OutcomeByID("swemwbs_raw")
	for _, c := range []struct {
		name   string
		yi, vi []float64
		want   string
	}{
		{"tau2 = 0", []float64{1.0, 1.1, 0.9, 1.05}, []float64{0.2, 0.3, 0.25, 0.2}, "could not be told apart from chance, which does not mean every borough has the same effect: in a new borough we would expect between"},
		{"tau2 > 0", []float64{0, 2, 4, -1}, []float64{0.1, 0.1, 0.1, 0.1}, "The effect varied between boroughs: in a new borough we would expect between"},
	} {
		a := analysisOf(t, MC, c.yi, c.vi)
		if (a.Pooled.Tau2 == 0) != (c.name == "tau2 = 0") {
			t.Fatalf("%s: τ² = %v", c.name, a.Pooled.Tau2)
		}
		a.Certainty = certainty(&a)
		s := sentence(o, &a, 0)
		if !strings.Contains(s, c.want) || strings.Contains(s, "consistent with one common effect") {
			t.Errorf("%s: %q lacks %q", c.name, s, c.want)
		}
	}
}

// TestWithheld: an unconverged fit is published as withheld, with its
// figures null, in results.json, the sentence, the page and the PDF.
func TestWithheld(t *testing.T) {
	o, _ := OutcomeByID("swemwbs_raw")
	a := analysisOf(t, MC, []float64{0, 2, 4, -1}, []float64{0.1, 0.1, 0.1, 0.1})
	// REML now always converges: make the fit one that did not.
	a.Pooled.Converged = false
	a.Pooled.Notes = []string{"REML did not converge: the restricted likelihood still rises at τ² = 1e+12"}
	a.Withheld = withhold(&a.Pooled)
	a.Certainty = certainty(&a)
	a.Sentence = sentence(o, &a, 0)
	if !strings.Contains(a.Sentence, "is withheld: the estimate of the between-borough variance τ² did not converge") ||
		a.Certainty.Level != "not judged" {
		t.Errorf("sentence %q, certainty %+v", a.Sentence, a.Certainty)
	}
	p := a.Pooled
	for _, x := range []float64{p.Estimate, p.SE, p.CILower, p.CIUpper, p.PValue, p.Tau2, p.I2, p.PILower, p.PIUpper} {
		if !math.IsNaN(x) {
			t.Errorf("a figure of the withheld fit is published: %+v", p)
			break
		}
	}
	r := &Report{Analyses: []Analysis{a}}
	r.buildCharts([]Outcome{o})
	var js, page, pdf bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Analyses []struct {
			Withheld string         `json:"withheld"`
			Pooled   map[string]any `json:"pooled"`
		} `json:"analyses"`
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Analyses[0]; got.Withheld == "" || got.Pooled["estimate"] != nil || got.Pooled["converged"] != false {
		t.Errorf("results.json: %+v", got)
	}
	if err := r.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), "Pooled estimate withheld:") || !strings.Contains(page.String(), "withheld: the fit did not converge") {
		t.Error("the page does not say the pooled estimate was withheld")
	}
	if err := r.WritePDF(&pdf); err != nil {
		t.Fatal(err)
	}
}

// TestMethodsInterval: the methods say which interval is used and why.
func TestMethodsInterval(t *testing.T) {
	r := &Report{Analyses: []Analysis{{Test: evaluation.Adhoc}}}
	m := strings.Join(r.Methods(), "\n")
	for _, want := range []string{"test=\"adhoc\"", "Jackson et al. 2017", "simulation", "not published", "always shown", "Q-profile", "not that the boroughs share one effect"} {
		if !strings.Contains(m, want) {
			t.Errorf("methods lack %q", want)
		}
	}
	if strings.Contains(m, "consistent with one common effect") {
		t.Error("methods read τ² = 0 as one common effect")
	}
}
