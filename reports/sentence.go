package reports

import (
	"fmt"
	"math"
	"strings"
)

// sentence writes a finding as a non-statistician would read it, aware of
// whether higher is better. It always gives the prediction interval, and
// never reads an estimate of no between-borough variation as evidence that
// the boroughs share one effect.
func sentence(o Outcome, a *Analysis) string {
	p := a.Pooled
	var b strings.Builder
	who := "residents given " + article(CategoryName(a.DeviceCategory))
	when := TimepointName(a.Timepoint)
	if n := a.BoroughsCovered(); n != p.K {
		fmt.Fprintf(&b, "Across %d boroughs (%d rows, small boroughs combined), ", n, p.K)
	} else {
		fmt.Fprintf(&b, "Across %d %s, ", p.K, plural(p.K, "borough", "boroughs"))
	}
	if a.Withheld != "" {
		fmt.Fprintf(&b, "the pooled result for %s in %s at %s is withheld: %s, so there is no estimate to report. Each borough's own result is shown.",
			strings.ToLower(o.Label), who, when, a.Withheld)
		s := b.String()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	switch a.Measure {
	case MC, MCDiff:
		dir := "higher"
		if p.Estimate < 0 {
			dir = "lower"
		}
		than := "than at baseline"
		if a.Measure == MCDiff {
			than = "than at baseline, compared with the change in residents without devices"
		}
		fmt.Fprintf(&b, "%s reported %s %s %s at %s %s (95%% CI %s to %s).",
			who, o.Label, num(math.Abs(p.Estimate)), o.Unit+" "+dir, when, than, num(p.CILower), num(p.CIUpper))
	case IRR, IRRDiff:
		rr, lo, hi := math.Exp(p.Estimate), math.Exp(p.CILower), math.Exp(p.CIUpper)
		than := "than in the period before"
		if a.Measure == IRRDiff {
			than = "than before, relative to the same ratio in residents without devices"
		}
		fmt.Fprintf(&b, "%s had %s at a rate %s times that %s, in the period to %s (95%% CI %s to %s).",
			who, strings.ToLower(o.Label), num(rr), than, when, num(lo), num(hi))
	case PR:
		fmt.Fprintf(&b, "%s were still using it at %s in %s%% of cases (95%% CI %s%% to %s%%).",
			who, when, num(100*p.Estimate), num(100*p.CILower), num(100*p.CIUpper))
	}
	if !math.IsNaN(p.PILower) {
		lo, hi := p.PILower, p.PIUpper
		pc := ""
		switch a.Measure {
		case IRR, IRRDiff:
			lo, hi = math.Exp(lo), math.Exp(hi)
		case PR:
			lo, hi, pc = 100*lo, 100*hi, "%"
		}
		if p.Tau2 > 0 {
			b.WriteString(" The effect varied between boroughs:")
		} else {
			// τ̂² = 0 says the spread is no more than chance would give,
			// not that the boroughs' effects are the same.
			b.WriteString(" The differences between boroughs could not be told apart from chance, which does not mean every borough has the same effect:")
		}
		fmt.Fprintf(&b, " in a new borough we would expect between %s%s and %s%s.", num(lo), pc, num(hi), pc)
	}
	if better := directionWord(o, a); better != "" {
		b.WriteString(" " + better)
	}
	fmt.Fprintf(&b, " Certainty: %s", a.Certainty.Level)
	if len(a.Certainty.Reasons) > 0 {
		fmt.Fprintf(&b, " (downgraded for %s)", strings.Join(a.Certainty.Reasons, "; "))
	}
	b.WriteString(".")
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

// directionWord says whether the change is an improvement, when the CI
// excludes no effect.
func directionWord(o Outcome, a *Analysis) string {
	p := a.Pooled
	if a.Measure == PR || (p.CILower <= 0 && p.CIUpper >= 0) {
		if a.Measure != PR {
			return "We cannot tell whether this is an improvement or a decline."
		}
		return ""
	}
	up := p.Estimate > 0
	if up == o.HigherBetter {
		return "This is an improvement."
	}
	return "This is a change for the worse."
}

func article(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + s
	}
	return "a " + s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// num formats a number for a sentence: two significant decimals at most.
func num(x float64) string {
	switch {
	case math.IsNaN(x):
		return "n/a"
	case math.Abs(x) >= 100:
		return fmt.Sprintf("%.0f", x)
	case math.Abs(x) >= 10:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.2f", x)
}
