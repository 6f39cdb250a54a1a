package server

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/reports"
	"github.com/ateval/ateval/reports/summary"
)

// reportQuery is a report's filters as the query string carries them:
// outcome, device_category, borough (repeated), partnership (repeated: its
// boroughs), from and to. The report widens boroughs to whole partnerships
// and dates to whole financial years, and says so.
type reportQuery struct {
	Outcome  string
	Category string
	Boroughs []string
	From, To string
}

var categoryRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// parseReportQuery reads the filters, naming each that is wrong: an
// unknown outcome or borough, a malformed category or date, dates the
// wrong way round. known are the boroughs there are.
func parseReportQuery(c *gin.Context, known []ateval.Borough) (reportQuery, reports.Options, error) {
	q := reportQuery{Outcome: c.Query("outcome"), Category: c.Query("device_category"), From: c.Query("from"), To: c.Query("to")}
	var opt reports.Options
	var errs []ateval.FieldError
	add := func(field, msg string) { errs = append(errs, ateval.FieldError{Field: field, Message: msg}) }
	if q.Outcome != "" {
		if _, ok := reports.OutcomeByID(q.Outcome); ok {
			opt.Outcomes = []string{q.Outcome}
		} else {
			add("outcome", "Choose an outcome from the list")
		}
	}
	if q.Category != "" {
		if len(q.Category) <= 64 && categoryRE.MatchString(q.Category) {
			opt.Filter.DeviceCategory = q.Category
		} else {
			add("device_category", "Choose a device category from the list")
		}
	}
	slugs := map[string]bool{}
	for _, b := range known {
		slugs[b.Slug] = true
	}
	seen := map[string]bool{}
	for _, b := range c.QueryArray("borough") {
		if b == "" || seen[b] {
			continue
		}
		if !slugs[b] {
			add("borough", "Choose boroughs from the list")
			break
		}
		seen[b] = true
		q.Boroughs = append(q.Boroughs, b)
	}
	groups := map[string][]string{}
	for _, g := range partnerships(known) {
		groups[g.ID] = g.Boroughs
	}
	for _, id := range c.QueryArray("partnership") {
		members, ok := groups[id]
		if !ok {
			add("partnership", "Choose partnerships from the list")
			break
		}
		for _, b := range members {
			if !seen[b] {
				seen[b] = true
				q.Boroughs = append(q.Boroughs, b)
			}
		}
	}
	sort.Strings(q.Boroughs)
	opt.Filter.Boroughs = q.Boroughs
	var err error
	if opt.Filter.From, err = ateval.ParseDate(q.From); err != nil {
		add("from", "Enrolled from must be a date such as 2025-04-01")
	}
	if opt.Filter.To, err = ateval.ParseDate(q.To); err != nil {
		add("to", "Enrolled to must be a date such as 2026-03-31")
	}
	if f, t := opt.Filter.From, opt.Filter.To; !f.IsZero() && !t.IsZero() && t.Before(f) {
		add("to", "Enrolled to must be the same as or after enrolled from")
	}
	if len(errs) > 0 {
		return q, opt, ateval.Invalid("The report's filters are not valid.", errs)
	}
	return q, opt, nil
}

// partnerships are the groups of boroughs a report may be filtered to,
// as the disclosure gate places the boroughs there are.
func partnerships(known []ateval.Borough) []disclosure.Group {
	slugs := make([]string, len(known))
	for i, b := range known {
		slugs[i] = b.Slug
	}
	return disclosure.NewGroups(disclosure.DefaultGroups(), slugs).Selectable()
}

// encode returns the filters as a canonical query string (no leading
// "?"), for links to the report's PDF, charts and results.json.
func (q reportQuery) encode() string {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("outcome", q.Outcome)
	set("device_category", q.Category)
	set("from", q.From)
	set("to", q.To)
	for _, b := range q.Boroughs {
		v.Add("borough", b)
	}
	return v.Encode()
}

// cacheKey identifies a report: its filters and the day follow-ups are
// judged by.
func cacheKey(f summary.Filter, outcomes []string, asOf ateval.Date, trials []ateval.RandomisedTrial) string {
	// A trial recorded or removed changes the certainty of findings, so
	// the randomised trials are part of the key.
	var ts []string
	for _, t := range trials {
		ts = append(ts, fmt.Sprintf("%s/%s/%s/%s", t.Borough, t.DeviceCategory, t.From, t.To))
	}
	return strings.Join([]string{strings.Join(outcomes, ","), f.DeviceCategory, strings.Join(f.Boroughs, ","),
		f.From.String(), f.To.String(), asOf.String(), strings.Join(ts, ",")}, "|")
}
