package sampledata

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// assessment is one row of assessments.csv.
type assessment struct {
	instrument, timepoint string
	on                    ateval.Date
	respondent            string
	answers               string
}

// schedule is a follow-up: days after enrolment and the half-width of
// its window.
type schedule struct {
	timepoint  string
	days, half int
}

var schedules = []schedule{{"w6", 42, 14}, {"m3", 91, 30}, {"m6", 182, 30}, {"m12", 365, 30}}

const (
	// rho is the loading of every questionnaire outcome on the resident's
	// common wellbeing factor, so that outcomes correlate as they do.
	rho = 0.5
	// Chances of a missed follow-up, a whole instrument not done at an
	// attended timepoint, and one item without an answer.
	pMissedVisit      = 0.07
	pInstrumentGap    = 0.025
	pItemMissing      = 0.03
	baselineEventDays = 90
)

// answers builds the compact item=value form of forms.FormatAnswers.
type answers struct {
	b strings.Builder
	r *rand.Rand
	// canMiss says whether items may be missing with a reason.
	canMiss bool
}

func (a *answers) add(item string, v float64) {
	if a.b.Len() > 0 {
		a.b.WriteByte(';')
	}
	a.b.WriteString(item)
	a.b.WriteByte('=')
	if a.canMiss && a.r.Float64() < pItemMissing {
		a.b.WriteString([]string{"refused", "unable", "not_asked", "not_applicable"}[weighted(a.r, []float64{35, 25, 30, 10})])
		return
	}
	a.b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
}

// stochRound rounds x to a neighbouring multiple of step, up with
// probability equal to the fraction, so that the mean is kept exactly.
func stochRound(r *rand.Rand, x, step float64) float64 {
	f := math.Floor(x / step)
	if r.Float64() < x/step-f {
		f++
	}
	return f * step
}

func clip(x, lo, hi float64) float64 { return math.Min(math.Max(x, lo), hi) }

func gamma2(r *rand.Rand) float64 { return (r.ExpFloat64() + r.ExpFloat64()) / 2 }

