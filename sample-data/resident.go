package sampledata

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// Category indexes, in the order of devices.Categories().
const (
	catAlarm = iota
	catFall
	catEnvironmental
	catDoor
	catBedChair
	catActivity
	catMedication
	catEpilepsy
	catGPS
	catVoice
	catVideo
	catVitalSigns
	nCategories
)

// primaryWeights are the base weights of the primary (first) device's
// category; extraWeights those of further devices.
var (
	primaryWeights = [nCategories]float64{40, 14, 2, 3, 3, 6, 8, 2, 7, 4, 7, 4}
	extraWeights   = [nCategories]float64{6, 8, 40, 12, 12, 4, 10, 0, 2, 4, 2, 0}
)

// Yearly hazards of a device coming back, by category: abandonment,
// fault, no longer needed. Activity monitoring is mostly a short
// assessment loan and is handled apart.
var (
	abandonHazard = [nCategories]float64{0.04, 0.10, 0.01, 0.03, 0.05, 0.05, 0.12, 0.05, 0.45, 0.40, 0.20, 0.15}
	faultHazard   = [nCategories]float64{0.03, 0.06, 0.03, 0.03, 0.05, 0.04, 0.05, 0.04, 0.06, 0.03, 0.05, 0.05}
	needHazard    = [nCategories]float64{0.02, 0.04, 0.01, 0.04, 0.04, 0.10, 0.05, 0.02, 0.05, 0.03, 0.04, 0.06}
)

var otherNotes = []string{
	"Collected during kitchen refit; family to request reinstallation",
	"Replaced by housing provider's own warden call system",
	"Resident asked for it to be taken away while family stays",
	"Duplicate equipment found on visit",
	"Swapped for a different model after review",
}

// boroughEffects are one borough's draws of the model: each outcome's
// effect per category at m6 (log rate ratio for rates) and its baseline
// shift.
type boroughEffects struct {
	effect [][nCategories]float64
	shift  []float64
}

// boroughEffects draws the borough's effects, Normal(true effect, τ), from
// the borough's own stream, so that they do not depend on how many
// residents or boroughs are generated.
func (g *generator) boroughEffects(b *boroughSpec) *boroughEffects {
	r := g.rng(b.gss, -1)
	be := &boroughEffects{effect: make([][nCategories]float64, len(g.outcomes)), shift: make([]float64, len(g.outcomes))}
	for oi, o := range g.outcomes {
		for c := range nCategories {
			mean := o.effect[c]
			if o.Scale == RateRatio {
				mean = math.Log(mean)
			}
			be.effect[oi][c] = mean + o.tau*r.NormFloat64()
		}
		be.shift[oi] = 0.1 * o.BaselineSD * r.NormFloat64()
	}
	return be
}

// exit reasons beyond devices.RemovalReason.
const exitDropout = "dropout"

type issue struct {
	devices.DeviceIssue
	device   devices.Device
	category int
}

// person is one generated resident with everything later steps need.
type person struct {
	res       devices.Resident
	id        devices.Identity
	age       int
	primary   int // category index of the first device; -1 for comparison
	issues    []issue
	exitOn    ateval.Date // zero: still in the evaluation at the as-of date
	exitWhy   string      // a devices.RemovalReason or exitDropout
	r         *rand.Rand
	wellbeing float64 // common factor of the outcomes
}

