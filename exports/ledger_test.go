package exports

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/sharing"
)

func TestJoinRecords(t *testing.T) {
	rec := func(s string) []string { return strings.Split(s, "|") }
	for _, tc := range []struct {
		name, before, now, want string
	}{
		{"first release", "", "65-69|female|*|camden|alarm|yes|intervention", "65-69|female|*|camden|alarm|yes|intervention"},
		{"nothing new", "65-69|female|*|camden|alarm|yes|intervention", "65-69|*|*|camden|alarm|*|intervention", "65-69|female|*|camden|alarm|yes|intervention"},
		{"a value suppressed before, published now", "65-69|*|*|camden|alarm|yes|intervention", "65-69|male|*|camden|alarm|yes|intervention", "65-69|male|*|camden|alarm|yes|intervention"},
		{"two levels of one hierarchy", "65-69|*|*|camden|*|*|*", "60-79|*|*|camden|*|*|*", "60-79&65-69|*|*|camden|*|*|*"},
		{"boroughs intersect", "*|*|*|brent+camden+sutton|*|*|*", "*|*|*|camden+croydon+sutton|*|*|*", "*|*|*|camden+sutton|*|*|*"},
		{"a borough within the set", "*|*|*|brent+camden|*|*|*", "*|*|*|camden|*|*|*", "*|*|*|camden|*|*|*"},
		{"a resident who moved", "*|*|*|brent|*|*|*", "*|*|*|camden|*|*|*", "*|*|*|{}|*|*|*"},
	} {
		var before []string
		if tc.before != "" {
			before = rec(tc.before)
		}
		if got := strings.Join(sharing.JoinRecords(before, rec(tc.now)), "|"); got != tc.want {
			t.Errorf("%s: JoinRecords = %s, want %s", tc.name, got, tc.want)
		}
	}
	got := sharing.LedgerRecord(rec("65-69|female|*|*|alarm|yes|intervention"), []string{"sutton", "camden"})
	if strings.Join(got, "|") != "65-69|female|*|camden+sutton|alarm|yes|intervention" {
		t.Errorf("LedgerRecord of a suppressed borough = %q, want the boroughs exported", got)
	}
}

// TestJoinedAcrossAgreements makes four exports of random small
// populations under two or three agreements, each over its own boroughs,
// with k drawn for each export and residents objecting, enrolling and
// changing between them, and joins every export made so far resident by
// resident, as an intruder who links them on the answers would. Every
// resident's class in the join holds at least the largest k of the
// exports that published them.
func TestJoinedAcrossAgreements(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 2026))
	all := []string{"camden", "sutton", "brent", "city-of-london"}
	checked := 0
	for trial := 0; trial < 80; trial++ {
		src := &memSource{}
		for i, s := range randomSubjects(r, 30+r.IntN(150)) {
			s.Pseudonym = ""
			src.add(int64(i+1), s)
		}
		var as []*Agreement
		for x := 0; x < 2+r.IntN(2); x++ {
			var bs []string
			for _, b := range all {
				if r.IntN(2) == 0 {
					bs = append(bs, b)
				}
			}
			if len(bs) == 0 {
				bs = all[:1]
			}
			as = append(as, &Agreement{ID: int64(x + 1), Name: "study", Purpose: "test", Boroughs: bs, ExpiresOn: ateval.NewDate(2099, 1, 1)})
		}
		var got [][][]string
		var sets [][]string
		owed := map[string]int{} // by resident, the largest k of an export that published them
		for x := 0; x < 4; x++ {
			a := as[r.IntN(len(as))]
			sub := a.Boroughs[:1+r.IntN(len(a.Boroughs))]
			k := 2 + r.IntN(5)
			p, err := Prepare(context.Background(), src, Options{Agreement: a, Boroughs: sub, K: k, Layout: LayoutWide, Today: ateval.NewDate(2026, 11, 23)})
			if err != nil {
				if ateval.ErrorCode(err) != ateval.EINVALID {
					t.Fatalf("trial %d export %d: %v", trial, x, err)
				}
				continue
			}
			src.record(p.Release())
			var buf strings.Builder
			if _, err := p.WriteCSV(context.Background(), &buf, nil); err != nil {
				t.Fatal(err)
			}
			recs := readBack(t, buf.String())
			got, sets = append(got, recs), append(sets, sub)
			who := map[string]string{}
			for _, b := range as {
				for _, id := range src.ids {
					who[sharing.Pseudonym(memKey(b.ID), id)] = strconv.FormatInt(id, 10)
				}
			}
			largest := 0
			for _, row := range recs[1:] {
				owed[who[row[0]]] = max(owed[who[row[0]]], k)
				largest = max(largest, owed[who[row[0]]])
			}
			for id, c := range joinOnResident(got, sets, who) {
				if c < owed[id] {
					t.Fatalf("trial %d after export %d (agreement %d, boroughs %v, k %d): resident %s in a joined class of %d, published at k up to %d",
						trial, x, a.ID, sub, k, id, c, owed[id])
				}
				checked++
			}
			d := p.Disclosure()
			if d.EarlierExports != len(got)-1 || d.JoinedK < k || d.JoinedK > largest {
				t.Fatalf("trial %d export %d: disclosure says %d earlier exports, joined k %d; want %d, from %d to %d", trial, x, d.EarlierExports, d.JoinedK, len(got)-1, k, largest)
			}
			for i := range src.subjects {
				switch r.IntN(20) {
				case 0:
					src.subjects[i].ObjectedOn = ateval.NewDate(2026, 6, 1)
				case 1:
					src.subjects[i].YearOfBirth--
				}
			}
			for _, s := range randomSubjects(r, r.IntN(10)) {
				s.Pseudonym = ""
				src.add(int64(len(src.subjects)+1), s)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no export was made: the test checked nothing")
	}
}

// TestLedgerKeyNeverPublished checks that the ledger key, which links a
// resident across agreements, appears nowhere in an export or its
// codebook.
func TestLedgerKeyNeverPublished(t *testing.T) {
	src := population(60)
	p, recs, _ := export(t, src, Options{Agreement: agreement(1), Layout: LayoutWide})
	var all strings.Builder
	for _, r := range recs {
		all.WriteString(strings.Join(r, ",") + "\n")
	}
	p.Codebook().WriteJSON(&all)
	for _, id := range src.ids {
		if l := memLedger(id); strings.Contains(all.String(), l) || strings.Contains(all.String(), strings.TrimPrefix(l, "ledger_")) {
			t.Fatalf("the ledger key of resident %d is published", id)
		}
	}
}
