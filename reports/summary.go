package reports

import (
	"cmp"
	"slices"

	"github.com/ateval/ateval/forms"
)

// MaxSummary is the most findings the summary holds.
const MaxSummary = 12

// Summary is what a report opens with: its primary findings.
type Summary struct {
	Primary []SummaryFinding `json:"primary"`
	// Omitted counts the primary analyses left out of the summary (there
	// were more than MaxSummary); they are in the detail.
	Omitted int `json:"omitted,omitempty"`
}

// SummaryFinding is one primary finding, with its figures on the scale
// people read (a rate ratio, a share, a mean change in the score's units).
type SummaryFinding struct {
	Outcome        string    `json:"outcome"`
	OutcomeName    string    `json:"outcome_name"`
	DeviceCategory string    `json:"device_category"`
	CategoryName   string    `json:"device_category_name"`
	Timepoint      string    `json:"timepoint"`
	TimepointName  string    `json:"timepoint_name"`
	Design         string    `json:"design"`
	DesignName     string    `json:"design_name"`
	Estimate       Estimate  `json:"estimate"`
	MID            *MID      `json:"mid,omitempty"`
	Verdict        string    `json:"verdict,omitempty"`
	Certainty      Certainty `json:"certainty"`
	Sentence       string    `json:"sentence"`
	// Boroughs and Residents are what the finding rests on: boroughs
	// covered, and the published (rounded) residents of its rows, given
	// devices and in the comparison group.
	Boroughs  int `json:"boroughs"`
	Residents int `json:"residents"`
	// Analysis is the index of the analysis in results.json's analyses.
	Analysis int `json:"analysis"`
}

// Estimate is a pooled estimate with its 95% CI and prediction interval,
// on the scale Scale names.
type Estimate struct {
	Scale    string     `json:"scale"`
	Value    jsonNumber `json:"value"`
	CILower  jsonNumber `json:"ci_lower"`
	CIUpper  jsonNumber `json:"ci_upper"`
	PILower  jsonNumber `json:"pi_lower"`
	PIUpper  jsonNumber `json:"pi_upper"`
	Withheld string     `json:"withheld,omitempty"`
}

func residents(a *Analysis) int {
	n := 0
	for _, b := range a.Boroughs {
		n += b.N + b.NComparison
	}
	return n
}

// buildSummary picks the primary findings: at most MaxSummary, taken in
// turn from each primary endpoint in the protocol's order, within one the
// device categories resting on the most residents first; never chosen by
// their results. They are listed by endpoint, then by residents.
func (r *Report) buildSummary(outcomes map[string]Outcome) {
	byEndpoint := map[int][]int{}
	var endpoints []int
	for _, e := range r.protocol.Primary() {
		for id, o := range outcomes {
			if o.Instrument != e.Instrument || o.Score != e.Score {
				continue
			}
			ep := len(endpoints)
			endpoints = append(endpoints, ep)
			for i := range r.Analyses {
				a := &r.Analyses[i]
				if a.Outcome == id && a.Timepoint == string(e.Timepoint) && a.Role == forms.RolePrimary {
					byEndpoint[ep] = append(byEndpoint[ep], i)
				}
			}
		}
	}
	total := 0
	for _, ep := range endpoints {
		is := byEndpoint[ep]
		total += len(is)
		slices.SortStableFunc(is, func(x, y int) int {
			if c := cmp.Compare(residents(&r.Analyses[y]), residents(&r.Analyses[x])); c != 0 {
				return c
			}
			return cmp.Compare(x, y)
		})
	}
	var chosen [][]int = make([][]int, len(endpoints))
	picked := 0
	for round := 0; picked < MaxSummary; round++ {
		more := false
		for _, ep := range endpoints {
			if round < len(byEndpoint[ep]) && picked < MaxSummary {
				chosen[ep] = append(chosen[ep], byEndpoint[ep][round])
				picked++
				more = true
			}
		}
		if !more {
			break
		}
	}
	r.Summary = Summary{Primary: []SummaryFinding{}, Omitted: total - picked}
	for _, ep := range endpoints {
		for _, i := range chosen[ep] {
			r.Summary.Primary = append(r.Summary.Primary, r.summaryFinding(outcomes, i))
		}
	}
}

func (r *Report) summaryFinding(outcomes map[string]Outcome, i int) SummaryFinding {
	a := &r.Analyses[i]
	o := outcomes[a.Outcome]
	p := a.Pooled
	read := func(x float64) jsonNumber { return jsonNumber(a.Readable(x)) }
	est := Estimate{Scale: MeasureName(o, a.Measure), Value: read(p.Estimate), CILower: read(p.CILower), CIUpper: read(p.CIUpper),
		PILower: read(p.PILower), PIUpper: read(p.PIUpper), Withheld: a.Withheld}
	return SummaryFinding{Outcome: a.Outcome, OutcomeName: o.Label, DeviceCategory: a.DeviceCategory, CategoryName: CategoryTitle(a.DeviceCategory),
		Timepoint: a.Timepoint, TimepointName: TimepointName(a.Timepoint), Design: a.Design, DesignName: DesignName(a.Design),
		Estimate: est, MID: a.MID, Verdict: verdict(o, a), Certainty: a.Certainty, Sentence: a.Sentence,
		Boroughs: a.BoroughsCovered(), Residents: residents(a), Analysis: i}
}
