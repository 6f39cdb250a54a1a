package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage/auth"
)

func TestParseJSON(t *testing.T) {
	tests := []struct {
		name, body string
		want       string // "" for accepted; else the message, then any fields
	}{
		{"an object", `{"device_id":1,"need":"falls"}`, ""},
		{"white space around it", " \n{\"device_id\":1}\r\n\t", ""},
		{"keys of nested objects are their own", `{"identity":{"given_name":"A"},"reference":"R"}`, ""},
		{"empty", "", "The request body is empty: send the JSON object this call takes."},
		{"white space only", "  \n", "The request body is empty: send the JSON object this call takes."},
		{"not JSON", "device_id=1", "The request body is not valid JSON."},
		{"cut short", `{"device_id":1`, "The request body is not valid JSON."},
		{"a second object", `{"device_id":1}{"device_id":2}`, "The request body must be one JSON value with nothing after it, and it has more."},
		{"stray text", `{"device_id":1} x`, "The request body must be one JSON value with nothing after it, and it has more."},
		{"a stray bracket", `{"device_id":1}]`, "The request body must be one JSON value with nothing after it, and it has more."},
		{"a key twice", `{"need":"a","device_id":1,"need":"b"}`, "The request body gives a field twice. need: appears more than once; give it once"},
		{"a key twice in another case", `{"need":"a","NEED":"b"}`, "The request body gives a field twice. NEED: appears more than once; give it once"},
		{"a key twice by Unicode folding", `{"asset_tag":"a","asſet_tag":"b"}`, "The request body gives a field twice. asſet_tag: appears more than once; give it once"},
		{"a nested key twice", `{"identity":{"given_name":"A","given_name":"B"}}`, "The request body gives a field twice. identity.given_name: appears more than once; give it once"},
		{"a key twice in a list's object", `{"answers":[{"item":"a"},{"item":"b","item":"c"}]}`, "The request body gives a field twice. answers[1].item: appears more than once; give it once"},
		{"an unknown field", `{"device_id":1,"borough_id":2}`, "The request body has a field this call does not take. borough_id: is not a field of this call"},
		{"a wrong type", `{"device_id":"one"}`, "The request body is not the JSON this call takes. device_id: must be a whole number"},
		{"a fraction for a whole number", `{"device_id":1.5}`, "The request body is not the JSON this call takes. device_id: must be a whole number"},
		{"a list for the body", `[]`, "The request body must be a JSON object."},
		{"null for the body", ` null `, "The request body is null: send the JSON object this call takes."},
		{"too deep", strings.Repeat("[", 40) + strings.Repeat("]", 40), "The request body nests objects and lists too deeply."},
	}
	for _, tt := range tests {
		var v struct {
			DeviceID int64           `json:"device_id"`
			Need     string          `json:"need"`
			AssetTag string          `json:"asset_tag"`
			Ref      string          `json:"reference"`
			Identity json.RawMessage `json:"identity"`
			Answers  json.RawMessage `json:"answers"`
		}
		err := parseJSON([]byte(tt.body), &v)
		got := ""
		if err != nil {
			got = ateval.ErrorMessage(err)
			for _, f := range ateval.ErrorFields(err) {
				got += " " + f.Field + ": " + f.Message
			}
			if code := ateval.ErrorCode(err); code != ateval.EINVALID {
				t.Errorf("%s: code %q, want %q", tt.name, code, ateval.EINVALID)
			}
		}
		if got != tt.want {
			t.Errorf("%s: parseJSON(%.60q)\n got %q\nwant %q", tt.name, tt.body, got, tt.want)
		}
	}
}

