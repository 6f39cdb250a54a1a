package sharing

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
// fingerprint), knows of the resident's quasi-identifiers, in QINames()
// order:
//
//   - the borough as the set of boroughs the resident may be in: the
//     intersection, over the exports, of the borough published or, where
//     it was suppressed, the boroughs that export covers; written as slugs
//     joined by boroughSep in order, one slug, or noBorough for none (a
//     resident who moved);
//   - every other quasi-identifier as the values ever published for it,
//     in order, joined by ValueSep, or Suppressed if none ever was. With
//     the levels fixed by the first export ever, and nothing new published
//     of a resident published before (see package exports), that is one value;
//     several only where exports made at different levels were joined,
//     as under the per-agreement ledgers before this one. Two residents
//     with the same values published are in one class: finer than, so at
//     least as safe as, classes of the finest of the values.
const (
	boroughSep = "+"
	ValueSep   = "&"
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
// values (in QINames() order), in an export of the boroughs: a borough
// suppressed stands for every borough exported. Storage uses it to carry
// the per-agreement ledgers, whose suppressed borough stood for the
// agreement's boroughs, into the one ledger.
func LedgerRecord(published []string, boroughs []string) []string {
	out := append([]string(nil), published...)
	for j, name := range QINames() {
		if name == QIBorough && published[j] == Suppressed {
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
	for j, name := range QINames() {
		if name == QIBorough {
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
			for _, x := range strings.Split(v, ValueSep) {
				if x != Suppressed && x != "" {
					set[x] = true
				}
			}
		}
		out[j] = writeSet(set, ValueSep, Suppressed)
	}
	return out
}
