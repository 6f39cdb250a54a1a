package evaluation

import (
	"fmt"
	"slices"

	"github.com/ateval/ateval"
)

// Subgroup is the pooled estimate of one subgroup of boroughs.
type Subgroup struct {
	Name string
	Pooled
}

// Subgroups is a subgroup analysis with a test for subgroup differences.
type Subgroups struct {
	Groups []Subgroup // in sorted order of name
	// QBetween tests whether the subgroups' pooled estimates differ: with
	// each subgroup fitted separately (its own τ²), QBetween is Cochran's
	// Q of the subgroup estimates weighted by 1/SE², on DfBetween = G−1
	// degrees of freedom, i.e. metafor's
	//   rma(estimates, sei=ses, method="FE")$QE
	// (the RevMan test for subgroup differences).
	QBetween  float64
	DfBetween int
	PBetween  float64
	// Common is the alternative with a single τ² shared by the subgroups:
	// rma(yi, vi, mods=~factor(group)), whose QM tests the differences.
	Common Regression
}

// PoolSubgroups pools the boroughs within each group (groups[i] names study
// i's subgroup) and tests for differences between the groups, in both of
// the ways described at Subgroups. It returns an EINVALID error when
// there are fewer than two groups. It panics if len(groups) differs from
// len(studies).
func PoolSubgroups(studies []Study, groups []string, o Options) (Subgroups, error) {
	if len(groups) != len(studies) {
		panic(fmt.Sprintf("evaluation: %d groups for %d studies", len(groups), len(studies)))
	}
	o = o.withDefaults()
	if err := checkStudies(studies); err != nil {
		return Subgroups{}, err
	}
	names := slices.Clone(groups)
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) < 2 {
		return Subgroups{}, ateval.Errorf(ateval.EINVALID, "a subgroup analysis needs at least two subgroups, got %d", len(names))
	}
	var s Subgroups
	between := make([]Study, 0, len(names))
	for _, g := range names {
		var sub []Study
		for i, st := range studies {
			if groups[i] == g {
				sub = append(sub, st)
			}
		}
		p, err := Pool(sub, o)
		if err != nil {
			return Subgroups{}, err
		}
		s.Groups = append(s.Groups, Subgroup{Name: g, Pooled: p})
		between = append(between, Study{Label: g, Yi: p.Estimate, Vi: p.SE * p.SE})
	}
	b, err := Pool(between, Options{Method: FE, Level: o.Level})
	if err != nil {
		return Subgroups{}, ateval.Errorf(ateval.EINVALID, "a subgroup's estimate has no usable standard error: %v", err)
	}
	s.QBetween, s.DfBetween, s.PBetween = b.Q, b.QDf, b.QP
	if len(studies) > len(names) {
		s.Common, err = Regress(studies, Factor("", groups), o)
		if err != nil {
			return Subgroups{}, err
		}
	}
	return s, nil
}
