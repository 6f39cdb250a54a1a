package disclosure

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ateval/ateval"
)

func TestRulesRefuseWeakening(t *testing.T) {
	for _, r := range []Rules{{MinBoroughN: 5}, {RoundTo: 1}, {MinCell: 2}, {MinValues: 3}, {Ambiguity: 1}, {PerturbMax: 1}} {
		if _, err := r.WithDefaults(); ateval.ErrorCode(err) != ateval.EINVALID {
			t.Errorf("%+v: %v, want a refusal", r, err)
		}
	}
	r, err := Rules{MinBoroughN: 20}.WithDefaults()
	if err != nil || r.MinBoroughN != 20 || r.RoundTo != 5 || r.MinCell != 8 {
		t.Errorf("raised rules: %+v %v", r, err)
	}
}

// TestCountIsConsistent: the same cell (count and key) always publishes the
// same value; published counts are multiples of 5 within 5 of the truth;
// zero stays zero and counts of 1–2 never show as themselves.
func TestCountIsConsistent(t *testing.T) {
	d := Defaults()
	rng := rand.New(rand.NewPCG(1, 2))
	changed := 0
	for range 10000 {
		n, key := rng.IntN(300), rng.Int64N(100000)
		a, b := d.Count(n, key), d.Count(n, key)
		if a != b {
			t.Fatalf("Count(%d, %d) gave %d then %d", n, key, a, b)
		}
		if a%5 != 0 || math.Abs(float64(a-n)) > 4.5 {
			t.Fatalf("Count(%d, %d) = %d", n, key, a)
		}
		if n == 0 && a != 0 {
			t.Fatalf("Count(0) = %d", a)
		}
		if a != d.Count(n, key+256*7) {
			changed++ // the key is read modulo 256 only through ptable, with n mixed in
		}
	}
	if changed != 0 {
		t.Errorf("%d counts depended on more than the key modulo 256", changed)
	}
	// Perturbation is unbiased: the mean error over many cells is near 0.
	var sum float64
	for k := range int64(256) {
		sum += float64(ptable(k, 2))
	}
	if math.Abs(sum) > 2 {
		t.Errorf("ptable sums to %g over its keys, want about 0", sum)
	}
}

func TestStepAndRound(t *testing.T) {
	d := Defaults()
	for _, c := range []struct {
		n, res, want float64
	}{{12, 1, 0.5}, {40, 1, 0.1}, {100, 1, 0.05}, {1000, 1, 0.005}, {10, 0.001, 0.0005}, {8, 1, 0.5}, {2, 1, 2}, {1, 1, 5}, {0, 1, 5}} {
		if got := d.Step(c.n, c.res); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Step(%g, %g) = %g, want %g", c.n, c.res, got, c.want)
		}
		// The step spans at least Ambiguity units of the sum; a published
		// count of none (the residents there are rounded away) takes the
		// coarsest step, never NaN, which would leave a mean exact.
		if d.Step(c.n, c.res)*max(c.n, 1) < d.Ambiguity*c.res*(1-1e-9) {
			t.Errorf("Step(%g, %g) spans less than %g units", c.n, c.res, d.Ambiguity)
		}
	}
	for _, c := range []struct{ x, step, want float64 }{{1.16666, 0.5, 1}, {1.3, 0.5, 1.5}, {-0.04, 0.1, 0}, {0.30000000000000004, 0.1, 0.3}, {2.345, 0.005, 2.345}} {
		if got := Round(c.x, c.step); got != c.want || math.Signbit(got) {
			t.Errorf("Round(%g, %g) = %g, want %g", c.x, c.step, got, c.want)
		}
	}
}

