package server

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/ateval/ateval/storage/auth"
)

// browsing is a signed-in user's browsing, through the real router: GET a
// page, or POST a form with the session's CSRF token.
type browsing struct {
	w            *world
	cookie, csrf string
}

func (w *world) browse(who string) browsing {
	cookie, csrf := w.session(who, auth.CookieSession)
	return browsing{w: w, cookie: cookie, csrf: csrf}
}

func (p browsing) get(path string) (int, string) {
	rec := p.w.do(request{path: path, cookie: p.cookie})
	return rec.Code, rec.Body.String()
}

func (p browsing) post(path string, form url.Values) (int, string, string) {
	form.Set("csrf_token", p.csrf)
	rec := p.w.do(request{method: "POST", path: path, cookie: p.cookie, form: form})
	return rec.Code, rec.Body.String(), rec.Header().Get("Location")
}

// TestAssessmentPages walks an assessment's pages: read in words, refused
// a second time when chosen, corrected with a reason (the original a
// version), taken out as entered in error and offered again.
func TestAssessmentPages(t *testing.T) {
	w := newWorld(t)
	a := w.camAssessment()
	p := w.browse("practitioner")
	path := fmt.Sprintf("/assessments/%d", a.ID)
	code, body := p.get(path)
	for _, want := range []string{"Life satisfaction (0 to 10)", "Anxiety yesterday (0 to 10, higher is worse)", "The resident", "Correct this assessment"} {
		if code != ok || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d, lacks %q", path, code, want)
		}
	}
	if strings.Contains(body, "ons4_") {
		t.Errorf("the assessment's page shows item codes")
	}
	code, body = p.get(fmt.Sprintf("/residents/%d/assessments/new?instrument=ons4&timepoint=baseline", w.camRes.ID))
	if code != ok || !strings.Contains(body, "is already recorded for this resident") || !strings.Contains(body, `href="`+path+`"`) || strings.Contains(body, `name="item.ons4_satisfied"`) {
		t.Errorf("choosing a recorded timepoint: %d\n%.2000s", code, body)
	}
	form := url.Values{"assessed_on-day": {"7"}, "assessed_on-month": {"1"}, "assessed_on-year": {"2025"}, "respondent": {"resident"},
		"item.ons4_satisfied": {"7"}, "item.ons4_worthwhile": {"8"}, "item.ons4_happy": {"6"}, "item.ons4_anxious": {"2"}}
	if code, body, _ := p.post(path+"/correction", form); code != unpr || !strings.Contains(body, "The reason is required") {
		t.Errorf("a correction without a reason: %d", code)
	}
	form.Set("reason", "anxiety typed as 3")
	if code, _, loc := p.post(path+"/correction", form); code != see || loc != path+"?notice=assessment-corrected" {
		t.Fatalf("correcting: %d to %q", code, loc)
	}
	_, body = p.get(path)
	for _, want := range []string{"Version 1: Corrected", "anxiety typed as 3", "practitioner@test.example"} {
		if !strings.Contains(body, want) {
			t.Errorf("after the correction the page lacks %q", want)
		}
	}
	if code, _, _ := p.post(path+"/entered-in-error", url.Values{"reason": {""}}); code != unpr {
		t.Errorf("entered in error without a reason: %d", code)
	}
	if code, _, _ := p.post(path+"/entered-in-error", url.Values{"reason": {"wrong resident"}}); code != see {
		t.Fatalf("entered in error: %d", code)
	}
	_, body = p.get(path)
	if !strings.Contains(body, `id="in-error"`) || strings.Contains(body, "Correct this assessment") {
		t.Errorf("after entered in error the page does not say so, or still offers a correction")
	}
	if code, _ := p.get(path + "/correction"); code != 409 {
		t.Errorf("the correction of one entered in error: %d, want 409", code)
	}
	_, body = p.get(fmt.Sprintf("/residents/%d/assessments/new?instrument=ons4&timepoint=baseline", w.camRes.ID))
	if !strings.Contains(body, `id="recorded-again"`) || !strings.Contains(body, `name="item.ons4_satisfied"`) {
		t.Errorf("baseline is not offered again after the one entered in error")
	}
	// Another borough's practitioner finds none of it.
	o := w.browse("other_borough")
	for _, path := range []string{path, path + "/correction", path + "/entered-in-error"} {
		if code, _ := o.get(path); code != notf {
			t.Errorf("GET %s by Sutton: %d, want 404", path, code)
		}
	}
}

// TestWithdrawalPage records an objection by the edit form, which then
// offers no date to clear but a withdrawal, and withdraws it by the page.
func TestWithdrawalPage(t *testing.T) {
	w := newWorld(t)
	w.camAssessment() // enrolled, with a baseline
	p := w.browse("practitioner")
	path := fmt.Sprintf("/residents/%d", w.camRes.ID)
	form := url.Values{"reference": {"CAM-0001"}, "year_of_birth": {"1940"}, "sex": {"female"}, "ethnic_group": {"white"}, "living_alone": {"no"},
		"primary_support_reason": {"physical"}, "registered_on-day": {"6"}, "registered_on-month": {"1"}, "registered_on-year": {"2025"},
		"group": {"comparison"}, "enrolled_on-day": {"6"}, "enrolled_on-month": {"1"}, "enrolled_on-year": {"2025"},
		"objected_on-day": {"1"}, "objected_on-month": {"4"}, "objected_on-year": {"2025"}}
	if code, body, loc := p.post(path, form); code != see || !strings.HasSuffix(loc, "notice=objection-recorded") {
		t.Fatalf("recording the objection: %d %q\n%.1500s", code, loc, body)
	}
	_, body := p.get(path)
	if !strings.Contains(body, "Nothing is due while the objection stands") || !strings.Contains(body, path+"/objection/withdrawal") {
		t.Errorf("the timeline under an objection:\n%.3000s", body)
	}
	_, body = p.get(path + "/edit")
	if strings.Contains(body, `name="objected_on-day"`) || !strings.Contains(body, path+"/objection/withdrawal") {
		t.Errorf("the edit form offers the objection's date to clear, or no withdrawal")
	}
	if code, _, _ := p.post(path+"/objection/withdrawal", url.Values{"withdrawn_on-day": {"1"}, "withdrawn_on-month": {"3"}, "withdrawn_on-year": {"2025"}}); code != unpr {
		t.Errorf("withdrawn before the objection: %d, want 422", code)
	}
	if code, _, loc := p.post(path+"/objection/withdrawal", url.Values{"withdrawn_on-day": {"1"}, "withdrawn_on-month": {"5"}, "withdrawn_on-year": {"2025"}}); code != see || !strings.HasSuffix(loc, "notice=objection-withdrawn") {
		t.Fatalf("withdrawing: %d %q", code, loc)
	}
	_, body = p.get(path)
	if strings.Contains(body, `id="objection"`) || !strings.Contains(body, "Objected on 1 April 2025; withdrawn on 1 May 2025") {
		t.Errorf("the timeline after the withdrawal:\n%.3000s", body)
	}
	if code, _ := p.get(path + "/objection/withdrawal"); code != 409 {
		t.Errorf("a second withdrawal's page: %d, want 409", code)
	}
}
