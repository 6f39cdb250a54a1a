package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage/auth"
)

// contract checks live answers of the server against openapi.json with
// kin-openapi's request and response validation (openapi3filter), not a
// checker of our own: every request sent must be one the document
// describes, and every answer must have a documented status, content type
// and a body its schema accepts. It records which operations were called.
type contract struct {
	t      *testing.T
	w      *world
	router routers.Router
	called map[string]map[int]bool // "METHOD /path" → statuses seen
}

func newContract(t *testing.T, w *world) *contract {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openAPIJSON)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI 3 document: %v", err)
	}
	closeSchemas(doc)
	// The document's server is relative (/api/v1); the router matches a
	// request's whole URL against it, so give it the test's host.
	doc.Servers = openapi3.Servers{{URL: "http://example.com/api/v1"}}
	r, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &contract{t: t, w: w, router: r, called: map[string]map[int]bool{}}
}

// do sends r, checks the request and the answer against the document,
// and returns the answer.
func (k *contract) do(r request) *httptest.ResponseRecorder {
	k.t.Helper()
	rec := k.w.do(r)
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if r.json != "" {
		body = strings.NewReader(r.json)
	}
	req := httptest.NewRequest(method, "http://example.com"+r.path, body)
	if r.json != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for h, v := range r.header {
		req.Header.Set(h, v)
	}
	route, params, err := k.router.FindRoute(req)
	if err != nil {
		k.t.Errorf("%s %s is not an operation of openapi.json: %v", method, r.path, err)
		return rec
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	ctx := context.Background()
	// A request the test sends to be refused (a body too large, a null
	// body, a wrong type) is not checked against the request schema.
	if rec.Code < 400 {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			k.t.Errorf("%s %s: the request does not match openapi.json: %v", method, r.path, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Body:    io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		k.t.Errorf("%s %s answered %d, which openapi.json does not describe: %v\n%.600s", method, r.path, rec.Code, err, rec.Body.String())
	}
	op := method + " " + route.Path
	if k.called[op] == nil {
		k.called[op] = map[int]bool{}
	}
	k.called[op][rec.Code] = true
	return rec
}

// TestAPIAgainstDocument calls every operation of the API, as each role
// that may, with the answers that matter (created, refused, not found,
// invalid, too large), and validates each live answer against
// openapi.json with kin-openapi. It fails if an operation of the document
// was never called.
func TestAPIAgainstDocument(t *testing.T) {
	w := newWorld(t)
	k := newContract(t, w)
	mine := exports.Agreement{Name: "UCL falls study", Purpose: "falls outcomes", Boroughs: []string{"camden", "sutton"},
		ExpiresOn: ateval.DateOf(time.Now()).AddDays(365), Evaluators: []string{"evaluator@test.example"}, MinK: 2}
	if err := w.db.CreateAgreement(ateval.SystemContext(context.Background()), &mine, forms.Default()); err != nil {
		t.Fatal(err)
	}
	prac, _ := w.session("practitioner", auth.BearerSession)
	admin, _ := w.session("admin", auth.BearerSession)
	eval, _ := w.session("evaluator", auth.BearerSession)
	lead, _ := w.session("borough_lead", auth.BearerSession)
	today := ateval.DateOf(w.db.Now()).String()

	k.do(request{path: "/api/v1/openapi.json"})
	if rec := k.do(request{method: "POST", path: "/api/v1/login", json: `{"email":"practitioner@test.example","password":"` + testPassword + `"}`}); rec.Code != http.StatusOK {
		t.Fatalf("login: %d %s", rec.Code, rec.Body.String())
	}
	k.do(request{method: "POST", path: "/api/v1/login", json: `{"email":"practitioner@test.example","password":"wrong password!"}`})
	k.do(request{method: "POST", path: "/api/v1/login", json: `{"email":1}`})
	k.do(request{path: "/api/v1/me", bearer: prac})
	k.do(request{path: "/api/v1/me"})

	// The register: create, read, change, list.
	rec := k.do(request{method: "POST", path: "/api/v1/residents", bearer: prac, json: `{"reference":"CAM-0200","year_of_birth":1941,"sex":"female",
		"ethnic_group":"white","living_alone":true,"primary_support_reason":"physical","registered_on":"2025-01-01",
		"identity":{"given_name":"Edith","family_name":"Example","nhs_number":"9434765919","postcode":"NW1 0AA"}}`})
	var created struct {
		Resident struct{ ID int64 } `json:"resident"`
	}
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &created) != nil {
		t.Fatalf("register: %d %s", rec.Code, rec.Body.String())
	}
	id := created.Resident.ID
	res := fmt.Sprintf("/api/v1/residents/%d", id)
	k.do(request{method: "POST", path: "/api/v1/residents", bearer: prac, json: `{"reference":""}`})
	k.do(request{method: "POST", path: "/api/v1/residents", bearer: eval, json: `{"reference":"X"}`})
	// Federation: what is not a bundle is refused, as documented.
	k.do(request{method: "POST", path: "/api/v1/federation/bundles", bearer: lead, json: `{}`})
	k.do(request{method: "PATCH", path: res, bearer: prac, json: `{"group":"intervention","enrolled_on":"` + today + `"}`})
	k.do(request{method: "PATCH", path: res, bearer: prac, json: `null`})
	k.do(request{method: "PATCH", path: res, bearer: prac, json: `{}`})
	k.do(request{method: "PATCH", path: fmt.Sprintf("/api/v1/residents/%d", w.sutRes.ID), bearer: prac, json: `{"living_alone":true}`})
	k.do(request{path: res, bearer: prac})
	k.do(request{path: fmt.Sprintf("/api/v1/residents/%d", w.sutRes.ID), bearer: prac})
	k.do(request{path: res, bearer: eval})
	k.do(request{path: "/api/v1/residents", bearer: prac})
	k.do(request{path: "/api/v1/residents?q=CAM", bearer: lead})
	k.do(request{path: "/api/v1/residents", bearer: admin})
	k.do(request{path: "/api/v1/residents"})

	// Devices issued, installed, removed.
	d := w.device()
	rec = k.do(request{method: "POST", path: res + "/device-issues", bearer: prac, header: map[string]string{"Idempotency-Key": "issue-1"},
		json: fmt.Sprintf(`{"device_id":%d,"issued_on":"%s","need":"falls at night"}`, d.ID, today)})
	var issued struct {
		DeviceIssue struct{ ID int64 } `json:"device_issue"`
	}
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &issued) != nil {
		t.Fatalf("issue: %d %s", rec.Code, rec.Body.String())
	}
	k.do(request{method: "POST", path: res + "/device-issues", bearer: prac, header: map[string]string{"Idempotency-Key": "issue-1"},
		json: fmt.Sprintf(`{"device_id":%d,"issued_on":"%s","need":"falls at night"}`, d.ID, today)})
	k.do(request{method: "POST", path: res + "/device-issues", bearer: prac, header: map[string]string{"Idempotency-Key": "issue-1"},
		json: fmt.Sprintf(`{"device_id":%d,"issued_on":"%s","need":"another need"}`, d.ID, today)})
	k.do(request{method: "POST", path: res + "/device-issues", bearer: prac, json: `{"device_id":0}`})
	k.do(request{path: res + "/device-issues", bearer: prac})
	k.do(request{path: "/api/v1/residents/999999/device-issues", bearer: prac})
	issue := fmt.Sprintf("/api/v1/device-issues/%d", issued.DeviceIssue.ID)
	k.do(request{method: "PATCH", path: issue, bearer: prac, json: `{"installed_on":"` + today + `"}`})
	k.do(request{method: "PATCH", path: issue, bearer: prac, json: `{"removed_on":"` + today + `","removal_reason":"other"}`})
	k.do(request{method: "PATCH", path: issue, bearer: prac, json: `null`})
	k.do(request{method: "PATCH", path: "/api/v1/device-issues/999999", bearer: prac, json: `{"need":"x"}`})

	// Assessments: recorded, listed (JSON), refused.
	good := `{"instrument":"ons4","timepoint":"baseline","assessed_on":"` + today + `","respondent":"resident","answers":[
		{"item":"ons4_satisfied","value":7},{"item":"ons4_worthwhile","value":8},{"item":"ons4_happy","missing":"refused"},{"item":"ons4_anxious","value":2}]}`
	rec = k.do(request{method: "POST", path: res + "/assessments", bearer: prac, json: good})
	var recorded struct {
		Assessment struct{ ID int64 } `json:"assessment"`
	}
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &recorded) != nil {
		t.Fatalf("assessment: %d %s", rec.Code, rec.Body.String())
	}
	// One assessment read, corrected, refused, and taken out as entered
	// in error, after which it is not corrected.
	one := fmt.Sprintf("/api/v1/assessments/%d", recorded.Assessment.ID)
	k.do(request{path: one, bearer: prac})
	k.do(request{path: one, bearer: eval})
	k.do(request{path: "/api/v1/assessments/999999", bearer: prac})
	k.do(request{method: "PATCH", path: one, bearer: prac, json: `{"answers":[{"item":"ons4_satisfied","value":6},{"item":"ons4_worthwhile","value":8},
		{"item":"ons4_happy","value":5},{"item":"ons4_anxious","value":2}],"reason":"question 3 was answered; typed as refused"}`})
	k.do(request{method: "PATCH", path: one, bearer: prac, json: `{"respondent":"carer"}`})
	if rec := k.do(request{method: "PATCH", path: one, bearer: prac, json: `{"entered_in_error":true,"reason":"recorded for the wrong resident"}`}); rec.Code != ok {
		t.Errorf("entered in error: %d %s", rec.Code, rec.Body.String())
	}
	k.do(request{method: "PATCH", path: one, bearer: prac, json: `{"respondent":"proxy","reason":"too late"}`})
	k.do(request{path: one, bearer: prac})
	// An objection recorded and withdrawn: the record then lists the
	// withdrawal, and its assessments the one entered in error.
	k.do(request{method: "PATCH", path: res, bearer: prac, json: `{"objected_on":"` + today + `"}`})
	k.do(request{method: "PATCH", path: res, bearer: prac, json: `{"objected_on":null}`})
	record := k.do(request{path: res, bearer: prac}).Body.String()
	for _, want := range []string{`"objection_withdrawals":[{`, `"entered_in_error":true`} {
		if !strings.Contains(record, want) {
			t.Errorf("the record lacks %s: %s", want, record[max(0, len(record)-3000):])
		}
	}
	k.do(request{method: "POST", path: res + "/assessments", bearer: prac, json: good})
	k.do(request{method: "POST", path: res + "/assessments", bearer: prac, json: `{"instrument":"ons4","answers":[{"item":"ons4_satisfied","value":11}]}`})
	k.do(request{path: res + "/assessments", bearer: prac})
	k.do(request{path: res + "/assessments", bearer: prac, header: map[string]string{"Accept": "application/fhir+json"}})
	k.do(request{path: fmt.Sprintf("/api/v1/residents/%d/assessments", w.sutRes.ID), bearer: prac})
	k.do(request{path: "/api/v1/due", bearer: prac})
	k.do(request{path: "/api/v1/due", bearer: eval})

	// The shared catalogue and the framework.
	k.do(request{path: "/api/v1/framework", bearer: eval})
	k.do(request{path: "/api/v1/devices", bearer: prac})
	k.do(request{method: "POST", path: "/api/v1/device-categories", bearer: admin, json: `{"id":"smart-plug","name":"Smart plug"}`})
	k.do(request{method: "POST", path: "/api/v1/device-categories", bearer: admin, json: `{"id":"","name":""}`})
	k.do(request{method: "POST", path: "/api/v1/device-categories", bearer: prac, json: `{"id":"smart-kettle","name":"Smart kettle"}`})
	// A body over the server's limit is refused before it is read whole.
	k.do(request{method: "POST", path: "/api/v1/device-categories", bearer: admin, json: `{"id":"big","name":"` + strings.Repeat("x", 2<<20) + `"}`})

	// Evidence, agreements and exports.
	k.do(request{path: "/api/v1/reports", bearer: eval})
	k.do(request{path: "/api/v1/reports?outcome=no-such-outcome", bearer: eval})
	k.do(request{path: "/api/v1/reports", bearer: prac})
	k.do(request{path: "/api/v1/agreements", bearer: eval})
	k.do(request{path: "/api/v1/agreements", bearer: admin})
	k.do(request{path: "/api/v1/agreements", bearer: prac})
	k.do(request{method: "POST", path: "/api/v1/exports", bearer: eval, json: fmt.Sprintf(`{"agreement":%d,"layout":"wide","k":2}`, mine.ID)})
	k.do(request{method: "POST", path: "/api/v1/exports", bearer: eval, json: `{"agreement":99999}`})
	k.do(request{method: "POST", path: "/api/v1/exports", bearer: eval, json: `{"agreement":0}`})
	k.do(request{method: "POST", path: "/api/v1/exports", bearer: prac, json: `{"agreement":1}`})

	k.do(request{path: "/api/v1/audit", bearer: admin})
	k.do(request{path: "/api/v1/audit?from=not-a-date", bearer: admin})
	k.do(request{path: "/api/v1/audit", bearer: prac})
	k.do(request{method: "POST", path: "/api/v1/logout", bearer: lead})
	k.do(request{method: "POST", path: "/api/v1/logout"})

	// Every operation of the document was called.
	var missed []string
	for _, op := range documentedOperations(t) {
		if k.called[op] == nil {
			missed = append(missed, op)
		}
	}
	sort.Strings(missed)
	if len(missed) > 0 {
		t.Errorf("operations never called: %s", strings.Join(missed, ", "))
	}
}

