package reports

import (
	"fmt"
	"math"
	"strings"
)

// Readable turns a figure of the analysis from the scale it is pooled on
// to the scale people read: a rate ratio from its log, a share from its
// log odds; a mean change as it is.
func (a *Analysis) Readable(x float64) float64 {
	switch a.Measure {
	case IRR, IRRDiff:
		return math.Exp(x)
	case PLO:
		return invLogit(x)
	}
	return x
}

// EffectText formats a figure of the analysis on the scale people read:
// "0.85" for a ratio, "72%" for a share, "1.20" for a change; a dash for a
// withheld one. Never "-0.00".
func (a *Analysis) EffectText(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	v := a.Readable(x)
	switch a.Measure {
	case PLO, PR:
		return fmt.Sprintf("%.0f%%", 100*v)
	case IRR, IRRDiff:
		return fixed(v, 2)
	}
	if a.Outcome == "eq5d5l_index" {
		return fixed(v, 3)
	}
	return fixed(v, 2)
}

// RowInterval is the 95% interval of one borough's row on the scale people
// read: for a share, Wilson's score interval from its published counts,
// which stays within 0 and 1; otherwise the normal interval of its effect.
func (a *Analysis) RowInterval(b BoroughEffect) (lo, hi float64) {
	if a.Measure == PLO {
		return Wilson(RowShare(b), float64(b.N))
	}
	h := z95() * math.Sqrt(b.Vi)
	return a.Readable(b.Yi - h), a.Readable(b.Yi + h)
}

// Wilson returns Wilson's 95% score interval of a share p of n (Wilson
// 1927; Newcombe 1998, method 3, without continuity correction):
//
//	(p + z²/2n ± z √(p(1−p)/n + z²/4n²)) / (1 + z²/n).
func Wilson(p, n float64) (lo, hi float64) {
	if n <= 0 {
		return math.NaN(), math.NaN()
	}
	z := z95()
	z2 := z * z
	centre := (p + z2/(2*n)) / (1 + z2/n)
	half := z / (1 + z2/n) * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	return math.Max(0, centre-half), math.Min(1, centre+half)
}

// RowShare is a share's row as the share of its published counts: the
// log odds were made from them, with 1/2 added to each side when one was
// zero, which this undoes (so 20 of 20 reads 100%, not 98%).
func RowShare(b BoroughEffect) float64 {
	p, n := invLogit(b.Yi), float64(b.N)
	if n <= 0 {
		return p
	}
	if x := p * n; math.Abs(x-math.Round(x)) < 1e-6 {
		return math.Round(x) / n
	}
	return math.Max(0, math.Min(n, math.Round(p*(n+1)-0.5))) / n
}

func invLogit(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// fixed formats x to d decimals, with a minus sign only when the rounded
// figure is below zero (never "-0.00"), and a true minus sign (−).
func fixed(x float64, d int) string {
	s := fmt.Sprintf("%.*f", d, x)
	if strings.Trim(s, "-0.") == "" {
		return strings.TrimPrefix(s, "-")
	}
	if strings.HasPrefix(s, "-") {
		return "−" + s[1:]
	}
	return s
}

// DesignName says an analysis's design in plain English.
func DesignName(design string) string {
	switch design {
	case DifferenceInChange:
		return "compared with residents without the device"
	case SingleGroup:
		return "share of residents given the device"
	case AdjustedForBaseline:
		return "compared with residents without the device, adjusted for the baseline score"
	}
	return "change since baseline, with no comparison group"
}

// MeasureName says what an analysis's figures are, in plain English.
func MeasureName(o Outcome, measure string) string {
	switch measure {
	case MC:
		return "mean change from baseline, " + o.Unit
	case MCDiff:
		return "difference in mean change from residents without the device, " + o.Unit
	case IRR:
		return "rate ratio, after against before"
	case IRRDiff:
		return "ratio of rate ratios, against residents without the device"
	case PLO, PR:
		return "share still using the device"
	case MDAdjusted:
		return "difference in follow-up score from residents without the device, adjusted for the baseline score, " + o.Unit
	}
	return measure
}

// GroupName names a group of residents: "Given devices", "Comparison
// group".
func GroupName(group string) string {
	switch group {
	case "intervention":
		return "Given devices"
	case "comparison":
		return "Without devices (comparison group)"
	}
	return group
}
