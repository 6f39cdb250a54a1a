// Package exportstest plays the motivated intruder against anonymised
// exports, for the tests of exports and of the command line, on real
// output: given two exports made under different agreements, whose
// pseudonyms differ, it links each resident's rows across them on their
// answers and scores, a fingerprint, combines what the two tell of the
// resident's quasi-identifiers at the finer of the two generalisations,
// and counts the classes of the join (issue 13).
//
// It may import the standard library, devices and exports.
package exportstest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/exports"
)

// Export is an export as the intruder holds it: the CSV read whole,
// header first, and the boroughs it covers, which a suppressed borough
// stands for (the codebook says which).
type Export struct {
	Records  [][]string
	Boroughs []string
}

// Join is what the intruder's join of two exports found.
type Join struct {
	// Linked counts the residents of the first export whose fingerprint
	// is that of exactly one resident of the second; Ambiguous those
	// whose fingerprint is several residents', Unmatched no one's.
	Linked, Ambiguous, Unmatched int
	// Residents counts the residents of the join: each linked pair once,
	// every other resident of either export apart.
	Residents int
	// Classes counts the classes of the join: residents sharing what is
	// known of every quasi-identifier. Smallest is the size of the
	// smallest class holding a linked resident.
	Classes, Smallest int
	// linked is the size of each linked resident's class.
	linked []int
}

func (j Join) String() string {
	return fmt.Sprintf("%d linked, %d ambiguous, %d unmatched; %d residents in %d classes, the smallest holding a linked resident of %d",
		j.Linked, j.Ambiguous, j.Unmatched, j.Residents, j.Classes, j.Smallest)
}

// Below counts the linked residents in a class of the join of fewer than
// k residents: those the join exposes beyond what either export promised.
func (j Join) Below(k int) int {
	n := 0
	for _, c := range j.linked {
		if c < k {
			n++
		}
	}
	return n
}

var qiNames = []string{exports.QIAgeBand, exports.QISex, exports.QIEthnicGroup, exports.QIBorough,
	exports.QIDeviceCategory, exports.QILivingAlone, exports.QIGroup}

// resident is one resident of an export: their quasi-identifiers, in
// qiNames order, and the fingerprint of their answers and scores.
type resident struct {
	qis         []string
	fingerprint string
}

// residents reads an export's residents. shared are the columns the
// fingerprint is made of: every column both exports have but the
// pseudonym and the quasi-identifiers, answers, scores, days and
// respondents alike, on every row (timepoint) of the resident.
func residents(e Export, shared []string) ([]resident, error) {
	if len(e.Records) == 0 {
		return nil, fmt.Errorf("exportstest: an export without a header")
	}
	col := map[string]int{}
	for i, n := range e.Records[0] {
		col[n] = i
	}
	for _, n := range append([]string{"pseudonym"}, qiNames...) {
		if _, ok := col[n]; !ok {
			return nil, fmt.Errorf("exportstest: no column %s", n)
		}
	}
	rows := map[string][]string{}
	var order []string
	qis := map[string][]string{}
	for _, r := range e.Records[1:] {
		p := r[col["pseudonym"]]
		if _, ok := qis[p]; !ok {
			order = append(order, p)
			q := make([]string, len(qiNames))
			for j, n := range qiNames {
				q[j] = r[col[n]]
			}
			qis[p] = q
		}
		cells := make([]string, len(shared))
		for j, n := range shared {
			cells[j] = r[col[n]]
		}
		rows[p] = append(rows[p], strings.Join(cells, "\x1f"))
	}
	out := make([]resident, len(order))
	for i, p := range order {
		sort.Strings(rows[p])
		out[i] = resident{qis: qis[p], fingerprint: strings.Join(rows[p], "\x1e")}
	}
	return out, nil
}

