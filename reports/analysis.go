package reports

import (
	"fmt"
	"math"

	"github.com/ateval/ateval/evaluation"
	"github.com/ateval/ateval/reports/summary"
)

// Measures of a borough's effect (escalc's names where it has one).
const (
	// MC: mean change from baseline of the residents given devices.
	MC = "MC"
	// MCDiff: their mean change minus the comparison group's, in the same
	// borough (independent groups; variances add).
	MCDiff = "MC_DIFF"
	// IRR: log rate ratio of events after against before.
	IRR = "IRR"
	// IRRDiff: log IRR of the residents given devices minus that of the
	// comparison group (a log ratio of rate ratios).
	IRRDiff = "IRR_DIFF"
	// PR: raw proportion.
	PR = "PR"
)

// Designs of an analysis.
const (
	BeforeAfter        = "before-after"
	DifferenceInChange = "difference-in-change"
)

// BoroughEffect is one published row of an analysis: a borough (or the
// unnamed group of small ones), its residents rounded, its effect yi and
// sampling variance vi.
type BoroughEffect struct {
	Borough     string  `json:"borough"`
	N           int     `json:"n"`
	NComparison int     `json:"n_comparison,omitempty"`
	Yi          float64 `json:"yi"`
	Vi          float64 `json:"vi"`
	// Combined is how many small boroughs the unnamed row combines; 0 for
	// a named borough.
	Combined int `json:"combined,omitempty"`
}

// BoroughsCovered returns how many boroughs the analysis's rows hold: a
// row of small boroughs combined counts each of them.
func (a *Analysis) BoroughsCovered() int {
	n := 0
	for _, b := range a.Boroughs {
		n += max(b.Combined, 1)
	}
	return n
}

// RowsText says how many rows were pooled, and how many boroughs they
// hold when small boroughs were combined: "4 boroughs", or "4 rows (15
// boroughs)".
func (a *Analysis) RowsText() string {
	k, n := len(a.Boroughs), a.BoroughsCovered()
	if k == n {
		return fmt.Sprintf("%d %s", k, plural(k, "borough", "boroughs"))
	}
	return fmt.Sprintf("%d rows (%d boroughs)", k, n)
}

// Analysis is one finding: an outcome, a device category and a follow-up,
// its per-borough effects and their pooled estimate.
type Analysis struct {
	Outcome        string            `json:"outcome"`
	DeviceCategory string            `json:"device_category"`
	Timepoint      string            `json:"timepoint"`
	Design         string            `json:"design"`
	Measure        string            `json:"measure"`
	Method         evaluation.Method `json:"method"`
	Test           evaluation.Test   `json:"test"`
	Boroughs       []BoroughEffect   `json:"boroughs"`
	Pooled         evaluation.Pooled `json:"pooled"`
	Certainty      Certainty         `json:"certainty"`
	Sentence       string            `json:"sentence"`
	// Notes say what a reader should know: boroughs left out and why.
	Notes []string `json:"notes,omitempty"`
	// Completeness is the share of the intervention residents due this
	// follow-up who have it recorded, across the boroughs covered.
	Completeness jsonNumber `json:"completeness"`
	// Chart names the forest plot's PNG under charts/, if drawn.
	Chart string `json:"chart,omitempty"`
}

// Studies returns the analysis's rows as evaluation studies, as pooled.
func (a *Analysis) Studies() []evaluation.Study {
	s := make([]evaluation.Study, len(a.Boroughs))
	for i, b := range a.Boroughs {
		s[i] = evaluation.Study{Label: b.Borough, Yi: b.Yi, Vi: b.Vi}
	}
	return s
}

// effectOf returns a cell's effect for the outcome's kind.
func effectOf(k Kind, c cell) (evaluation.Effect, error) {
	switch k {
	case KindEvents:
		return evaluation.LogRateRatio(evaluation.Events{Count: c.CountAfter, PersonTime: c.DaysAfter},
			evaluation.Events{Count: c.CountBefore, PersonTime: c.DaysBefore})
	case KindProportion:
		return evaluation.Proportion(c.Yes, c.N)
	}
	ch, err := evaluation.ChangeFromSums(c.N, c.SumB, c.SumF, c.SumBB, c.SumFF, c.SumBF)
	if err != nil {
		return evaluation.Effect{}, err
	}
	return evaluation.MeanChange(ch)
}

