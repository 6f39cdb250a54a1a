package disclosure

import (
	"fmt"
	"slices"
	"sort"
)

// Cell is one atomic cell of a statistic as the database sums it: the
// residents of one borough, enrolment period, primary device category
// ("" for the comparison group) and arm, how many they are, the sum of
// their record keys, and the statistic's additive sums (Σb, Σf, events,
// days, counts of a subset and its key...). Cells of one statistic add.
type Cell struct {
	Borough  string
	Period   Period
	Category string
	Arm      string
	N        int
	Key      int64
	Sums     []float64
}

func (c *Cell) add(o Cell) {
	c.N += o.N
	c.Key += o.Key
	if len(c.Sums) < len(o.Sums) {
		c.Sums = append(c.Sums, make([]float64, len(o.Sums)-len(c.Sums))...)
	}
	for i, s := range o.Sums {
		c.Sums[i] += s
	}
}

// Unit is who a released cell stands for: one borough, named, or the
// smaller boroughs of one group together, unnamed.
type Unit struct {
	// ID is the borough's slug, or "other:GROUP:CATEGORY:ARM".
	ID       string
	Boroughs []string
	// Group is the unit's partnership; "" for small boroughs of several,
	// whom only a release of every borough holds.
	Group string
	Named bool
	// Label is the slug for a named borough, "Other boroughs of GROUP (m)"
	// otherwise.
	Label string
}

// Released is a cell the gate releases: a unit's residents of one
// category and arm over a block of whole periods.
type Released struct {
	Unit     Unit
	Periods  []Period
	Category string
	Arm      string
	N        int
	Key      int64
	Sums     []float64
	// Members are an unnamed unit's boroughs one by one, each over every
	// period of the block (nil for a named unit). They are for analysis
	// inside the protected zone only, never to be published: a report may
	// pool them as studies of their own where the rules of "Analysed, not
	// shown" (doc.go) prove that what it publishes keeps them hidden.
	Members []Cell `json:"-"`
}

// Withheld says what a statistic's release left out: residents of
// boroughs too small to show even combined within their group.
type Withheld struct {
	Cells, Residents int
}

// Gate is the one disclosure gate: the rules and the boroughs' groups.
type Gate struct {
	Rules  Rules
	Groups *Groups
}

// NewGate returns a gate with the rules (zero fields take the defaults;
// weaker ones are refused) over the boroughs there are, placed in the
// configured groups (nil: DefaultGroups).
func NewGate(r Rules, config []Group, boroughs []string) (*Gate, error) {
	r, err := r.WithDefaults()
	if err != nil {
		return nil, err
	}
	if config == nil {
		config = DefaultGroups()
	}
	return &Gate{Rules: r, Groups: NewGroups(config, boroughs)}, nil
}

type catArm struct{ category, arm string }

// Release decides, from every atomic cell of one statistic (never from a
// query), the cells that may be released: for each category and arm, a
// borough of at least MinBoroughN residents is a named unit whose periods
// are joined, in order, into blocks of at least MinCell residents (a last
// smaller block joins the one before); the smaller boroughs of one group
// form one unnamed unit over all periods when there are two or more of
// them with MinBoroughN residents in all; those left over in every group
// form one such unit together, of no group; any other cell is withheld
// from every release. The result is the same whatever is later selected.
func (g *Gate) Release(cells []Cell) ([]Released, Withheld) {
	fam := map[catArm]map[string]map[Period]*Cell{}
	for _, c := range cells {
		if c.N <= 0 {
			continue
		}
		k := catArm{c.Category, c.Arm}
		if fam[k] == nil {
			fam[k] = map[string]map[Period]*Cell{}
		}
		if fam[k][c.Borough] == nil {
			fam[k][c.Borough] = map[Period]*Cell{}
		}
		at := fam[k][c.Borough][c.Period]
		if at == nil {
			at = &Cell{Borough: c.Borough, Period: c.Period, Category: c.Category, Arm: c.Arm}
			fam[k][c.Borough][c.Period] = at
		}
		at.add(c)
	}
	keys := make([]catArm, 0, len(fam))
	for k := range fam {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].category != keys[j].category {
			return keys[i].category < keys[j].category
		}
		return keys[i].arm < keys[j].arm
	})
	var out []Released
	var held Withheld
	for _, k := range keys {
		small := map[string][]string{} // group -> small boroughs
		boroughs := make([]string, 0, len(fam[k]))
		for b := range fam[k] {
			boroughs = append(boroughs, b)
		}
		sort.Strings(boroughs)
		for _, b := range boroughs {
			periods := fam[k][b]
			total := 0
			for _, c := range periods {
				total += c.N
			}
			if total < g.Rules.MinBoroughN {
				small[g.Groups.Of(b)] = append(small[g.Groups.Of(b)], b)
				continue
			}
			unit := Unit{ID: b, Boroughs: []string{b}, Group: g.Groups.Of(b), Named: true, Label: b}
			out = append(out, g.blocks(unit, k, periods)...)
		}
		groups := make([]string, 0, len(small))
		for id := range small {
			groups = append(groups, id)
		}
		sort.Strings(groups)
		var leftover []string
		for _, id := range groups {
			if r, ok := g.combined(fam[k], small[id], id, k); ok {
				out = append(out, r)
			} else {
				leftover = append(leftover, small[id]...)
			}
		}
		// Small boroughs that found no partner in their own partnership are
		// combined across partnerships: such a unit belongs to no
		// partnership, so only a release of every borough holds it.
		sort.Strings(leftover)
		if r, ok := g.combined(fam[k], leftover, "", k); ok {
			out = append(out, r)
		} else {
			for _, b := range leftover {
				held.Cells++
				for _, c := range fam[k][b] {
					held.Residents += c.N
				}
			}
		}
	}
	return out, held
}

