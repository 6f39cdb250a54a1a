package sampledata

import (
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/ateval/ateval"

	"github.com/ateval/ateval/forms"
)

// scores holds one resident's outcome scores by timepoint; a score is
// absent when any of its items is missing.
type scores map[string]map[string]float64 // timepoint → outcome → score

type subject struct {
	borough, group, category string
	scores                   scores
}

func subjects(t *testing.T, d *dataset) map[string]*subject {
	subs := map[string]*subject{}
	for _, row := range d.residents {
		subs[row["borough"]+"/"+row["resident_ref"]] = &subject{borough: row["borough"], group: row["group"], scores: scores{}}
	}
	category := map[string]string{}
	for _, row := range d.devs {
		category[row["device"]] = row["category"]
	}
	for _, row := range d.issues {
		s := subs[row["borough"]+"/"+row["resident_ref"]]
		if s.category == "" {
			s.category = category[row["device"]]
		}
	}
	for _, row := range d.assessmentsByWhole {
		s := subs[row["borough"]+"/"+row["resident_ref"]]
		answers, err := forms.ParseAnswers(row["answers"])
		if err != nil {
			t.Fatal(err)
		}
		vals := map[string]float64{}
		for _, a := range answers {
			if a.Value != nil {
				vals[a.Item] = *a.Value
			}
		}
		if s.scores[row["timepoint"]] == nil {
			s.scores[row["timepoint"]] = map[string]float64{}
		}
		sc := s.scores[row["timepoint"]]
		for _, o := range Outcomes() {
			if o.Instrument != row["instrument"] {
				continue
			}
			sum, ok := 0.0, true
			for _, it := range o.Items {
				v, has := vals[it]
				sum, ok = sum+v, ok && has
			}
			if ok {
				sc[o.ID] = sum
			}
			if o.Scale == RateRatio {
				if days, has := vals["events_period_days"]; ok && has {
					sc[o.ID+"/days"] = days
				}
			}
		}
	}
	return subs
}

// largeSample is a bigger dataset than the committed one, over all 33
// boroughs, so that effects per device category are estimated precisely
// enough for a test to notice a generator that gets them wrong.
var (
	largeOnce sync.Once
	largeData *dataset
)

func largeSample(t *testing.T) (*dataset, Config) {
	if testing.Short() {
		t.Skip("generates and checks 20,000 residents (about a minute); run without -short")
	}
	cfg := Config{Seed: DefaultSeed, Residents: 20000, Boroughs: 33}
	largeOnce.Do(func() {
		files, sum := generate(t, cfg)
		largeData = &dataset{files: files, sum: sum,
			residents:          parse(t, files["residents.csv"], residentsHeader),
			devs:               parse(t, files["devices.csv"], devicesHeader),
			issues:             parse(t, files["device_issues.csv"], deviceIssuesHeader),
			assessmentsByWhole: parse(t, files["assessments.csv"], assessmentsHeader),
		}
	})
	if largeData == nil {
		t.FailNow()
	}
	return largeData, cfg
}

// boroughDraws returns each borough's drawn effects by slug, the θ_b of
// the model.
func boroughDraws(cfg Config) map[string]*boroughEffects {
	g := newGenerator(cfg.Seed, catalogue())
	bs, _ := selectBoroughs(cfg.Boroughs)
	m := map[string]*boroughEffects{}
	for i := range bs {
		m[ateval.Slugify(bs[i].name)] = g.boroughEffects(&bs[i])
	}
	return m
}

// TestEffectsRecovered checks that the realised mean change from baseline
// in each device category, less the comparison group's, is near the
// boroughs' drawn effects weighted by their residents: within four
// standard errors, plus a tenth of the effect for attenuation by clipping
// at item limits. TestBoroughEffects checks the draws against the true
// effects.
func TestEffectsRecovered(t *testing.T) {
	d, cfg := largeSample(t)
	subs := subjects(t, d)
	draws := boroughDraws(cfg)
	catIdx := categoryIndex()
	type acc struct {
		n, sum, sumsq float64
		byBorough     map[string]float64
	}
	checked := 0
	for _, tp := range []string{"w6", "m3", "m6", "m12"} {
		for oi, o := range Outcomes() {
			if o.Scale != Difference {
				continue
			}
			groups := map[string]*acc{}
			// resid pools every intervention resident's change less the
			// true comparison change and their borough's drawn effect.
			var resid, absEffect acc
			for _, s := range subs {
				b, okb := s.scores["baseline"][o.ID]
				f, okf := s.scores[tp][o.ID]
				if !okb || !okf || (o.ID == "home_care_hours" && b == 0) {
					continue
				}
				key := "comparison"
				if s.group == "intervention" {
					key = s.category
					e := draws[s.borough].effect[oi][catIdx[s.category]] * interventionProfile[tp]
					r := f - b - outcomeSpecs()[oi].comparison*comparisonProfile[tp] - e
					resid.n++
					resid.sum += r
					resid.sumsq += r * r
					absEffect.sum += math.Abs(e)
				}
				a := groups[key]
				if a == nil {
					a = &acc{byBorough: map[string]float64{}}
					groups[key] = a
				}
				a.n++
				a.sum += f - b
				a.sumsq += (f - b) * (f - b)
				a.byBorough[s.borough]++
			}
			comp := groups["comparison"]
			compMean := comp.sum / comp.n
			compVar := comp.sumsq/comp.n - compMean*compMean
			want := outcomeSpecs()[oi].comparison * comparisonProfile[tp]
			if tol := 4*math.Sqrt(compVar/comp.n) + 0.1*math.Abs(want) + 0.01; math.Abs(compMean-want) > tol {
				t.Errorf("%s %s: comparison change %.3f, true %.3f (tolerance %.3f)", o.ID, tp, compMean, want, tol)
			}
			mean := resid.sum / resid.n
			se := math.Sqrt((resid.sumsq/resid.n - mean*mean) / resid.n)
			if tol := 4*se + 0.15*absEffect.sum/resid.n; math.Abs(mean) > tol {
				t.Errorf("%s %s: intervention change differs from the model by %.3f on average (tolerance %.3f)", o.ID, tp, mean, tol)
			}
			for cat, a := range groups {
				if cat == "comparison" || a.n < 100 {
					continue
				}
				want := 0.0
				for b, nb := range a.byBorough {
					want += nb / a.n * draws[b].effect[oi][catIdx[cat]] * interventionProfile[tp]
				}
				mean := a.sum / a.n
				v := a.sumsq/a.n - mean*mean
				got := mean - compMean
				tol := 4*math.Sqrt(v/a.n+compVar/comp.n) + 0.1*math.Abs(want)
				if math.Abs(got-want) > tol {
					t.Errorf("%s %s %s (n %.0f): effect %.3f, drawn %.3f (tolerance %.3f)", o.ID, cat, tp, a.n, got, want, tol)
				}
				checked++
			}
		}
	}
	if checked < 200 {
		t.Errorf("only %d outcome, category and timepoint cells had 100 residents", checked)
	}
}

