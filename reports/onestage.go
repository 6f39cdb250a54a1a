package reports

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/evaluation"
	"github.com/ateval/ateval/reports/summary"
)

// OneStage is the one-stage model of an outcome at a follow-up,
//
//	y(TP) = β₀ + β₁ y(baseline) + β₂ intervention + u₀ + u₁ intervention + ε,
//
// (u₀, u₁) varying by borough, fitted by REML from the boroughs'
// cross-products (evaluation.MixedModel): the JSON of `ateval model`.
type OneStage struct {
	Outcome   string        `json:"outcome"`
	Timepoint string        `json:"timepoint"`
	N         int           `json:"n"`
	Boroughs  int           `json:"boroughs"`
	REML      float64       `json:"reml"`
	Singular  bool          `json:"singular"`
	Fixed     []FixedEffect `json:"fixed"`
	Random    RandomEffects `json:"random"`
}

// FixedEffect is one fixed effect of the one-stage model.
type FixedEffect struct {
	Name     string  `json:"name"`
	Estimate float64 `json:"estimate"`
	SE       float64 `json:"se"`
}

// RandomEffects are the standard deviations of the boroughs' intercepts and
// intervention effects, their correlation (null when either does not
// vary) and the residual standard deviation.
type RandomEffects struct {
	TauIntercept    float64  `json:"tau_intercept"`
	TauIntervention float64  `json:"tau_intervention"`
	Rho             *float64 `json:"rho"`
	Sigma           float64  `json:"sigma"`
}

// FitOneStage fits the one-stage model of an outcome (an id of Outcomes,
// of kind change) at a follow-up from src's change summaries, through the
// disclosure gate exactly as Build passes them: the summaries of every
// borough are read, the report's gate (opt's rules, groups and boroughs)
// releases its cells, the filter picks whole released cells, and the model
// is fitted from those cells only (ReleasedCrossProducts). A unit of the
// gate (a named borough, or small boroughs combined) is one level of the
// random effects. The residents are those ChangeSummaries covers:
// enrolled, in a group, not objecting, scored at baseline and at the
// follow-up; with opt.Filter.DeviceCategory, the intervention arm is that
// category's residents, the comparison arm everyone's. The cells are
// protected (protect) before the fit: each is its residents' rounded
// means with its unit's reference variances within it, so the model is
// fitted to what a hub holds, and gives the same there.
func FitOneStage(ctx context.Context, src Source, opt Options, outcome, timepoint string) (_ OneStage, err error) {
	defer ateval.Wrap(&err, "one-stage model of %s at %s", outcome, timepoint)
	o, ok := OutcomeByID(outcome)
	if !ok || o.Kind != KindChange {
		return OneStage{}, ateval.Errorf(ateval.EINVALID, "no score outcome %q: the one-stage model takes a score measured at baseline and follow-up (swemwbs_raw, ons4_happy, ...)", outcome)
	}
	if !slices.Contains(o.Timepoints, timepoint) {
		return OneStage{}, ateval.Errorf(ateval.EINVALID, "%s is not followed up at %q (one of %v)", outcome, timepoint, o.Timepoints)
	}
	if opt, err = opt.withDefaults(); err != nil {
		return OneStage{}, err
	}
	if k, ok := src.(interface{ RecordKeys(context.Context) error }); ok {
		if err := k.RecordKeys(ctx); err != nil {
			return OneStage{}, err
		}
	}
	ens, err := src.Enrolments(ctx, summary.Filter{})
	if err != nil {
		return OneStage{}, err
	}
	r := &Report{}
	if err := r.selectCells(ens, &opt); err != nil {
		return OneStage{}, err
	}
	// Every category is read, as Build reads them: a unit's reference
	// variances come from all its cells, whatever the filter.
	cells, err := fetchCells(ctx, src, summary.Filter{}, o, timepoint)
	if err != nil {
		return OneStage{}, err
	}
	rel, _ := r.gate.Release(cells)
	// Protected as Build protects them: every figure, this model's
	// cross-products included, is made from what leaves the gate.
	if _, ok := src.(protectedSource); !ok {
		rel, _ = protect(opt.Disclosure, o, r.references(o, rel), rel)
	}
	return FitReleased(outcome, timepoint, r.sel.Pick(rel), opt.Filter.DeviceCategory)
}

