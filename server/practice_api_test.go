package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports/summary"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
	"github.com/ateval/ateval/storage/summaries"
)

// fieldsOf decodes an error body's per-field messages as "field: message".
func fieldsOf(t *testing.T, body string) []string {
	t.Helper()
	var b errorBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		t.Fatalf("not an error body: %s", body)
	}
	var out []string
	for _, f := range b.Error.Fields {
		out = append(out, f.Field+": "+f.Message)
	}
	return out
}

// TestRegisterIssueRecordByAPI walks a practitioner's day through the API:
// register, enrol, issue, remove, record (first wrongly), and read the
// timeline.
func TestRegisterIssueRecordByAPI(t *testing.T) {
	w := newWorld(t)
	tok, _ := w.session("practitioner", auth.BearerSession)
	today := ateval.DateOf(w.db.Now()).String()
	rec := w.do(request{method: "POST", path: "/api/v1/residents", bearer: tok, json: `{"reference":"CAM-0100","year_of_birth":1941,"sex":"female",
		"ethnic_group":"white","living_alone":true,"primary_support_reason":"physical","registered_on":"2025-01-01",
		"identity":{"given_name":"Edith","family_name":"Example","nhs_number":"9434765919","postcode":"NW1 0AA"}}`})
	var created struct {
		Resident struct {
			ID        int64 `json:"id"`
			BoroughID int64 `json:"borough_id"`
		}
	}
	if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &created) != nil || created.Resident.BoroughID != w.camden.ID {
		t.Fatalf("register: %d %s", rec.Code, rec.Body.String())
	}
	id := created.Resident.ID
	if rec := w.do(request{method: "PATCH", path: fmt.Sprintf("/api/v1/residents/%d", id), bearer: tok, json: `{"group":"intervention","enrolled_on":"` + today + `"}`}); rec.Code != ok {
		t.Fatalf("enrol: %d %s", rec.Code, rec.Body.String())
	}
	d := w.device()
	rec = w.do(request{method: "POST", path: fmt.Sprintf("/api/v1/residents/%d/device-issues", id), bearer: tok,
		json: fmt.Sprintf(`{"device_id":%d,"issued_on":"2024-12-31","installed_on":"2024-12-30"}`, d.ID)})
	if got, want := strings.Join(fieldsOf(t, rec.Body.String()), "; "), "issued_on: cannot be before the resident was registered (2025-01-01); installed_on: cannot be before the device was issued (2024-12-31)"; rec.Code != unpr || got != want {
		t.Errorf("impossible issue dates: %d\n got %q\nwant %q", rec.Code, got, want)
	}
	rec = w.do(request{method: "POST", path: fmt.Sprintf("/api/v1/residents/%d/device-issues", id), bearer: tok, json: fmt.Sprintf(`{"device_id":%d,"issued_on":"%s"}`, d.ID, today)})
	var issued struct {
		DeviceIssue struct{ ID int64 } `json:"device_issue"`
	}
	if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &issued) != nil {
		t.Fatalf("issue: %d %s", rec.Code, rec.Body.String())
	}
	rec = w.do(request{method: "PATCH", path: fmt.Sprintf("/api/v1/device-issues/%d", issued.DeviceIssue.ID), bearer: tok, json: `{"removed_on":"` + today + `","removal_reason":"other"}`})
	if got := fieldsOf(t, rec.Body.String()); rec.Code != unpr || len(got) != 1 || got[0] != "removal_note: is required when the reason is other" {
		t.Errorf("removal without its note: %d %v", rec.Code, got)
	}
	rec = w.do(request{method: "PATCH", path: fmt.Sprintf("/api/v1/device-issues/%d", issued.DeviceIssue.ID), bearer: tok, json: `{"removed_on":"` + today + `","removal_reason":"abandoned"}`})
	if rec.Code != ok {
		t.Fatalf("removal: %d %s", rec.Code, rec.Body.String())
	}
	// An invalid assessment: one error per bad item, in the one error shape.
	bad := `{"instrument":"ons4","timepoint":"baseline","assessed_on":"` + today + `","respondent":"resident","answers":[
		{"item":"ons4_satisfied","value":11},{"item":"ons4_worthwhile","missing":"forgot"},{"item":"ons4_happy","value":3,"missing":"refused"}]}`
	rec = w.do(request{method: "POST", path: fmt.Sprintf("/api/v1/residents/%d/assessments", id), bearer: tok, json: bad})
	want := []string{
		"ons4_satisfied: must be a whole number from 0 to 10",
		`ons4_worthwhile: missing reason "forgot" is not one of refused, not_applicable, unable, not_asked`,
		"ons4_happy: has both a value and a missing reason; give one",
		"ons4_anxious: is required: give a value or a missing reason (refused, not_applicable, unable, not_asked)",
	}
	if got := fieldsOf(t, rec.Body.String()); rec.Code != unpr || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("invalid assessment: %d\n got %q\nwant %q", rec.Code, got, want)
	}
	good := `{"instrument":"ons4","timepoint":"baseline","assessed_on":"` + today + `","respondent":"resident","answers":[
		{"item":"ons4_satisfied","value":7},{"item":"ons4_worthwhile","value":8},{"item":"ons4_happy","missing":"refused"},{"item":"ons4_anxious","value":2}]}`
	if rec := w.do(request{method: "POST", path: fmt.Sprintf("/api/v1/residents/%d/assessments", id), bearer: tok, json: good}); rec.Code != 201 {
		t.Fatalf("assessment: %d %s", rec.Code, rec.Body.String())
	}
	var tl storage.Timeline
	rec = w.do(request{path: fmt.Sprintf("/api/v1/residents/%d", id), bearer: tok})
	if err := json.Unmarshal(rec.Body.Bytes(), &tl); err != nil {
		t.Fatal(err)
	}
	if len(tl.DeviceIssues) != 1 || tl.DeviceIssues[0].RemovalReason != "abandoned" || len(tl.Assessments) != 1 || len(tl.Assessments[0].Scores) != 4 || len(tl.Schedule) == 0 {
		t.Errorf("timeline: %s", rec.Body.String())
	}
	rec = w.do(request{path: "/api/v1/due", bearer: tok})
	if rec.Code != ok || !strings.Contains(rec.Body.String(), `"instrument":"swemwbs"`) || strings.Contains(rec.Body.String(), `"instrument":"ons4","target"`) {
		t.Errorf("due list: %d %.300s", rec.Code, rec.Body.String())
	}
}