// measure names the measure of an outcome kind and design.
func measure(k Kind, design string) string {
	switch {
	case k == KindEvents && design == DifferenceInChange:
		return IRRDiff
	case k == KindEvents:
		return IRR
	case k == KindProportion:
		return PR
	case design == DifferenceInChange:
		return MCDiff
	}
	return MC
}

// cellsByCategory turns a kind's summaries into cells keyed by category
// ("" for the comparison group) and then borough.
func cellsOfChanges(rows []summary.Change) map[string]map[string]cell {
	out := map[string]map[string]cell{}
	for _, r := range rows {
		put(out, r.Key, cell{Borough: r.Borough, N: r.N, SumB: r.SumB, SumF: r.SumF, SumBB: r.SumBB, SumFF: r.SumFF, SumBF: r.SumBF})
	}
	return out
}

func cellsOfEvents(rows []summary.Event) map[string]map[string]cell {
	out := map[string]map[string]cell{}
	for _, r := range rows {
		put(out, r.Key, cell{Borough: r.Borough, N: r.N, CountBefore: r.CountBefore, DaysBefore: r.DaysBefore, CountAfter: r.CountAfter, DaysAfter: r.DaysAfter})
	}
	return out
}

func cellsOfProportions(rows []summary.Proportion) map[string]map[string]cell {
	out := map[string]map[string]cell{}
	for _, r := range rows {
		put(out, r.Key, cell{Borough: r.Borough, N: r.N, Yes: r.Yes})
	}
	return out
}

// comparisonKey holds the comparison group's cells, whose residents have
// no device category.
const comparisonKey = "\x00comparison"

func put(m map[string]map[string]cell, k summary.Key, c cell) {
	key := k.Category
	if k.Group == summary.Comparison {
		key = comparisonKey
	} else if k.Group != summary.Intervention {
		return
	}
	if m[key] == nil {
		m[key] = map[string]cell{}
	}
	prev := m[key][k.Borough]
	prev.Borough = k.Borough
	prev.add(c)
	m[key][k.Borough] = prev
}

// analyse builds one analysis of the outcome for one category and design
// from its cells, or returns false when fewer than minK boroughs remain.
func analyse(o Outcome, category, timepoint, design string, cells map[string]map[string]cell, opt *Options) (Analysis, bool) {
	withC := design == DifferenceInChange
	var pairs []pair
	for b, t := range cells[category] {
		p := pair{Borough: b, T: t}
		if withC {
			c, ok := cells[comparisonKey][b]
			if !ok {
				continue // no comparison group in this borough
			}
			p.C = c
		}
		pairs = append(pairs, p)
	}
	shown, dropped := opt.Disclosure.disclose(pairs, withC)
	a := Analysis{Outcome: o.ID, DeviceCategory: category, Timepoint: timepoint, Design: design,
		Measure: measure(o.Kind, design), Method: opt.Method, Test: opt.Test}
	if dropped > 0 {
		a.Notes = append(a.Notes, "residents of boroughs too small to show, even combined, are left out")
	}
	for _, p := range shown {
		e, err := effectOf(o.Kind, p.T)
		if err == nil && withC {
			var ec evaluation.Effect
			if ec, err = effectOf(o.Kind, p.C); err == nil {
				e = evaluation.Effect{Yi: e.Yi - ec.Yi, Vi: e.Vi + ec.Vi}
			}
		}
		if err != nil || !(e.Vi > 0) || math.IsNaN(e.Yi) {
			a.Notes = append(a.Notes, p.Borough+" left out: its effect cannot be estimated (too little variation)")
			continue
		}
		be := BoroughEffect{Borough: p.Borough, N: opt.Disclosure.Count(p.T.N), Yi: e.Yi, Vi: e.Vi, Combined: p.Merged}
		if withC {
			be.NComparison = opt.Disclosure.Count(p.C.N)
		}
		a.Boroughs = append(a.Boroughs, be)
	}
	if len(a.Boroughs) < opt.MinBoroughs {
		return a, false
	}
	p, err := evaluation.Pool(a.Studies(), evaluation.Options{Method: opt.Method, Test: opt.Test, Level: 95})
	if err != nil {
		return a, false
	}
	a.Pooled = p
	return a, true
}
