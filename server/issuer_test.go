package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage/auth"
)

// TestIssuedByPage checks the issue form offers the borough's staff, the
// signed-in user chosen, and records whom the form names, refusing an
// account of another borough and anything not from the list.
func TestIssuedByPage(t *testing.T) {
	w := newWorld(t)
	cookie, csrf := w.session("practitioner", auth.CookieSession)
	d := w.device()
	page := w.do(request{path: fmt.Sprintf("/residents/%d/device-issues/new", w.camRes.ID), cookie: cookie}).Body.String()
	sel := regexp.MustCompile(`(?s)<select[^>]* name="issued_by"[^>]*>(.*?)</select>`).FindStringSubmatch(page)
	if sel == nil {
		t.Fatalf("the issue form has no issued_by select:\n%s", page)
	}
	want := fmt.Sprintf(`<option value="%d">borough_lead@test.example</option> <option value="%d" selected>practitioner@test.example</option>`,
		w.users["borough_lead"].ID, w.users["practitioner"].ID)
	if got := strings.Join(strings.Fields(sel[1]), " "); got != want {
		t.Errorf("issued_by offers\n %s\nwant\n %s", got, want)
	}
	post := func(issuedBy string) (int, string) {
		form := url.Values{"csrf_token": {csrf}, "device_id": {fmt.Sprint(d.ID)}, "issued_on-day": {"1"}, "issued_on-month": {"2"}, "issued_on-year": {"2025"}, "issued_by": {issuedBy}}
		rec := w.do(request{method: "POST", path: fmt.Sprintf("/residents/%d/device-issues", w.camRes.ID), cookie: cookie, form: form})
		return rec.Code, rec.Body.String()
	}
	if code, body := post(fmt.Sprint(w.users["borough_lead"].ID)); code != see {
		t.Fatalf("issued by the lead: %d\n%.500s", code, body)
	}
	for _, c := range []struct{ value, want string }{
		{fmt.Sprint(w.users["other_borough"].ID), "Issued by must be a member of staff of the resident&#39;s borough"},
		{fmt.Sprint(w.users["commissioner"].ID), "Issued by must be a member of staff of the resident&#39;s borough"},
		{"Jo Bloggs", "Issued by must be chosen from the list of your borough&#39;s staff"},
	} {
		if code, body := post(c.value); code != unpr || !strings.Contains(body, c.want) {
			t.Errorf("issued by %q: %d, want 422 saying %q", c.value, code, c.want)
		}
	}
	tl, err := w.db.ResidentTimeline(ateval.SystemContext(t.Context()), w.srv.framework(), w.camRes.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.DeviceIssues) != 1 || tl.DeviceIssues[0].IssuedByID != w.users["borough_lead"].ID {
		t.Fatalf("issues %+v, want one issued by the lead", tl.DeviceIssues)
	}
	view := w.do(request{path: fmt.Sprintf("/device-issues/%d", tl.DeviceIssues[0].ID), cookie: cookie}).Body.String()
	if !strings.Contains(view, "1 February 2025 by borough_lead@test.example") {
		t.Errorf("the issue's page does not say who issued it:\n%.1500s", view)
	}
}

// TestIssuedByAPI names the issuer by email or id, or leaves it to the
// caller, and refuses anyone else, a value of another kind, and text.
func TestIssuedByAPI(t *testing.T) {
	w := newWorld(t)
	tok, _ := w.session("practitioner", auth.BearerSession)
	d := w.device()
	path := fmt.Sprintf("/api/v1/residents/%d/device-issues", w.camRes.ID)
	lead := w.users["borough_lead"]
	for _, c := range []struct {
		name, issuedBy string // issuedBy is JSON, or "" to leave it out
		wantID         int64
		wantErr        string
	}{
		{"left out", "", w.users["practitioner"].ID, ""},
		{"null", "null", w.users["practitioner"].ID, ""},
		{"by email", `"BOROUGH_LEAD@test.example"`, lead.ID, ""},
		{"by id", fmt.Sprint(lead.ID), lead.ID, ""},
		{"by id as a string", fmt.Sprintf(`"%d"`, lead.ID), lead.ID, ""},
		{"another borough's", `"other_borough@test.example"`, 0, "issued_by: must be a member of staff of the resident's borough"},
		{"a commissioner by id", fmt.Sprint(w.users["commissioner"].ID), 0, "issued_by: must be a member of staff of the resident's borough"},
		{"a name", `"Jo Bloggs"`, 0, "issued_by: must be a member of staff of the resident's borough"},
		{"true", `true`, 0, "issued_by: must be a member of staff's email (a string) or account id (a whole number)"},
		{"a negative id", `-3`, 0, "issued_by: must be a member of staff's email (a string) or account id (a whole number)"},
		{"an object", `{"email":"borough_lead@test.example"}`, 0, "issued_by: must be a member of staff's email (a string) or account id (a whole number)"},
	} {
		body := fmt.Sprintf(`{"device_id":%d,"issued_on":"2025-02-01"`, d.ID)
		if c.issuedBy != "" {
			body += `,"issued_by":` + c.issuedBy
		}
		rec := w.do(request{method: "POST", path: path, bearer: tok, json: body + "}"})
		if c.wantErr != "" {
			if got := fieldsOf(t, rec.Body.String()); rec.Code != unpr || len(got) != 1 || !strings.HasPrefix(got[0], c.wantErr) {
				t.Errorf("%s: %d %v, want 422 %q", c.name, rec.Code, got, c.wantErr)
			}
			continue
		}
		var got struct {
			DeviceIssue struct {
				IssuedByID int64  `json:"issued_by_id"`
				IssuedBy   string `json:"issued_by"`
			} `json:"device_issue"`
		}
		if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &got) != nil || got.DeviceIssue.IssuedByID != c.wantID ||
			!strings.HasSuffix(got.DeviceIssue.IssuedBy, "@test.example") {
			t.Errorf("%s: %d %s, want 201 issued by %d", c.name, rec.Code, rec.Body.String(), c.wantID)
		}
	}
	rec := w.do(request{method: "POST", path: path, bearer: tok, json: fmt.Sprintf(`{"device_id":%d,"issued_on":"2025-02-01","issued_by_text":"Jo"}`, d.ID)})
	if got := fieldsOf(t, rec.Body.String()); rec.Code != unpr || len(got) != 1 || !strings.HasPrefix(got[0], "issued_by_text: is not a field") {
		t.Errorf("issued_by_text from the API: %d %v, want refused as unknown", rec.Code, got)
	}
}

// FuzzStaffRef feeds arbitrary JSON values to the issued_by field's
// parser: it must not panic, and what it accepts names one account by a
// positive id or a trimmed email, or no one.
//
//	go test -run='^$' -fuzz=FuzzStaffRef -fuzztime=1m ./server
func FuzzStaffRef(f *testing.F) {
	for _, s := range []string{`"a@b.example"`, `12`, `"12"`, `null`, `true`, `-1`, `1.5`, `1e3`, `{}`, `[]`, `" "`, `"\u0000"`, `99999999999999999999`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var r staffRef
		if err := r.UnmarshalJSON([]byte(in)); err != nil {
			return
		}
		if r.ID < 0 || r.ID > 0 && r.Email != "" || r.Email != strings.TrimSpace(r.Email) {
			t.Fatalf("%q gave %+v", in, r)
		}
	})
}