// combined is the unnamed unit of small boroughs (of one group, or of
// none: "" for boroughs of several), over every period, if there are two
// or more of them with MinBoroughN residents in all.
func (g *Gate) combined(fam map[string]map[Period]*Cell, members []string, group string, k catArm) (Released, bool) {
	var all Cell
	var ps []Period
	parts := make([]Cell, 0, len(members))
	for _, b := range members {
		part := Cell{Borough: b, Category: k.category, Arm: k.arm}
		for _, p := range sortedPeriods(fam[b]) { // in order: sums of fractions add alike every time
			all.add(*fam[b][p])
			part.add(*fam[b][p])
			if !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
		parts = append(parts, part)
	}
	if len(members) < 2 || all.N < g.Rules.MinBoroughN {
		return Released{}, false
	}
	slices.Sort(ps)
	label := fmt.Sprintf("Other boroughs of %s (%d)", g.Groups.Name(group), len(members))
	if group == "" {
		label = fmt.Sprintf("Other boroughs (%d)", len(members))
	}
	unit := Unit{ID: fmt.Sprintf("other:%s:%s:%s", group, k.category, k.arm), Boroughs: slices.Clone(members), Group: group, Label: label}
	return Released{Unit: unit, Periods: ps, Category: k.category, Arm: k.arm, N: all.N, Key: all.Key, Sums: all.Sums, Members: parts}, true
}

// blocks joins a named unit's periods, in order, into blocks of at least
// MinCell residents.
func (g *Gate) blocks(unit Unit, k catArm, periods map[Period]*Cell) []Released {
	ps := sortedPeriods(periods)
	var out []Released
	cur := Released{Unit: unit, Category: k.category, Arm: k.arm}
	for _, p := range ps {
		c := periods[p]
		cur.Periods = append(cur.Periods, p)
		addTo(&cur, *c)
		if cur.N >= g.Rules.MinCell {
			out = append(out, cur)
			cur = Released{Unit: unit, Category: k.category, Arm: k.arm}
		}
	}
	if cur.N > 0 {
		if len(out) == 0 {
			return []Released{cur}
		}
		last := &out[len(out)-1]
		last.Periods = append(last.Periods, cur.Periods...)
		last.N += cur.N
		last.Key += cur.Key
		addSums(&last.Sums, cur.Sums)
	}
	return out
}

func addTo(r *Released, c Cell) {
	r.N += c.N
	r.Key += c.Key
	addSums(&r.Sums, c.Sums)
}

func addSums(dst *[]float64, src []float64) {
	if len(*dst) < len(src) {
		*dst = append(*dst, make([]float64, len(src)-len(*dst))...)
	}
	for i, s := range src {
		(*dst)[i] += s
	}
}

// Total adds released cells: their residents, keys and sums.
func Total(rs []Released) (n int, key int64, sums []float64) {
	for _, r := range rs {
		n += r.N
		key += r.Key
		addSums(&sums, r.Sums)
	}
	return n, key, sums
}

func sortedPeriods(m map[Period]*Cell) []Period {
	ps := make([]Period, 0, len(m))
	for p := range m {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}
