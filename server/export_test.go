package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
)

// agreements registers three agreements: one naming the evaluator, one
// naming only the other evaluator, and one naming the evaluator that has
// expired. It returns their ids.
func (w *world) agreements() (mine, theirs, expired int64) {
	w.t.Helper()
	sys := ateval.SystemContext(context.Background())
	mk := func(name string, evaluators ...string) int64 {
		a := exports.Agreement{Name: name, Purpose: "falls outcomes", Boroughs: []string{"camden", "brent", "croydon"},
			ExpiresOn: ateval.DateOf(time.Now()).AddDays(365), Evaluators: evaluators}
		if err := w.db.CreateAgreement(sys, &a, forms.Default()); err != nil {
			w.t.Fatal(err)
		}
		return a.ID
	}
	mine = mk("UCL falls study", "evaluator@test.example")
	theirs = mk("LSE costs study", "other_evaluator@test.example")
	// An agreement made two years ago that ran for one.
	defer func() { w.db.Now = time.Now }()
	w.db.Now = func() time.Time { return time.Now().AddDate(-2, 0, 0) }
	a := exports.Agreement{Name: "Old study", Purpose: "p", Boroughs: []string{"camden"}, ExpiresOn: ateval.DateOf(time.Now().AddDate(-1, 0, 0)),
		Evaluators: []string{"evaluator@test.example"}}
	if err := w.db.CreateAgreement(sys, &a, forms.Default()); err != nil {
		w.t.Fatal(err)
	}
	return mine, theirs, a.ID
}

