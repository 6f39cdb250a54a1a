package intruder

import (
	"fmt"
	"math"
	"sort"
)

// RateRow is one published row of an event-rate analysis: its log rate
// ratio and sampling variance.
type RateRow struct {
	Where     string
	Timepoint string
	Yi, Vi    float64
}

// RateRows returns the rows of a release's rate-ratio analyses (IRR).
func (r *Release) RateRows() []RateRow {
	var out []RateRow
	for _, a := range r.Analyses {
		if a.Measure != "IRR" {
			continue
		}
		for _, b := range a.Boroughs {
			out = append(out, RateRow{Where: fmt.Sprintf("%s %s %s %s", a.Outcome, a.DeviceCategory, a.Timepoint, b.Borough),
				Timepoint: a.Timepoint, Yi: b.Yi, Vi: b.Vi})
		}
	}
	return out
}

// Offsets are the log ratios of person-time before to after that an
// intruder reads off a release for each follow-up (every baseline events
// record covers 90 days; the follow-ups cover about their window): the
// ranges a red team found from the published rows themselves.
var Offsets = map[string][2]float64{"w6": {0.55, 0.85}, "m3": {0.35, 0.8}, "m6": {-0.25, 0.15}, "m12": {-0.9, -0.5}}

// RateRounding is how a publisher rounds a rate row from its true counts,
// as the intruder believes: the row's (yi, vi) for before and after events
// and an offset log(days before / days after).
type RateRounding func(before, after int, offset float64) (yi, vi, yiStep float64)

// Rates inverts rate rows: for each, every (events before, events after)
// from 0 to 149 that the publisher's rounding maps to the row's published
// (yi, vi) for some offset in the follow-up's range. A row with exactly one
// such pair gives its event counts back: a claim, N being the events after
// and Sum the events before.
func Rates(rows []RateRow, round RateRounding) []Claim {
	var out []Claim
	for _, r := range rows {
		off, ok := Offsets[r.Timepoint]
		if !ok {
			continue
		}
		var found [][2]int
		for b := 0; b < 150 && len(found) < 2; b++ {
			for a := 0; a < 150 && len(found) < 2; a++ {
				yiLo, vi, step := round(b, a, off[0])
				yiHi, _, _ := round(b, a, off[1])
				if math.Abs(vi-r.Vi) > 1e-9 {
					continue
				}
				if r.Yi >= math.Min(yiLo, yiHi)-step/2-1e-9 && r.Yi <= math.Max(yiLo, yiHi)+step/2+1e-9 {
					found = append(found, [2]int{b, a})
				}
			}
		}
		if len(found) == 1 {
			out = append(out, Claim{Where: r.Where, N: found[0][1], Sum: float64(found[0][0])})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Where < out[j].Where })
	return out
}
