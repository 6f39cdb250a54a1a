package exports

import (
	"sort"
	"strings"
)

// Released is what the earlier exports under one agreement released, as
// the source keeps it: enough to check a new export together with them.
type Released struct {
	// Exports counts the earlier exports; K is the largest k they were made
	// at.
	Exports, K int
	// Levels are the generalisation levels, in column order, that the first
	// export chose and every later one keeps; nil before the first.
	Levels []int
	// Records hold, by pseudonym, what an evaluator who joins every earlier
	// export on the pseudonym knows of each resident ever published under
	// the agreement: for each quasi-identifier the value published, or
	// Suppressed if none ever was; for the borough, the boroughs the
	// resident may be in (see joinBorough).
	Records map[string][]string
}

// Release is what one export adds to the record of an agreement's
// releases. It is recorded, with the export's audit entry, before any of
// the export is published, so that the next export is checked against it.
type Release struct {
	AgreementID int64
	// Sequence is the number of earlier exports plus one: of two exports
	// prepared against the same earlier ones, only the first recorded may
	// be published.
	Sequence  int
	Boroughs  []string
	K         int
	Levels    []int
	Residents int
	// Records are the residents whose joined record is new or has
	// changed, by pseudonym.
	Records map[string][]string
}

// boroughScope is what an export's borough column means: the boroughs of
// the agreement, and the boroughs exported. A resident published with the
// borough suppressed is still known to be in one of the boroughs
// exported.
type boroughScope struct {
	agreement, exported []string
}

// boroughSet is the set of boroughs a joined borough value stands for:
// Suppressed for any of the agreement's, a slug, or slugs joined by "+".
func (sc boroughScope) set(v string) map[string]bool {
	out := map[string]bool{}
	switch {
	case v == Suppressed:
		for _, b := range sc.agreement {
			out[b] = true
		}
	case v == "":
	default:
		for _, b := range strings.Split(v, "+") {
			out[b] = true
		}
	}
	return out
}

// joinBorough returns what is known of a resident's borough from what was
// known before (before, or "" for a resident never published) and their
// publication in this export with borough published: the intersection,
// written as Suppressed if it is every borough of the agreement (or the
// scope is unknown), as a slug if one, and as "+"-joined slugs otherwise.
// An empty intersection (a resident who moved borough) is written "{}".
func (sc boroughScope) joinBorough(before, published string) string {
	if len(sc.agreement) == 0 {
		if before != "" && before != Suppressed {
			return before
		}
		return published
	}
	now := sc.set(published)
	if published == Suppressed {
		now = map[string]bool{}
		for _, b := range sc.exported {
			now[b] = true
		}
	}
	if before != "" {
		was := sc.set(before)
		for b := range now {
			if !was[b] {
				delete(now, b)
			}
		}
	}
	var out []string
	for b := range now {
		out = append(out, b)
	}
	sort.Strings(out)
	switch {
	case len(out) == 0:
		return "{}"
	case len(out) == len(sc.agreement):
		return Suppressed
	}
	return strings.Join(out, "+")
}

// join returns the joined record of a resident published with values,
// given the earlier record (nil for a resident never published): for each
// quasi-identifier the value known before, if any, or else the one
// published now.
func (sc boroughScope) join(before, published []string) []string {
	q := qis()
	out := make([]string, len(q))
	for j, x := range q {
		switch {
		case x.name == QIBorough:
			b := ""
			if before != nil {
				b = before[j]
			}
			out[j] = sc.joinBorough(b, published[j])
		case before != nil && before[j] != Suppressed:
			out[j] = before[j]
		default:
			out[j] = published[j]
		}
	}
	return out
}

func recordKey(v []string) string { return strings.Join(v, "\x1f") }

// enforce withdraws residents from the export (values[i] = nil) until
// every class of the export holds at least k residents, and so does every
// class of the join of the export with the earlier ones: the records of
// every resident ever published under the agreement, updated by this
// export. Withdrawing a resident published before puts back their earlier
// record; withdrawing a new one takes them out of the join. It returns
// each published resident's joined record.
//
// It ends: each round withdraws someone or stops. When it stops, a class
// of the join under k can hold no resident published now, and none who
// left it by being published now (they are withdrawn, rule 2), so it is
// one of the earlier classes whole, which were at least k.
func enforce(pseudonyms []string, values [][]string, earlier map[string][]string, k int, sc boroughScope) [][]string {
	joined := make([][]string, len(values))
	at := map[string]int{}
	for i, p := range pseudonyms {
		at[p] = i
	}
	for {
		for i, v := range values {
			joined[i] = nil
			if v != nil {
				joined[i] = sc.join(earlier[pseudonyms[i]], v)
			}
		}
		export, union := map[string]int{}, map[string]int{}
		for i, v := range values {
			if v != nil {
				export[recordKey(v)]++
				union[recordKey(joined[i])]++
			}
		}
		for p, r := range earlier {
			if i, ok := at[p]; !ok || values[i] == nil {
				union[recordKey(r)]++
			}
		}
		withdraw := map[int]bool{}
		for i, v := range values {
			if v != nil && (export[recordKey(v)] < k || union[recordKey(joined[i])] < k) {
				withdraw[i] = true // rule 1: a small class
			}
		}
		for p, r := range earlier {
			rk := recordKey(r)
			if i, ok := at[p]; ok && values[i] != nil && union[rk] < k && recordKey(joined[i]) != rk {
				withdraw[i] = true // rule 2: leaving an earlier class made it small
			}
		}
		if len(withdraw) == 0 {
			return joined
		}
		for i := range withdraw {
			values[i] = nil
		}
	}
}
