package disclosure

import (
	_ "embed"
	"encoding/json"
	"slices"
	"sort"
)

//go:embed data/borough-groups.json
var groupsJSON []byte

// Group is a configured grouping of boroughs a report may be filtered to:
// London's sub-regional partnerships by default.
type Group struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Boroughs []string `json:"boroughs"`
}

// OtherGroup holds the boroughs no configured group names.
const OtherGroup = "other-boroughs"

// DefaultGroups returns the groups shipped with ateval
// (data/borough-groups.json, with its sources).
func DefaultGroups() []Group {
	var f struct {
		Groups []Group `json:"groups"`
	}
	if err := json.Unmarshal(groupsJSON, &f); err != nil {
		panic("disclosure: embedded borough groups are broken: " + err.Error())
	}
	return f.Groups
}

// Groups places every borough there is in exactly one group. A borough in
// no configured group joins OtherGroup; a group with fewer than two of the
// boroughs there are is not a group a report can be filtered to on its
// own, and its boroughs join the smallest group that is, so that no
// selection of whole groups stands for one borough.
type Groups struct {
	of    map[string]string // borough -> group id
	names map[string]string
	order []string
}

// NewGroups places the boroughs (slugs) in the configured groups.
func NewGroups(config []Group, boroughs []string) *Groups {
	g := &Groups{of: map[string]string{}, names: map[string]string{OtherGroup: "Other boroughs"}}
	known := map[string]bool{}
	for _, b := range boroughs {
		known[b] = true
	}
	members := map[string][]string{}
	for _, c := range config {
		g.names[c.ID] = c.Name
		for _, b := range c.Boroughs {
			if known[b] && g.of[b] == "" {
				g.of[b] = c.ID
				members[c.ID] = append(members[c.ID], b)
			}
		}
		g.order = append(g.order, c.ID)
	}
	g.order = append(g.order, OtherGroup)
	for _, b := range boroughs {
		if g.of[b] == "" {
			g.of[b] = OtherGroup
			members[OtherGroup] = append(members[OtherGroup], b)
		}
	}
	// Groups of one borough join the smallest group of two or more (or,
	// when there is none, all boroughs form one group).
	for {
		var lone, smallest string
		for _, id := range g.order {
			n := len(members[id])
			if n == 1 && lone == "" {
				lone = id
			}
			if n >= 2 && (smallest == "" || n < len(members[smallest])) {
				smallest = id
			}
		}
		if lone == "" {
			break
		}
		if smallest == "" {
			smallest = lone
			for _, id := range g.order {
				if id != lone && len(members[id]) > 0 {
					smallest = id
					break
				}
			}
			if smallest == lone {
				break // one borough in all: nothing to join
			}
		}
		for _, b := range members[lone] {
			g.of[b] = smallest
		}
		members[smallest] = append(members[smallest], members[lone]...)
		delete(members, lone)
	}
	return g
}

// Of returns a borough's group.
func (g *Groups) Of(borough string) string { return g.of[borough] }

// Name returns a group's name.
func (g *Groups) Name(id string) string { return g.names[id] }

// Selectable returns the groups that hold boroughs, in configured order.
func (g *Groups) Selectable() []Group {
	byID := map[string][]string{}
	for b, id := range g.of {
		byID[id] = append(byID[id], b)
	}
	var out []Group
	for _, id := range g.order {
		if bs := byID[id]; len(bs) > 0 {
			sort.Strings(bs)
			out = append(out, Group{ID: id, Name: g.names[id], Boroughs: bs})
		}
	}
	return out
}

// Covering returns the groups touched by the boroughs, in order.
func (g *Groups) Covering(boroughs []string) []string {
	var out []string
	for _, id := range g.order {
		for _, b := range boroughs {
			if g.of[b] == id && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// Members returns the boroughs of the groups, sorted.
func (g *Groups) Members(ids []string) []string {
	var out []string
	for b, id := range g.of {
		if slices.Contains(ids, id) {
			out = append(out, b)
		}
	}
	sort.Strings(out)
	return out
}