// TestStrictJSONThroughTheAPI sends bodies that encoding/json alone would
// take (a key twice, a second object after the first) to a real route:
// each is refused with 422 and nothing is stored.
func TestStrictJSONThroughTheAPI(t *testing.T) {
	w := newWorld(t)
	tok, _ := w.session("practitioner", auth.BearerSession)
	d := w.device()
	path := fmt.Sprintf("/api/v1/residents/%d/device-issues", w.camRes.ID)
	good := fmt.Sprintf(`{"device_id":%d,"issued_on":"2025-02-01","need":"falls"}`, d.ID)
	for _, c := range []struct {
		name, body, field string
	}{
		{"a key twice", fmt.Sprintf(`{"device_id":%d,"issued_on":"2025-02-01","need":"falls","need":"none"}`, d.ID), "need"},
		{"a key twice in another case", fmt.Sprintf(`{"device_id":%d,"issued_on":"2025-02-01","Device_ID":99}`, d.ID), "Device_ID"},
		{"a second object", good + good, ""},
		{"trailing text", good + " and more", ""},
		{"a bidi override in a note", fmt.Sprintf(`{"device_id":%d,"issued_on":"2025-02-01","need":"night \u202efalls"}`, d.ID), "need"},
		{"a NUL in a note", fmt.Sprintf(`{"device_id":%d,"issued_on":"2025-02-01","need":"a\u0000b"}`, d.ID), "need"},
	} {
		rec := w.do(request{method: "POST", path: path, bearer: tok, json: c.body})
		if rec.Code != unpr {
			t.Errorf("%s: %d %s, want 422", c.name, rec.Code, rec.Body.String())
			continue
		}
		fields := fieldsOf(t, rec.Body.String())
		code, _ := apiError(t, rec)
		if code != ateval.EINVALID || c.field != "" && (len(fields) != 1 || !strings.HasPrefix(fields[0], c.field+": ")) {
			t.Errorf("%s: %s %v, want %s naming %q", c.name, code, fields, ateval.EINVALID, c.field)
		}
	}
	rec := w.do(request{path: fmt.Sprintf("/api/v1/residents/%d/device-issues", w.camRes.ID), bearer: tok})
	if !strings.Contains(rec.Body.String(), `"device_issues":[]`) {
		t.Errorf("refused bodies stored something: %s", rec.Body.String())
	}
	if rec := w.do(request{method: "POST", path: path, bearer: tok, json: good}); rec.Code != 201 {
		t.Errorf("the good body: %d %s", rec.Code, rec.Body.String())
	}
}

// FuzzParseJSON feeds arbitrary bodies to the API's JSON parser. It must
// not panic; what it accepts must be one valid JSON value (json.Valid
// refuses trailing data too); and a valid JSON value may be refused only
// for a key given twice, its depth or its shape, never as malformed.
//
//	go test -run='^$' -fuzz=FuzzParseJSON -fuzztime=1m ./server
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"device_id":1,"need":"falls"}`, `{"need":"a","NEED":"b"}`, `{"a":{"b":1,"b":2}}`,
		`{"device_id":1}{}`, `[]`, `{"answers":[{"item":"x","value":1}]}`, `"\u202e"`, `{"k":"\ud800"}`, ``, `{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var v struct {
			DeviceID int64            `json:"device_id"`
			Need     string           `json:"need"`
			Answers  []map[string]any `json:"answers"`
			Identity map[string]any   `json:"identity"`
		}
		err := parseJSON([]byte(body), &v)
		valid := json.Valid([]byte(body))
		if err == nil && !valid {
			t.Fatalf("accepted %q, which is not one valid JSON value", body)
		}
		if valid && (err == errJSONSyntax || err == errJSONTrailing || err == errJSONEmpty) {
			t.Fatalf("refused valid JSON %q as malformed: %v", body, err)
		}
		if err != nil && ateval.ErrorCode(err) != ateval.EINVALID {
			t.Fatalf("%q: code %q, want %q", body, ateval.ErrorCode(err), ateval.EINVALID)
		}
		for _, fe := range ateval.ErrorFields(err) {
			if fe.Field == "" || fe.Message == "" {
				t.Fatalf("%q: a problem without a field or message: %+v", body, fe)
			}
		}
	})
}
