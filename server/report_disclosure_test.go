package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports"
	"github.com/ateval/ateval/reports/summary"
	"github.com/ateval/ateval/storage/auth"
	"github.com/ateval/ateval/storage/summaries"
)

// TestReportDisclosure reads the report through the server, page and
// results.json, and checks disclosure control against counts taken
// straight from the database: every published count a multiple of 5;
// no borough named in a row it has fewer than 10 residents in; a borough
// too small overall never named outside the filter's list; and no
// resident's reference, name or NHS number anywhere.
func TestReportDisclosure(t *testing.T) {
	w, residentsCSV := newEvidenceWorld(t)
	ctx := ateval.SystemContext(context.Background())
	tok, _ := w.session("commissioner", auth.BearerSession)
	rec := w.do(request{path: "/api/v1/reports", bearer: tok})
	if rec.Code != ok {
		t.Fatalf("GET /api/v1/reports: %d", rec.Code)
	}
	results := rec.Body.String()
	var r struct {
		Disclosure reports.Disclosure `json:"disclosure"`
		Analyses   []struct {
			Outcome        string `json:"outcome"`
			DeviceCategory string `json:"device_category"`
			Timepoint      string `json:"timepoint"`
			Design         string `json:"design"`
			Boroughs       []struct {
				Borough     string `json:"borough"`
				N           int    `json:"n"`
				NComparison int    `json:"n_comparison"`
			} `json:"boroughs"`
		} `json:"analyses"`
		FollowUp []struct {
			Borough     string `json:"borough"`
			Due         int    `json:"due"`
			Recorded    int    `json:"recorded"`
			NotRecorded int    `json:"not_recorded"`
		} `json:"follow_up"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Disclosure.MinBoroughN != 10 || r.Disclosure.RoundTo != 5 {
		t.Errorf("disclosure %+v, want the defaults", r.Disclosure)
	}
	// True residents per (outcome, timepoint) cell, from the database.
	type cellKey struct{ outcome, timepoint, borough, category, group string }
	truth := map[cellKey]int{}
	fetched := map[[2]string]bool{}
	count := func(outcome, tp string) {
		if fetched[[2]string{outcome, tp}] {
			return
		}
		fetched[[2]string{outcome, tp}] = true
		o, _ := reports.OutcomeByID(outcome)
		add := func(k summary.Key, n int) { truth[cellKey{outcome, tp, k.Borough, k.Category, k.Group}] += n }
		switch o.Kind {
		case reports.KindEvents:
			rows, err := summaries.Of(w.db).EventSummaries(ctx, summary.Filter{}, o.Score, tp)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range rows {
				add(x.Key, x.N)
			}
		case reports.KindProportion:
			rows, err := summaries.Of(w.db).ProportionSummaries(ctx, summary.Filter{}, o.Instrument, o.Score, tp)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range rows {
				add(x.Key, x.N)
			}
		default:
			rows, err := summaries.Of(w.db).ChangeSummaries(ctx, summary.Filter{}, o.Instrument, o.Score, tp)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range rows {
				add(x.Key, x.N)
			}
		}
	}
	others := 0
	for _, a := range r.Analyses {
		count(a.Outcome, a.Timepoint)
		for _, b := range a.Boroughs {
			if b.N%5 != 0 || b.NComparison%5 != 0 {
				t.Errorf("%s %s %s: %s has n %d/%d, not rounded to 5", a.Outcome, a.DeviceCategory, a.Timepoint, b.Borough, b.N, b.NComparison)
			}
			if strings.HasPrefix(b.Borough, "Other borough") {
				others++
				continue
			}
			n := truth[cellKey{a.Outcome, a.Timepoint, b.Borough, a.DeviceCategory, summary.Intervention}]
			if n < 10 {
				t.Errorf("%s %s %s: %s is named with %d residents given devices", a.Outcome, a.DeviceCategory, a.Timepoint, b.Borough, n)
			}
			if a.Design == reports.DifferenceInChange {
				if c := truth[cellKey{a.Outcome, a.Timepoint, b.Borough, "", summary.Comparison}]; c < 10 {
					t.Errorf("%s %s %s: %s is named with %d comparison residents", a.Outcome, a.DeviceCategory, a.Timepoint, b.Borough, c)
				}
			}
		}
	}
	if others == 0 {
		t.Fatal("no analysis combines small boroughs: the fixture does not exercise the minimum n")
	}
	enrolments, err := summaries.Of(w.db).Enrolments(ctx, summary.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	enrolled := map[string]int{}
	for _, e := range enrolments {
		enrolled[e.Borough] += e.N
	}
	for _, f := range r.FollowUp {
		if f.Due%5 != 0 || f.Recorded%5 != 0 || f.NotRecorded%5 != 0 {
			t.Errorf("follow-up of %s: %d/%d/%d, not rounded to 5", f.Borough, f.Due, f.Recorded, f.NotRecorded)
		}
		if !strings.HasPrefix(f.Borough, "Other borough") && enrolled[f.Borough] < 10 {
			t.Errorf("follow-up names %s, with %d residents enrolled", f.Borough, enrolled[f.Borough])
		}
	}

	// The page: a borough with fewer than 10 residents enrolled is named
	// nowhere but in the filter's list of boroughs.
	cookie, _ := w.session("commissioner", auth.CookieSession)
	page := w.reportPage("/reports", cookie).Body.String()
	start, end := strings.Index(page, `<details class="app-details app-report-filters"`), strings.Index(page, "</details>")
	if start < 0 || end < start {
		t.Fatal("the report page has no filter form")
	}
	published := page[:start] + page[end:]
	if !strings.Contains(published, "Other borough") {
		t.Error("the page shows no combined row of small boroughs")
	}
	bs, _ := w.db.View(ctx).Boroughs()
	small := 0
	for _, b := range bs {
		if enrolled[b.Slug] >= 10 {
			continue
		}
		small++
		if strings.Contains(published, ">"+b.Name+"<") || strings.Contains(published, ">"+b.Name+" (") {
			t.Errorf("the page names %s, which has %d residents enrolled", b.Name, enrolled[b.Slug])
		}
		if strings.Contains(results, `"`+b.Slug+`"`) {
			t.Errorf("results.json names %s, which has %d residents enrolled", b.Slug, enrolled[b.Slug])
		}
	}
	if small == 0 {
		t.Fatal("no borough has fewer than 10 residents: the fixture does not exercise the minimum n")
	}

	// No resident-level identifier anywhere.
	rows, err := csv.NewReader(strings.NewReader(string(residentsCSV))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, row := range rows[1:] {
		for _, secret := range []string{row[col["resident_ref"]], row[col["nhs_number"]], row[col["given_name"]] + " " + row[col["family_name"]], row[col["address"]]} {
			if secret == "" || secret == " " {
				continue
			}
			if strings.Contains(page, secret) || strings.Contains(results, secret) {
				t.Fatalf("the report publishes a resident's identifier %q", secret)
			}
		}
	}
}
