package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/evaluation"
	"github.com/ateval/ateval/internal/intruder"
	"github.com/ateval/ateval/reports/summary"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/summaries"
)

// TestAttackOnSmallBoroughsAnalysedApart is the motivated intruder of
// package intruder against small boroughs analysed apart and shown
// combined (disclosure's doc, "Analysed, not shown"). The committed sample
// is imported into SQLite and two releases are built from it: every
// borough, and the one partnership of the combined row attacked. The
// intruder knows every resident of one small borough of that row but one,
// whose change in score it wants; it is granted more than any intruder
// has: the report's code, every record key, and the other hidden
// boroughs' studies exactly as pooled. It tries every whole change from
// −100 to 100, rebuilds both releases' pooled estimate, standard error and
// τ² for each, and keeps the changes that reproduce results.json exactly.
//
// Against a release that pooled the hidden boroughs at their exact
// effects (their own rows, unrounded, as a leave-one-out by hidden borough
// would show them), one change is left: the resident's, checked against
// the database. Against ours, several are: the pooled figures give back a
// hidden borough's mean only to the step a published mean of its count
// has, which spans Ambiguity whole units of its sum at its published
// count, so several whole changes stay possible (4 on the committed
// sample; fewer than 2 fails).
func TestAttackOnSmallBoroughsAnalysedApart(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the committed sample")
	}
	ctx := ateval.SystemContext(context.Background())
	db := CommittedSample(t)
	all, err := Build(ctx, summaries.Of(db), Options{AsOf: sampledata.AsOf()})
	if err != nil {
		t.Fatal(err)
	}
	enrolled := enrolmentDates(t)

	tried := 0
	for i := range all.Analyses {
		a := &all.Analyses[i]
		o, _ := OutcomeByID(a.Outcome)
		if o.Kind != KindChange || o.Resolution != 1 || len(a.analysed) == len(a.Boroughs) || a.Withheld != "" {
			continue
		}
		tried++
		target, ok := findTarget(ctx, t, db, all, a, o, enrolled)
		if !ok {
			continue
		}
		// The second release: the partnership of the combined row alone.
		one, err := Build(ctx, summaries.Of(db), Options{AsOf: sampledata.AsOf(), Filter: summary.Filter{Boroughs: all.gate.Groups.Members([]string{target.group})}})
		if err != nil {
			t.Fatal(err)
		}
		var releases []*Report
		var other *Analysis
		for j := range one.Analyses {
			b := &one.Analyses[j]
			if b.Outcome == a.Outcome && b.DeviceCategory == a.DeviceCategory && b.Timepoint == a.Timepoint && b.Design == a.Design && b.Withheld == "" {
				other = b
			}
		}
		if other == nil || slices.IndexFunc(other.analysed, func(s evaluation.Study) bool { return s.Label == target.label }) < 0 {
			continue
		}
		releases = []*Report{all, one}
		analyses := []*Analysis{a, other}
		t.Logf("attacking %s, %s, %s, %s: a resident of %s in %q (%d residents given devices there), change %g",
			a.Outcome, a.DeviceCategory, a.Timepoint, a.Design, target.borough, target.row, target.known.N+1, target.change)

		// What ours published: results.json, read as the intruder reads it.
		var published []intruder.Pooled
		for k, r := range releases {
			published = append(published, publishedPooled(t, r, analyses[k]))
		}
		values := make([]float64, 0, 201)
		for v := -100; v <= 100; v++ {
			values = append(values, float64(v))
		}
		opt := evaluation.Options{Method: a.Method, Test: a.Test, Level: 95}
		rebuild := func(exact bool) func(v float64, k int) (intruder.Pooled, error) {
			return func(v float64, k int) (intruder.Pooled, error) {
				studies := slices.Clone(analyses[k].analysed)
				if exact {
					for _, m := range target.members {
						at := slices.IndexFunc(studies, func(s evaluation.Study) bool { return s.Label == m.label })
						studies[at].Yi, studies[at].Vi = m.exact.Yi, m.exact.Vi
					}
				}
				at := slices.IndexFunc(studies, func(s evaluation.Study) bool { return s.Label == target.label })
				e, err := target.effect(all, o, a.Design, v, exact)
				if err != nil {
					return intruder.Pooled{}, err
				}
				studies[at].Yi, studies[at].Vi = e.Yi, e.Vi
				p, err := evaluation.Pool(studies, opt)
				return intruder.Pooled{Estimate: p.Estimate, SE: p.SE, Tau2: p.Tau2}, err
			}
		}

		// The unsafe release: the same analyses with the hidden boroughs
		// pooled at their exact effects.
		var unsafe []intruder.Pooled
		for k := range releases {
			p, err := rebuild(true)(target.change, k)
			if err != nil {
				t.Fatal(err)
			}
			unsafe = append(unsafe, p)
		}
		got := intruder.Candidates(values, unsafe, rebuild(true))
		if len(got) != 1 || got[0] != target.change {
			t.Fatalf("unsafe release: the attack left %v, want the resident's change %g alone: the attack is not strong enough to test ours", got, target.change)
		}
		got = intruder.Candidates(values, published, rebuild(false))
		if !slices.Contains(got, target.change) {
			t.Fatalf("our release: the attack's rebuild does not reproduce results.json (candidates %v, truth %g): it tests nothing", got, target.change)
		}
		if len(got) < 2 {
			t.Fatalf("our release: the resident's change is pinned to %v (truth %g) from the pooled figures", got, target.change)
		}
		t.Logf("unsafe release: recovered %g; ours: %d changes remain possible (%g to %g)", target.change, len(got), got[0], got[len(got)-1])
		// For the record: hidden boroughs pooled as rounded rows of their
		// own, variance included (as a named row is published), leave
		// this many changes; the variance of a few residents' changes
		// narrows them where the resident is far from the others.
		own := func(v float64, k int) (intruder.Pooled, error) {
			studies := slices.Clone(analyses[k].analysed)
			at := slices.IndexFunc(studies, func(s evaluation.Study) bool { return s.Label == target.label })
			x := target.known
			x.add(cell{N: 1, SumF: v, SumFF: v * v})
			e, err := all.rowEffect(o, a.Design, x, target.cm, target.ref)
			if err != nil {
				return intruder.Pooled{}, err
			}
			studies[at].Yi, studies[at].Vi = e.Yi, e.Vi
			p, err := evaluation.Pool(studies, opt)
			return intruder.Pooled{Estimate: p.Estimate, SE: p.SE, Tau2: p.Tau2}, err
		}
		var rounded []intruder.Pooled
		for k := range releases {
			p, _ := own(target.change, k)
			rounded = append(rounded, p)
		}
		t.Logf("rounded rows of their own: %v remain", intruder.Candidates(values, rounded, own))
		return
	}
	t.Fatalf("no analysis of the committed sample (of %d with small boroughs apart) had a resident to attack", tried)
}

