package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
)

// apiCall sends a JSON request over real HTTP to the site, with a bearer
// token if given, and returns the status and body.
func apiCall(t *testing.T, site *Site, method, path, token, body string) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, site.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// apiToken signs in over the API and returns the bearer token.
func apiToken(t *testing.T, site *Site, email string) string {
	t.Helper()
	code, body := apiCall(t, site, "POST", "/api/v1/login", "", fmt.Sprintf(`{"email":%q,"password":%q}`, email, Password))
	var out struct{ Token string }
	if code != http.StatusOK || json.Unmarshal(body, &out) != nil || out.Token == "" {
		t.Fatalf("sign in as %s: %d %s", email, code, body)
	}
	return out.Token
}

type apiRecord struct {
	Assessment       forms.Assessment `json:"assessment"`
	EnteredInErrorAt *string          `json:"entered_in_error_at"`
	Versions         []struct {
		Assessment forms.Assessment `json:"assessment"`
		Change     string           `json:"change"`
		ChangedBy  string           `json:"changed_by"`
		Reason     string           `json:"reason"`
	} `json:"versions"`
}

// TestAssessmentAPI reads and corrects an assessment of the committed
// sample over the API, with the rules of its page: the borough's
// practitioner and lead read it, with its versions; a correction needs a
// reason, keeps the answers it replaces as a version with who and why,
// and is audited; entered in error, it is not corrected; another
// borough's practitioner finds no such assessment, and an evaluator may
// neither read nor correct it.
func TestAssessmentAPI(t *testing.T) {
	site := Start(t, Options{Sample: true})
	tl := site.FindResident(t, "CAM-", func(tl storage.Timeline) bool {
		for _, a := range tl.Assessments {
			if a.Instrument == "swemwbs" && !a.EnteredInError && a.Answers[0].Value != nil {
				return true
			}
		}
		return false
	})
	var a forms.Assessment
	for _, x := range tl.Assessments {
		if x.Instrument == "swemwbs" && !x.EnteredInError && x.Answers[0].Value != nil {
			a = x
			break
		}
	}
	path := fmt.Sprintf("/api/v1/assessments/%d", a.ID)
	prac := apiToken(t, site, "practitioner.camden@demo.ateval")
	lead := apiToken(t, site, "lead.camden@demo.ateval")
	other := apiToken(t, site, "practitioner.sutton@demo.ateval")
	eval := apiToken(t, site, "evaluator@demo.ateval")

	read := func(token string) apiRecord {
		t.Helper()
		code, body := apiCall(t, site, "GET", path, token, "")
		var rec apiRecord
		if code != http.StatusOK || json.Unmarshal(body, &rec) != nil {
			t.Fatalf("GET %s: %d %s", path, code, body)
		}
		return rec
	}
	if rec := read(prac); rec.Assessment.ID != a.ID || len(rec.Versions) != 0 || rec.EnteredInErrorAt != nil {
		t.Errorf("as recorded: %+v", rec)
	}
	read(lead)

	// The new answers: the first question's answer changed, every other
	// as recorded.
	was := *a.Answers[0].Value
	now := 1 + float64(int(was)%5) // 1 to 5, never was
	answers := append([]forms.Answer(nil), a.Answers...)
	answers[0].Value = &now
	ans, _ := json.Marshal(answers)
	correction := fmt.Sprintf(`{"answers":%s,"reason":"question 1 was misread from the paper form"}`, ans)

	for _, c := range []struct {
		who, token, body string
		want             int
	}{
		{"another borough's practitioner reads", other, "", http.StatusNotFound},
		{"another borough's practitioner corrects", other, correction, http.StatusNotFound},
		{"an evaluator reads", eval, "", http.StatusForbidden},
		{"an evaluator corrects", eval, correction, http.StatusForbidden},
		{"no one signed in corrects", "", correction, http.StatusUnauthorized},
		{"a correction with no reason", prac, fmt.Sprintf(`{"answers":%s}`, ans), http.StatusUnprocessableEntity},
		{"both at once", prac, fmt.Sprintf(`{"answers":%s,"entered_in_error":true,"reason":"x"}`, ans), http.StatusUnprocessableEntity},
	} {
		method := "GET"
		if c.body != "" {
			method = "PATCH"
		}
		code, body := apiCall(t, site, method, path, c.token, c.body)
		if code != c.want {
			t.Errorf("%s: %d, want %d: %s", c.who, code, c.want, body)
		}
		if c.want == http.StatusUnprocessableEntity && !strings.Contains(string(body), `"field":"reason"`) && !strings.Contains(string(body), `"field":"entered_in_error"`) {
			t.Errorf("%s: the error names no field: %s", c.who, body)
		}
	}
	if rec := read(prac); len(rec.Versions) != 0 || *rec.Assessment.Answers[0].Value != was {
		t.Fatalf("a refused change changed the assessment: %+v", rec)
	}

	code, body := apiCall(t, site, "PATCH", path, prac, correction)
	var rec apiRecord
	if code != http.StatusOK || json.Unmarshal(body, &rec) != nil {
		t.Fatalf("the correction: %d %s", code, body)
	}
	if got := *rec.Assessment.Answers[0].Value; got != now {
		t.Errorf("question 1 after the correction: %v, want %v", got, now)
	}
	if len(rec.Versions) != 1 || rec.Versions[0].Change != "corrected" || rec.Versions[0].ChangedBy != "practitioner.camden@demo.ateval" ||
		rec.Versions[0].Reason != "question 1 was misread from the paper form" || *rec.Versions[0].Assessment.Answers[0].Value != was {
		t.Errorf("the version kept: %+v", rec.Versions)
	}
	sys := ateval.SystemContext(context.Background())
	es, _, err := site.DB.AuditLog(sys, storage.AuditFilter{Action: ateval.ActionCorrectAssessment})
	if err != nil || len(es) != 1 || es[0].ObjectID != a.ID || es[0].UserEmail != "practitioner.camden@demo.ateval" || es[0].Detail != "answers" {
		t.Errorf("the correction's audit entries: %+v %v", es, err)
	}

	code, body = apiCall(t, site, "PATCH", path, prac, `{"entered_in_error":true,"reason":"recorded for the wrong resident"}`)
	if code != http.StatusOK || json.Unmarshal(body, &rec) != nil || rec.EnteredInErrorAt == nil || !rec.Assessment.EnteredInError || len(rec.Versions) != 2 {
		t.Fatalf("entered in error: %d %s", code, body)
	}
	if code, body := apiCall(t, site, "PATCH", path, prac, correction); code != http.StatusConflict {
		t.Errorf("a correction of an assessment entered in error: %d %s", code, body)
	}
	if es, _, _ := site.DB.AuditLog(sys, storage.AuditFilter{Action: ateval.ActionAssessmentInError}); len(es) != 1 || es[0].ObjectID != a.ID {
		t.Errorf("entered in error's audit entries: %+v", es)
	}
}