func weighted(r *rand.Rand, w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	u := r.Float64() * total
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

func addYears(d ateval.Date, years int) ateval.Date {
	return ateval.DateOf(d.Time().AddDate(years, 0, 0))
}

// person generates resident i of borough b.
func (g *generator) person(b *boroughSpec, be *boroughEffects, i int) *person {
	r := g.rng(b.gss, i)
	asOf := AsOf()
	p := &person{r: r, primary: -1, wellbeing: r.NormFloat64()}
	res := &p.res
	res.Reference = fmt.Sprintf("%s-%06d", b.prefix, i+1)
	res.Group = devices.Intervention
	if r.Float64() < b.comparison {
		res.Group = devices.Comparison
	}
	res.EnrolledOn = b.start.AddDays(r.IntN(asOf.DaysSince(b.start)))

	younger := r.Float64() < 0.10
	if younger {
		p.age = 18 + r.IntN(47)
	} else {
		p.age = int(math.Round(min(max(82+7.5*r.NormFloat64(), 65), 101)))
	}
	dob := addYears(res.EnrolledOn, -p.age).AddDays(-r.IntN(365))
	res.YearOfBirth = dob.Year()
	p.id.DateOfBirth = dob

	sexW := []float64{65, 34, 0.3, 0.7}
	if younger {
		sexW = []float64{50, 48, 1, 1}
	}
	res.Sex = devices.Sexes()[weighted(r, sexW)]
	res.EthnicGroup = devices.EthnicGroups()[weighted(r, b.ethnic[:])]
	// physical, sensory, memory_cognition, learning_disability,
	// mental_health, social, none
	reasonW := []float64{55, 7, 20, 1, 6, 7, 4}
	if younger {
		reasonW = []float64{25, 5, 2, 45, 18, 2, 3}
	}
	res.PrimarySupportReason = devices.SupportReasons()[weighted(r, reasonW)]
	res.LivingAlone = r.Float64() < map[bool]float64{false: 0.55, true: 0.30}[younger]
	reg := res.EnrolledOn.AddDays(-14 - r.IntN(2500))
	if adult := addYears(dob, 18); reg.Before(adult) {
		reg = adult
	}
	if latest := res.EnrolledOn.AddDays(-8); reg.After(latest) {
		reg = latest
	}
	res.RegisteredOn = reg

	p.id.GivenName, p.id.FamilyName = nameFor(r, res.Sex, res.EthnicGroup)
	p.id.NHSNumber = g.nhs.next(r)
	p.id.Address, p.id.Postcode = addressFor(r, b)

	// Leaving the evaluation: the first of death, a move, a move into
	// residential care and dropping out, each with a constant yearly hazard.
	death := 0.01
	switch {
	case p.age >= 85:
		death = 0.15
	case p.age >= 75:
		death = 0.07
	case p.age >= 65:
		death = 0.03
	}
	care := 0.04
	if res.PrimarySupportReason == devices.SupportMemoryCognition {
		care = 0.10
	}
	exitDays := math.Inf(1)
	for _, h := range []struct {
		why    string
		hazard float64
	}{{string(devices.RemovedDied), death}, {string(devices.RemovedMoved), 0.03}, {string(devices.RemovedResidentialCare), care}, {exitDropout, b.dropout}} {
		if d := 365 * r.ExpFloat64() / h.hazard; d < exitDays {
			exitDays, p.exitWhy = d, h.why
		}
	}
	if exit := res.EnrolledOn.AddDays(1 + int(exitDays)); exitDays < 5000 && !exit.After(asOf) {
		p.exitOn = exit
	} else {
		p.exitWhy = ""
	}

	if res.Group == devices.Intervention {
		g.issueDevices(p, b)
	}
	if r.Float64() < 0.003 {
		res.ObjectedOn = res.EnrolledOn.AddDays(r.IntN(asOf.DaysSince(res.EnrolledOn) + 1))
	}
	return p
}

// issueDevices gives an intervention resident one to three devices, the
// first on the day of enrolment.
func (g *generator) issueDevices(p *person, b *boroughSpec) {
	r, res := p.r, &p.res
	w := primaryWeights
	for c, m := range b.mix {
		w[categoryIndex()[c]] *= m
	}
	switch {
	case p.age < 65:
		w[catEpilepsy] *= 8
		w[catFall] *= 0.3
		w[catGPS] *= 2
	default:
		w[catEpilepsy] *= 0.2
	}
	if res.PrimarySupportReason == devices.SupportMemoryCognition {
		w[catGPS] *= 2.5
		w[catDoor] *= 3
		w[catMedication] *= 1.5
	}
	p.primary = weighted(r, w[:])
	cats := []int{p.primary}
	for extra := weighted(r, []float64{45, 35, 20}); extra > 0; extra-- {
		ew := extraWeights
		if p.age >= 65 || res.PrimarySupportReason != devices.SupportLearningDisability {
			ew[catEpilepsy] = 0
		}
		for _, c := range cats {
			ew[c] = 0
		}
		cats = append(cats, weighted(r, ew[:]))
	}
	asOf := AsOf()
	for k, c := range cats {
		products := g.byCat[c]
		d := pick(r, products)
		if d.GenerationTier == "analogue" && res.EnrolledOn.After(january2025) && r.IntN(4) > 0 {
			d = pick(r, products) // analogue kit is being phased out
		}
		di := issue{device: d, category: c}
		di.IssuedOn = res.EnrolledOn
		if k > 0 && r.IntN(4) == 0 {
			di.IssuedOn = res.EnrolledOn.AddDays(1 + r.IntN(60))
		}
		if di.IssuedOn.After(asOf) || (!p.exitOn.IsZero() && !di.IssuedOn.Before(p.exitOn)) {
			continue
		}
		installed := di.IssuedOn.AddDays(weighted(r, []float64{20, 25, 20, 12, 8, 5, 4, 3, 2, 1}))
		if !installed.After(asOf) {
			di.InstalledOn = installed
		}
		g.removal(p, &di)
		p.issues = append(p.issues, di)
	}
}

// removal decides whether and why a device came back before the as-of
// date: its own hazards, or the resident's death or move.
func (g *generator) removal(p *person, di *issue) {
	r, asOf := p.r, AsOf()
	c := di.category
	days, why := math.Inf(1), devices.RemovalReason("")
	for _, h := range []struct {
		why    devices.RemovalReason
		hazard float64
	}{{devices.RemovedAbandoned, abandonHazard[c]}, {devices.RemovedFaulty, faultHazard[c]}, {devices.RemovedNoLongerNeeded, needHazard[c]}, {devices.RemovedOther, 0.015}} {
		if d := 365 * r.ExpFloat64() / h.hazard; d < days {
			days, why = d, h.why
		}
	}
	if c == catActivity && r.Float64() < 0.7 {
		days, why = float64(21+r.IntN(22)), devices.RemovedNoLongerNeeded // end of an assessment loan
	}
	note := pick(r, otherNotes)
	start := di.InstalledOn
	if start.IsZero() {
		start = di.IssuedOn
	}
	removed := start.AddDays(int(math.Min(days, 5000)))
	if !p.exitOn.IsZero() && !removed.Before(p.exitOn) {
		if p.exitWhy == exitDropout {
			return
		}
		removed, why = p.exitOn, devices.RemovalReason(p.exitWhy)
		if !di.InstalledOn.IsZero() && removed.Before(di.InstalledOn) {
			di.InstalledOn = ateval.Date{} // never installed
		}
	}
	if removed.After(asOf) {
		return
	}
	di.RemovedOn, di.RemovalReason = removed, why
	if why == devices.RemovedOther {
		di.RemovalNote = note
	}
}