// TestExportPage exports through the page as an evaluator: the page
// lists only the agreements naming them; the form streams a CSV with no
// identifier, audited; another's agreement and an expired one are
// refused with a message that says why.
func TestExportPage(t *testing.T) {
	w, residentsCSV := newEvidenceWorld(t)
	mine, theirs, expired := w.agreements()
	strict := w.strictAgreement()
	cookie, csrf := w.session("evaluator", auth.CookieSession)
	page := w.do(request{path: "/exports", cookie: cookie})
	body := page.Body.String()
	if page.Code != ok || !strings.Contains(body, "UCL falls study") || strings.Contains(body, "LSE costs study") || !strings.Contains(body, "Expired ") {
		t.Fatalf("GET /exports: %d; want the evaluator's agreements (one expired) and not another's\n%.2000s", page.Code, body)
	}
	// The newest agreement, listed and chosen first, sets k at least 8:
	// the form offers 8.
	if !strings.Contains(body, `<td class="app-table__cell" data-label="Minimum k">8</td>`) || !strings.Contains(body, `name="k" type="text" inputmode="numeric" value="8"`) {
		t.Errorf("GET /exports: want each agreement's minimum k, and the chosen one's as the form's k\n%.3000s", body)
	}
	if !csrfRE.MatchString(body) {
		t.Fatal("the export form has no CSRF field")
	}

	post := func(form url.Values) *httptest.ResponseRecorder {
		return w.do(request{method: "POST", path: "/exports", cookie: cookie, form: form})
	}
	rec := post(url.Values{"csrf_token": {csrf}, "agreement": {fmt.Sprint(mine)}, "layout": {"long"}, "k": {"5"}})
	if rec.Code != ok || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("POST /exports: %d %s\n%.500s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil || len(rows) < 10 {
		t.Fatalf("export: %d rows, %v", len(rows), err)
	}
	if h := rows[0]; h[0] != "pseudonym" || !contains(h, "age_band") || !contains(h, "borough") {
		t.Errorf("export header %v: want pseudonym, age_band, borough", h[:min(len(h), 8)])
	}
	exported := rec.Body.String()
	for _, secret := range identifiers(t, residentsCSV) {
		if strings.Contains(exported, secret) {
			t.Fatalf("the export holds an identifier %q", secret)
		}
	}
	es, _, err := w.db.AuditLog(ateval.SystemContext(context.Background()), storage.AuditFilter{Action: ateval.ActionExport})
	if err != nil || len(es) != 2 || !strings.Contains(es[0].Detail, "sha256") || es[0].UserEmail != "evaluator@test.example" || es[0].ObjectID != mine {
		t.Errorf("audit of the export: %+v (%v); want a start and a finished entry with the SHA-256", es, err)
	}

	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		says   string
	}{
		{"another's agreement", url.Values{"agreement": {fmt.Sprint(theirs)}}, http.StatusForbidden, "not named on data sharing agreement"},
		{"an expired agreement", url.Values{"agreement": {fmt.Sprint(expired)}}, http.StatusForbidden, "expired on"},
		{"no agreement", url.Values{}, http.StatusUnprocessableEntity, "Choose the data sharing agreement"},
		{"k of 1", url.Values{"agreement": {fmt.Sprint(mine)}, "k": {"1"}}, http.StatusUnprocessableEntity, fmt.Sprintf("Data sharing agreement %d sets a minimum k of 5", mine)},
		{"k below the agreement's minimum", url.Values{"agreement": {fmt.Sprint(strict)}, "k": {"7"}}, http.StatusUnprocessableEntity, fmt.Sprintf("Data sharing agreement %d sets a minimum k of 8", strict)},
		{"k not a number", url.Values{"agreement": {fmt.Sprint(mine)}, "k": {"five"}}, http.StatusUnprocessableEntity, "k must be a whole number"},
		{"a third layout", url.Values{"agreement": {fmt.Sprint(mine)}, "layout": {"tall"}}, http.StatusUnprocessableEntity, "Choose long or wide"},
	} {
		tc.form.Set("csrf_token", csrf)
		rec := post(tc.form)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.says) || !strings.Contains(rec.Body.String(), "app-error-summary") {
			t.Errorf("%s: %d, want %d with an error summary saying %q\n%.300s", tc.name, rec.Code, tc.status, tc.says, rec.Body.String())
		}
	}
	if rec := post(url.Values{"agreement": {fmt.Sprint(mine)}}); rec.Code != forb || strings.Contains(rec.Body.String(), "pseudonym") {
		t.Errorf("export without the CSRF token: %d, want 403", rec.Code)
	}
	if es, _, _ := w.db.AuditLog(ateval.SystemContext(context.Background()), storage.AuditFilter{Action: ateval.ActionExport}); len(es) != 2 {
		t.Errorf("refused exports left %d audit entries, want the 2 of the one export", len(es))
	}
	w.checkRefusalsAudited(
		fmt.Sprintf("%d refused: invalid, k_below_agreement_minimum", strict),
		fmt.Sprintf("%d refused: invalid, k_below_agreement_minimum", mine),
		fmt.Sprintf("%d refused: forbidden, agreement_expired", expired),
		fmt.Sprintf("%d refused: forbidden", theirs))

	// The codebook, both ways, and the disclosure report.
	for path, want := range map[string]string{
		fmt.Sprintf("/exports/codebook?agreement=%d&layout=wide", mine):             "# Codebook",
		fmt.Sprintf("/exports/codebook?agreement=%d&layout=long&format=json", mine): `"columns"`,
		fmt.Sprintf("/exports/disclosure?agreement=%d", mine):                       "k = 5",
		// The syntax that reads the CSV the form downloads, by its name.
		fmt.Sprintf("/exports/codebook?agreement=%d&layout=wide&format=r", mine):     fmt.Sprintf(`read.csv("ateval-agreement-%d-wide.csv"`, mine),
		fmt.Sprintf("/exports/codebook?agreement=%d&layout=wide&format=stata", mine): fmt.Sprintf(`import delimited using `+"`"+`"ateval-agreement-%d-wide.csv"'`, mine),
		fmt.Sprintf("/exports/codebook?agreement=%d&layout=long&format=spss", mine):  fmt.Sprintf(`/FILE='ateval-agreement-%d-long.csv'`, mine),
	} {
		rec := w.do(request{path: path, cookie: cookie})
		if rec.Code != ok || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET %s: %d, want %q in\n%.300s", path, rec.Code, want, rec.Body.String())
		}
	}
	if rec := w.do(request{path: fmt.Sprintf("/exports/codebook?agreement=%d", theirs), cookie: cookie}); rec.Code != forb {
		t.Errorf("another's codebook: %d, want 403", rec.Code)
	}

	// The administrator's register names who is on each agreement, and
	// names more: then the evaluator may export under it.
	admin, adminCSRF := w.session("admin", auth.CookieSession)
	reg := w.do(request{path: "/admin/agreements", cookie: admin}).Body.String()
	for _, want := range []string{"UCL falls study", "LSE costs study", "evaluator@test.example", "other_evaluator@test.example", "Expired ", "Minimum k", `<td class="app-table__cell">8</td>`} {
		if !strings.Contains(reg, want) {
			t.Errorf("the register page lacks %q", want)
		}
	}
	name := func(emails string) *httptest.ResponseRecorder {
		return w.do(request{method: "POST", path: fmt.Sprintf("/admin/agreements/%d/evaluators", theirs), cookie: admin,
			form: url.Values{"csrf_token": {adminCSRF}, "evaluators": {emails}}})
	}
	if rec := name("commissioner@test.example"); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "not an evaluator") ||
		!strings.Contains(rec.Body.String(), fmt.Sprintf(`href="#evaluators-%d"`, theirs)) {
		t.Errorf("naming a commissioner: %d, want 422 with an error summary linking to the field\n%.300s", rec.Code, rec.Body.String())
	}
	if rec := name(" Evaluator@test.example "); rec.Code != see || rec.Header().Get("Location") != fmt.Sprintf("/admin/agreements/%d?notice=evaluators-named", theirs) {
		t.Fatalf("naming the evaluator: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := post(url.Values{"csrf_token": {csrf}, "agreement": {fmt.Sprint(theirs)}}); rec.Code != ok {
		t.Errorf("export once named on the agreement: %d, want the CSV", rec.Code)
	}
}

