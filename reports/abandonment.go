package reports

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/reports/summary"
)

// Abandonment is, for one device category and one follow-up's distance
// from issue (6 weeks, 3, 6 and 12 months), the devices observed that
// long (AtRisk) and those removed as abandoned by then (Abandoned), and
// the share. Only devices issued at least that long before the report's
// as-of date count, abandoned or not (counting a recent device only when
// abandoned would inflate the share); nor does one removed for another
// reason before then (moved, died, faulty...): it could no longer be
// abandoned.
// Counts are sums of released cells (a borough's devices of a category
// enrolled in a block of years), perturbed and rounded; Share is computed
// from them, and withheld (NaN, null in JSON) below MinValues devices.
type Abandonment struct {
	DeviceCategory string     `json:"device_category"`
	Timepoint      string     `json:"timepoint"`
	Days           int        `json:"days"`
	AtRisk         int        `json:"at_risk"`
	Abandoned      int        `json:"abandoned"`
	Share          jsonNumber `json:"share"`
}

func (r *Report) buildAbandonment(issues []summary.Issue, opt *Options) {
	type key struct {
		borough  string
		period   disclosure.Period
		category string
	}
	windows := opt.Framework.Windows()
	d := r.Disclosure.Rules
	type row struct {
		cat string
		tp  int
	}
	rows := map[row]Abandonment{}
	var cats []string
	for i, w := range windows {
		if w.Timepoint == "baseline" {
			continue
		}
		atRisk, abandoned := map[key]*counted{}, map[key]*counted{}
		for _, is := range issues {
			removed := !is.RemovedOn.IsZero()
			by := is.IssuedOn.AddDays(w.TargetDays)
			observed := !by.After(opt.AsOf)
			goneOtherwise := removed && !is.Abandoned && is.RemovedOn.Before(by)
			if !observed || goneOtherwise {
				continue
			}
			k := key{is.Borough, disclosure.Period(is.Period), is.Category}
			if atRisk[k] == nil {
				atRisk[k], abandoned[k] = &counted{}, &counted{}
			}
			atRisk[k].add(is.N, is.Keys)
			if is.Abandoned && removed && !is.RemovedOn.After(by) {
				abandoned[k].add(is.N, is.Keys)
			}
		}
		var atoms []disclosure.Cell
		for k, c := range atRisk {
			atoms = append(atoms, disclosure.Cell{Borough: k.borough, Period: k.period, Category: k.category, Arm: summary.Intervention,
				N: c.n, Key: c.key, Sums: []float64{float64(abandoned[k].n), float64(abandoned[k].key)}})
		}
		byCat := map[string]*[2]counted{}
		for _, x := range r.release(atoms) {
			if byCat[x.Category] == nil {
				byCat[x.Category] = &[2]counted{}
			}
			byCat[x.Category][0].add(x.N, x.Key)
			byCat[x.Category][1].add(int(x.Sums[0]), int64(x.Sums[1]))
		}
		for c, a := range byCat {
			if !slices.Contains(cats, c) {
				cats = append(cats, c)
			}
			n, ab := r.count(a[0].n, a[0].key), r.count(a[1].n, a[1].key)
			ab = min(ab, n)
			rows[row{c, i}] = Abandonment{DeviceCategory: c, Timepoint: string(w.Timepoint), Days: w.TargetDays,
				AtRisk: n, Abandoned: ab, Share: jsonNumber(d.Share(ab, n, a[0].n))}
		}
	}
	sort.Strings(cats)
	for _, c := range cats {
		for i := range windows {
			if a, ok := rows[row{c, i}]; ok {
				r.Abandonment = append(r.Abandonment, a)
			}
		}
	}
}

// abandonmentChart draws, a small panel per device category, the share
// of devices abandoned by each follow-up's distance from issue, with
// Wilson's 95% interval from the published counts; withheld shares are
// gaps.
func (r *Report) abandonmentChart() (Chart, bool) {
	var order []string
	byCat := map[string][]Abandonment{}
	for _, a := range r.Abandonment {
		if math.IsNaN(float64(a.Share)) {
			continue
		}
		if _, ok := byCat[a.DeviceCategory]; !ok {
			order = append(order, a.DeviceCategory)
		}
		byCat[a.DeviceCategory] = append(byCat[a.DeviceCategory], a)
	}
	if len(order) == 0 {
		return Chart{}, false
	}
	lc := &lineChart{cols: 3, percent: true, ymin: 0, ymax: math.NaN(), ylabel: "Share of devices abandoned by then"}
	var alt []string
	for _, c := range order {
		var pts []linePoint
		for _, a := range byCat[c] {
			lo, hi := Wilson(float64(a.Share), float64(a.AtRisk))
			pts = append(pts, linePoint{x: tpOrder(a.Timepoint) - 1, y: float64(a.Share), lo: lo, hi: hi})
			alt = append(alt, fmt.Sprintf("%s by %s %.0f%%", CategoryName(c), TimepointName(a.Timepoint), 100*float64(a.Share)))
		}
		lc.panels = append(lc.panels, linePanel{title: CategoryTitle(c), series: []lineSeries{{name: CategoryTitle(c), col: okBlue, pts: pts}}})
	}
	return Chart{Name: "abandonment.png", Title: "Devices abandoned since issue, by device category",
		Alt: "Small charts, one per device category, of the share of devices removed as abandoned by time since issue: " + joinShort(alt) + ".", png: lazily(plotted{lc}), plot: lc}, true
}
