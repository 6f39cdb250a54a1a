package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage/auth"
)

var submissionRE = regexp.MustCompile(`name="submission" value="([^"]+)"`)

// issuesOf counts the device issues of the world's Camden resident.
func (w *world) issuesOf() int {
	w.t.Helper()
	rec, err := w.db.ResidentRecord(ateval.SystemContext(w.t.Context()), w.camRes.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return len(rec.DeviceIssues)
}

// TestIssueFormSubmittedTwice posts the issue form twice, as a double
// click or a reload does: one issue, and both answers land on the
// timeline. Sent a third time with other answers, the form is shown
// again with a new token, and recording nothing until it is sent again.
func TestIssueFormSubmittedTwice(t *testing.T) {
	w := newWorld(t)
	cookie, csrf := w.session("practitioner", auth.CookieSession)
	d := w.device()
	page := w.do(request{path: fmt.Sprintf("/residents/%d/device-issues/new", w.camRes.ID), cookie: cookie}).Body.String()
	m := submissionRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the issue form has no submission token:\n%s", page)
	}
	form := url.Values{"csrf_token": {csrf}, "submission": {m[1]}, "device_id": {fmt.Sprint(d.ID)},
		"issued_on-day": {"1"}, "issued_on-month": {"2"}, "issued_on-year": {"2025"}, "need": {"falls at night"}}
	path := fmt.Sprintf("/residents/%d/device-issues", w.camRes.ID)
	var where []string
	for range 2 {
		rec := w.do(request{method: "POST", path: path, cookie: cookie, form: form})
		if rec.Code != see {
			t.Fatalf("issue form: %d\n%.500s", rec.Code, rec.Body.String())
		}
		where = append(where, rec.Header().Get("Location"))
	}
	if where[0] != where[1] || !strings.Contains(where[0], "notice=device-issued") {
		t.Errorf("the two submissions went to %q, want both to the timeline's notice", where)
	}
	if n := w.issuesOf(); n != 1 {
		t.Errorf("%d issues after the form was sent twice, want 1", n)
	}
	form.Set("need", "wandering")
	rec := w.do(request{method: "POST", path: path, cookie: cookie, form: form})
	body := rec.Body.String()
	m2 := submissionRE.FindStringSubmatch(body)
	if rec.Code != 409 || !strings.Contains(body, "This form has already recorded a device issue for this resident") || m2 == nil || m2[1] == m[1] {
		t.Fatalf("the used form with other answers: %d, want 409 with the form and a new token\n%.1500s", rec.Code, body)
	}
	if n := w.issuesOf(); n != 1 {
		t.Errorf("%d issues after the used form came with other answers, want still 1", n)
	}
	form.Set("submission", m2[1])
	if rec := w.do(request{method: "POST", path: path, cookie: cookie, form: form}); rec.Code != see || w.issuesOf() != 2 {
		t.Errorf("the new form: %d, %d issues; want the second issue", rec.Code, w.issuesOf())
	}
}

// TestIssueAPIIdempotencyKey posts one body with one Idempotency-Key
// twice at once: one issue, both answered 201 with it, the repeat marked.
// The key with another body is 409; a key that is no token, 422; without
// a key, every call is an issue.
func TestIssueAPIIdempotencyKey(t *testing.T) {
	w := newWorld(t)
	tok, _ := w.session("practitioner", auth.BearerSession)
	d := w.device()
	path := fmt.Sprintf("/api/v1/residents/%d/device-issues", w.camRes.ID)
	body := fmt.Sprintf(`{"device_id":%d,"issued_on":"2025-02-01","asset_tag":"FD-1"}`, d.ID)
	key := map[string]string{"Idempotency-Key": "9b2f6a0e-issue-1"}
	type answer struct {
		code     int
		id       int64
		replayed string
	}
	answers := make([]answer, 2)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			rec := w.do(request{method: "POST", path: path, bearer: tok, json: body, header: key})
			var got struct {
				DeviceIssue struct{ ID int64 } `json:"device_issue"`
			}
			json.Unmarshal(rec.Body.Bytes(), &got)
			answers[i] = answer{rec.Code, got.DeviceIssue.ID, rec.Header().Get("Idempotent-Replayed")}
		}()
	}
	close(start)
	wg.Wait()
	a, b := answers[0], answers[1]
	if a.code != 201 || b.code != 201 || a.id == 0 || a.id != b.id || a.replayed+b.replayed != "true" {
		t.Errorf("the same call twice at once: %+v and %+v; want 201 twice, one issue, one marked replayed", a, b)
	}
	if n := w.issuesOf(); n != 1 {
		t.Errorf("%d issues, want 1", n)
	}
	other := fmt.Sprintf(`{"device_id":%d,"issued_on":"2025-02-02","asset_tag":"FD-2"}`, d.ID)
	rec := w.do(request{method: "POST", path: path, bearer: tok, json: other, header: key})
	if code, _ := apiError(t, rec); rec.Code != 409 || code != ateval.ECONFLICT {
		t.Errorf("the key with another issue: %d %s, want 409 conflict", rec.Code, code)
	}
	rec = w.do(request{method: "POST", path: path, bearer: tok, json: other, header: map[string]string{"Idempotency-Key": "two words"}})
	if got := fieldsOf(t, rec.Body.String()); rec.Code != unpr || len(got) != 1 || !strings.HasPrefix(got[0], "idempotency_key: ") {
		t.Errorf("a key with a space: %d %v, want 422 naming idempotency_key", rec.Code, got)
	}
	noTag := fmt.Sprintf(`{"device_id":%d,"issued_on":"2025-02-03"}`, d.ID)
	for range 2 {
		if rec := w.do(request{method: "POST", path: path, bearer: tok, json: noTag}); rec.Code != 201 {
			t.Fatalf("without a key: %d %s", rec.Code, rec.Body.String())
		}
	}
	if n := w.issuesOf(); n != 3 {
		t.Errorf("%d issues, want 3: one keyed, two without a key", n)
	}
}
