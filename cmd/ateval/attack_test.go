package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/evaluation"
	"github.com/ateval/ateval/internal/intruder"
	"github.com/ateval/ateval/reports/summary"
	"github.com/ateval/ateval/storage/storagetest"
	"github.com/ateval/ateval/storage/summaries"
)

// The attack suite: a motivated intruder with nothing but a commissioner's
// sign-in and the report files tries, against the real outputs (the HTTP
// API of a running server and the files of `ateval report`), the attacks
// of issue 13: a sweep of reports one day apart, a borough alone and a
// borough left out, shares read back into counts, and a count and total
// pinned from a rounded count beside a mean. Then the same attack code
// runs against a release published the unsafe way (counts rounded to 5
// beside exact means, any day as a filter) and must recover a resident
// there, checked against the database, so that the suite can fail.

// unitOf is the whole unit of an outcome's scores that the intruder
// assumes (0 where the scores are not whole numbers of a known unit).
func unitOf(outcome string) float64 {
	switch outcome {
	case "swemwbs_raw", "ons4_satisfied", "ons4_worthwhile", "ons4_happy", "ons4_anxious", "eq5d5l_vas", "ucla3":
		return 1
	}
	return 0
}

// slack is how far a published count may be from the truth: perturbation
// of up to 2, then rounding to 5.
const slack = 4

type intruderClient struct {
	t     *testing.T
	base  string
	token string
}

func (c *intruderClient) results(query string) (*intruder.Release, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+"api/v1/reports?"+query, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		c.t.Fatalf("GET /api/v1/reports?%s: %d %.300s", query, resp.StatusCode, b)
	}
	r, err := intruder.Parse(b)
	if err != nil {
		c.t.Fatal(err)
	}
	return r, b
}

// numbers is a release's published numbers, without its stamp, filter and
// notes: two releases with equal numbers tell an intruder nothing apart.
func numbers(t *testing.T, b []byte) string {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, k := range []string{"analyses", "trajectories", "follow_up", "data_quality", "cost_consequence", "abandonment"} {
		out.Write(top[k])
	}
	return out.String()
}

// noClaims fails the test for anything an attack recovered.
func noClaims(t *testing.T, what string, claims []intruder.Claim) {
	t.Helper()
	for _, c := range claims {
		t.Errorf("%s: the intruder recovered %d residents (total %g) at %s", what, c.N, c.Sum, c.Where)
	}
}

