package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/ateval/ateval/evaluation"
)

// poolMore holds the analyses `ateval pool` runs besides the pooled
// estimate, when asked for by flags; its JSON fields are added to the
// pooled object's. A refit that did not converge has its numbers null.
type poolMore struct {
	Subgroups    []subgroupJSON    `json:"subgroups,omitempty"`
	QBetween     *evaluation.Float `json:"q_between,omitempty"`
	QBetweenDf   *int              `json:"q_between_df,omitempty"`
	QBetweenP    *evaluation.Float `json:"q_between_p,omitempty"`
	Coefficients []coefficientJSON `json:"coefficients,omitempty"`
	QM           *evaluation.Float `json:"qm,omitempty"`
	QMDf         *int              `json:"qm_df,omitempty"`
	QMP          *evaluation.Float `json:"qm_p,omitempty"`
	R2           *evaluation.Float `json:"r2,omitempty"`
	LeaveOneOut  []leaveOneOutJSON `json:"leave_one_out,omitempty"`
	Egger        *eggerJSON        `json:"egger,omitempty"`

	// for the text form
	by, mods string
	sub      *evaluation.Subgroups
	reg      *evaluation.Regression
	loo      []evaluation.Pooled
	egger    *evaluation.EggerTest
	studies  []evaluation.Study
}

type subgroupJSON struct {
	Level    string           `json:"level"`
	K        int              `json:"k"`
	Estimate evaluation.Float `json:"estimate"`
	SE       evaluation.Float `json:"se"`
	CILower  evaluation.Float `json:"ci_lower"`
	CIUpper  evaluation.Float `json:"ci_upper"`
	Tau2     evaluation.Float `json:"tau2"`
	I2       evaluation.Float `json:"i2"`
}

type coefficientJSON struct {
	Name     string           `json:"name"`
	Estimate evaluation.Float `json:"estimate"`
	SE       evaluation.Float `json:"se"`
	CILower  evaluation.Float `json:"ci_lower"`
	CIUpper  evaluation.Float `json:"ci_upper"`
	PValue   evaluation.Float `json:"p_value"`
}

type leaveOneOutJSON struct {
	Study    string           `json:"study"`
	Estimate evaluation.Float `json:"estimate"`
	SE       evaluation.Float `json:"se"`
	CILower  evaluation.Float `json:"ci_lower"`
	CIUpper  evaluation.Float `json:"ci_upper"`
	Tau2     evaluation.Float `json:"tau2"`
	I2       evaluation.Float `json:"i2"`
	Q        evaluation.Float `json:"q"`
}

type eggerJSON struct {
	Statistic     evaluation.Float `json:"statistic"`
	PValue        evaluation.Float `json:"p_value"`
	LimitEstimate evaluation.Float `json:"limit_estimate"`
}

func fl(x float64, ok bool) evaluation.Float {
	if !ok {
		return evaluation.Float(math.NaN())
	}
	return evaluation.Float(x)
}

func flp(x float64, ok bool) *evaluation.Float { f := fl(x, ok); return &f }

// poolOptions are the flags asking for more than the pooled estimate.
type poolOptions struct {
	by          string
	mods        []string
	leaveOneOut bool
	egger       bool
}

// runMore runs the analyses asked for, warning on w about anything a
// reader should know.
func runMore(w io.Writer, t evaluation.Table, o evaluation.Options, po poolOptions) (*poolMore, error) {
	m := &poolMore{studies: t.Studies, by: po.by, mods: strings.Join(po.mods, ", ")}
	unconverged := func(what string) {
		fmt.Fprintf(w, "ateval pool: warning: %s did not converge; its numbers are withheld\n", what)
	}
	if po.by != "" {
		groups, err := t.Column(po.by)
		if err != nil {
			return nil, err
		}
		s, err := evaluation.PoolSubgroups(t.Studies, groups, o)
		if err != nil {
			return nil, err
		}
		m.sub = &s
		all := true
		for _, g := range s.Groups {
			ok := g.Converged
			all = all && ok
			if !ok {
				unconverged("the subgroup " + g.Name)
			}
			m.Subgroups = append(m.Subgroups, subgroupJSON{Level: g.Name, K: g.K, Estimate: fl(g.Estimate, ok), SE: fl(g.SE, ok),
				CILower: fl(g.CILower, ok), CIUpper: fl(g.CIUpper, ok), Tau2: fl(g.Tau2, ok), I2: fl(g.I2, ok)})
		}
		df := s.DfBetween
		m.QBetween, m.QBetweenDf, m.QBetweenP = flp(s.QBetween, all), &df, flp(s.PBetween, all)
	}
	if len(po.mods) > 0 {
		mods, err := t.Moderators(po.mods)
		if err != nil {
			return nil, err
		}
		r, err := evaluation.Regress(t.Studies, mods, o)
		if err != nil {
			return nil, err
		}
		m.reg = &r
		ok := r.Converged
		if !ok {
			unconverged("the meta-regression")
		}
		for _, c := range r.Coef {
			name := c.Name
			if name == "intrcpt" {
				name = "intercept"
			}
			m.Coefficients = append(m.Coefficients, coefficientJSON{Name: name, Estimate: fl(c.Estimate, ok), SE: fl(c.SE, ok),
				CILower: fl(c.CILower, ok), CIUpper: fl(c.CIUpper, ok), PValue: fl(c.PValue, ok)})
		}
		df := r.QMDf
		m.QM, m.QMDf, m.QMP, m.R2 = flp(r.QM, ok), &df, flp(r.QMP, ok), flp(r.R2, ok)
	}
	if po.leaveOneOut {
		l, err := evaluation.LeaveOneOut(t.Studies, o)
		if err != nil {
			return nil, err
		}
		m.loo = l
		for i, p := range l {
			ok := p.Converged
			if !ok {
				unconverged("the fit without " + t.Studies[i].Label)
			}
			m.LeaveOneOut = append(m.LeaveOneOut, leaveOneOutJSON{Study: t.Studies[i].Label, Estimate: fl(p.Estimate, ok), SE: fl(p.SE, ok),
				CILower: fl(p.CILower, ok), CIUpper: fl(p.CIUpper, ok), Tau2: fl(p.Tau2, ok), I2: fl(p.I2, ok), Q: fl(p.Q, ok)})
		}
	}
	if po.egger {
		if k := len(t.Studies); k < evaluation.MinFunnel {
			fmt.Fprintf(w, "ateval pool: warning: Egger's test with %d boroughs (fewer than %d) has too little power to mean much; reports do not show it\n", k, evaluation.MinFunnel)
		}
		e, err := evaluation.Regtest(t.Studies, o)
		if err != nil {
			return nil, err
		}
		m.egger = &e
		if !e.Converged {
			unconverged("Egger's regression")
		}
		m.Egger = &eggerJSON{Statistic: fl(e.Stat, e.Converged), PValue: fl(e.P, e.Converged), LimitEstimate: fl(e.Limit, e.Converged)}
	}
	return m, nil
}

