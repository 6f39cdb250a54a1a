package exports

import (
	"fmt"
	"math/bits"
	"sort"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/sharing"
)

// Disclosure is an export's disclosure report: how the quasi-identifiers
// were generalised and suppressed to make every combination of them
// shared by at least K residents, and the re-identification risk left.
type Disclosure struct {
	K int `json:"k"`
	// MaxSuppression is the largest share of residents the search let
	// local suppression touch when it chose the generalisation.
	MaxSuppression float64 `json:"max_suppression"`
	Residents      int     `json:"residents"`
	// Removed residents are left out of the export altogether: the last
	// resort, when suppressing every quasi-identifier could not hide them
	// among K others.
	Removed        int        `json:"residents_removed"`
	Search         string     `json:"search"`
	NodesSearched  int        `json:"lattice_nodes_searched"`
	Generalisation []QIReport `json:"generalisation"`
	// ResidentsSuppressed counts residents with at least one value
	// suppressed by local suppression; ValuesSuppressed the values.
	ResidentsSuppressed int `json:"residents_with_suppressed_values"`
	ValuesSuppressed    int `json:"values_suppressed"`
	// ValuesWithheld counts the values of residents published before
	// that are suppressed because no earlier export published them: they
	// were suppressed then, or have changed since.
	ValuesWithheld int `json:"values_withheld_for_earlier_exports"`
	// ResidentsWithheld counts the residents left out of this export
	// because publishing them would have left a class of the join with
	// the earlier exports smaller than it owes its residents (they are
	// among Removed).
	ResidentsWithheld int `json:"residents_withheld_for_earlier_exports"`
	Classes           int `json:"equivalence_classes"`
	SmallestClass     int `json:"smallest_class"`
	// HighestRisk is the prosecutor risk of the most exposed resident,
	// 1 / size of the smallest equivalence class; AverageRisk is its mean
	// over residents, which is classes / residents.
	HighestRisk float64 `json:"highest_prosecutor_risk"`
	AverageRisk float64 `json:"average_prosecutor_risk"`
	// EarlierExports counts the exports made before this one, under
	// EarlierAgreements data sharing agreements (this one or others). The
	// export is checked together with them: joined resident by resident,
	// as an intruder holding them all could on the answers, the
	// JoinedResidents ever published fall in JoinedClasses classes. Each
	// class holding a resident of this export holds at least K residents,
	// and at least the largest k of any export, this or an earlier one,
	// that published one of its residents: JoinedK is the largest such k,
	// JoinedSmallestClass the smallest such class.
	EarlierExports      int `json:"earlier_exports"`
	EarlierAgreements   int `json:"earlier_agreements"`
	JoinedK             int `json:"joined_k"`
	JoinedResidents     int `json:"joined_residents"`
	JoinedClasses       int `json:"joined_equivalence_classes"`
	JoinedSmallestClass int `json:"joined_smallest_class"`
}

// QIReport says how one quasi-identifier is published.
type QIReport struct {
	Column           string `json:"column"`
	Level            int    `json:"level"`
	Hierarchy        string `json:"hierarchy"`
	ValuesSuppressed int    `json:"values_suppressed"`
}

// searchDescription is written into every disclosure report.
const searchDescription = "Full-domain generalisation over the lattice of every combination of hierarchy levels " +
	"(age 5 levels, sex 2, ethnic group 3, borough 2, device category 4, living alone 2: 480 nodes; the group, the " +
	"evaluation arm, is a quasi-identifier never generalised), each scored by " +
	"the precision loss of Sweeney (2002) with attribute weights as ARX allows, the weighted mean over the generalised quasi-identifiers of " +
	"level / top level (weights: borough and age 3, sex and device category 2, ethnic group and living alone 1, so that " +
	"the borough, each borough being a study of the pooled analysis, and age are the last to go). The node chosen is " +
	"the one of least loss at which the residents in equivalence classes smaller than k are at most the suppression " +
	"limit (ties: fewer such residents, then the lower levels in column order), or, if none is, the node with the fewest such residents. Then local suppression, as sdcMicro's " +
	"localSuppression: each resident still in a class smaller than k has values replaced by * along patterns of one, " +
	"then two, and more quasi-identifiers, least useful first (ethnic group and living alone, then sex and device " +
	"category, then age and borough, the group last), taking the first pattern that joins a class of at least k. Residents left over " +
	"when every value is suppressed are joined by residents fully suppressed from classes larger than k if enough can be spared, " +
	"or else removed; any class still smaller than k is removed whole."

