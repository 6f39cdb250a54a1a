package reports

import (
	"math"
)

// Trajectory is one point of an outcome's course over the follow-ups, for
// one series: a group ("intervention", "comparison") for scores, or a
// device category for device use. Mean is the mean change from baseline
// (or, for device use, the share still in use) over every borough covered,
// with a normal-theory 95% interval; a mean of fewer than MinValues
// residents is withheld (NaN, null in JSON).
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
func (r *Report) addTrajectory(o Outcome, tp string, cells map[string]map[string]cell, opt *Options) {
	if r.baseRate == nil {
		r.baseRate = map[string]float64{}
	}
	sum := func(key string) cell {
		var c cell
		for _, x := range cells[key] {
			c.add(x)
		}
		return c
	}
	point := func(series string, c cell) {
		t := Trajectory{Outcome: o.ID, Series: series, Timepoint: tp, N: opt.Disclosure.Count(c.N),
			Mean: jsonNumber(math.NaN()), CILower: jsonNumber(math.NaN()), CIUpper: jsonNumber(math.NaN())}
		if opt.Disclosure.MeanShown(c.N) {
			if e, err := effectOf(o.Kind, c); err == nil {
				h := 1.959963984540054 * math.Sqrt(e.Vi)
				t.Mean, t.CILower, t.CIUpper = jsonNumber(e.Yi), jsonNumber(e.Yi-h), jsonNumber(e.Yi+h)
			}
		}
		r.Trajectories = append(r.Trajectories, t)
	}
	switch o.Kind {
	case KindChange:
		var all cell
		for key := range cells {
			if key != comparisonKey {
				all.add(sum(key))
			}
		}
		point("intervention", all)
		point("comparison", sum(comparisonKey))
	case KindProportion:
		for _, cat := range categories(opt.Filter.DeviceCategory) {
			if _, ok := cells[cat]; ok {
				point(cat, sum(cat))
			}
		}
	case KindEvents:
		if tp == "m12" {
			for cat := range cells {
				if c := sum(cat); c.DaysBefore > 0 && cat != comparisonKey {
					r.baseRate[o.ID+"|"+cat] = c.CountBefore / c.DaysBefore
				}
			}
		}
	}
}