// Link joins two exports as a motivated intruder would: each resident of
// a is linked to the resident of b with the same fingerprint, if exactly
// one has it; the joined record of a linked resident is, for each
// quasi-identifier, the finer of the two values published (for the
// borough, the boroughs both allow); every other resident keeps what
// their own export tells. It fails if the exports share no column to
// link on.
func Link(a, b Export) (Join, error) {
	var shared []string
	inB := map[string]bool{}
	if len(b.Records) > 0 {
		for _, n := range b.Records[0] {
			inB[n] = true
		}
	}
	skip := map[string]bool{"pseudonym": true}
	for _, n := range qiNames {
		skip[n] = true
	}
	if len(a.Records) > 0 {
		for _, n := range a.Records[0] {
			if inB[n] && !skip[n] {
				shared = append(shared, n)
			}
		}
	}
	if len(shared) == 0 {
		return Join{}, fmt.Errorf("exportstest: the exports share no column but the quasi-identifiers")
	}
	ra, err := residents(a, shared)
	if err != nil {
		return Join{}, err
	}
	rb, err := residents(b, shared)
	if err != nil {
		return Join{}, err
	}
	byPrint := map[string][]int{}
	for i, r := range rb {
		byPrint[r.fingerprint] = append(byPrint[r.fingerprint], i)
	}
	var j Join
	var records [][]string
	var linked []int // index in records of each linked resident
	usedB := make([]bool, len(rb))
	for _, r := range ra {
		switch m := byPrint[r.fingerprint]; len(m) {
		case 0:
			j.Unmatched++
			records = append(records, combine(r.qis, a.Boroughs, nil, nil))
		case 1:
			j.Linked++
			usedB[m[0]] = true
			linked = append(linked, len(records))
			records = append(records, combine(r.qis, a.Boroughs, rb[m[0]].qis, b.Boroughs))
		default:
			j.Ambiguous++
			records = append(records, combine(r.qis, a.Boroughs, nil, nil))
		}
	}
	for i, r := range rb {
		if !usedB[i] {
			records = append(records, combine(r.qis, b.Boroughs, nil, nil))
		}
	}
	sizes := map[string]int{}
	for _, rec := range records {
		sizes[strings.Join(rec, "|")]++
	}
	j.Residents, j.Classes = len(records), len(sizes)
	for _, i := range linked {
		c := sizes[strings.Join(records[i], "|")]
		j.linked = append(j.linked, c)
		if j.Smallest == 0 || c < j.Smallest {
			j.Smallest = c
		}
	}
	return j, nil
}

// combine is what two records of one resident tell together (y nil: one
// record alone).
func combine(x []string, xBoroughs []string, y []string, yBoroughs []string) []string {
	out := make([]string, len(qiNames))
	for k, n := range qiNames {
		if n == exports.QIBorough {
			set := boroughs(x[k], xBoroughs)
			if y != nil {
				other := boroughs(y[k], yBoroughs)
				for b := range set {
					if !other[b] {
						delete(set, b)
					}
				}
			}
			var l []string
			for b := range set {
				l = append(l, b)
			}
			sort.Strings(l)
			out[k] = "{" + strings.Join(l, ",") + "}"
			continue
		}
		switch {
		case y == nil || y[k] == exports.Suppressed:
			out[k] = x[k]
		case x[k] == exports.Suppressed:
			out[k] = y[k]
		default:
			out[k] = finer(n, x[k], y[k])
		}
	}
	return out
}

func boroughs(v string, scope []string) map[string]bool {
	out := map[string]bool{}
	if v != exports.Suppressed {
		out[v] = true
		return out
	}
	for _, b := range scope {
		out[b] = true
	}
	return out
}

// finer returns the finer of two values of one quasi-identifier, both
// published, from the hierarchies of exports; two values neither of which
// generalises the other (a resident changed between the exports) are
// both kept.
func finer(qi, x, y string) string {
	if x == y {
		return x
	}
	switch {
	case generalises(qi, x, y):
		return y
	case generalises(qi, y, x):
		return x
	}
	if y < x {
		x, y = y, x
	}
	return x + "&" + y
}

// generalises reports whether value g of the quasi-identifier is a
// generalisation of value v.
func generalises(qi, g, v string) bool {
	switch qi {
	case exports.QIAgeBand:
		glo, ghi, ok1 := ageRange(g)
		vlo, vhi, ok2 := ageRange(v)
		return ok1 && ok2 && glo <= vlo && vhi <= ghi
	case exports.QIEthnicGroup:
		return exports.BroadEthnicGroup(devices.EthnicGroup(v)) == g
	case exports.QIDeviceCategory:
		switch {
		case v == exports.NoDevice:
			return false // the same at every level
		case deviceGroups[v]:
			return g == exports.AnyDevice
		}
		return exports.DeviceGroup(v) == g || g == exports.AnyDevice
	}
	return false
}

// deviceGroups are the values of the device category one level up, but
// none, which is the same at every level.
var deviceGroups = map[string]bool{"alarm": true, "home-sensor": true, "health-medication": true, "communication-location": true, "other": true}

// ageRange reads a band: "65-69", "90+" or "80+".
func ageRange(s string) (lo, hi int, ok bool) {
	if a, found := strings.CutSuffix(s, "+"); found {
		lo, err := strconv.Atoi(a)
		return lo, 200, err == nil
	}
	a, b, found := strings.Cut(s, "-")
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	return lo, hi, found && err1 == nil && err2 == nil
}
