package reports

import (
	"math"
	"sort"
	"strings"

	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/reports/summary"
)

// FollowUp is the follow-up completeness of one borough (or the unnamed
// small ones of a partnership), group and timepoint, over every device
// category: residents whose window has closed
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

// counted is a count with the sum of its record keys.
type counted struct {
	n   int
	key int64
}

func (c *counted) add(n int, key int64) { c.n += n; c.key += key }

// cellKey is an atomic cell of the follow-up and data-quality tables:
// these cover every device category, so their cells are a borough's
// enrolment year and arm.
type cellKey struct {
	borough, group string
	period         disclosure.Period
}

// buildFollowUp counts, per unit, group and timepoint, the residents due
// and recorded, from enrolments per day and assessments taken, through
// the gate: every row is a sum of released cells, its counts perturbed and
// rounded, its share computed from them.
func (r *Report) buildFollowUp(enrolments []summary.Enrolment, taken []summary.Taken, opt *Options) {
	type tpKey struct {
		cellKey
		timepoint string
	}
	// Residents seen at a timepoint, by the instrument most taken.
	byInstrument := map[tpKey]map[string]*counted{}
	type qKey struct{ instrument, timepoint string }
	quality := map[qKey]map[cellKey]*[2]counted{}
	for _, t := range taken {
		if arm(t.Group) == "" {
			continue
		}
		ck := cellKey{t.Borough, t.Group, disclosure.Period(t.Period)}
		k := tpKey{ck, t.Timepoint}
		if byInstrument[k] == nil {
			byInstrument[k] = map[string]*counted{}
		}
		if byInstrument[k][t.Instrument] == nil {
			byInstrument[k][t.Instrument] = &counted{}
		}
		byInstrument[k][t.Instrument].add(t.N, t.Keys)
		q := qKey{t.Instrument, t.Timepoint}
		if quality[q] == nil {
			quality[q] = map[cellKey]*[2]counted{}
		}
		if quality[q][ck] == nil {
			quality[q][ck] = &[2]counted{}
		}
		quality[q][ck][0].add(t.N, t.Keys)
		quality[q][ck][1].add(t.Incomplete, t.IncompleteKeys)
	}
	recorded := map[tpKey]counted{}
	for k, ins := range byInstrument {
		names := make([]string, 0, len(ins))
		for in := range ins {
			names = append(names, in)
		}
		sort.Strings(names) // ties go to the first instrument, so the same cell always has the same key
		for _, in := range names {
			if c := ins[in]; c.n > recorded[k].n {
				recorded[k] = *c
			}
		}
	}
	due := map[string]map[cellKey]*counted{}
	for _, e := range enrolments {
		if arm(e.Group) == "" {
			continue
		}
		for _, w := range opt.Framework.Windows() {
			tp := string(w.Timepoint)
			if w.Timepoint == "baseline" || e.EnrolledOn.AddDays(w.TargetDays+w.WindowAfter).After(opt.AsOf) {
				continue
			}
			if due[tp] == nil {
				due[tp] = map[cellKey]*counted{}
			}
			ck := cellKey{e.Borough, e.Group, disclosure.PeriodOf(e.EnrolledOn)}
			if due[tp][ck] == nil {
				due[tp][ck] = &counted{}
			}
			due[tp][ck].add(e.N, e.Keys)
		}
	}
	d := r.Disclosure.Rules
	r.complete = map[string][2]int{}
	for tp, cells := range due {
		var atoms []disclosure.Cell
		for ck, c := range cells {
			rec := recorded[tpKey{ck, tp}]
			if rec.n > c.n {
				rec = *c // recorded early, before the window closed: count those due
			}
			atoms = append(atoms, disclosure.Cell{Borough: ck.borough, Period: ck.period, Arm: ck.group, N: c.n, Key: c.key,
				Sums: []float64{float64(rec.n), float64(rec.key)}})
		}
		type rowKey struct{ label, group string }
		rows := map[rowKey]*[2]counted{}
		var order []rowKey
		for _, x := range r.release(atoms) {
			k := rowKey{x.Unit.Label, x.Arm}
			if rows[k] == nil {
				rows[k] = &[2]counted{}
				order = append(order, k)
			}
			rows[k][0].add(x.N, x.Key)
			rows[k][1].add(int(x.Sums[0]), int64(x.Sums[1]))
		}
		for _, k := range order {
			a := rows[k]
			if a[0].n < d.MinBoroughN {
				continue // under a raised minimum: the row is not shown
			}
			dueN, recN := r.count(a[0].n, a[0].key), r.count(a[1].n, a[1].key)
			recN = min(recN, dueN)
			fu := FollowUp{Borough: k.label, Group: k.group, Timepoint: tp, Due: dueN, Recorded: recN,
				NotRecorded: dueN - recN, Completeness: jsonNumber(d.Share(recN, dueN, a[0].n))}
			r.FollowUp = append(r.FollowUp, fu)
			if k.group == summary.Intervention {
				c := r.complete[tp]
				r.complete[tp] = [2]int{c[0] + dueN, c[1] + recN}
			}
		}
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
	for k, cells := range quality {
		var atoms []disclosure.Cell
		for ck, c := range cells {
			atoms = append(atoms, disclosure.Cell{Borough: ck.borough, Period: ck.period, Arm: ck.group, N: c[0].n, Key: c[0].key,
				Sums: []float64{float64(c[1].n), float64(c[1].key)}})
		}
		n, key, sums := disclosure.Total(r.release(atoms))
		if n == 0 {
			continue
		}
		rec, inc := r.count(n, key), r.count(int(sums[0]), int64(sums[1]))
		inc = min(inc, rec)
		r.Quality = append(r.Quality, Quality{Instrument: k.instrument, Timepoint: k.timepoint, Recorded: rec, Incomplete: inc,
			Share: jsonNumber(d.Share(inc, rec, n))})
	}
	sort.Slice(r.Quality, func(i, j int) bool {
		a, b := r.Quality[i], r.Quality[j]
		if a.Instrument != b.Instrument {
			return a.Instrument < b.Instrument
		}
		return tpOrder(a.Timepoint) < tpOrder(b.Timepoint)
	})
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
	oa, ob := strings.HasPrefix(a, "Other"), strings.HasPrefix(b, "Other")
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
