package exports

import (
	"sort"
	"strings"
)

// Released is the ledger of releases: what every earlier export released,
// under any agreement, to anyone, as the source keeps it. An evaluator
// holding exports made under different agreements cannot join them on the
// pseudonym, but can on the answers and scores, which are a fingerprint;
// so every export is checked together with all of them.
type Released struct {
	// Exports counts the earlier exports, under every agreement;
	// Agreements, the agreements they were made under.
	Exports, Agreements int
	// Levels are the generalisation levels, in column order, that the
	// first export ever chose and every later one keeps; nil before the
	// first.
	Levels []int
	// Records hold, by ledger key (Subject.Ledger), the entry of every
	// resident ever published.
	Records map[string]Entry
}

// Entry is a resident's entry in the ledger.
type Entry struct {
	// Record is their joined record (see JoinRecords).
	Record []string
	// K is the largest k of the exports they were published in: the
	// class of the join holding them must keep at least K residents,
	// whatever k a later export, under any agreement, is made at.
	K int
}

// Release is what one export adds to the ledger. It is recorded, with the
// export's audit entry, before any of the export is published, so that
// the next export, under any agreement, is checked against it.
type Release struct {
	AgreementID int64
	// Sequence is the number of earlier exports in the ledger, under every
	// agreement, plus one: of two exports prepared against the same
	// ledger, only the first recorded may be published.
	Sequence  int
	Boroughs  []string
	K         int
	Levels    []int
	Residents int
	// Records are the residents whose entry is new or has changed, by
	// ledger key.
	Records map[string]Entry
}

// A joined record is what an intruder who holds every export, and links
// each resident's rows across them exactly (the answers are a
// fingerprint), knows of the resident's quasi-identifiers, in qis()
// order:
//
//   - the borough as the set of boroughs the resident may be in: the
//     intersection, over the exports, of the borough published or, where
//     it was suppressed, the boroughs that export covers; written as slugs
//     joined by boroughSep in order, one slug, or noBorough for none (a
//     resident who moved);
//   - every other quasi-identifier as the values ever published for it,
//     in order, joined by valueSep, or Suppressed if none ever was. With
//     the levels fixed by the first export ever, and nothing new published
//     of a resident published before (see anonymise), that is one value;
//     several only where exports made at different levels were joined,
//     as under the per-agreement ledgers before this one. Two residents
//     with the same values published are in one class: finer than, so at
//     least as safe as, classes of the finest of the values.
const (
	boroughSep = "+"
	valueSep   = "&"
	noBorough  = "{}"
)

// boroughSet reads a joined borough.
func boroughSet(v string) map[string]bool {
	out := map[string]bool{}
	if v == noBorough || v == "" {
		return out
	}
	for _, b := range strings.Split(v, boroughSep) {
		out[b] = true
	}
	return out
}

func writeSet(set map[string]bool, sep, empty string) string {
	var out []string
	for v := range set {
		out = append(out, v)
	}
	if len(out) == 0 {
		return empty
	}
	sort.Strings(out)
	return strings.Join(out, sep)
}

// LedgerRecord is the joined record of a resident published once, with
// values (in qis() order), in an export of the boroughs: a borough
// suppressed stands for every borough exported. Storage uses it to carry
// the per-agreement ledgers, whose suppressed borough stood for the
// agreement's boroughs, into the one ledger.
func LedgerRecord(published []string, boroughs []string) []string {
	out := append([]string(nil), published...)
	for j, x := range qis() {
		if x.name == QIBorough && published[j] == Suppressed {
			set := map[string]bool{}
			for _, b := range boroughs {
				set[b] = true
			}
			out[j] = writeSet(set, boroughSep, noBorough)
		}
	}
	return out
}

// JoinRecords returns what two joined records of one resident tell
// together: for the borough, the intersection of the two sets; for every
// other quasi-identifier, the values of either. A nil record is a
// resident not published before. It is the one rule by which exports are
// joined: an export's records with the ledger, and the per-agreement
// ledgers into one.
func JoinRecords(before, now []string) []string {
	if before == nil {
		return append([]string(nil), now...)
	}
	out := make([]string, len(now))
	for j, x := range qis() {
		if x.name == QIBorough {
			set := boroughSet(before[j])
			for b := range set {
				if !boroughSet(now[j])[b] {
					delete(set, b)
				}
			}
			out[j] = writeSet(set, boroughSep, noBorough)
			continue
		}
		set := map[string]bool{}
		for _, v := range []string{before[j], now[j]} {
			for _, x := range strings.Split(v, valueSep) {
				if x != Suppressed && x != "" {
					set[x] = true
				}
			}
		}
		out[j] = writeSet(set, valueSep, Suppressed)
	}
	return out
}

// told reports whether publishing v for a quasi-identifier tells nothing
// that the joined value before does not: v is one of the values published
// before, or the one borough the resident is known to be in.
func told(before, v string) bool {
	for _, x := range strings.Split(before, valueSep) {
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
	return JoinRecords(before, LedgerRecord(published, sc.exported))
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