// documentedOperations lists "METHOD /path" for every operation of
// openapi.json.
func documentedOperations(t *testing.T) []string {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openAPIJSON)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, method+" "+path)
		}
	}
	return out
}

// closeSchemas makes every object schema of the document that lists its
// properties refuse any property it does not list, as though each said
// "additionalProperties": false, and merges an allOf of objects into one
// such schema. The document leaves answers open, so that a client keeps
// working when a field is added; the test closes them, so that a field an
// answer gives but the document does not describe fails here. A schema
// that lists no properties ({"type": "object"}) stays open.
func closeSchemas(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(r *openapi3.SchemaRef)
	walk = func(r *openapi3.SchemaRef) {
		if r == nil || r.Value == nil || seen[r.Value] {
			return
		}
		s := r.Value
		seen[s] = true
		for _, parts := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, p := range parts {
				walk(p)
			}
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
		if len(s.AllOf) > 0 {
			merged := openapi3.Schemas{}
			for _, p := range s.AllOf {
				if p.Value == nil || len(p.Value.Properties) == 0 {
					return // not a union of objects: left as it is
				}
				for k, v := range p.Value.Properties {
					merged[k] = v
				}
			}
			for k, v := range s.Properties {
				merged[k] = v
			}
			s.AllOf, s.Properties, s.Type = nil, merged, &openapi3.Types{openapi3.TypeObject}
		}
		if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			s.AdditionalProperties = openapi3.AdditionalProperties{Has: openapi3.Ptr(false)}
		}
	}
	content := func(c openapi3.Content) {
		for _, mt := range c {
			walk(mt.Schema)
		}
	}
	for _, r := range doc.Components.Schemas {
		walk(r)
	}
	for _, r := range doc.Components.Responses {
		if r.Value != nil {
			content(r.Value.Content)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				content(op.RequestBody.Value.Content)
			}
			for _, r := range op.Responses.Map() {
				if r.Value != nil {
					content(r.Value.Content)
				}
			}
		}
	}
}
