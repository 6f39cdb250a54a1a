package browsertest

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// EnvAxe names the path of axe-core's axe.min.js (npm package axe-core),
// which .ci/run installs; without it the accessibility test is skipped,
// except in CI.
const EnvAxe = "ATEVAL_AXE"

// wcagTags are axe-core's rule tags for WCAG 2.0, 2.1 and 2.2 at levels A
// and AA: the standard the pages are held to.
var wcagTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeCheck runs axe-core's WCAG A and AA rules on the page shown and
// returns what they find. The script goes in through the DevTools
// protocol, which the pages' content security policy does not govern.
func (b *Browser) axeCheck(axe string) []axeViolation {
	b.t.Helper()
	if _, err := run(b, chromedp.Evaluate[bool](axe+"\n;true")); err != nil {
		b.fail("load axe-core: %v", err)
	}
	tags, _ := json.Marshal(wcagTags)
	expr := `axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))`
	out, err := run(b, chromedp.Evaluate[string](expr, func(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes }))
	if err != nil {
		b.fail("run axe-core: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		b.fail("axe-core's answer %q: %v", out, err)
	}
	return vs
}

func axeSource(t *testing.T) string {
	p := os.Getenv(EnvAxe)
	if p == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: .ci/run installs axe-core and sets it", EnvAxe)
		}
		t.Skipf("set %s to axe-core's axe.min.js (npm install axe-core)", EnvAxe)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%s: %v", EnvAxe, err)
	}
	return string(b)
}

// TestAccessibility holds the pages of every role to WCAG 2.2 AA as far as
// axe-core can judge automatically: the sign-in page and home page, the
// practitioner's register, timeline, forms and due list, the report, the
// export page and the administrator's pages.
func TestAccessibility(t *testing.T) {
	axe := axeSource(t)
	site := Start(t, Options{})
	check := func(b *Browser, path string) {
		t.Helper()
		b.Visit(path)
		for _, v := range b.axeCheck(axe) {
			t.Errorf("%s: %s (%s): %s, at %s", path, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "; "))
		}
	}
	anon := site.NewBrowser(t)
	for _, p := range []string{"/", "/login"} {
		check(anon, p)
	}
	pr := site.NewBrowser(t)
	pr.Login("practitioner.camden@demo.ateval")
	pr.Visit("/residents")
	resident := pr.Attr(`main table a[href^="/residents/"]`, "href")
	for _, p := range []string{"/residents", "/residents/new", resident, resident + "/edit", resident + "/device-issues/new",
		resident + "/assessments/new?instrument=swemwbs&timepoint=baseline", "/due", "/devices"} {
		check(pr, p)
	}
	// A form sent back with errors: the error summary and the marked fields.
	pr.Visit(resident + "/assessments/new?instrument=ons4&timepoint=baseline")
	pr.Submit("main form button[type=submit]")
	for _, v := range pr.axeCheck(axe) {
		t.Errorf("assessment form with errors: %s (%s): %s, at %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "; "))
	}
	// The checker itself must catch a fault: a field whose label is gone.
	pr.Visit("/residents/new")
	if _, err := run(pr, chromedp.Evaluate[bool](`document.querySelector('main label[for]').remove(); true`)); err != nil {
		t.Fatal(err)
	}
	if len(pr.axeCheck(axe)) == 0 {
		t.Error("axe-core found nothing wrong with a field stripped of its label: the check is not working")
	}
	for _, who := range []struct {
		email string
		paths []string
	}{
		{"commissioner@demo.ateval", []string{"/reports"}},
		{"evaluator@demo.ateval", []string{"/exports"}},
		{"admin@demo.ateval", []string{"/admin/audit", "/admin/agreements", "/admin/trials"}},
	} {
		b := site.NewBrowser(t)
		b.Login(who.email)
		for _, p := range who.paths {
			check(b, p)
		}
	}
}
