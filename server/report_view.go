package server

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/reports"
)

// reportView is what the report page shows. Numbers are formatted here,
// from the report's already disclosure-controlled figures, so the
// template only lays them out.
type reportView struct {
	Query    reportQuery
	QS       string
	User     *ateval.User
	Errors   []ateval.FieldError
	Building *buildProgress
	// Evaluator is set for evaluators, who are pointed to their exports.
	Evaluator bool

	Outcomes     []choice
	Categories   []choice
	Partnerships []choice
	From, To     []choice

	Ready bool
	// Doc is the report laid out for reading: the same document as the
	// PDF and the self-contained page.
	Doc        *reports.Document
	Disclosure reports.Disclosure
	// Own is the borough lead's borough, highlighted wherever it appears.
	Own      string
	OwnShown bool
	// charts maps a chart's name to its URL, alts to its alt text.
	charts, alts map[string]string
}

// Finding pairs a finding with the view, for the template that shows it.
func (v reportView) Finding(f reports.DocFinding) findingView { return findingView{V: v, F: f} }

type findingView struct {
	V reportView
	F reports.DocFinding
}

// ChartAlt is the alt text of one of the report's charts.
func (v reportView) ChartAlt(name string) string { return v.alts[name] }

// ChartURL is the URL of one of the report's charts, for the same
// filters.
func (v reportView) ChartURL(name string) string { return v.charts[name] }

type choice struct {
	Value, Label string
	Selected     bool
	Hint         string
}

func (v *reportView) fillChoices(known []ateval.Borough) {
	v.Outcomes = []choice{{Value: "", Label: "All outcomes", Selected: v.Query.Outcome == ""}}
	for _, o := range reports.Outcomes() {
		v.Outcomes = append(v.Outcomes, choice{Value: o.ID, Label: o.Label, Selected: o.ID == v.Query.Outcome})
	}
	v.Categories = []choice{{Value: "", Label: "All device categories", Selected: v.Query.Category == ""}}
	for _, c := range devices.Categories() {
		v.Categories = append(v.Categories, choice{Value: c.ID, Label: c.Name, Selected: c.ID == v.Query.Category})
	}
	v.Evaluator = v.User != nil && v.User.Role == ateval.RoleEvaluator
	chosen := map[string]bool{}
	for _, b := range v.Query.Boroughs {
		chosen[b] = true
	}
	names := map[string]string{}
	for _, b := range known {
		names[b.Slug] = b.Name
		if v.User != nil && v.User.BoroughID == b.ID {
			v.Own = b.Slug
		}
	}
	for _, g := range partnerships(known) {
		// A partnership is chosen when any of its boroughs is: the report
		// covers it whole.
		any := false
		var members []string
		for _, b := range g.Boroughs {
			any = any || chosen[b]
			members = append(members, names[b])
		}
		v.Partnerships = append(v.Partnerships, choice{Value: g.ID, Label: g.Name, Selected: any, Hint: strings.Join(members, ", ")})
	}
	// Financial years, April to March, from the first to the current one.
	from, _ := ateval.ParseDate(v.Query.From)
	to, _ := ateval.ParseDate(v.Query.To)
	v.From = []choice{{Value: "", Label: "The start", Selected: from.IsZero()}}
	v.To = []choice{{Value: "", Label: "Now", Selected: to.IsZero()}}
	for p := disclosure.Period(2019); p <= disclosure.PeriodOf(ateval.DateOf(time.Now())); p++ {
		v.From = append(v.From, choice{Value: p.From().String(), Label: "1 April " + strconv.Itoa(int(p)) + " (" + p.String() + ")",
			Selected: !from.IsZero() && disclosure.PeriodOf(from) == p})
		v.To = append(v.To, choice{Value: p.To().String(), Label: "31 March " + strconv.Itoa(int(p)+1) + " (end of " + p.String() + ")",
			Selected: !to.IsZero() && disclosure.PeriodOf(to) == p})
	}
}

// fillReport lays out a built report: the reports package's document,
// with the charts served at their own URLs and the borough lead's borough
// marked.
func (v *reportView) fillReport(r *reports.Report, known []ateval.Borough) {
	v.Ready = true
	v.Doc = r.Document()
	v.Disclosure = r.Disclosure
	v.charts, v.alts = map[string]string{}, map[string]string{}
	for _, ch := range r.Charts {
		v.alts[ch.Name] = ch.Alt
		u := "/reports/charts/" + url.PathEscape(ch.Name)
		q := v.QS
		if v.Own != "" {
			// A borough lead's charts highlight their borough: another URL
			// than the commissioner's, so no cache mixes the two.
			if q != "" {
				q += "&"
			}
			q += "highlight=" + url.QueryEscape(v.Own)
		}
		if q != "" {
			u += "?" + q
		}
		v.charts[ch.Name] = u
	}
	for _, c := range v.Doc.Categories {
		for _, f := range append(slices.Clone(c.Primary), c.Secondary...) {
			for _, row := range f.Rows {
				v.OwnShown = v.OwnShown || row.Slug == v.Own
			}
		}
	}
	for _, f := range v.Doc.FollowUp {
		v.OwnShown = v.OwnShown || f.Slug == v.Own
	}
}
