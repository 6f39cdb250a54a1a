package exports

import (
	"strings"

	"github.com/ateval/ateval/sharing"
)

// told reports whether publishing v for a quasi-identifier tells nothing
// that the joined value before does not: v is one of the values published
// before, or the one borough the resident is known to be in.
func told(before, v string) bool {
	for _, x := range strings.Split(before, sharing.ValueSep) {
		if x == v {
			return true
		}
	}
	return false
}

// boroughScope is the boroughs an export covers: a resident published
// with the borough suppressed is known to be in one of them.
type boroughScope struct {
	exported []string
}

// join returns the joined record of a resident published with values,
// given the earlier record (nil for a resident never published).
func (sc boroughScope) join(before, published []string) []string {
	return sharing.JoinRecords(before, sharing.LedgerRecord(published, sc.exported))
}

func recordKey(v []string) string { return strings.Join(v, "\x1f") }

// joinedClasses are the classes of the join of an export with the
// ledger: each class's size, and its floor, the largest k owed to one of
// its residents (Entry.K).
type joinedClasses struct {
	size, floor map[string]int
}

func (c joinedClasses) add(record []string, k int) {
	key := recordKey(record)
	c.size[key]++
	c.floor[key] = max(c.floor[key], k)
}

// small reports whether the class of record holds fewer residents than
// the largest k owed to one of them.
func (c joinedClasses) small(record []string) bool {
	key := recordKey(record)
	return c.size[key] < c.floor[key]
}

// joinLedger returns the classes of the join of the export (values, nil for a
// resident not published, of k) with the earlier entries, and each
// published resident's joined record.
func joinLedger(keys []string, values [][]string, earlier map[string]Entry, k int, sc boroughScope) (joinedClasses, [][]string) {
	c := joinedClasses{size: map[string]int{}, floor: map[string]int{}}
	joined := make([][]string, len(values))
	published := map[string]bool{}
	for i, v := range values {
		if v != nil {
			e := earlier[keys[i]]
			joined[i] = sc.join(e.Record, v)
			c.add(joined[i], max(k, e.K))
			published[keys[i]] = true
		}
	}
	for p, e := range earlier {
		if !published[p] {
			c.add(e.Record, e.K)
		}
	}
	return c, joined
}

// enforce withdraws residents from the export (values[i] = nil) until
// every class of the export holds at least k residents, and every class
// of the join of the export with the ledger (the entries of every
// resident ever published, under any agreement, updated by this export)
// at least the largest k owed to one of its residents: the largest k of
// any export, this one or an earlier one, that published one of them.
// keys are the residents' ledger keys. Withdrawing a resident published
// before puts back their earlier entry; withdrawing a new one takes them
// out of the join. It returns the classes of the join and each published
// resident's joined record.
//
// It ends: each round withdraws someone or stops. When it stops, a class
// of the join under its floor can hold no resident published now, and
// none who left it by being published now (they are withdrawn, rule 2),
// so it is one of the earlier classes whole, with the floor it had, at
// which it was checked.
func enforce(keys []string, values [][]string, earlier map[string]Entry, k int, sc boroughScope) (joinedClasses, [][]string) {
	at := map[string]int{}
	for i, p := range keys {
		at[p] = i
	}
	for {
		classes, joined := joinLedger(keys, values, earlier, k, sc)
		export := map[string]int{}
		for _, v := range values {
			if v != nil {
				export[recordKey(v)]++
			}
		}
		withdraw := map[int]bool{}
		for i, v := range values {
			if v != nil && (export[recordKey(v)] < k || classes.small(joined[i])) {
				withdraw[i] = true // rule 1: a small class
			}
		}
		for p, e := range earlier {
			if i, ok := at[p]; ok && values[i] != nil && classes.small(e.Record) && recordKey(joined[i]) != recordKey(e.Record) {
				withdraw[i] = true // rule 2: leaving an earlier class made it small
			}
		}
		if len(withdraw) == 0 {
			return classes, joined
		}
		for i := range withdraw {
			values[i] = nil
		}
	}
}