func TestAttacksOnPublishedEvidence(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary and about sixty reports")
	}
	dir := t.TempDir()
	dsn := filepath.Join(dir, "ateval.db")
	loadSample(t, dsn)
	const email, password = "commissioner@gla.example", "a long commissioner password"
	if code, _, errs := runCLIStdin(t, password+"\n", "user", "add", "--db", dsn, "--email", email, "--role", "commissioner"); code != 0 {
		t.Fatalf("user add: %s", errs)
	}
	bin := buildBinary(t)
	_, base := startServer(t, bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := http.Post(base+"api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	c := &intruderClient{t: t, base: base, token: tok.Token}

	// 1. The issue's sweep: reports one day apart, for one borough and one
	// device category. Each is widened to whole partnerships and financial
	// years, so every day gives the same numbers, and no pair differs by a
	// small group.
	q := "outcome=swemwbs_raw&device_category=community-alarm&borough=brent"
	day := ateval.NewDate(2025, 5, 10)
	var prev *intruder.Release
	distinct := map[string]bool{}
	for i := range 45 {
		r, b := c.results(q + "&to=" + day.AddDays(i).String())
		distinct[numbers(t, b)] = true
		noClaims(t, "one release", intruder.Singles(r, slack, unitOf))
		noClaims(t, "shares", intruder.Shares(r, slack))
		if prev != nil {
			noClaims(t, "two reports a day apart", intruder.Difference(prev, r, slack, unitOf))
		}
		prev = r
	}
	if len(distinct) != 1 {
		t.Errorf("45 days within one financial year gave %d different releases, want 1", len(distinct))
	}
	if len(prev.Trajectories) == 0 || len(prev.Filter.Boroughs) < 2 {
		t.Fatalf("the sweep's release holds %d trajectory points for boroughs %v: the attack proves nothing", len(prev.Trajectories), prev.Filter.Boroughs)
	}

	// 2. A borough alone, and a borough left out: the first is its whole
	// partnership's release, the second every borough's.
	all, allB := c.results("")
	_, aloneB := c.results("borough=westminster")
	group := "borough=camden&borough=hackney&borough=kensington-and-chelsea&borough=lambeth&borough=southwark&borough=tower-hamlets&borough=westminster"
	_, groupB := c.results(group)
	if numbers(t, aloneB) != numbers(t, groupB) {
		t.Error("westminster alone gives other numbers than its whole partnership: it can be singled out")
	}
	var rest []string
	for _, b := range []string{"brent", "camden", "croydon", "ealing", "greenwich", "hackney", "hounslow", "kensington-and-chelsea",
		"kingston-upon-thames", "lambeth", "newham", "southwark", "sutton", "tower-hamlets", "waltham-forest"} {
		rest = append(rest, "borough="+b)
	}
	leftOut, leftOutB := c.results(strings.Join(rest, "&"))
	if numbers(t, leftOutB) != numbers(t, allB) {
		t.Error("leaving westminster out changes the numbers: the difference is westminster")
	}
	noClaims(t, "westminster left out", intruder.Difference(all, leftOut, slack, unitOf))

	// 3. The default release: no unnamed row of one borough, every pooled
	// estimate exactly what its published rows give (so nothing unshown is
	// inside it), except where small boroughs shown combined were pooled
	// apart (k above the rows; reports' TestAttackOnSmallBoroughsAnalysedApart
	// attacks those), and nothing pinned or read back.
	apart := 0
	for _, a := range all.Analyses {
		var studies []evaluation.Study
		combined := false
		for _, b := range a.Boroughs {
			if strings.HasPrefix(b.Borough, "Other") && b.Combined < 2 {
				t.Errorf("%s %s %s: %q stands for one borough", a.Outcome, a.DeviceCategory, a.Timepoint, b.Borough)
			}
			combined = combined || b.Combined > 1
			studies = append(studies, evaluation.Study{Label: b.Borough, Yi: b.Yi, Vi: b.Vi})
		}
		if a.Pooled.K != len(a.Boroughs) {
			if a.Pooled.K < len(a.Boroughs) || !combined {
				t.Errorf("%s %s %s %s: k = %d from %d rows, none of them combined: %v", a.Outcome, a.DeviceCategory, a.Timepoint, a.Design, a.Pooled.K, len(a.Boroughs), combined)
			}
			apart++
			continue
		}
		p, err := evaluation.Pool(studies, evaluation.Options{Method: evaluation.REML, Test: evaluation.Adhoc, Level: 95})
		if err != nil || math.Abs(p.Estimate-a.Pooled.Estimate) > 1e-9 || math.Abs(p.SE-a.Pooled.SE) > 1e-9 {
			t.Errorf("%s %s %s %s: pooled %g ± %g, its published rows give %g ± %g (%v)", a.Outcome, a.DeviceCategory, a.Timepoint, a.Design,
				a.Pooled.Estimate, a.Pooled.SE, p.Estimate, p.SE, err)
		}
	}
	t.Logf("the default release: %d analyses pool small boroughs apart, left to reports' attack on them", apart)
	noClaims(t, "the default release", intruder.Singles(all, slack, unitOf))
	noClaims(t, "the default release's shares", intruder.Shares(all, slack))

	// 4. The files of `ateval report`, published as readily as a page: the
	// same day-apart attack on the command line's results.json.
	var files []*intruder.Release
	for _, to := range []string{"2025-06-22", "2025-06-23"} {
		out := filepath.Join(dir, "report-"+to)
		if code, _, errs := runCLI(t, "report", "--db", dsn, "--out", out, "--outcome", "swemwbs_raw", "--device-category", "community-alarm",
			"--boroughs", "brent", "--to", to); code != 0 {
			t.Fatalf("report --to %s: %s", to, errs)
		}
		b, err := os.ReadFile(filepath.Join(out, "results.json"))
		if err != nil {
			t.Fatal(err)
		}
		r, err := intruder.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, r)
	}
	noClaims(t, "two report files a day apart", intruder.Difference(files[0], files[1], slack, unitOf))

	// 5. The same attack code against a deliberately unsafe release: the
	// trajectory as published before the gate (any day as a filter, the
	// count rounded to 5 beside the exact mean) recovers a resident, and the
	// database confirms what it recovered.
	db := storagetest.Open(t, dsn)
	ctx := ateval.SystemContext(context.Background())
	type exact struct {
		n   int
		sum float64
	}
	unsafe := func(to ateval.Date) (*intruder.Release, map[string]exact) {
		f := summary.Filter{Boroughs: []string{"brent"}, DeviceCategory: "community-alarm", To: to}
		var js struct {
			Trajectories []map[string]any `json:"trajectories"`
		}
		truth := map[string]exact{}
		for _, tp := range []string{"m3", "m6", "m12"} {
			rows, err := summaries.Of(db).ChangeSummaries(ctx, f, "swemwbs", "raw", tp)
			if err != nil {
				t.Fatal(err)
			}
			var e exact
			for _, r := range rows {
				if r.Group == summary.Intervention {
					e.n += r.N
					e.sum += r.SumF - r.SumB
				}
			}
			if e.n == 0 {
				continue
			}
			truth["trajectory swemwbs_raw intervention "+tp] = e
			js.Trajectories = append(js.Trajectories, map[string]any{"outcome": "swemwbs_raw", "series": "intervention", "timepoint": tp,
				"n": int(math.Floor(float64(e.n)/5+0.5)) * 5, "mean": e.sum / float64(e.n)})
		}
		b, _ := json.Marshal(js)
		r, _ := intruder.Parse(b)
		return r, truth
	}
	recovered := 0
	prevR, prevT := unsafe(day)
	for i := 1; i < 45; i++ {
		r, truth := unsafe(day.AddDays(i))
		for _, claim := range intruder.Difference(prevR, r, 2, unitOf) {
			got := exact{truth[claim.Where].n - prevT[claim.Where].n, truth[claim.Where].sum - prevT[claim.Where].sum}
			if got.n != claim.N || got.sum != claim.Sum {
				t.Errorf("unsafe release, %s: the intruder claimed %d residents totalling %g, the database says %d totalling %g",
					claim.Where, claim.N, claim.Sum, got.n, got.sum)
				continue
			}
			recovered++
		}
		prevR, prevT = r, truth
	}
	if recovered == 0 {
		t.Error("the attack recovered nobody from the unsafe release: it cannot fail, so it proves nothing of the safe one")
	}
	t.Logf("unsafe release: %d exact recoveries of 1–4 residents in a 45-day sweep", recovered)

	// 6. The red team's attack on rate ratios: invert each published row of
	// falls and admissions back to its events before and after. On the
	// release as it is, no row is pinned to its true counts; on the same
	// rows rounded as they were before (a tenth of the standard error from
	// the true counts), the solver gives counts back, and the database
	// confirms them.
	type events struct{ before, after, daysB, daysA float64 }
	truth := map[string]events{}
	for _, o := range []struct{ id, score string }{{"falls", "falls_per_30_days"}, {"hospital_admissions", "admissions_per_30_days"}} {
		for _, tp := range []string{"w6", "m3", "m6", "m12"} {
			rows, err := summaries.Of(db).EventSummaries(ctx, summary.Filter{}, o.score, tp)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if r.Group != summary.Intervention {
					continue
				}
				k := fmt.Sprintf("%s %s %s %s", o.id, r.Category, tp, r.Borough)
				e := truth[k]
				truth[k] = events{e.before + r.CountBefore, e.after + r.CountAfter, e.daysB + r.DaysBefore, e.daysA + r.DaysAfter}
			}
		}
	}
	ours := func(before, after int, offset float64) (float64, float64, float64) {
		// The intruder's model of the release: counts rounded to 5 (the
		// perturbation unknown to them), at least 10 events each side.
		b, a := float64((before+2)/5*5), float64((after+2)/5*5)
		if before < 10 || after < 10 || b == 0 || a == 0 {
			return math.NaN(), math.NaN(), 0
		}
		return math.Log(a/b) + offset, 1/a + 1/b, 0.001
	}
	pinned := 0
	for _, c := range intruder.Rates(all.RateRows(), ours) {
		if e, ok := truth[c.Where]; ok && int(e.after) == c.N && e.before == c.Sum {
			t.Errorf("rate row %s gives its events back: %g before, %d after", c.Where, c.Sum, c.N)
		}
		pinned++
	}
	if len(all.RateRows()) == 0 {
		t.Fatal("the default release has no rate rows: the attack proves nothing")
	}
	old := func(before, after int, offset float64) (float64, float64, float64) {
		xa, xb := float64(after), float64(before)
		if after == 0 || before == 0 {
			xa, xb = xa+0.5, xb+0.5
		}
		v := 1/xa + 1/xb
		m := math.Max(1, math.Min(float64(before), float64(after)))
		return math.Log(xa/xb) + offset, disclosure.Round(v, disclosure.Ceil125(4/(m*m))), disclosure.Ceil125(math.Sqrt(v) / 10)
	}
	var unsafeRows []intruder.RateRow
	for k, e := range truth {
		f := strings.Fields(k)
		yi, vi, step := old(int(e.before), int(e.after), math.Log(e.daysB/e.daysA))
		if e.daysA == 0 || math.IsNaN(yi) {
			continue
		}
		unsafeRows = append(unsafeRows, intruder.RateRow{Where: k, Timepoint: f[2], Yi: disclosure.Round(yi, step), Vi: vi})
	}
	recoveredRates := 0
	for _, c := range intruder.Rates(unsafeRows, old) {
		if e := truth[c.Where]; int(e.after) == c.N && e.before == c.Sum {
			recoveredRates++
		}
	}
	if recoveredRates == 0 {
		t.Error("the rate solver recovered nothing from rows rounded the old way: it cannot fail, so it proves nothing")
	}
	t.Logf("rates: %d of the release's rows pinned (none to the truth); %d of %d rows rounded the old way give their events back",
		pinned, recoveredRates, len(unsafeRows))

	// 7. A report file made under a raised minimum has the same cells: each
	// of its rows stands in the default release, the same.
	out := filepath.Join(dir, "report-min-12")
	if code, _, errs := runCLI(t, "report", "--db", dsn, "--out", out, "--outcome", "falls", "--min-borough-n", "12"); code != 0 {
		t.Fatalf("report --min-borough-n 12: %s", errs)
	}
	b, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	raised, err := intruder.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	defaults := map[string]bool{}
	for _, a := range all.Analyses {
		for _, r := range a.Boroughs {
			defaults[fmt.Sprintf("%s %s %s %s %s %d %g %g", a.Outcome, a.DeviceCategory, a.Timepoint, a.Design, r.Borough, r.N, r.Yi, r.Vi)] = true
		}
	}
	for _, a := range raised.Analyses {
		for _, r := range a.Boroughs {
			if k := fmt.Sprintf("%s %s %s %s %s %d %g %g", a.Outcome, a.DeviceCategory, a.Timepoint, a.Design, r.Borough, r.N, r.Yi, r.Vi); !defaults[k] {
				t.Errorf("the report under a raised minimum has a row the default release does not: %s", k)
			}
		}
	}

	// 8. The device catalogue: other boroughs' counts of a product only
	// with 10 issues or more, and residents who objected counted nowhere.
	req, _ := http.NewRequest("GET", base+"api/v1/devices", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var catalogue struct {
		Devices []struct {
			Code  string `json:"code"`
			Usage []struct {
				Borough string `json:"borough"`
				Issues  int    `json:"issues"`
			} `json:"usage"`
		} `json:"devices"`
	}
	json.NewDecoder(resp.Body).Decode(&catalogue)
	resp.Body.Close()
	sqlDB, err := db.SQL()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := sqlDB.Query(`SELECT d.code, b.name, COUNT(*) FROM device_issues di
		JOIN devices d ON d.id = di.device_id JOIN residents r ON r.id = di.resident_id JOIN boroughs b ON b.id = r.borough_id
		WHERE r.objected_on IS NULL GROUP BY d.code, b.name`)
	if err != nil {
		t.Fatal(err)
	}
	trueIssues := map[string]int{}
	for rows.Next() {
		var code, name string
		var n int
		if err := rows.Scan(&code, &name, &n); err != nil {
			t.Fatal(err)
		}
		trueIssues[code+"|"+name] = n
	}
	rows.Close()
	listed := 0
	for _, d := range catalogue.Devices {
		for _, u := range d.Usage {
			listed++
			if n := trueIssues[d.Code+"|"+u.Borough]; n < 10 {
				t.Errorf("the catalogue lists %s's %d issues of %s (published %d)", u.Borough, n, d.Code, u.Issues)
			}
		}
	}
	if listed == 0 {
		t.Error("the catalogue lists no borough's usage: the check proves nothing")
	}
}