// anonymised is the outcome of k-anonymisation: each subject's published
// quasi-identifiers, in qis() order, or nil for a subject removed.
type anonymised struct {
	values [][]string
	// joined are the published subjects' records in the join with the
	// earlier exports (see enforce).
	joined [][]string
	// levels are the generalisation levels used, in qis() order.
	levels     []int
	disclosure Disclosure
}

type interned struct {
	ids   map[string]uint16
	names []string
}

func (t *interned) id(s string) uint16 {
	if s == Suppressed {
		return 0
	}
	if id, ok := t.ids[s]; ok {
		return id
	}
	t.names = append(t.names, s)
	id := uint16(len(t.names) - 1)
	t.ids[s] = id
	return id
}

// bitsPerQI packs the seven quasi-identifiers into 63 bits of a key:
// 511 distinct values per quasi-identifier and level.
const bitsPerQI = 9

// anonymise makes the subjects' quasi-identifiers k-anonymous by
// themselves, and joined with the ledger of what every earlier export
// released (nil for none) so that every class of the join holding one of
// them has at least k residents, and at least the largest k owed to any
// of its residents (see enforce). maxSupp is the suppression limit of the
// search, as a share of residents; the first export's search fixes the
// levels of every later one, under any agreement.
func anonymise(subjects []Subject, k int, maxSupp float64, earlier *Released, sc boroughScope) (anonymised, error) {
	q := qis()
	n := len(subjects)
	if n < k {
		return anonymised{}, sharing.Refuse(RefusedTooFewResidents, ateval.Errorf(ateval.EINVALID, "Only %d residents are eligible; at least k = %d are needed for any export.", n, k))
	}
	if earlier == nil {
		earlier = &Released{}
	}
	if earlier.Levels != nil {
		if len(earlier.Levels) != len(q) {
			return anonymised{}, fmt.Errorf("exports: internal error: %d generalisation levels recorded for %d quasi-identifiers", len(earlier.Levels), len(q))
		}
		for j, l := range earlier.Levels {
			if l < 0 || l >= len(q[j].levels) {
				return anonymised{}, fmt.Errorf("exports: internal error: level %d recorded for %s", l, q[j].name)
			}
		}
	}
	// ids[qi][level][subject]: the subject's value at that level, interned.
	tables := make([][]*interned, len(q))
	ids := make([][][]uint16, len(q))
	for j, x := range q {
		tables[j] = make([]*interned, len(x.levels))
		ids[j] = make([][]uint16, len(x.levels))
		for l := range x.levels {
			t := &interned{ids: map[string]uint16{}, names: []string{Suppressed}}
			col := make([]uint16, n)
			for i := range subjects {
				col[i] = t.id(x.value(&subjects[i], l))
			}
			if len(t.names) >= 1<<bitsPerQI {
				return anonymised{}, ateval.Errorf(ateval.EINVALID, "%s has more than %d distinct values", x.name, 1<<bitsPerQI-1)
			}
			tables[j][l], ids[j][l] = t, col
		}
	}
	keyAt := func(i int, node []int) uint64 {
		var key uint64
		for j := range q {
			key = key<<bitsPerQI | uint64(ids[j][node[j]][i])
		}
		return key
	}

	// The lattice, searched whole: 480 nodes, each one pass over residents;
	// or not at all, when the first export ever, under any agreement,
	// fixed the levels.
	limit := int(maxSupp * float64(n))
	var best []int
	bestLoss, bestSmall, searched, bestWithin := 2.0, n+1, 0, false
	node := make([]int, len(q))
	counts := make(map[uint64]int)
	if earlier.Levels != nil {
		best = append([]int(nil), earlier.Levels...)
	}
	for search := best == nil; search; {
		searched++
		clear(counts)
		for i := 0; i < n; i++ {
			counts[keyAt(i, node)]++
		}
		small := 0
		for _, c := range counts {
			if c < k {
				small += c
			}
		}
		loss, weights := 0.0, 0.0
		for j, x := range q {
			if len(x.levels) > 1 {
				loss += float64(x.weight) * float64(node[j]) / float64(len(x.levels)-1)
				weights += float64(x.weight)
			}
		}
		loss /= weights
		// The group is never generalised, so an arm of fewer than k
		// residents keeps every node over the limit: then the node with
		// the fewest residents in small classes is taken, and local
		// suppression does the rest.
		within := small <= limit
		better := false
		switch {
		case within && !bestWithin:
			better = true
		case within:
			better = loss < bestLoss-1e-12 || (loss < bestLoss+1e-12 && small < bestSmall)
		case !bestWithin:
			better = small < bestSmall || (small == bestSmall && loss < bestLoss-1e-12)
		}
		if better {
			best, bestLoss, bestSmall, bestWithin = append([]int(nil), node...), loss, small, within
		}
		j := len(q) - 1
		for ; j >= 0; j-- {
			if node[j]++; node[j] < len(q[j].levels) {
				break
			}
			node[j] = 0
		}
		if j < 0 {
			break
		}
	}

	// A resident published before, under any agreement, shows no value
	// not published then: a value suppressed then, or changed since, is
	// suppressed now, so that joining the exports tells no more of them
	// than the earlier ones did.
	keys := make([]uint64, n)
	withheld := 0
	for i := range keys {
		keys[i] = keyAt(i, best)
		before := earlier.Records[subjects[i].Ledger].Record
		if before == nil {
			continue
		}
		for j := range q {
			shift := uint(bitsPerQI * (len(q) - 1 - j))
			id := keys[i] >> shift & (1<<bitsPerQI - 1)
			if id != 0 && !told(before[j], tables[j][best[j]].names[id]) {
				keys[i] &^= (1<<bitsPerQI - 1) << shift
				withheld++
			}
		}
	}

	// Local suppression at the chosen node.
	clear(counts)
	for i := range keys {
		counts[keys[i]]++
	}
	fixed := map[uint64]int{}
	var pending []int
	for i, key := range keys {
		if counts[key] >= k {
			fixed[key]++
		} else {
			pending = append(pending, i)
		}
	}
	suppressedBy := make([]int, len(q))
	touched := make([]bool, n)
	suppress := func(i int, mask uint) {
		for j := range q {
			shift := uint(bitsPerQI * (len(q) - 1 - j))
			if mask&(1<<j) != 0 && keys[i]>>shift&(1<<bitsPerQI-1) != 0 {
				keys[i] &^= (1<<bitsPerQI - 1) << shift
				suppressedBy[j]++
				touched[i] = true
			}
		}
	}
	masked := func(key uint64, mask uint) uint64 {
		for j := range q {
			if mask&(1<<j) != 0 {
				key &^= (1<<bitsPerQI - 1) << uint(bitsPerQI*(len(q)-1-j))
			}
		}
		return key
	}
	for _, mask := range suppressionPatterns(q) {
		if len(pending) == 0 {
			break
		}
		groups := map[uint64][]int{}
		var order []uint64
		for _, i := range pending {
			mk := masked(keys[i], mask)
			if groups[mk] == nil {
				order = append(order, mk)
			}
			groups[mk] = append(groups[mk], i)
		}
		pending = pending[:0]
		for _, mk := range order {
			g := groups[mk]
			if len(g)+fixed[mk] < k {
				pending = append(pending, g...)
				continue
			}
			for _, i := range g {
				suppress(i, mask)
			}
			fixed[mk] += len(g)
		}
	}
	removed := make([]bool, n)
	if len(pending) > 0 {
		// Every value of these is suppressed already, and still fewer than
		// k: fully suppress residents from classes with more than k to
		// join them, if there are enough to spare, or else remove them.
		// The donors are counted before any is touched, so that a class is
		// never left half-made.
		all := uint(1)<<len(q) - 1
		isPending := make([]bool, n)
		for _, i := range pending {
			isPending[i] = true
		}
		need := k - len(pending) - fixed[0]
		spare := 0
		for key, c := range fixed {
			if key != 0 && c > k {
				spare += c - k
			}
		}
		if need > spare {
			for _, i := range pending {
				removed[i] = true
			}
		} else {
			for i := 0; i < n && need > 0; i++ {
				if !isPending[i] && keys[i] != 0 && fixed[keys[i]] > k {
					fixed[keys[i]]--
					suppress(i, all)
					fixed[0]++
					need--
				}
			}
			for _, i := range pending {
				suppress(i, all)
			}
			fixed[0] += len(pending)
		}
	}
	// Whatever the steps above left, no class smaller than k is published,
	// in this export or in its join with the earlier ones.
	out := anonymised{values: make([][]string, n)}
	ledger := make([]string, n)
	for i := range subjects {
		ledger[i] = subjects[i].Ledger
		if removed[i] {
			continue
		}
		row := make([]string, len(q))
		for j := range q {
			id := keys[i] >> uint(bitsPerQI*(len(q)-1-j)) & (1<<bitsPerQI - 1)
			row[j] = tables[j][best[j]].names[id]
		}
		out.values[i] = row
	}
	before := 0
	for _, v := range out.values {
		if v != nil {
			before++
		}
	}
	classes, joined := enforce(ledger, out.values, earlier.Records, k, sc)
	out.joined, out.levels = joined, best

	d := &out.disclosure
	d.K, d.MaxSuppression, d.Search, d.NodesSearched = k, maxSupp, searchDescription, searched
	d.EarlierExports, d.EarlierAgreements, d.ValuesWithheld = earlier.Exports, earlier.Agreements, withheld
	final := map[string]int{}
	for _, v := range out.values {
		if v == nil {
			d.Removed++
			continue
		}
		d.Residents++
		final[recordKey(v)]++
	}
	for i := range touched {
		if touched[i] && out.values[i] != nil {
			d.ResidentsSuppressed++
		}
	}
	d.ResidentsWithheld = before - d.Residents
	for j, x := range q {
		d.Generalisation = append(d.Generalisation, QIReport{Column: x.name, Level: best[j], Hierarchy: x.levels[best[j]], ValuesSuppressed: suppressedBy[j]})
		d.ValuesSuppressed += suppressedBy[j]
	}
	d.Classes, d.SmallestClass = len(final), n
	for _, c := range final {
		if c < k {
			// The construction above makes this impossible; an export that
			// broke k-anonymity must not be written.
			return anonymised{}, fmt.Errorf("exports: internal error: an equivalence class of %d < k = %d", c, k)
		}
		d.SmallestClass = min(d.SmallestClass, c)
	}
	d.JoinedClasses = len(classes.size)
	for i, v := range out.values {
		if v == nil {
			continue
		}
		// Only an earlier class with no one published now may be under
		// its floor (one made before this check existed): this export
		// adds nothing to it.
		key := recordKey(out.joined[i])
		c := classes.size[key]
		if c < classes.floor[key] || c < k {
			return anonymised{}, fmt.Errorf("exports: internal error: a class of the join with earlier exports of %d < %d", c, classes.floor[key])
		}
		if d.JoinedSmallestClass == 0 || c < d.JoinedSmallestClass {
			d.JoinedSmallestClass = c
		}
		d.JoinedK = max(d.JoinedK, classes.floor[key])
	}
	for _, c := range classes.size {
		d.JoinedResidents += c
	}
	if d.Residents == 0 {
		return anonymised{}, sharing.Refuse(RefusedTooFewResidents, ateval.Errorf(ateval.EINVALID, "Too few residents to publish at k = %d: no combination of their quasi-identifiers, even suppressed, is shared by %d of them.", k, k))
	}
	d.HighestRisk = 1 / float64(d.SmallestClass)
	d.AverageRisk = float64(d.Classes) / float64(d.Residents)
	return out, nil
}

// suppressionPatterns lists the non-empty sets of quasi-identifiers (bit j
// for qis()[j]) in the order local suppression tries them: fewer first,
// then the least useful, by total weight.
func suppressionPatterns(q []qi) []uint {
	weight := func(m uint) int {
		w := 0
		for j := range q {
			if m&(1<<j) != 0 {
				w += q[j].weight
			}
		}
		return w
	}
	var ms []uint
	for m := uint(1); m < 1<<len(q); m++ {
		ms = append(ms, m)
	}
	sort.SliceStable(ms, func(a, b int) bool {
		ca, cb := bits.OnesCount(ms[a]), bits.OnesCount(ms[b])
		if ca != cb {
			return ca < cb
		}
		return weight(ms[a]) < weight(ms[b])
	})
	return ms
}