// strictAgreement registers an agreement naming the evaluator that sets a
// minimum k of 8, and returns its id.
func (w *world) strictAgreement() int64 {
	w.t.Helper()
	a := exports.Agreement{Name: "Strict study", Purpose: "falls outcomes", Boroughs: []string{"camden", "brent", "croydon"},
		ExpiresOn: ateval.DateOf(time.Now()).AddDays(365), Evaluators: []string{"evaluator@test.example"}, MinK: 8}
	if err := w.db.CreateAgreement(ateval.SystemContext(context.Background()), &a, forms.Default()); err != nil {
		w.t.Fatal(err)
	}
	return a.ID
}

// TestExportAPI exports through the API, and is refused another's
// agreement with 403 in the one error shape.
func TestExportAPI(t *testing.T) {
	w, _ := newEvidenceWorld(t)
	mine, theirs, expired := w.agreements()
	tok, _ := w.session("evaluator", auth.BearerSession)
	rec := w.do(request{path: "/api/v1/agreements", bearer: tok})
	var list struct {
		Agreements []exports.Agreement `json:"agreements"`
	}
	if rec.Code != ok || json.Unmarshal(rec.Body.Bytes(), &list) != nil || len(list.Agreements) != 2 || !strings.Contains(rec.Body.String(), `"min_k":5`) {
		t.Fatalf("GET /api/v1/agreements: %d %.300s; want the evaluator's two, with their minimum k", rec.Code, rec.Body.String())
	}
	if strings.Contains(rec.Body.String(), "key") || strings.Contains(rec.Body.String(), "evaluators") {
		t.Errorf("an evaluator's agreement list shows keys or colleagues: %s", rec.Body.String())
	}
	rec = w.do(request{method: "POST", path: "/api/v1/exports", bearer: tok, json: fmt.Sprintf(`{"agreement":%d,"layout":"wide","k":5}`, mine)})
	if rec.Code != ok || !strings.HasPrefix(rec.Body.String(), "pseudonym,") || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("POST /api/v1/exports: %d %.300s", rec.Code, rec.Body.String())
	}
	for _, tc := range []struct {
		body   string
		status int
		code   string
	}{
		{fmt.Sprintf(`{"agreement":%d}`, theirs), http.StatusForbidden, ateval.EFORBIDDEN},
		{fmt.Sprintf(`{"agreement":%d}`, expired), http.StatusForbidden, ateval.EFORBIDDEN},
		{`{"agreement":99999}`, http.StatusForbidden, ateval.EFORBIDDEN},
		{fmt.Sprintf(`{"agreement":%d,"k":1}`, mine), http.StatusUnprocessableEntity, ateval.EINVALID},
		{fmt.Sprintf(`{"agreement":%d,"boroughs":["sutton"]}`, mine), http.StatusUnprocessableEntity, ateval.EINVALID},
		{`{"agreement":"1"}`, http.StatusUnprocessableEntity, ateval.EINVALID},
	} {
		rec := w.do(request{method: "POST", path: "/api/v1/exports", bearer: tok, json: tc.body})
		if rec.Code != tc.status {
			t.Errorf("POST /api/v1/exports %s: %d, want %d", tc.body, rec.Code, tc.status)
			continue
		}
		if code, _ := apiError(t, rec); code != tc.code {
			t.Errorf("POST /api/v1/exports %s: code %s, want %s", tc.body, code, tc.code)
		}
	}
	w.checkRefusalsAudited(
		fmt.Sprintf("%d refused: invalid, k_below_agreement_minimum", mine),
		"99999 refused: forbidden",
		fmt.Sprintf("%d refused: forbidden, agreement_expired", expired),
		fmt.Sprintf("%d refused: forbidden", theirs))
}

