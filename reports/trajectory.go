package reports

import (
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/reports/summary"
)

// Trajectory is one point of an outcome's course over the follow-ups, for
// one series: a group ("intervention", "comparison") for scores, or a
// device category for device use. Mean is the mean change from baseline
// (or, for device use, the share still in use) over every released cell
// selected, with a normal-theory 95% interval, at the precision its count
// allows (a share, of published counts, with Wilson's interval); a mean
// of fewer than MinValues residents is withheld (NaN, null in JSON).
type Trajectory struct {
	Outcome   string     `json:"outcome"`
	Series    string     `json:"series"`
	Timepoint string     `json:"timepoint"`
	N         int        `json:"n"`
	Mean      jsonNumber `json:"mean"`
	CILower   jsonNumber `json:"ci_lower"`
	CIUpper   jsonNumber `json:"ci_upper"`
}

// addTrajectory adds the points of one outcome at one timepoint, and
// records the baseline event rates the cost section needs.
func (r *Report) addTrajectory(o Outcome, tp string, cells []disclosure.Released, opt *Options) {
	if r.baseRate == nil {
		r.baseRate = map[string]float64{}
	}
	of := func(armName, category string) cell {
		return total(o.Kind, cells, func(x disclosure.Released) bool {
			return x.Arm == armName && (category == "" || x.Category == category)
		})
	}
	point := func(series string, c cell) {
		t := Trajectory{Outcome: o.ID, Series: series, Timepoint: tp, N: r.count(c.N, c.Key),
			Mean: jsonNumber(nan), CILower: jsonNumber(nan), CIUpper: jsonNumber(nan)}
		switch {
		case !r.Disclosure.MeanShown(c.N):
		case o.Kind == KindProportion:
			// A share of published counts, with Wilson's interval, which
			// stays within 0 and 1.
			n, yes := r.count(c.N, c.Key), c.Yes // published already (protect)
			if n > 0 {
				p := float64(min(yes, n)) / float64(n)
				lo, hi := Wilson(p, float64(n))
				t.Mean = jsonNumber(disclosure.Round(p, 0.001))
				t.CILower, t.CIUpper = jsonNumber(disclosure.Round(lo, 0.001)), jsonNumber(disclosure.Round(hi, 0.001))
			}
		default:
			if e, err := r.published(o, c); err == nil {
				step := r.yiStep(o, c)
				h := z95() * sqrt(e.Vi)
				t.Mean = jsonNumber(e.Yi)
				t.CILower, t.CIUpper = jsonNumber(disclosure.Round(e.Yi-h, step)), jsonNumber(disclosure.Round(e.Yi+h, step))
			}
		}
		r.Trajectories = append(r.Trajectories, t)
	}
	switch o.Kind {
	case KindChange:
		point("intervention", of(summary.Intervention, ""))
		point("comparison", of(summary.Comparison, ""))
	case KindProportion:
		for _, cat := range categories(opt.Filter.DeviceCategory) {
			if c := of(summary.Intervention, cat); c.N > 0 {
				point(cat, c)
			}
		}
	case KindEvents:
		if tp == "m12" {
			for _, cat := range categories(opt.Filter.DeviceCategory) {
				if c := of(summary.Intervention, cat); c.DaysBefore > 0 && r.Disclosure.MeanShown(c.N) {
					// Events a day before: a step spanning Ambiguity events.
					r.baseRate[o.ID+"|"+cat] = disclosure.Round(c.CountBefore/c.DaysBefore, disclosure.Ceil125(r.Disclosure.Ambiguity/c.DaysBefore))
				}
			}
		}
	}
}
