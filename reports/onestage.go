package reports

import (
	"context"
	"math"
	"slices"

	"github.com/ateval/ateval"
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
// of kind change) at a follow-up from src's change summaries under f. The
// residents are those ChangeSummaries covers: enrolled, in a group, not
// objecting, scored at baseline and at the follow-up. A borough's cells
// (device categories, periods) are summed by group into its cross-products.
func FitOneStage(ctx context.Context, src Source, f summary.Filter, outcome, timepoint string) (_ OneStage, err error) {
	defer ateval.Wrap(&err, "one-stage model of %s at %s", outcome, timepoint)
	o, ok := OutcomeByID(outcome)
	if !ok || o.Kind != KindChange {
		return OneStage{}, ateval.Errorf(ateval.EINVALID, "no score outcome %q: the one-stage model takes a score measured at baseline and follow-up (swemwbs_raw, ons4_happy, ...)", outcome)
	}
	if !slices.Contains(o.Timepoints, timepoint) {
		return OneStage{}, ateval.Errorf(ateval.EINVALID, "%s is not followed up at %q (one of %v)", outcome, timepoint, o.Timepoints)
	}
	cs, err := src.ChangeSummaries(ctx, f, o.Instrument, o.Score, timepoint)
	if err != nil {
		return OneStage{}, err
	}
	fit, err := evaluation.MixedModel(CrossProductsOf(cs))
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