// writePoolJSON writes the pooled object with m's fields added.
func writePoolJSON(w io.Writer, p evaluation.Pooled, m *poolMore) error {
	a, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if m != nil {
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		if len(b) > 2 { // not {}
			a = append(append(bytes.TrimSuffix(a, []byte("}")), ','), b[1:]...)
		}
	}
	_, err = w.Write(append(a, '\n'))
	return err
}

// writeText prints the extra analyses as tables.
func (m *poolMore) writeText(w io.Writer, p evaluation.Pooled) {
	lv := fmt.Sprintf("%g%%", p.Level)
	num := func(x evaluation.Float) string {
		if math.IsNaN(float64(x)) {
			return "withheld"
		}
		return fmt.Sprintf("%.4f", float64(x))
	}
	pct := func(x evaluation.Float) string {
		if math.IsNaN(float64(x)) {
			return "—"
		}
		return fmt.Sprintf("%.1f%%", float64(x))
	}
	if m.sub != nil {
		fmt.Fprintf(w, "\nSubgroups by %s (each pooled on its own)\n", m.by)
		fmt.Fprintf(w, "  %-20s %4s %10s %8s  %-21s %8s %6s\n", "level", "k", "estimate", "se", lv+" CI", "τ²", "I²")
		for _, g := range m.Subgroups {
			fmt.Fprintf(w, "  %-20s %4d %10s %8s  [%s, %s] %8s %6s\n", clip(g.Level), g.K, num(g.Estimate), num(g.SE),
				num(g.CILower), num(g.CIUpper), num(g.Tau2), pct(g.I2))
		}
		fmt.Fprintf(w, "  Test for subgroup differences: Q(%d) = %s, p %s\n", *m.QBetweenDf, num(*m.QBetween), pvalue(float64(*m.QBetweenP)))
	}
	if m.reg != nil {
		fmt.Fprintf(w, "\nMeta-regression on %s (k = %d, τ² residual %s)\n", m.mods, m.reg.K, num(fl(m.reg.Tau2, m.reg.Converged)))
		fmt.Fprintf(w, "  %-20s %10s %8s  %-21s %s\n", "coefficient", "estimate", "se", lv+" CI", "p")
		for _, c := range m.Coefficients {
			fmt.Fprintf(w, "  %-20s %10s %8s  [%s, %s] %s\n", clip(c.Name), num(c.Estimate), num(c.SE), num(c.CILower), num(c.CIUpper), pvalue(float64(c.PValue)))
		}
		test := "QM"
		if m.reg.Test != evaluation.Z {
			test = "F"
		}
		fmt.Fprintf(w, "  Test of moderators: %s(%d) = %s, p %s; R² = %.1f%%\n", test, *m.QMDf, num(*m.QM), pvalue(float64(*m.QMP)), float64(*m.R2))
	}
	if m.loo != nil {
		fmt.Fprintf(w, "\nLeave-one-out\n")
		fmt.Fprintf(w, "  %-24s %10s %8s  %-21s %8s %6s %8s\n", "without", "estimate", "se", lv+" CI", "τ²", "I²", "Q")
		for _, l := range m.LeaveOneOut {
			fmt.Fprintf(w, "  %-24s %10s %8s  [%s, %s] %8s %6s %8s\n", clip(l.Study), num(l.Estimate), num(l.SE), num(l.CILower), num(l.CIUpper),
				num(l.Tau2), pct(l.I2), num(l.Q))
		}
	}
	if m.egger != nil {
		stat := "z"
		if !math.IsInf(m.egger.Df, 1) {
			stat = fmt.Sprintf("t(%g)", m.egger.Df)
		}
		fmt.Fprintf(w, "\nEgger's regression test for funnel-plot asymmetry (predictor: standard error)\n")
		fmt.Fprintf(w, "  %s = %s, p %s; limit estimate (as the standard error goes to 0) %s\n", stat, num(m.Egger.Statistic),
			pvalue(float64(m.Egger.PValue)), num(m.Egger.LimitEstimate))
	}
}