// checkRefusalsAudited checks the audit log's refused exports, newest
// first: the evaluator's, by agreement and reason.
func (w *world) checkRefusalsAudited(want ...string) {
	w.t.Helper()
	es, _, err := w.db.AuditLog(ateval.SystemContext(context.Background()), storage.AuditFilter{Action: ateval.ActionExportRefused})
	var got []string
	for _, e := range es {
		got = append(got, fmt.Sprintf("%d %s", e.ObjectID, e.Detail))
		if e.UserEmail != "evaluator@test.example" || e.ObjectType != "agreement" {
			w.t.Errorf("a refused export audited as %+v", e)
		}
	}
	if err != nil || strings.Join(got, "\n") != strings.Join(want, "\n") {
		w.t.Errorf("refused exports audited (%v):\n%s\nwant\n%s", err, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// exportAgreement returns the id of an agreement in force covering the
// borough, registering one the first time, for tests that read export rows.
func (w *world) exportAgreement(slug string) int64 {
	w.t.Helper()
	sys := ateval.SystemContext(context.Background())
	all, err := w.db.Agreements(sys)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, a := range all {
		if a.Name == "export test "+slug {
			return a.ID
		}
	}
	a := exports.Agreement{Name: "export test " + slug, Purpose: "test", Boroughs: []string{slug}, ExpiresOn: ateval.DateOf(time.Now()).AddDays(365)}
	if err := w.db.CreateAgreement(sys, &a, forms.Default()); err != nil {
		w.t.Fatal(err)
	}
	return a.ID
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// identifiers returns every resident's reference, NHS number, full name
// and address from the residents CSV.
func identifiers(t *testing.T, residentsCSV []byte) []string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(string(residentsCSV))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var out []string
	for _, row := range rows[1:] {
		for _, s := range []string{row[col["resident_ref"]], row[col["nhs_number"]], row[col["given_name"]] + " " + row[col["family_name"]],
			row[col["address"]], row[col["postcode"]]} {
			if strings.TrimSpace(s) != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