// FitReleased fits the one-stage model from a change outcome's released
// cells: those of the intervention arm of category ("" for every
// category) and those of the comparison arm.
func FitReleased(outcome, timepoint string, rel []disclosure.Released, category string) (OneStage, error) {
	fit, err := evaluation.MixedModel(ReleasedCrossProducts(rel, category))
	if err != nil {
		return OneStage{}, err
	}
	out := OneStage{Outcome: outcome, Timepoint: timepoint, N: fit.N, Boroughs: fit.Boroughs, REML: fit.REML, Singular: fit.Singular}
	for i, name := range []string{"intercept", "baseline", "intervention"} {
		out.Fixed = append(out.Fixed, FixedEffect{Name: name, Estimate: fit.Beta[i], SE: fit.SE[i]})
	}
	t0, t1 := math.Sqrt(fit.RandomCov.At(0, 0)), math.Sqrt(fit.RandomCov.At(1, 1))
	out.Random = RandomEffects{TauIntercept: t0, TauIntervention: t1, Sigma: fit.Sigma}
	if t0 > 0 && t1 > 0 {
		rho := fit.RandomCov.At(0, 1) / (t0 * t1)
		out.Random.Rho = &rho
	}
	return out, nil
}

// ReleasedCrossProducts turns released cells of a change outcome into the
// levels' cross-products: each released cell becomes one summary of its
// level, and CrossProductsOf sums them. A named borough is its own level;
// the small boroughs the gate combines are one level per partnership,
// whichever of them each category and arm combines (the gate combines per
// category and arm, so the members of two combined cells may differ; the
// partnership is what they share). Cells of the intervention arm of
// another category than category (when given) are left out.
func ReleasedCrossProducts(rel []disclosure.Released, category string) []evaluation.CrossProducts {
	var cs []summary.Change
	for _, x := range rel {
		if x.Arm != summary.Intervention && x.Arm != summary.Comparison {
			continue
		}
		if x.Arm == summary.Intervention && category != "" && x.Category != category {
			continue
		}
		c := cellOf(KindChange, x.N, x.Key, x.Sums)
		level := strings.Join(x.Unit.Boroughs, ",")
		if !x.Unit.Named {
			level = "other boroughs:" + x.Unit.Group
		}
		cs = append(cs, summary.Change{Key: summary.Key{Borough: level, Group: x.Arm},
			N: c.N, SumB: c.SumB, SumF: c.SumF, SumBB: c.SumBB, SumFF: c.SumFF, SumBF: c.SumBF})
	}
	return CrossProductsOf(cs)
}

// CrossProductsOf sums change summaries over device category and period
// into each borough's comparison and intervention sums, and returns the
// boroughs' cross-products for the one-stage model, ordered by borough.
func CrossProductsOf(cs []summary.Change) []evaluation.CrossProducts {
	type pair struct{ comparison, intervention evaluation.PairedSums }
	by := map[string]*pair{}
	var names []string
	for _, c := range cs {
		p := by[c.Borough]
		if p == nil {
			p = &pair{}
			by[c.Borough] = p
			names = append(names, c.Borough)
		}
		s := &p.comparison
		if c.Group == summary.Intervention {
			s = &p.intervention
		}
		s.N += c.N
		s.SumB += c.SumB
		s.SumF += c.SumF
		s.SumBB += c.SumBB
		s.SumFF += c.SumFF
		s.SumBF += c.SumBF
	}
	slices.Sort(names)
	out := make([]evaluation.CrossProducts, 0, len(names))
	for _, b := range names {
		out = append(out, evaluation.ChangeCrossProducts(b, by[b].comparison, by[b].intervention))
	}
	return out
}
