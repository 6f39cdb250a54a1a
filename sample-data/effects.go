package sampledata

import (
	"fmt"
	"math"
	"strings"

	"github.com/ateval/ateval/devices"
)

// Scales of an outcome's effect.
const (
	// Difference: the effect is a difference in mean change from baseline
	// (intervention minus comparison), in the score's own units.
	Difference = "difference"
	// RateRatio: the effect is a ratio of rate ratios, (rate after / rate
	// before) in the intervention group over the same in the comparison
	// group, for event counts per day at risk.
	RateRatio = "rate_ratio"
)

// Outcome is one measured outcome of the generating model and how to
// compute it from the raw answers.
type Outcome struct {
	ID         string
	Instrument string
	// Items are the item ids summed to give the outcome's score (one item
	// for single-item outcomes; for rates, the count item).
	Items []string
	Scale string
	// Lower and Upper bound the score (the sum of the items' ranges).
	Lower, Upper float64
	// BaselineMean and BaselineSD describe the score at baseline before
	// discretisation and clipping (for rates: mean events per year).
	BaselineMean, BaselineSD float64
	Note                     string
}

// TrueEffect is the true effect of a device category on one outcome at
// one follow-up, as the generator draws it.
type TrueEffect struct {
	Outcome   string
	Category  string // a devices.Categories() id: the resident's primary device
	Timepoint string // w6, m3, m6 or m12, as forms.Timepoint
	Scale     string // Difference or RateRatio
	// Effect is the true mean effect over boroughs: for Difference, mean
	// change from baseline in the intervention group minus that in the
	// comparison group; for RateRatio, the ratio of rate ratios.
	Effect float64
	// Tau is the SD of borough effects around Effect (for RateRatio, on
	// the log scale): each borough's effect is Normal(Effect, Tau).
	Tau float64
	// ComparisonChange is the comparison group's mean change from baseline
	// (for RateRatio, its rate ratio after/before).
	ComparisonChange float64
	// SDChange is the SD of a resident's change from baseline around the
	// mean, before discretisation; 0 for rates (Poisson counts).
	SDChange float64
}

// outcomeSpec is an Outcome with its parameters. Effects are at m6 and
// indexed like devices.Categories(); for rates they are rate ratios.
type outcomeSpec struct {
	Outcome
	itemLo, itemHi float64
	sdChange       float64
	tau            float64
	comparison     float64
	effect         [12]float64
	// loading is the sign of the outcome on the resident's common
	// wellbeing factor (+1: higher is better).
	loading float64
}

// The time profiles: effects at each follow-up are the m6 effect times
// interventionProfile; the comparison group's change is its m6 change
// times comparisonProfile (on the log scale for rates).
var (
	followUps           = []string{"w6", "m3", "m6", "m12"}
	interventionProfile = map[string]float64{"w6": 0.6, "m3": 0.8, "m6": 1.0, "m12": 1.0}
	comparisonProfile   = map[string]float64{"w6": 0.25, "m3": 0.5, "m6": 1.0, "m12": 2.0}
)

func items(prefix string, n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("%s_%d", prefix, i+1)
	}
	return s
}

