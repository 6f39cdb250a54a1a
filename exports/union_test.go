package exports

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/ateval/ateval"
)

// joinOnResident plays the intruder who holds every export, under every
// agreement, and links each resident's rows across them exactly: on the
// pseudonym under one agreement, on the answers, a fingerprint, across
// agreements. who maps each pseudonym to the resident (nil: the pseudonym
// is the resident, as under one agreement). What each resident's joined
// row tells of their quasi-identifiers is, per column, every value
// published for them (a band and a finer band tell the intersection; two
// residents with the same values seen know the same) and, where the
// borough is suppressed, the boroughs of each export they are in. It
// returns the size of each resident's class in the join.
//
// Which exports a resident is in is not itself a quasi-identifier: it
// follows from objections and from disclosure control, which an attacker
// who knows a resident's quasi-identifiers does not know.
func joinOnResident(exports [][][]string, boroughs [][]string, who map[string]string) map[string]int {
	type seen struct {
		values []map[string]bool
		in     []string
	}
	rows := map[string]*seen{}
	for x, recs := range exports {
		col := map[string]int{}
		for i, n := range recs[0] {
			col[n] = i
		}
		names := []string{QIAgeBand, QISex, QIEthnicGroup, QIBorough, QIDeviceCategory, QILivingAlone, QIGroup}
		for _, r := range recs[1:] {
			id := r[0]
			if who != nil {
				id = who[r[0]]
			}
			s := rows[id]
			if s == nil {
				s = &seen{values: make([]map[string]bool, len(names))}
				for j := range names {
					s.values[j] = map[string]bool{}
				}
				rows[id] = s
			}
			if len(s.in) > 0 && s.in[len(s.in)-1] == fmt.Sprint(x) {
				continue // the long layout's further rows
			}
			s.in = append(s.in, fmt.Sprint(x))
			for j, n := range names {
				v := r[col[n]]
				switch {
				case n == QIBorough:
					// The boroughs the resident may be in: the
					// intersection of what each export tells.
					may := map[string]bool{v: true}
					if v == Suppressed {
						may = map[string]bool{}
						for _, b := range boroughs[x] {
							may[b] = true
						}
					}
					if len(s.in) == 1 {
						s.values[j] = may
					}
					for b := range s.values[j] {
						if !may[b] {
							delete(s.values[j], b)
						}
					}
				case v != Suppressed:
					s.values[j][v] = true
				}
			}
		}
	}
	key := func(s *seen) string {
		var parts []string
		for _, vs := range s.values {
			var l []string
			for v := range vs {
				l = append(l, v)
			}
			sort.Strings(l)
			parts = append(parts, strings.Join(l, "&"))
		}
		return strings.Join(parts, "|")
	}
	classes := map[string]int{}
	for _, s := range rows {
		classes[key(s)]++
	}
	out := map[string]int{}
	for p, s := range rows {
		out[p] = classes[key(s)]
	}
	return out
}

// forgetful is a source that keeps no record of earlier exports: the
// behaviour before the join was checked.
type forgetful struct{ *memSource }

func (forgetful) ExportReleases(context.Context, int64) (Released, error) { return Released{}, nil }
func (forgetful) record(*Release)                                         {}

// camdenSutton is population(n) with the quasi-identifiers drawn at
// random from seed (seed 0 is population(n) itself).
func camdenSutton(n int, seed uint64) *memSource {
	m := population(n)
	if seed == 0 {
		return m
	}
	r := rand.New(rand.NewPCG(seed, 1))
	for i, s := range randomSubjects(r, n) {
		s.Pseudonym, s.Borough = "", []string{"camden", "sutton"}[r.IntN(2)]
		if s.DeviceCategory != "" {
			s.FirstIssuedOn = s.EnrolledOn
		}
		m.subjects[i] = s
	}
	return m
}

// TestJoinedExportsStayKAnonymous is the review's case (C1): under one
// agreement, an export of Camden and Sutton, then one of Camden alone, of
// population(100) and of 40 random populations of 100. The pseudonyms are
// the same in both exports, so the evaluator can join them; every class of
// the join must still hold at least k residents, and the second export's
// disclosure report says it was checked with the first.
func TestJoinedExportsStayKAnonymous(t *testing.T) {
	both, camden := []string{"camden", "sutton"}, []string{"camden"}
	run := func(src Source) (map[string]int, *Plan) {
		_, first, _ := export(t, src, Options{Agreement: agreement(1), Boroughs: both, Layout: LayoutWide})
		p, second, _ := export(t, src, Options{Agreement: agreement(1), Boroughs: camden, Layout: LayoutWide})
		return joinOnResident([][][]string{first, second}, [][]string{both, camden}, nil), p
	}
	brokenBefore := 0
	for seed := uint64(0); seed <= 40; seed++ {
		// Without the record of the first export, the second chooses its
		// own generalisation, and the join can break k: the test can fail.
		broken, _ := run(forgetful{camdenSutton(100, seed)})
		for _, c := range broken {
			if c < DefaultK {
				brokenBefore++
				break
			}
		}
		joined, p := run(camdenSutton(100, seed))
		for ps, c := range joined {
			if c < DefaultK {
				t.Errorf("seed %d: resident %s is in a class of %d in the join of the two exports, fewer than k = %d", seed, ps, c, DefaultK)
			}
		}
		d := p.Disclosure()
		var text strings.Builder
		d.WriteText(&text)
		if d.EarlierExports != 1 || d.JoinedSmallestClass < DefaultK || !strings.Contains(text.String(), "checked together with the 1 earlier export made before it, under 1 data sharing agreement.") {
			t.Errorf("seed %d: the second export's disclosure report: earlier %d, smallest joined class %d\n%s", seed, d.EarlierExports, d.JoinedSmallestClass, text.String())
		}
	}
	if brokenBefore == 0 {
		t.Error("no join broke k without the record of the first export: the test cannot fail")
	}
	t.Logf("without the record, the join broke k in %d of 41 populations", brokenBefore)
}

// TestJoinedExportsRandom makes three exports of random borough subsets of
// random small populations under one agreement, with residents objecting,
// enrolling and changing between them, and checks every class of the
// join of all three.
func TestJoinedExportsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	all := []string{"camden", "sutton", "brent", "city-of-london"}
	for trial := 0; trial < 150; trial++ {
		src := &memSource{}
		for i, s := range randomSubjects(r, 20+r.IntN(150)) {
			s.Pseudonym = ""
			src.add(int64(i+1), s)
		}
		a := &Agreement{ID: 7, Name: "study", Purpose: "test", Boroughs: all, ExpiresOn: ateval.NewDate(2099, 1, 1)}
		var got [][][]string
		var sets [][]string
		k := 2 + r.IntN(5)
		for x := 0; x < 3; x++ {
			sub := all
			if r.IntN(2) == 0 {
				sub = all[:1+r.IntN(len(all))]
			}
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
			for ps, c := range joinOnResident(got, sets, nil) {
				if c < k {
					t.Fatalf("trial %d after export %d (boroughs %v, k %d): resident %s in a joined class of %d", trial, x, sub, k, ps, c)
				}
			}
			// Between exports: some object, some enrol, a value changes.
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
}
