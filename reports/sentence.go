package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/ateval/ateval/forms"
)

// sentence writes a finding as a non-statistician would read it, aware of
// whether higher is better, and judged against the smallest change that
// matters rather than against no change. It always gives the prediction
// interval, and never reads an estimate of no between-borough variation as
// evidence that the boroughs share one effect. A secondary or exploratory
// analysis says so, with its q-value among the tests of the report, and
// claims a direction only when that q-value is below 0.05.
func sentence(o Outcome, a *Analysis, tests int) string {
	p := a.Pooled
	var b strings.Builder
	who := "residents given " + devicePhrase(a.DeviceCategory)
	when := TimepointName(a.Timepoint)
	label := lowerFirst(o.Label)
	if n := a.BoroughsCovered(); n != p.K {
		fmt.Fprintf(&b, "Across %d boroughs (%d rows, small boroughs combined), ", n, p.K)
	} else {
		fmt.Fprintf(&b, "Across %d %s, ", p.K, plural(p.K, "borough", "boroughs"))
	}
	if a.Withheld != "" {
		fmt.Fprintf(&b, "the pooled result for %s in %s at %s is withheld: %s, so there is no estimate to report. Each borough's own result is shown.",
			label, who, when, a.Withheld)
		return upperFirst(b.String())
	}
	ci := func() string { return a.EffectText(p.CILower) + " to " + a.EffectText(p.CIUpper) }
	switch a.Measure {
	case MC:
		if amount := a.EffectText(math.Abs(p.Estimate)); isZero(amount) {
			fmt.Fprintf(&b, "%s reported %s at %s no different from baseline (95%% CI %s).", who, label, when, ci())
		} else {
			fmt.Fprintf(&b, "%s reported %s %s %s at %s than at baseline (95%% CI %s).", who, label, o.Units(amount), higher(p.Estimate), when, ci())
		}
	case MCDiff:
		if amount := a.EffectText(math.Abs(p.Estimate)); isZero(amount) {
			fmt.Fprintf(&b, "between baseline and %s, %s of %s changed as much as that of residents without the device (95%% CI %s).", when, label, who, ci())
		} else {
			fmt.Fprintf(&b, "between baseline and %s, %s of %s moved %s %s than that of residents without the device (95%% CI %s).",
				when, label, who, o.Units(amount), higher(p.Estimate), ci())
		}
	case IRR:
		fmt.Fprintf(&b, "%s had %s at %s times the rate of the period before, in the period to %s (95%% CI %s).",
			who, strings.ToLower(o.Label), a.EffectText(p.Estimate), when, ci())
	case IRRDiff:
		fmt.Fprintf(&b, "compared with residents without the device, the rate of %s of %s changed by a factor of %s from the period before to the period to %s (95%% CI %s; below 1 means fewer %s than without the device).",
			strings.ToLower(o.Label), who, a.EffectText(p.Estimate), when, ci(), strings.ToLower(o.Label))
	case PLO:
		fmt.Fprintf(&b, "%s of %s were still using it at %s (95%% CI %s).", a.EffectText(p.Estimate), who, when, ci())
	}
	if !math.IsNaN(p.PILower) {
		what := "effect"
		if a.Measure == PLO {
			what = "share"
		}
		if p.Tau2 > 0 {
			b.WriteString(" The " + what + " varied between boroughs:")
		} else {
			// τ̂² = 0 says the spread is no more than chance would give,
			// not that the boroughs' effects are the same.
			b.WriteString(" The differences between boroughs could not be told apart from chance, which does not mean every borough has the same " + what + ":")
		}
		fmt.Fprintf(&b, " in a new borough we would expect between %s and %s.", a.EffectText(p.PILower), a.EffectText(p.PIUpper))
	}
	v := verdict(o, a)
	switch a.Role {
	case forms.RoleSecondary, forms.RoleExploratory:
		if a.Role == forms.RoleSecondary {
			b.WriteString(" A secondary analysis, so exploratory")
		} else {
			b.WriteString(" An exploratory analysis")
		}
		switch {
		case a.QValue == nil:
			b.WriteString(".")
		case *a.QValue < 0.05:
			fmt.Fprintf(&b, ": its false discovery rate q is %s among the report's %d secondary and exploratory tests, a lead to test rather than a finding to act on.", qText(*a.QValue), tests)
			if v != "" {
				b.WriteString(" " + verdictSentence(v, a))
			}
		default:
			fmt.Fprintf(&b, ": its false discovery rate q is %s among the report's %d secondary and exploratory tests, so it could well be chance.", qText(*a.QValue), tests)
		}
	default:
		if v != "" {
			b.WriteString(" " + verdictSentence(v, a))
		}
	}
	fmt.Fprintf(&b, " Certainty: %s.", certaintyText(a.Certainty))
	return upperFirst(b.String())
}

func higher(x float64) string {
	if x < 0 {
		return "lower"
	}
	return "higher"
}

func isZero(s string) bool { return strings.Trim(s, "0.") == "" }

// qText gives a q-value to two significant figures, or "below 0.001".
func qText(q float64) string {
	if q < 0.001 {
		return "below 0.001"
	}
	return fmt.Sprintf("%.2g", q)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// devicePhrase names a category's device after "given": "a fall
// detector", "an activity monitoring device".
func devicePhrase(category string) string {
	name := CategoryName(category)
	if strings.HasSuffix(name, "monitoring") {
		name += " device"
	}
	return article(name)
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

// num formats a number for a sentence: two significant decimals at most,
// a true minus sign, never "-0.00".
func num(x float64) string {
	switch {
	case math.IsNaN(x):
		return "n/a"
	case math.Abs(x) >= 100:
		return fixed(x, 0)
	case math.Abs(x) >= 10:
		return fixed(x, 1)
	}
	return fixed(x, 2)
}
