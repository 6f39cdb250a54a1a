package reports

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"io"
	"math"
	"sort"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/reports/summary"
)

//go:embed data/unit-costs.json
var defaultUnitCosts []byte

// UnitCost prices one unit of a consequence, with its source.
type UnitCost struct {
	ID        string  `json:"id"`
	Label     string  `json:"label"`
	Pounds    float64 `json:"pounds"`
	Unit      string  `json:"unit"`
	PriceYear string  `json:"price_year"`
	Source    string  `json:"source"`
	// Verified is false for a figure not checked against its source.
	Verified bool `json:"verified"`
	// Uprated is the price in the table's PriceYear, Pounds × Factor
	// (see Uprate); the report prices with it. NotUprated says why a
	// price could not be uprated (Factor is then 0 and Uprated is Pounds).
	Uprated    float64 `json:"uprated_pounds"`
	Factor     float64 `json:"uprating_factor"`
	NotUprated string  `json:"not_uprated,omitempty"`
}

// UnitCosts is the table the cost-consequence section prices with.
type UnitCosts struct {
	Currency string     `json:"currency"`
	Note     string     `json:"note"`
	Items    []UnitCost `json:"items"`
	// PriceYear is the financial year every price is uprated to, and
	// Index the published index used (see Uprate); set when a report is
	// built.
	PriceYear   string `json:"price_year,omitempty"`
	Index       string `json:"index,omitempty"`
	IndexSource string `json:"index_source,omitempty"`
	Provisional bool   `json:"price_year_provisional,omitempty"`
}

// The unit costs the report needs.
var requiredUnitCosts = []string{"fall_ambulance", "hospital_admission", "home_care_hour"}

// DefaultUnitCosts returns the table shipped with ateval.
func DefaultUnitCosts() UnitCosts {
	uc, err := ReadUnitCosts(bytes.NewReader(defaultUnitCosts))
	if err != nil {
		panic("reports: embedded unit costs are broken: " + err.Error())
	}
	return uc
}

// ReadUnitCosts reads a unit-cost table in the JSON form of
// data/unit-costs.json; every required item must be present with a
// non-negative price.
func ReadUnitCosts(r io.Reader) (UnitCosts, error) {
	var uc UnitCosts
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&uc); err != nil {
		return UnitCosts{}, ateval.Errorf(ateval.EINVALID, "unit costs: %v", err)
	}
	var bad []ateval.FieldError
	for _, id := range requiredUnitCosts {
		c, ok := uc.get(id)
		if !ok {
			bad = append(bad, ateval.FieldError{Field: id, Message: "missing"})
		} else if !(c.Pounds >= 0) {
			bad = append(bad, ateval.FieldError{Field: id, Message: "pounds must be a non-negative number"})
		}
	}
	if bad != nil {
		return UnitCosts{}, ateval.Invalid("unit costs are incomplete", bad)
	}
	return uc, nil
}

func (uc UnitCosts) get(id string) (UnitCost, bool) {
	for _, c := range uc.Items {
		if c.ID == id {
			return c, true
		}
	}
	return UnitCost{}, false
}

// Range is an estimate with its 95% interval.
type Range struct {
	Estimate float64 `json:"estimate"`
	Lower    float64 `json:"lower"`
	Upper    float64 `json:"upper"`
}

// CostConsequence sets, for residents given one device category, a year's
// device and monitoring cost against the value of the change in home care
// hours, falls and admissions, each priced by the unit-cost table. The
// consequences come from the pooled 12-month estimates (difference in
// change where a comparison group exists, else before-after) and carry
// their 95% intervals; the net figure's range adds the ends of the ranges,
// which is wider (more cautious) than a joint interval.
type CostConsequence struct {
	DeviceCategory string `json:"device_category"`
	Residents      int    `json:"residents"`
	// DeviceCost is the mean cost per resident over a year: purchase price
	// plus 52 weeks of monitoring (pounds); a mean, so withheld (NaN) below
	// MinValues residents.
	DeviceCost jsonNumber `json:"device_cost"`
	// Savings per resident-year by consequence (pounds; positive = saved),
	// keyed by unit-cost id; absent when no pooled estimate exists.
	Savings map[string]Range `json:"savings"`
	// Net saving per resident-year: savings minus device cost.
	Net   *Range   `json:"net,omitempty"`
	Notes []string `json:"notes,omitempty"`
}