func TestMonthEnd(t *testing.T) {
	for in, want := range map[ateval.Date]ateval.Date{
		ateval.NewDate(2026, 11, 30): ateval.NewDate(2026, 11, 30),
		ateval.NewDate(2026, 12, 1):  ateval.NewDate(2026, 11, 30),
		ateval.NewDate(2025, 3, 15):  ateval.NewDate(2025, 2, 28),
		ateval.NewDate(2024, 3, 1):   ateval.NewDate(2024, 2, 29),
	} {
		if got := MonthEnd(in); got != want {
			t.Errorf("MonthEnd(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestPeriods(t *testing.T) {
	for _, c := range []struct {
		d    ateval.Date
		want Period
	}{{ateval.NewDate(2025, 3, 31), 2024}, {ateval.NewDate(2025, 4, 1), 2025}, {ateval.NewDate(2026, 1, 15), 2025}} {
		if got := PeriodOf(c.d); got != c.want {
			t.Errorf("PeriodOf(%s) = %v, want %v", c.d, got, c.want)
		}
	}
	if p := Period(2025); p.String() != "2025-26" || p.From() != ateval.NewDate(2025, 4, 1) || p.To() != ateval.NewDate(2026, 3, 31) {
		t.Errorf("2025: %s %s %s", p, p.From(), p.To())
	}
}

var sixteen = []string{"brent", "camden", "croydon", "ealing", "greenwich", "hackney", "hounslow", "kensington-and-chelsea",
	"kingston-upon-thames", "lambeth", "newham", "southwark", "sutton", "tower-hamlets", "waltham-forest", "westminster"}

func TestGroupsPlaceEveryBoroughOnce(t *testing.T) {
	g := NewGroups(DefaultGroups(), append(slices.Clone(sixteen), "atlantis"))
	seen := map[string]bool{}
	for _, gr := range g.Selectable() {
		if len(gr.Boroughs) < 2 {
			t.Errorf("group %s has %d boroughs", gr.ID, len(gr.Boroughs))
		}
		for _, b := range gr.Boroughs {
			if seen[b] {
				t.Errorf("%s in two groups", b)
			}
			seen[b] = true
		}
	}
	if len(seen) != 17 {
		t.Errorf("%d boroughs placed, want 17", len(seen))
	}
	// A lone unknown borough joins the smallest group rather than
	// standing alone.
	if g.Of("atlantis") == OtherGroup {
		t.Errorf("atlantis left alone in %s", g.Of("atlantis"))
	}
}

func TestSelectWidens(t *testing.T) {
	g, err := NewGate(Rules{}, nil, sixteen)
	if err != nil {
		t.Fatal(err)
	}
	s, notes, err := g.Select([]string{"westminster"}, ateval.NewDate(2025, 6, 22), ateval.NewDate(2025, 6, 23), "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Groups, []string{"central-london-forward"}) || s.From != 2025 || s.To != 2025 || len(notes) != 3 {
		t.Errorf("westminster, 22–23 June 2025: %+v %q", s, notes)
	}
	s, notes, _ = g.Select(sixteen, ateval.NewDate(2025, 4, 1), ateval.NewDate(2026, 3, 31), "")
	if s.Groups != nil || len(notes) != 0 {
		t.Errorf("every borough, one whole year: %+v %q", s, notes)
	}
	if _, _, err := g.Select([]string{"atlantis"}, ateval.Date{}, ateval.Date{}, ""); err == nil {
		t.Error("an unknown borough was accepted")
	}
}

// TestReleaseCells: named boroughs' years join into blocks of at least
// MinCell; small boroughs of a group combine only with another; a lone
// small borough is withheld; and the cells do not depend on anything but
// the data.
func TestReleaseCells(t *testing.T) {
	g, _ := NewGate(Rules{}, nil, sixteen)
	cell := func(b string, p Period, n int) Cell {
		return Cell{Borough: b, Period: p, Category: "fall-detector", Arm: "intervention", N: n, Key: int64(n), Sums: []float64{float64(n)}}
	}
	rel, held := g.Release([]Cell{
		cell("camden", 2024, 3), cell("camden", 2025, 9), cell("camden", 2026, 2), // named: 14; blocks 2024–25 (12) + 2026 joins it
		cell("croydon", 2025, 30), cell("croydon", 2026, 8), // named: two blocks
		cell("westminster", 2025, 6), cell("hackney", 2024, 5), // small, same group: one unnamed unit of 11
		cell("sutton", 2025, 4), // small and alone in its group: withheld
	})
	_, heldAcross := g.Release([]Cell{cell("sutton", 2025, 4), cell("brent", 2025, 7), cell("croydon", 2024, 30)})
	got := map[string][]int{}
	for _, r := range rel {
		if r.N < g.Rules.MinCell {
			t.Errorf("released cell of %d: %+v", r.N, r)
		}
		got[r.Unit.Label] = append(got[r.Unit.Label], r.N)
	}
	want := map[string][]int{"camden": {14}, "croydon": {30, 8}, "Other boroughs of Central London Forward (2)": {11}}
	if len(got) != len(want) {
		t.Errorf("released %v, want %v", got, want)
	}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			t.Errorf("%s: %v, want %v", k, got[k], v)
		}
	}
	if held.Residents != 4 || held.Cells != 1 {
		t.Errorf("withheld %+v, want sutton's 4", held)
	}
	// Sutton (South London) and Brent (West London), each the only small
	// borough of its partnership, are combined across partnerships: a unit
	// that no selection of partnerships holds, only every borough's.
	if heldAcross.Residents != 0 {
		t.Errorf("sutton and brent: withheld %+v, want them combined", heldAcross)
	}
	across, _ := g.Release([]Cell{cell("sutton", 2025, 4), cell("brent", 2025, 7)})
	if len(across) != 1 || across[0].Unit.Group != "" || across[0].Unit.Label != "Other boroughs (2)" {
		t.Fatalf("sutton and brent: %+v", across)
	}
	if (Selection{Groups: []string{"south-london-partnership", "west-london-alliance"}}).Covers(across[0]) || !(Selection{}).Covers(across[0]) {
		t.Error("a unit across partnerships is held by a selection of partnerships, or not by every borough's")
	}
	// Selecting 2025-26 alone: croydon's 2025 block only; camden's block
	// spans 2024–26 and the unnamed unit every year, so neither is in it.
	s := Selection{From: 2025, To: 2025}
	var picked []string
	for _, r := range s.Pick(rel) {
		picked = append(picked, r.Unit.Label)
	}
	if !slices.Equal(picked, []string{"croydon"}) {
		t.Errorf("2025-26 picks %v", picked)
	}
}