// poisson draws a Poisson count by Knuth's method (means here are small),
// or a rounded normal for large means.
func poisson(r *rand.Rand, mean float64) float64 {
	if mean > 60 {
		return math.Max(0, math.Round(mean+math.Sqrt(mean)*r.NormFloat64()))
	}
	l, k, p := math.Exp(-mean), 0.0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// Instruments asked at every timepoint, and those that only the resident
// may answer (framework 2026.1): a resident whose answers are usually
// given by a proxy or carer answers those for themselves, or they are
// not done.
var (
	questionnaires = []string{"swemwbs", "ons4", "eq5d5l", "ucla3", "short-fes-i"}
	selfReportOnly = map[string]bool{"swemwbs": true, "ons4": true, "ucla3": true, "short-fes-i": true}
)

// maxPeriodDays is the longest period an events record may cover.
const maxPeriodDays = 400

// assessments generates every assessment of one resident up to the as-of
// date, stopping at their exit.
func (g *generator) assessments(p *person, b *boroughSpec, be *boroughEffects) []assessment {
	r, res, asOf := p.r, &p.res, AsOf()
	intervention := res.Group == devices.Intervention

	// Who answers: the resident, or for many with dementia or a learning
	// disability a proxy or carer. Of those, half still answer the
	// self-report questionnaires themselves.
	respondent := "resident"
	switch res.PrimarySupportReason {
	case devices.SupportMemoryCognition:
		respondent = []string{"resident", "proxy", "carer"}[weighted(r, []float64{30, 50, 20})]
	case devices.SupportLearningDisability:
		respondent = []string{"resident", "proxy", "carer"}[weighted(r, []float64{30, 20, 50})]
	default:
		respondent = []string{"resident", "proxy", "carer"}[weighted(r, []float64{90, 3, 7})]
	}
	selfReports := respondent == "resident" || r.IntN(2) == 0

	// The resident's level on each outcome, and their event rates.
	level := make([]float64, len(g.outcomes))
	for oi, o := range g.outcomes {
		se := o.sdChange / math.Sqrt2
		sb := math.Sqrt(math.Max(o.BaselineSD*o.BaselineSD-se*se, 0.01))
		level[oi] = o.BaselineMean + be.shift[oi] + sb*(rho*o.loading*p.wellbeing+math.Sqrt(1-rho*rho*o.loading*o.loading)*r.NormFloat64())
		level[oi] += categoryShift(o.ID, p.primary)
	}
	frailty := gamma2(r)
	fallsRate := 1.2 * gamma2(r)
	if p.primary == catFall {
		fallsRate *= 2
	}
	if res.PrimarySupportReason == devices.SupportPhysical {
		fallsRate *= 1.2
	}
	gpRate := 6 * gamma2(r)
	hasCare := r.Float64() < 0.55

	var out []assessment
	baseline := res.EnrolledOn
	if r.Float64() < 0.4 {
		baseline = baseline.AddDays(-1 - r.IntN(7))
	}
	// lastEvents starts at baseline so that a missing baseline events
	// record still gives the first follow-up a period.
	lastEvents := baseline

	// visit takes the assessments of one timepoint. exit is "" for an
	// ordinary visit, or the reason (died, residential_care) for the
	// events record of the day a resident left.
	visit := func(tp string, on ateval.Date, follow bool, pr, qr float64, exit string) {
		values := make([]float64, len(g.outcomes))
		for oi, o := range g.outcomes {
			se := o.sdChange / math.Sqrt2
			y := level[oi] + se*r.NormFloat64()
			if follow && o.Scale == Difference {
				y += o.comparison * qr
				if intervention {
					y += be.effect[oi][p.primary] * pr
				}
			}
			values[oi] = y
		}
		add := func(instrument, who string, a *answers) {
			out = append(out, assessment{instrument, tp, on, who, a.b.String()})
		}
		for _, inst := range questionnaires {
			if exit != "" {
				break
			}
			who := respondent
			if who == "carer" {
				who = "proxy" // a carer answering for the resident is their proxy
			}
			if selfReportOnly[inst] {
				who = "resident"
			}
			a := &answers{r: r, canMiss: true}
			for oi, o := range g.outcomes {
				if o.Instrument != inst || o.Scale != Difference {
					continue
				}
				k := float64(len(o.Items))
				for j, item := range o.Items {
					off := 0.0
					if k > 1 {
						off = 0.15 * math.Cos(2*math.Pi*float64(j)/k)
					}
					a.add(item, clip(stochRound(r, values[oi]/k+off, 1), o.itemLo, o.itemHi))
				}
			}
			if r.Float64() >= pInstrumentGap && (!selfReportOnly[inst] || selfReports) {
				add(inst, who, a)
			}
		}

		// Events since the previous events record.
		period := baselineEventDays
		if follow {
			period = min(on.DaysSince(lastEvents), maxPeriodDays)
		}
		record := exit != "" || r.Float64() < b.records
		who := respondent
		a := &answers{r: r}
		a.add("events_period_days", float64(period))
		if record {
			a.add("events_source", 2)
			who = "record"
		} else {
			a.add("events_source", 1)
			a.canMiss = true
		}
		years := float64(period) / 365
		rate := func(id string, base float64) float64 {
			oi := g.index(id)
			if !follow {
				return base
			}
			l := math.Log(g.outcomes[oi].comparison) * qr
			if intervention {
				l += be.effect[oi][p.primary] * pr
			}
			return base * math.Exp(l)
		}
		a.add("events_falls", poisson(r, rate("falls", fallsRate)*years))
		a.add("events_hospital_admissions", poisson(r, rate("hospital_admissions", 0.5*frailty)*years))
		a.add("events_ae_visits", poisson(r, 0.8*frailty*years))
		a.add("events_gp_contacts", poisson(r, gpRate*years))
		a.add("events_care_home_admission", b2f(exit == string(devices.RemovedResidentialCare)))
		hours := 0.0
		if hasCare {
			lo := 0.0
			if !follow {
				lo = 0.5
			}
			hours = math.Max(stochRound(r, values[g.index("home_care_hours")], 0.5), lo)
		}
		a.add("events_home_care_hours", hours)
		a.add("events_death", b2f(exit == string(devices.RemovedDied)))
		// Baseline events are never skipped: every enrolled resident has a
		// baseline assessment.
		if record || !follow || r.Float64() >= pInstrumentGap {
			add("events", who, a)
			lastEvents = on
		}
		if follow && intervention && exit == "" {
			if a := g.deviceUse(p, on); r.Float64() >= pInstrumentGap {
				add("device-use", respondent, a)
			}
		}
	}

	visit("baseline", baseline, false, 0, 0, "")
	last := baseline
	for _, s := range schedules {
		due := res.EnrolledOn.AddDays(s.days)
		on := due.AddDays(int(clip(math.Round(float64(s.half)/2.5*r.NormFloat64()), -float64(s.half), float64(s.half))))
		missed := r.Float64() < pMissedVisit
		pr, qr := interventionProfile[s.timepoint], comparisonProfile[s.timepoint]
		if !p.exitOn.IsZero() && !on.Before(p.exitOn) {
			// A death or move to a care home falling in this window is
			// recorded from linked records on the day it happened.
			inWindow := !p.exitOn.Before(due.AddDays(-s.half)) && !p.exitOn.After(due.AddDays(s.half)) && p.exitOn.After(last)
			if inWindow && (p.exitWhy == string(devices.RemovedDied) || p.exitWhy == string(devices.RemovedResidentialCare)) {
				visit(s.timepoint, p.exitOn, true, pr, qr, p.exitWhy)
			}
			break
		}
		if on.After(asOf) {
			break
		}
		if missed {
			continue
		}
		visit(s.timepoint, on, true, pr, qr, "")
		last = on
	}
	return out
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// deviceUse asks about the primary device: whether it is in use, and
// then how often (in use) or why it stopped (not in use).
func (g *generator) deviceUse(p *person, on ateval.Date) *answers {
	r := p.r
	di := p.issues[0]
	a := &answers{r: r}
	inUse, stop := true, 0
	switch {
	case !di.RemovedOn.IsZero() && !di.RemovedOn.After(on):
		inUse = false
		switch di.RemovalReason {
		case devices.RemovedNoLongerNeeded:
			stop = 1
		case devices.RemovedFaulty:
			stop = 3
		case devices.RemovedAbandoned:
			stop = []int{2, 4, 5}[r.IntN(3)]
		default:
			stop = 6
		}
	case r.Float64() < nonUse[p.primary]:
		inUse = false
		stop = []int{2, 4, 5, 6}[weighted(r, []float64{35, 30, 25, 10})]
	}
	if inUse {
		a.add("device_use_in_use", 1)
		a.canMiss = true
		a.add("device_use_frequency", float64(1+weighted(r, []float64{2, 8, 15, 30, 45})))
		a.add("device_use_satisfaction", float64(1+weighted(r, []float64{3, 5, 15, 40, 37})))
	} else {
		a.add("device_use_in_use", 0)
		a.canMiss = true
		a.add("device_use_satisfaction", float64(1+weighted(r, []float64{20, 25, 30, 15, 10})))
		a.add("device_use_stop_reason", float64(stop))
	}
	return a
}

// nonUse is the chance that a device still installed is not being used.
var nonUse = [nCategories]float64{0.04, 0.06, 0.02, 0.03, 0.04, 0.04, 0.06, 0.03, 0.15, 0.15, 0.08, 0.08}

// categoryShift moves the baseline level of residents whose primary device
// is of a given category: fall detectors go to people more afraid of
// falling and less mobile, video carephones and voice assistants to
// lonelier people.
func categoryShift(outcome string, primary int) float64 {
	switch {
	case primary == catFall && outcome == "short_fes_i":
		return 2
	case primary == catFall && outcome == "eq5d5l_mo":
		return 0.3
	case (primary == catVideo || primary == catVoice) && outcome == "ucla3":
		return 0.5
	}
	return 0
}

func (g *generator) index(id string) int {
	for i, o := range g.outcomes {
		if o.ID == id {
			return i
		}
	}
	panic("sampledata: unknown outcome " + id)
}