// outcomeSpecs holds the model. Categories are in the order of
// devices.Categories(): community-alarm, fall-detector,
// environmental-sensor, door-exit-sensor, bed-chair-sensor,
// activity-monitoring, medication-dispenser, epilepsy-monitor,
// gps-location, voice-assistant, video-carephone, vital-signs-monitoring.
func outcomeSpecs() []outcomeSpec {
	const d, r = Difference, RateRatio
	single := func(id, instrument string, lo, hi, mean, sd float64) Outcome {
		return Outcome{ID: id, Instrument: instrument, Items: []string{id}, Scale: d, Lower: lo, Upper: hi, BaselineMean: mean, BaselineSD: sd}
	}
	return []outcomeSpec{
		{Outcome{"swemwbs_raw", "swemwbs", items("swemwbs", 7), d, 7, 35, 21.5, 4.5, "sum of the seven items; the metric score is the published conversion of this sum"},
			1, 5, 3.5, 0.5, 0.2, [12]float64{1.0, 1.5, 0.5, 0.5, 0.5, 0.8, 1.0, 1.2, 1.0, 0.8, 1.5, 0.8}, 1},
		{single("ons4_satisfied", "ons4", 0, 10, 6.0, 2.4), 0, 10, 2.0, 0.25, 0.1, [12]float64{0.3, 0.4, 0.2, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.4, 0.6, 0.3}, 1},
		{single("ons4_worthwhile", "ons4", 0, 10, 6.3, 2.3), 0, 10, 2.0, 0.25, 0.0, [12]float64{0.2, 0.3, 0.1, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.4, 0.5, 0.2}, 1},
		{single("ons4_happy", "ons4", 0, 10, 6.2, 2.5), 0, 10, 2.2, 0.25, 0.1, [12]float64{0.3, 0.4, 0.2, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.4, 0.6, 0.3}, 1},
		{single("ons4_anxious", "ons4", 0, 10, 3.6, 2.6), 0, 10, 2.4, 0.3, -0.1, [12]float64{-0.6, -0.8, -0.4, -0.3, -0.3, -0.4, -0.3, -0.8, -0.5, -0.2, -0.3, -0.4}, -1},
		{single("eq5d5l_mo", "eq5d5l", 1, 5, 2.7, 1.1), 1, 5, 0.8, 0.08, 0.05, [12]float64{0, -0.10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, -1},
		{single("eq5d5l_sc", "eq5d5l", 1, 5, 2.1, 1.0), 1, 5, 0.8, 0.08, 0.05, [12]float64{0, 0, 0, 0, 0, 0, -0.10, 0, 0, 0, 0, 0}, -1},
		{single("eq5d5l_ua", "eq5d5l", 1, 5, 2.6, 1.1), 1, 5, 0.8, 0.08, 0.05, [12]float64{-0.05, -0.10, 0, 0, 0, -0.05, -0.05, 0, -0.15, -0.10, -0.10, 0}, -1},
		{single("eq5d5l_pd", "eq5d5l", 1, 5, 2.5, 1.0), 1, 5, 0.8, 0.08, 0.05, [12]float64{}, -1},
		{single("eq5d5l_ad", "eq5d5l", 1, 5, 2.0, 1.0), 1, 5, 0.8, 0.08, 0.0, [12]float64{-0.15, -0.20, -0.10, -0.05, -0.05, -0.10, -0.05, -0.20, -0.10, -0.10, -0.15, -0.10}, -1},
		{single("eq5d5l_vas", "eq5d5l", 0, 100, 58, 18), 0, 100, 15, 1.5, -1.0, [12]float64{2, 3, 1.5, 1.5, 1.5, 1.5, 3, 2, 1.5, 1.5, 2, 4}, 1},
		{Outcome{"ucla3", "ucla3", items("ucla3", 3), d, 3, 9, 5.6, 1.8, "sum of the three items"},
			1, 3, 1.4, 0.2, 0.0, [12]float64{-0.2, -0.2, 0, 0, 0, -0.1, 0, 0, -0.2, -0.4, -0.6, -0.1}, -1},
		{Outcome{"short_fes_i", "short-fes-i", items("short_fes_i", 7), d, 7, 28, 15, 4.5, "sum of the seven items"},
			1, 4, 3.5, 0.7, 0.3, [12]float64{-1.0, -2.0, -0.2, -0.3, -0.8, -0.5, 0, 0, -0.5, 0, 0, 0}, -1},
		{Outcome{"falls", "events", []string{"events_falls"}, r, 0, math.Inf(1), 1.5, 0, "falls per day at risk (events_falls / events_period_days), pooled over residents"},
			0, 0, 0, 0.10, 1.05, [12]float64{0.95, 0.75, 1, 1, 0.85, 0.90, 1, 1, 1, 1, 1, 1}, 0},
		{Outcome{"hospital_admissions", "events", []string{"events_hospital_admissions"}, r, 0, math.Inf(1), 0.5, 0, "admissions per day at risk, pooled over residents"},
			0, 0, 0, 0.10, 1.05, [12]float64{1, 0.90, 1, 1, 1, 1, 0.90, 0.90, 1, 1, 1, 0.85}, 0},
		{Outcome{"home_care_hours", "events", []string{"events_home_care_hours"}, d, 0, 168, 9, 5, "hours per week, among residents with home care at baseline (the rest keep 0)"},
			0, 168, 2.0, 0.3, 0.5, [12]float64{-0.3, 0, 0, 0, 0, -0.8, -1.0, 0, 0, 0, -0.3, 0}, 0},
	}
}

// Outcomes returns the outcomes of the generating model.
func Outcomes() []Outcome {
	specs := outcomeSpecs()
	out := make([]Outcome, len(specs))
	for i, s := range specs {
		out[i] = s.Outcome
	}
	return out
}

// TrueEffects returns the true effect of every device category on every
// outcome at every follow-up. At follow-up t the effect is the m6 effect
// times the intervention profile p(t) (w6 0.6, m3 0.8, m6 1, m12 1), on
// the log scale for rates, and so is Tau; the comparison group's change is
// its m6 change times q(t) (w6 0.25, m3 0.5, m6 1, m12 2).
func TrueEffects() []TrueEffect {
	cats := devices.Categories()
	var out []TrueEffect
	for _, o := range outcomeSpecs() {
		for ci, c := range cats {
			for _, t := range followUps {
				p, q := interventionProfile[t], comparisonProfile[t]
				te := TrueEffect{Outcome: o.ID, Category: c.ID, Timepoint: t, Scale: o.Scale, Tau: o.tau * p, SDChange: o.sdChange}
				if o.Scale == RateRatio {
					te.Effect = math.Exp(math.Log(o.effect[ci]) * p)
					te.ComparisonChange = math.Exp(math.Log(o.comparison) * q)
				} else {
					te.Effect = o.effect[ci] * p
					te.ComparisonChange = o.comparison * q
				}
				out = append(out, te)
			}
		}
	}
	return out
}

// EffectsMarkdown renders the model's parameters as the Markdown tables of
// README.md, so that the README and the generator cannot disagree.
func EffectsMarkdown() string {
	var b strings.Builder
	cats := devices.Categories()
	b.WriteString("True effect at m6 by the resident's primary device category (rate ratios for `falls` and `hospital_admissions`, differences in the score's units otherwise), with τ (between-borough SD of the effect; log scale for rates), the comparison group's change at m6 and the SD of an individual's change from baseline.\n\n")
	b.WriteString("| outcome |")
	for _, c := range cats {
		b.WriteString(" " + c.ID + " |")
	}
	b.WriteString(" τ | comparison m6 | SD change |\n|---|")
	for range cats {
		b.WriteString("---:|")
	}
	b.WriteString("---:|---:|---:|\n")
	for _, o := range outcomeSpecs() {
		fmt.Fprintf(&b, "| %s |", o.ID)
		for ci := range cats {
			fmt.Fprintf(&b, " %s |", num(o.effect[ci]))
		}
		sd := num(o.sdChange)
		if o.Scale == RateRatio {
			sd = "Poisson"
		}
		fmt.Fprintf(&b, " %s | %s | %s |\n", num(o.tau), num(o.comparison), sd)
	}
	b.WriteString("\nTime profile: effect (and τ) at follow-up t = m6 effect × p(t); comparison change at t = m6 change × q(t); for rates both multiply the log.\n\n")
	b.WriteString("| | w6 | m3 | m6 | m12 |\n|---|---:|---:|---:|---:|\n")
	b.WriteString("| p(t), intervention effect |")
	for _, t := range followUps {
		fmt.Fprintf(&b, " %s |", num(interventionProfile[t]))
	}
	b.WriteString("\n| q(t), comparison change |")
	for _, t := range followUps {
		fmt.Fprintf(&b, " %s |", num(comparisonProfile[t]))
	}
	b.WriteString("\n")
	return b.String()
}

func num(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}