// member is one hidden borough of the attacked row: its study's label and
// its exact effect (the unsafe release's).
type member struct {
	label string
	exact evaluation.Effect
}

// target is the attacked resident and what the intruder knows around them.
type target struct {
	borough, row, label, group string
	// known is the target's borough's cell without the target; t and c
	// the combined row's cells, and cm the borough's comparison cell.
	known, t, c, cm cell
	change          float64
	members         []member
	// ref is the row's unit's reference variances.
	ref spread
}

// effect rebuilds the target borough's study with the target's change v:
// exactly (the unsafe release), or as memberEffect makes it (ours). A
// change in score enters a mean change and its variance only as f − b, so
// the candidate resident is b = 0, f = v.
func (g *target) effect(r *Report, o Outcome, design string, v float64, exact bool) (evaluation.Effect, error) {
	x := g.known
	x.add(cell{N: 1, SumF: v, SumFF: v * v})
	if exact {
		return exactEffect(o, design, x, g.cm)
	}
	return r.memberEffect(o, design, g.t, g.c, x, g.cm, g.ref)
}

// exactEffect is a borough's effect unrounded, with its own variance.
func exactEffect(o Outcome, design string, t, c cell) (evaluation.Effect, error) {
	e, err := effectOf(o.Kind, t)
	if err != nil || design != DifferenceInChange {
		return e, err
	}
	ec, err := effectOf(o.Kind, c)
	return evaluation.Effect{Yi: e.Yi - ec.Yi, Vi: e.Vi + ec.Vi}, err
}

