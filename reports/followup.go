package reports

import (
	"math"
	"sort"

	"github.com/ateval/ateval/reports/summary"
)

// FollowUp is the follow-up completeness of one borough (or the unnamed
// small ones), group and timepoint: residents whose window has closed
// (Due), those with any assessment recorded at the timepoint (Recorded),
// and those not recorded (overdue, or missed once past the grace days).
// Counts are rounded; Completeness is withheld (NaN, null in JSON) when
// fewer than MinValues residents are due.
type FollowUp struct {
	Borough      string     `json:"borough"`
	Group        string     `json:"group"`
	Timepoint    string     `json:"timepoint"`
	Due          int        `json:"due"`
	Recorded     int        `json:"recorded"`
	NotRecorded  int        `json:"not_recorded"`
	Completeness jsonNumber `json:"completeness"`
}

// Quality is, for one instrument and timepoint across the boroughs
// covered, the assessments recorded and the share with a score that could
// not be computed because items were missing.
type Quality struct {
	Instrument string     `json:"instrument"`
	Timepoint  string     `json:"timepoint"`
	Recorded   int        `json:"recorded"`
	Incomplete int        `json:"incomplete"`
	Share      jsonNumber `json:"incomplete_share"`
}

type dueKey struct{ borough, group, timepoint string }

// buildFollowUp counts, per borough, group and timepoint, the residents
// due and recorded, from enrolments per day and assessments taken.
func (r *Report) buildFollowUp(enrolments []summary.Enrolment, taken []summary.Taken, opt *Options) {
	due := map[dueKey]int{}
	enrolled := map[string]int{}
	for _, e := range enrolments {
		enrolled[e.Borough] += e.N
		for _, w := range opt.Framework.Windows() {
			if w.Timepoint == "baseline" {
				continue
			}
			if !e.EnrolledOn.AddDays(w.TargetDays + w.WindowAfter).After(opt.AsOf) {
				due[dueKey{e.Borough, e.Group, string(w.Timepoint)}] += e.N
			}
		}
	}
	recorded := map[dueKey]int{}
	type qk struct{ instrument, timepoint string }
	quality := map[qk][2]int{}
	for _, t := range taken {
		k := dueKey{t.Borough, t.Group, t.Timepoint}
		recorded[k] = max(recorded[k], t.N) // residents seen at the timepoint, by the instrument most taken
		q := quality[qk{t.Instrument, t.Timepoint}]
		quality[qk{t.Instrument, t.Timepoint}] = [2]int{q[0] + t.N, q[1] + t.Incomplete}
	}
	// Small boroughs are combined, unnamed.
	name := map[string]string{}
	small := 0
	for b, n := range enrolled {
		if n >= opt.Disclosure.MinBoroughN {
			name[b] = b
		} else {
			small++
		}
	}
	for b := range enrolled {
		if _, ok := name[b]; !ok {
			name[b] = otherLabel(small)
		}
	}
	type agg struct{ due, rec int }
	rows := map[dueKey]agg{}
	for k, n := range due {
		kk := dueKey{name[k.borough], k.group, k.timepoint}
		a := rows[kk]
		a.due += n
		a.rec += min(recorded[k], n)
		rows[kk] = a
	}
	d := opt.Disclosure
	for k, a := range rows {
		fu := FollowUp{Borough: k.borough, Group: k.group, Timepoint: k.timepoint, Due: d.Count(a.due),
			Recorded: d.Count(a.rec), NotRecorded: d.Count(a.due - a.rec), Completeness: jsonNumber(math.NaN())}
		if d.MeanShown(a.due) {
			fu.Completeness = jsonNumber(float64(a.rec) / float64(a.due))
		}
		r.FollowUp = append(r.FollowUp, fu)
	}
	sort.Slice(r.FollowUp, func(i, j int) bool {
		a, b := r.FollowUp[i], r.FollowUp[j]
		if a.Borough != b.Borough {
			return lessBorough(a.Borough, b.Borough)
		}
		if a.Group != b.Group {
			return a.Group > b.Group // intervention first
		}
		return tpOrder(a.Timepoint) < tpOrder(b.Timepoint)
	})
	for k, q := range quality {
		row := Quality{Instrument: k.instrument, Timepoint: k.timepoint, Recorded: d.Count(q[0]), Incomplete: d.Count(q[1]), Share: jsonNumber(math.NaN())}
		if d.MeanShown(q[0]) {
			row.Share = jsonNumber(float64(q[1]) / float64(q[0]))
		}
		r.Quality = append(r.Quality, row)
	}
	sort.Slice(r.Quality, func(i, j int) bool {
		a, b := r.Quality[i], r.Quality[j]
		if a.Instrument != b.Instrument {
			return a.Instrument < b.Instrument
		}
		return tpOrder(a.Timepoint) < tpOrder(b.Timepoint)
	})
	// Completeness per timepoint, for certainty, from unrounded counts.
	r.complete = map[string][2]int{}
	for k, n := range due {
		if k.group != summary.Intervention {
			continue
		}
		c := r.complete[k.timepoint]
		r.complete[k.timepoint] = [2]int{c[0] + n, c[1] + min(recorded[k], n)}
	}
}

// completeness is the share of intervention residents due at tp with it
// recorded (NaN when none are due).
func (r *Report) completeness(tp string) float64 {
	c := r.complete[tp]
	if c[0] == 0 {
		return math.NaN()
	}
	return float64(c[1]) / float64(c[0])
}

// lessBorough sorts named boroughs alphabetically and "Other" last.
func lessBorough(a, b string) bool {
	oa, ob := len(a) > 5 && a[:5] == "Other", len(b) > 5 && b[:5] == "Other"
	if oa != ob {
		return ob
	}
	return a < b
}

func tpOrder(tp string) int {
	for i, t := range []string{"baseline", "w6", "m3", "m6", "m12"} {
		if t == tp {
			return i
		}
	}
	return 99
}
