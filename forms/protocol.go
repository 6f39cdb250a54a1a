package forms

import (
	"fmt"
	"io/fs"
	"math"
	"slices"
)

// Roles of an analysis in the evaluation protocol.
const (
	RolePrimary     = "primary"
	RoleSecondary   = "secondary"
	RoleExploratory = "exploratory"
)

// Kinds of a minimal important difference.
const (
	// MIDDifference is a difference in the score's own units (a mean
	// change, or a difference between mean changes).
	MIDDifference = "difference"
	// MIDRelative is a relative change in a rate: 0.25 marks a rate ratio
	// of at most 0.75 or at least 1.25 as important (see MID).
	MIDRelative = "relative"
	// MIDProportion is a difference in a share, as a fraction (0.10 is 10
	// percentage points).
	MIDProportion = "proportion"
)

// Protocol is the framework's evaluation protocol, written before any
// result is read: which outcome at which follow-up answers each
// evaluation's questions (primary), which supports them (secondary), and,
// for each outcome, the smallest change worth acting on with its source.
// Everything a report analyses that the protocol does not name is
// exploratory.
type Protocol struct {
	Title     string     `json:"title"`
	Notes     string     `json:"notes"`
	Endpoints []Endpoint `json:"endpoints"`
	MIDs      []MID      `json:"minimal_important_differences"`
}

// Endpoint is one outcome (an instrument's score) at one follow-up, with
// its role and why it was chosen.
type Endpoint struct {
	Instrument string    `json:"instrument"`
	Score      string    `json:"score"`
	Timepoint  Timepoint `json:"timepoint"`
	Role       string    `json:"role"`
	Why        string    `json:"why"`
}

// MID is an outcome's minimal important difference, with its source.
//
// For a rate (Kind MIDRelative) a Value of 0.25 marks as important a rate
// ratio of at most 0.75 or at least 1.25, GRADE's rule of thumb for a
// relative risk reduction or increase; on the log scale the thresholds
// are log(0.75) and log(1.25).
type MID struct {
	Instrument string  `json:"instrument"`
	Score      string  `json:"score"`
	Kind       string  `json:"kind"`
	Value      float64 `json:"value"`
	Unit       string  `json:"unit"`
	Source     string  `json:"source"`
	Verified   bool    `json:"verified"`
	Note       string  `json:"note"`
}

// Thresholds returns the MID as the two thresholds, below and above no
// effect, on the scale an analysis pools: the score's units for a
// difference, the log scale for a rate, a fraction for a share (which has
// no "no effect", so the thresholds are ±Value around the estimate).
func (m MID) Thresholds() (lower, upper float64) {
	if m.Kind == MIDRelative {
		return math.Log(1 - m.Value), math.Log(1 + m.Value)
	}
	return -m.Value, m.Value
}

// Role returns the role of an instrument's score at a timepoint.
func (p *Protocol) Role(instrument, score string, tp Timepoint) string {
	if p == nil {
		return RoleExploratory
	}
	for _, e := range p.Endpoints {
		if e.Instrument == instrument && e.Score == score && e.Timepoint == tp {
			return e.Role
		}
	}
	return RoleExploratory
}

// MID returns the minimal important difference of an instrument's score.
func (p *Protocol) MID(instrument, score string) (MID, bool) {
	if p == nil {
		return MID{}, false
	}
	for _, m := range p.MIDs {
		if m.Instrument == instrument && m.Score == score {
			return m, true
		}
	}
	return MID{}, false
}

// Primary returns the primary endpoints, in the protocol's order.
func (p *Protocol) Primary() []Endpoint {
	var out []Endpoint
	if p == nil {
		return out
	}
	for _, e := range p.Endpoints {
		if e.Role == RolePrimary {
			out = append(out, e)
		}
	}
	return out
}

// Protocol returns the framework's evaluation protocol (nil for a
// framework without one).
func (f *Framework) Protocol() *Protocol { return f.protocol }

// loadProtocol reads protocol.json, if the framework has one, and checks
// that every endpoint and MID names a score of an instrument of the
// framework, a timepoint of its schedule and a known role or kind.
func (l *loader) loadProtocol(f *Framework) {
	const file = "protocol.json"
	if _, err := fs.Stat(l.fsys, file); err != nil {
		return // a framework without a protocol: everything is exploratory
	}
	p := &Protocol{}
	if !l.decodeFile(file, p) {
		return
	}
	hasScore := func(instrument, score string) bool {
		in, ok := f.byID[instrument]
		if !ok {
			return false
		}
		return slices.ContainsFunc(in.Scores, func(r *ScoreRule) bool { return r.Name == score })
	}
	seen := map[string]bool{}
	for i, e := range p.Endpoints {
		where := fmt.Sprintf("endpoint %d (%s %s %s)", i+1, e.Instrument, e.Score, e.Timepoint)
		if !hasScore(e.Instrument, e.Score) {
			l.add(file, where+": no such score of an instrument of the framework")
		}
		if !slices.ContainsFunc(f.schedule, func(w Window) bool { return w.Timepoint == e.Timepoint }) || e.Timepoint == "baseline" {
			l.add(file, where+": the timepoint is not a follow-up of the schedule")
		}
		if e.Role != RolePrimary && e.Role != RoleSecondary {
			l.add(file, where+`: role must be "primary" or "secondary" (anything not named is exploratory)`)
		}
		key := e.Instrument + "|" + e.Score + "|" + string(e.Timepoint)
		if seen[key] {
			l.add(file, where+": named twice")
		}
		seen[key] = true
	}
	seenMID := map[string]bool{}
	for i, m := range p.MIDs {
		where := fmt.Sprintf("minimal important difference %d (%s %s)", i+1, m.Instrument, m.Score)
		if !hasScore(m.Instrument, m.Score) {
			l.add(file, where+": no such score of an instrument of the framework")
		}
		switch m.Kind {
		case MIDDifference:
			if !(m.Value > 0) {
				l.add(file, where+": value must be above 0")
			}
		case MIDRelative, MIDProportion:
			if !(m.Value > 0 && m.Value < 1) {
				l.add(file, where+": value must be between 0 and 1")
			}
		default:
			l.add(file, where+`: kind must be "difference", "relative" or "proportion"`)
		}
		if m.Source == "" {
			l.add(file, where+": every minimal important difference needs its source")
		}
		if seenMID[m.Instrument+"|"+m.Score] {
			l.add(file, where+": named twice")
		}
		seenMID[m.Instrument+"|"+m.Score] = true
	}
	for _, e := range p.Endpoints {
		if e.Role == RolePrimary && !seenMID[e.Instrument+"|"+e.Score] {
			l.add(file, fmt.Sprintf("primary endpoint %s %s has no minimal important difference", e.Instrument, e.Score))
		}
	}
	f.protocol = p
}