// TestObjectionThroughAPI records an objection with PATCH and checks the
// resident leaves the per-borough summaries the report pools, and the
// subjects of an anonymised export.
func TestObjectionThroughAPI(t *testing.T) {
	w := newWorld(t)
	tok, _ := w.session("practitioner", auth.BearerSession)
	path := fmt.Sprintf("/api/v1/residents/%d", w.camRes.ID)
	if rec := w.do(request{method: "PATCH", path: path, bearer: tok, json: `{"group":"comparison","enrolled_on":"2025-02-01"}`}); rec.Code != ok {
		t.Fatalf("enrol: %d %s", rec.Code, rec.Body.String())
	}
	for _, body := range []string{
		`{"instrument":"ons4","timepoint":"baseline","assessed_on":"2025-02-01","respondent":"resident","answers":[{"item":"ons4_satisfied","value":5},{"item":"ons4_worthwhile","value":5},{"item":"ons4_happy","value":5},{"item":"ons4_anxious","value":7}]}`,
		`{"instrument":"ons4","timepoint":"w6","assessed_on":"2025-03-15","respondent":"resident","answers":[{"item":"ons4_satisfied","value":6},{"item":"ons4_worthwhile","value":6},{"item":"ons4_happy","value":6},{"item":"ons4_anxious","value":4}]}`,
	} {
		if rec := w.do(request{method: "POST", path: path + "/assessments", bearer: tok, json: body}); rec.Code != 201 {
			t.Fatalf("assessment: %d %s", rec.Code, rec.Body.String())
		}
	}
	sys := ateval.SystemContext(context.Background())
	pooled := func() (n, subjects int) {
		ss, err := summaries.Of(w.db).ChangeSummaries(sys, summary.Filter{}, "ons4", "anxious", "w6")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ss {
			n += s.N
		}
		if err := w.db.ExportSubjects(sys, w.exportAgreement("camden"), []string{"camden"}, func(exportSubject) error { subjects++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n, subjects
	}
	if n, x := pooled(); n != 1 || x != 1 {
		t.Fatalf("before the objection: %d pooled, %d export subjects; want 1 and 1", n, x)
	}
	if rec := w.do(request{method: "PATCH", path: path, bearer: tok, json: `{"objected_on":"2025-04-01"}`}); rec.Code != ok {
		t.Fatalf("objection: %d %s", rec.Code, rec.Body.String())
	}
	if n, x := pooled(); n != 0 || x != 0 {
		t.Errorf("after the objection: %d pooled, %d export subjects; want none", n, x)
	}
	rec := w.do(request{method: "PATCH", path: path, bearer: tok, json: `{"objected_on":"2025-05-01"}`})
	if got := fieldsOf(t, rec.Body.String()); rec.Code != unpr || len(got) != 1 || !strings.HasPrefix(got[0], "objected_on: an objection recorded on 2025-04-01 is not moved") {
		t.Errorf("moving the objection: %d %v", rec.Code, got)
	}
	// {"objected_on": null} withdraws it: the resident is pooled and
	// exported again, and the objection is kept with its withdrawal.
	rec = w.do(request{method: "PATCH", path: path, bearer: tok, json: `{"objected_on":null}`})
	var body struct {
		Resident struct {
			ObjectedOn *string `json:"objected_on"`
		} `json:"resident"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); rec.Code != ok || err != nil || body.Resident.ObjectedOn != nil {
		t.Fatalf("withdrawing the objection: %d %s", rec.Code, rec.Body.String())
	}
	if n, x := pooled(); n != 1 || x != 1 {
		t.Errorf("after the withdrawal: %d pooled, %d export subjects; want 1 and 1", n, x)
	}
	rec = w.do(request{path: path, bearer: tok})
	today := ateval.DateOf(w.db.Now()).String()
	if !strings.Contains(rec.Body.String(), `"objection_withdrawals":[{"objected_on":"2025-04-01","withdrawn_on":"`+today+`"}]`) {
		t.Errorf("the record after the withdrawal: %.600s", rec.Body.String())
	}
	es, _, err := w.db.AuditLog(sys, storage.AuditFilter{Action: ateval.ActionWithdrawObjection})
	if err != nil || len(es) != 1 || es[0].ResidentID != w.camRes.ID {
		t.Errorf("withdraw_objection audited: %+v %v", es, err)
	}
}

// TestTamperingPractice puts another borough's ids in paths and bodies of
// the register's calls: each is not found, exactly as a missing one.
func TestTamperingPractice(t *testing.T) {
	w := newWorld(t)
	issue := w.camIssue()
	sut, _ := w.session("other_borough", auth.BearerSession)
	cam, _ := w.session("practitioner", auth.BearerSession)
	d := w.device()
	for _, c := range []struct {
		name, method, path, body string
		want                     int
	}{
		{"PATCH another borough's device issue", "PATCH", fmt.Sprintf("/api/v1/device-issues/%d", issue.ID), `{"removed_on":"2025-03-01","removal_reason":"faulty"}`, notf},
		{"PATCH a missing device issue", "PATCH", "/api/v1/device-issues/99999999", `{"removed_on":"2025-03-01","removal_reason":"faulty"}`, notf},
		{"PATCH another borough's resident", "PATCH", fmt.Sprintf("/api/v1/residents/%d", w.camRes.ID), `{"objected_on":"2025-03-01"}`, notf},
		{"issue to another borough's resident", "POST", fmt.Sprintf("/api/v1/residents/%d/device-issues", w.camRes.ID), fmt.Sprintf(`{"device_id":%d,"issued_on":"2025-03-01"}`, d.ID), notf},
		{"assess another borough's resident", "POST", fmt.Sprintf("/api/v1/residents/%d/assessments", w.camRes.ID), `{"instrument":"ons4","timepoint":"baseline","assessed_on":"2025-03-01","respondent":"resident","answers":[]}`, notf},
		{"read another borough's assessments", "GET", fmt.Sprintf("/api/v1/residents/%d/assessments", w.camRes.ID), "", notf},
		{"a borough id in a new resident", "POST", "/api/v1/residents", fmt.Sprintf(`{"reference":"X-1","year_of_birth":1940,"sex":"male","ethnic_group":"white","living_alone":true,"primary_support_reason":"social","registered_on":"2025-01-01","borough_id":%d}`, w.camden.ID), unpr},
		{"a resident id in an issue body", "POST", fmt.Sprintf("/api/v1/residents/%d/device-issues", w.sutRes.ID), fmt.Sprintf(`{"device_id":%d,"issued_on":"2025-03-01","resident_id":%d}`, d.ID, w.camRes.ID), unpr},
		{"a resident id in a device issue patch", "PATCH", fmt.Sprintf("/api/v1/device-issues/%d", issue.ID), fmt.Sprintf(`{"resident_id":%d}`, w.sutRes.ID), unpr},
		{"a borough id in a patch", "PATCH", fmt.Sprintf("/api/v1/residents/%d", w.sutRes.ID), fmt.Sprintf(`{"borough_id":%d}`, w.camden.ID), unpr},
	} {
		rec := w.do(request{method: c.method, path: c.path, bearer: sut, json: c.body})
		if rec.Code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, rec.Code, rec.Body.String(), c.want)
		}
	}
	// Camden's records are as they were.
	var tl storage.Timeline
	rec := w.do(request{path: fmt.Sprintf("/api/v1/residents/%d", w.camRes.ID), bearer: cam})
	if json.Unmarshal(rec.Body.Bytes(), &tl) != nil || !tl.Resident.ObjectedOn.IsZero() || len(tl.DeviceIssues) != 1 || !tl.DeviceIssues[0].RemovedOn.IsZero() || len(tl.Assessments) != 0 {
		t.Errorf("Camden's resident changed: %s", rec.Body.String())
	}
	// The other borough's issue answers exactly as a missing one.
	a := w.do(request{method: "PATCH", path: fmt.Sprintf("/api/v1/device-issues/%d", issue.ID), bearer: sut, json: `{}`}).Body.String()
	b := w.do(request{method: "PATCH", path: "/api/v1/device-issues/99999999", bearer: sut, json: `{}`}).Body.String()
	if a != b {
		t.Errorf("another borough's issue answers %s, a missing one %s", a, b)
	}
	// Pages too: the forms of another borough's records are not found.
	cookie, csrf := w.session("other_borough", auth.CookieSession)
	for _, p := range []string{fmt.Sprintf("/device-issues/%d", issue.ID), fmt.Sprintf("/residents/%d", w.camRes.ID), fmt.Sprintf("/residents/%d/device-issues", w.camRes.ID)} {
		rec := w.do(request{method: "POST", path: p, cookie: cookie, form: url.Values{"csrf_token": {csrf}, "removed_on-day": {"1"}, "removed_on-month": {"3"}, "removed_on-year": {"2025"}, "removal_reason": {"faulty"}}})
		if rec.Code != notf {
			t.Errorf("POST %s as Sutton: %d, want 404", p, rec.Code)
		}
	}
}

// TestAssessmentFormErrorSummary submits the page form with errors and
// checks the error summary links to each bad question and keeps answers.
func TestAssessmentFormErrorSummary(t *testing.T) {
	w := newWorld(t)
	cookie, csrf := w.session("practitioner", auth.CookieSession)
	path := fmt.Sprintf("/residents/%d/assessments", w.camRes.ID)
	page := w.do(request{path: path + "/new?instrument=ons4&timepoint=baseline", cookie: cookie})
	if page.Code != ok || !strings.Contains(page.Body.String(), `name="item.ons4_anxious"`) {
		t.Fatalf("form: %d", page.Code)
	}
	rec := w.do(request{method: "POST", path: path, cookie: cookie, form: url.Values{"csrf_token": {csrf}, "instrument": {"ons4"}, "timepoint": {"baseline"},
		"respondent": {"resident"}, "assessed_on-day": {"31"}, "assessed_on-month": {"2"}, "assessed_on-year": {"2025"},
		"item.ons4_satisfied": {"7"}, "item.ons4_worthwhile": {"eleven"}, "missing.ons4_happy": {"refused"}}})
	body := rec.Body.String()
	if rec.Code != unpr {
		t.Fatalf("bad form: %d", rec.Code)
	}
	for _, want := range []string{`<title>Error: `, `href="#assessed_on-day"`, `Date of the assessment must be a real date`, `href="#item-ons4_worthwhile"`,
		`Question 2 must be a number`, `href="#item-ons4_anxious"`, `Question 4 is required`, `value="eleven"`, `id="item-ons4_anxious"`} {
		if !strings.Contains(body, want) {
			t.Errorf("error page lacks %q", want)
		}
	}
	if strings.Contains(body, `href="#item-ons4_satisfied"`) {
		t.Error("a good answer is listed as an error")
	}
}

// TestLicensedWordingNotice shows the notice on an instrument whose
// wording is licensed and not loaded.
func TestLicensedWordingNotice(t *testing.T) {
	w := newWorld(t)
	cookie, _ := w.session("practitioner", auth.CookieSession)
	for _, c := range []struct {
		instrument string
		want       bool
	}{{"zbi12", true}, {"ons4", false}} {
		body := w.do(request{path: fmt.Sprintf("/residents/%d/assessments/new?instrument=%s&timepoint=baseline", w.camRes.ID, c.instrument), cookie: cookie}).Body.String()
		if got := strings.Contains(body, "has not loaded the licensed wording"); got != c.want {
			t.Errorf("%s: notice shown %v, want %v", c.instrument, got, c.want)
		}
	}
}