// TestBoroughEffects checks the boroughs' draws: their mean over the 33
// boroughs is near the true effect (within 4τ/√33), and their spread
// around it, pooled over every outcome and category, is τ.
func TestBoroughEffects(t *testing.T) {
	draws := boroughDraws(Config{Seed: DefaultSeed, Boroughs: 33})
	ss, n := 0.0, 0.0
	for oi, o := range outcomeSpecs() {
		for c := range nCategories {
			want := o.effect[c]
			if o.Scale == RateRatio {
				want = math.Log(want)
			}
			mean := 0.0
			for _, be := range draws {
				mean += be.effect[oi][c] / float64(len(draws))
				z := (be.effect[oi][c] - want) / o.tau
				ss += z * z
				n++
			}
			if math.Abs(mean-want) > 4*o.tau/math.Sqrt(float64(len(draws))) {
				t.Errorf("%s, category %d: mean borough effect %.3f, true %.3f", o.ID, c, mean, want)
			}
		}
	}
	if sd := math.Sqrt(ss / n); sd < 0.95 || sd > 1.05 {
		t.Errorf("borough effects spread %.3f τ, want τ", sd)
	}
}

// TestFallsRateRatio checks the falls rate ratio of fall detectors against
// the comparison group, after/before, on the log scale, against the
// boroughs' drawn effects weighted by residents.
func TestFallsRateRatio(t *testing.T) {
	d, cfg := largeSample(t)
	subs := subjects(t, d)
	draws := boroughDraws(cfg)
	oi := newGenerator(0, nil).index("falls")
	for _, tp := range []string{"m3", "m6", "m12"} {
		var fd, comp [2][2]float64 // [before, after][events, days]
		want, nfd := 0.0, 0.0
		for _, s := range subs {
			_, ok1 := s.scores[tp]["falls/days"]
			_, ok0 := s.scores["baseline"]["falls/days"]
			if !ok0 || !ok1 {
				continue
			}
			var dst *[2][2]float64
			switch {
			case s.group == "comparison":
				dst = &comp
			case s.category == "fall-detector":
				dst = &fd
				want += draws[s.borough].effect[oi][catFall] * interventionProfile[tp]
				nfd++
			default:
				continue
			}
			dst[0][0] += s.scores["baseline"]["falls"]
			dst[0][1] += s.scores["baseline"]["falls/days"]
			dst[1][0] += s.scores[tp]["falls"]
			dst[1][1] += s.scores[tp]["falls/days"]
		}
		want /= nfd
		logRR := math.Log(fd[1][0]/fd[1][1]) - math.Log(fd[0][0]/fd[0][1]) - (math.Log(comp[1][0]/comp[1][1]) - math.Log(comp[0][0]/comp[0][1]))
		// Poisson variance of the four log rates, doubled for the spread
		// of residents' own rates.
		se := math.Sqrt(2 * (1/fd[0][0] + 1/fd[1][0] + 1/comp[0][0] + 1/comp[1][0]))
		if math.Abs(logRR-want) > 4*se {
			t.Errorf("falls %s: fall detector rate ratio %.3f, drawn %.3f (log tolerance %.3f)", tp, math.Exp(logRR), math.Exp(want), 4*se)
		}
	}
}

func TestEffectsTable(t *testing.T) {
	te := TrueEffects()
	if want := len(Outcomes()) * 12 * 4; len(te) != want {
		t.Fatalf("%d true effects, want %d", len(te), want)
	}
	for _, e := range te {
		if e.Outcome == "swemwbs_raw" && e.Category == "fall-detector" && e.Timepoint == "m6" && e.Effect != 1.5 {
			t.Errorf("SWEMWBS fall detector m6 = %v, want 1.5 as README states", e.Effect)
		}
		if e.Outcome == "falls" && e.Category == "fall-detector" && e.Timepoint == "m6" && math.Abs(e.Effect-0.75) > 1e-12 {
			t.Errorf("falls fall detector m6 = %v, want 0.75", e.Effect)
		}
	}
	if md := EffectsMarkdown(); !strings.Contains(md, "| swemwbs_raw | 1 | 1.5 |") {
		t.Errorf("effects table lacks the SWEMWBS row:\n%s", md)
	}
}
