package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ateval/ateval/evaluation"
	"github.com/ateval/ateval/forms"
)

// MID is an outcome's minimal important difference as results.json gives
// it beside an analysis: the protocol's value and source, and its
// thresholds on the scale the analysis pools (the score's units; the log
// scale for rates; for a share, which has no "no effect", null).
type MID struct {
	Kind     string     `json:"kind"`
	Value    float64    `json:"value"`
	Unit     string     `json:"unit"`
	Lower    jsonNumber `json:"lower"`
	Upper    jsonNumber `json:"upper"`
	Source   string     `json:"source"`
	Verified bool       `json:"verified"`
}

func midOf(m forms.MID) *MID {
	out := &MID{Kind: m.Kind, Value: m.Value, Unit: m.Unit, Source: m.Source, Verified: m.Verified,
		Lower: jsonNumber(math.NaN()), Upper: jsonNumber(math.NaN())}
	if m.Kind != forms.MIDProportion {
		lo, hi := m.Thresholds()
		out.Lower, out.Upper = jsonNumber(lo), jsonNumber(hi)
	}
	return out
}

// Text says the MID in words: "1 point", "a 25% change in the rate",
// "10 percentage points".
func (m *MID) Text() string {
	if m == nil {
		return "not set"
	}
	switch m.Kind {
	case forms.MIDRelative:
		return fmt.Sprintf("a %s%% change in the rate", short(100*m.Value))
	case forms.MIDProportion:
		return fmt.Sprintf("%s percentage points", short(100*m.Value))
	}
	v := short(m.Value)
	if v == "1" {
		return v + " " + singular(m.Unit)
	}
	return v + " " + strings.NewReplacer("point", "points", "hour", "hours").Replace(m.Unit)
}

// assignRoles gives every analysis its role in the protocol. An analysis
// of a primary or secondary endpoint takes the endpoint's role, except a
// before-after change beside a comparison with residents without the
// device of the same outcome, category and follow-up: there the
// difference between the groups is the finding, and each group's own
// change is context, so a secondary analysis. Everything else is
// exploratory.
func (r *Report) assignRoles(outcomes map[string]Outcome) {
	compared := map[string]bool{}
	key := func(a *Analysis) string { return a.Outcome + "|" + a.DeviceCategory + "|" + a.Timepoint }
	for i := range r.Analyses {
		if a := &r.Analyses[i]; a.Design == DifferenceInChange {
			compared[key(a)] = true
		}
	}
	for i := range r.Analyses {
		a := &r.Analyses[i]
		o := outcomes[a.Outcome]
		a.Role = r.protocol.Role(o.Instrument, o.Score, forms.Timepoint(a.Timepoint))
		if a.Role == forms.RolePrimary && a.Design == BeforeAfter && compared[key(a)] {
			a.Role = forms.RoleSecondary
		}
		if m, ok := r.protocol.MID(o.Instrument, o.Score); ok {
			a.MID = midOf(m)
		}
	}
}

// assignQValues gives every secondary and exploratory analysis with a
// p-value its Benjamini-Hochberg q-value across all of them in the report,
// and returns how many there were. Primary analyses, one question each,
// named before the data were read, are not adjusted.
func (r *Report) assignQValues() int {
	var idx []int
	var ps []float64
	for i := range r.Analyses {
		a := &r.Analyses[i]
		a.QValue = nil
		if a.Role == forms.RolePrimary || math.IsNaN(a.Pooled.PValue) {
			continue
		}
		idx = append(idx, i)
		ps = append(ps, a.Pooled.PValue)
	}
	for j, q := range evaluation.BH(ps) {
		q := q
		r.Analyses[idx[j]].QValue = &q
	}
	return len(idx)
}

// short formats a protocol's figure as briefly as it is written: 1, 0.064.
func short(x float64) string { return strconv.FormatFloat(math.Round(x*1e6)/1e6, 'f', -1, 64) }