// findTarget finds, in an analysis that pools a combined row's boroughs
// apart, a borough of the row with a resident enrolled on a day alone in
// its cell (so that the database gives that resident's scores), and what
// the intruder knows.
func findTarget(ctx context.Context, t *testing.T, db *storage.DB, r *Report, a *Analysis, o Outcome, enrolled map[string][]ateval.Date) (*target, bool) {
	cells, err := fetchCells(ctx, summaries.Of(db), summary.Filter{}, o, a.Timepoint)
	if err != nil {
		t.Fatal(err)
	}
	released, _ := r.gate.Release(cells)
	rel := r.sel.Pick(released)
	refs := r.references(o, released)
	order, T := byUnit(o.Kind, rel, a.DeviceCategory, summary.Intervention)
	_, C := byUnit(o.Kind, rel, "", summary.Comparison)
	for _, id := range order {
		u := T[id]
		if u.unit.Named || u.unit.Group == "" || !slices.ContainsFunc(a.analysed, func(s evaluation.Study) bool { return s.Label == u.unit.Label+", part 1" }) {
			continue
		}
		names := make([]string, 0, len(u.members))
		for b := range u.members {
			names = append(names, b)
		}
		slices.Sort(names)
		var ms []member
		for k, b := range names {
			e, err := exactEffect(o, a.Design, u.members[b], C[id].members[b])
			if err != nil {
				t.Fatal(err)
			}
			ms = append(ms, member{label: fmt.Sprintf("%s, part %d", u.unit.Label, k+1), exact: e})
		}
		for k, b := range names {
			for _, d := range enrolled[b] {
				rows, err := summaries.Of(db).ChangeSummaries(ctx, summary.Filter{Boroughs: []string{b}, From: d, To: d, DeviceCategory: a.DeviceCategory}, o.Instrument, o.Score, a.Timepoint)
				if err != nil {
					t.Fatal(err)
				}
				var one cell
				for _, x := range rows {
					if x.Group == summary.Intervention && x.Category == a.DeviceCategory {
						one.add(cell{N: x.N, Key: x.Keys, SumB: x.SumB, SumF: x.SumF, SumBB: x.SumBB, SumFF: x.SumFF, SumBF: x.SumBF})
					}
				}
				if one.N != 1 {
					continue
				}
				known := u.members[b]
				known.N--
				known.SumB -= one.SumB
				known.SumF -= one.SumF
				known.SumBB -= one.SumBB
				known.SumFF -= one.SumFF
				known.SumBF -= one.SumBF
				return &target{borough: b, row: u.unit.Label, label: ms[k].label, group: u.unit.Group, known: known,
					t: u.c, c: C[id].c, cm: C[id].members[b], change: one.SumF - one.SumB, members: ms, ref: refs[id]}, true
			}
		}
	}
	return nil, false
}

// publishedPooled reads an analysis's pooled figures from results.json.
func publishedPooled(t *testing.T, r *Report, a *Analysis) intruder.Pooled {
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Analyses []struct {
			Outcome        string `json:"outcome"`
			DeviceCategory string `json:"device_category"`
			Timepoint      string `json:"timepoint"`
			Design         string `json:"design"`
			Pooled         struct {
				Estimate float64 `json:"estimate"`
				SE       float64 `json:"se"`
				Tau2     float64 `json:"tau2"`
			} `json:"pooled"`
		} `json:"analyses"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, x := range got.Analyses {
		if x.Outcome == a.Outcome && x.DeviceCategory == a.DeviceCategory && x.Timepoint == a.Timepoint && x.Design == a.Design {
			return intruder.Pooled{Estimate: x.Pooled.Estimate, SE: x.Pooled.SE, Tau2: x.Pooled.Tau2}
		}
	}
	t.Fatalf("results.json has no %s %s %s %s", a.Outcome, a.DeviceCategory, a.Timepoint, a.Design)
	return intruder.Pooled{}
}

// enrolmentDates lists each borough's enrolment dates of residents given
// devices, from the committed residents.csv.
func enrolmentDates(t *testing.T) map[string][]ateval.Date {
	out, err := sampledata.EnrolmentDays(summary.Intervention)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
