package disclosure

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ateval/ateval"
)

// Selection is a query the gate allows: whole groups of boroughs (nil: all)
// and whole periods (zero: open ends), and a device category ("" for all).
type Selection struct {
	Groups   []string
	From, To Period
	Category string
}

// Select widens a filter to the whole cells it touches: boroughs to the
// groups that hold them, enrolment dates to whole financial years. Notes
// say, in plain English, what was widened. A borough the gate does not know
// is refused.
func (g *Gate) Select(boroughs []string, from, to ateval.Date, category string) (Selection, []string, error) {
	s := Selection{Category: category}
	var notes []string
	for _, b := range boroughs {
		if g.Groups.Of(b) == "" {
			return s, nil, ateval.Errorf(ateval.EINVALID, "Unknown borough %q.", b)
		}
	}
	if len(boroughs) > 0 {
		s.Groups = g.Groups.Covering(boroughs)
		members := g.Groups.Members(s.Groups)
		if len(s.Groups) == len(g.Groups.Selectable()) {
			s.Groups = nil
		}
		want := slices.Clone(boroughs)
		slices.Sort(want)
		if !slices.Equal(want, members) {
			names := make([]string, len(g.Groups.Covering(boroughs)))
			for i, id := range g.Groups.Covering(boroughs) {
				names[i] = g.Groups.Name(id)
			}
			notes = append(notes, fmt.Sprintf("Boroughs can be chosen only as whole partnerships, so that no borough can be singled out by comparing reports; the boroughs chosen were widened to %s.", strings.Join(names, ", ")))
		}
	}
	if !from.IsZero() {
		s.From = PeriodOf(from)
		if from != s.From.From() {
			notes = append(notes, fmt.Sprintf("Enrolment dates can be chosen only as whole financial years; \"enrolled from\" was widened to %s, the start of %s.", long(s.From.From()), s.From))
		}
	}
	if !to.IsZero() {
		s.To = PeriodOf(to)
		if to != s.To.To() {
			notes = append(notes, fmt.Sprintf("Enrolment dates can be chosen only as whole financial years; \"enrolled to\" was widened to %s, the end of %s.", long(s.To.To()), s.To))
		}
	}
	return s, notes, nil
}

// Boroughs returns the boroughs the selection covers (nil: all).
func (g *Gate) Boroughs(s Selection) []string {
	if s.Groups == nil {
		return nil
	}
	return g.Groups.Members(s.Groups)
}

// Covers reports whether a released cell is wholly inside the selection:
// its unit's group selected, every period of its block within the dates,
// its category the one chosen (comparison cells, of no category, are in
// every category's selection).
func (s Selection) Covers(r Released) bool {
	if s.Groups != nil && (r.Unit.Group == "" || !slices.Contains(s.Groups, r.Unit.Group)) {
		return false
	}
	for _, p := range r.Periods {
		if (s.From != 0 && p < s.From) || (s.To != 0 && p > s.To) {
			return false
		}
	}
	return s.Category == "" || r.Category == "" || r.Category == s.Category
}

// Pick returns the released cells the selection covers.
func (s Selection) Pick(rs []Released) []Released {
	var out []Released
	for _, r := range rs {
		if s.Covers(r) {
			out = append(out, r)
		}
	}
	return out
}

// long writes a date as people read it: 31 March 2026.
func long(d ateval.Date) string { return d.Time().Format("2 January 2006") }