func (r *Report) buildCosts(costs []summary.Cost, opt *Options) {
	var atoms []disclosure.Cell
	for _, c := range costs {
		atoms = append(atoms, disclosure.Cell{Borough: c.Borough, Period: disclosure.Period(c.Period), Category: c.Category,
			Arm: summary.Intervention, N: c.N, Key: c.Keys, Sums: []float64{c.UnitPence, c.WeeklyPence}})
	}
	type agg struct {
		n            int
		key          int64
		unit, weekly float64
	}
	byCat := map[string]*agg{}
	for _, x := range r.release(atoms) {
		a := byCat[x.Category]
		if a == nil {
			a = &agg{}
			byCat[x.Category] = a
		}
		a.n += x.N
		a.key += x.Key
		a.unit += x.Sums[0]
		a.weekly += x.Sums[1]
	}
	uc := opt.UnitCosts
	cats := make([]string, 0, len(byCat))
	for c := range byCat {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	for _, cat := range cats {
		a := byCat[cat]
		cc := CostConsequence{DeviceCategory: cat, Residents: r.count(a.n, a.key), DeviceCost: jsonNumber(math.NaN()), Savings: map[string]Range{}}
		if !r.Disclosure.MeanShown(a.n) {
			cc.Notes = append(cc.Notes, "too few residents to publish a mean cost")
			r.CostConsequence = append(r.CostConsequence, cc)
			continue
		}
		// A mean of prices: to a step spanning Ambiguity × £5 of the total.
		cost := disclosure.Round((a.unit+52*a.weekly)/100/float64(a.n), r.Disclosure.Step(float64(a.n), 5))
		cc.DeviceCost = jsonNumber(cost)
		var net Range
		have := false
		if hc, ok := r.finding("home_care_hours", cat, "m12"); ok {
			p, _ := uc.get("home_care_hour")
			// Fewer hours a week save 52 × hours × price a year.
			s := Range{-hc.Pooled.Estimate * 52 * p.Uprated, -hc.Pooled.CIUpper * 52 * p.Uprated, -hc.Pooled.CILower * 52 * p.Uprated}
			cc.Savings["home_care_hour"] = s
			net, have = addRange(net, s), true
		}
		for _, ev := range []struct{ outcome, cost string }{{"falls", "fall_ambulance"}, {"hospital_admissions", "hospital_admission"}} {
			f, ok := r.finding(ev.outcome, cat, "m12")
			if !ok || r.baseRate[ev.outcome+"|"+cat] == 0 {
				continue
			}
			p, _ := uc.get(ev.cost)
			rate := r.baseRate[ev.outcome+"|"+cat] * 365 // events per resident-year before
			// Events avoided a year = rate × (1 − RR); RR's interval maps monotonically.
			s := Range{rate * (1 - math.Exp(f.Pooled.Estimate)) * p.Uprated, rate * (1 - math.Exp(f.Pooled.CIUpper)) * p.Uprated,
				rate * (1 - math.Exp(f.Pooled.CILower)) * p.Uprated}
			cc.Savings[ev.cost] = s
			net, have = addRange(net, s), true
		}
		if have {
			net = Range{net.Estimate - cost, net.Lower - cost, net.Upper - cost}
			cc.Net = &net
		} else {
			cc.Notes = append(cc.Notes, "no pooled 12-month estimate of care hours, falls or admissions")
		}
		r.CostConsequence = append(r.CostConsequence, cc)
	}
}

func addRange(a, b Range) Range {
	return Range{a.Estimate + b.Estimate, a.Lower + b.Lower, a.Upper + b.Upper}
}

// finding returns the analysis priced: the difference in change when
// there is one, else the before-after change.
func (r *Report) finding(outcome, category, tp string) (*Analysis, bool) {
	var found *Analysis
	for i := range r.Analyses {
		a := &r.Analyses[i]
		if a.Outcome != outcome || a.DeviceCategory != category || a.Timepoint != tp {
			continue
		}
		if a.Design == DifferenceInChange {
			return a, true
		}
		found = a
	}
	return found, found != nil
}
