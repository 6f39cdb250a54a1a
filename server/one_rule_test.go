package server

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/importer"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
)

// TestOneRuleForAnAssessment runs the same assessments through the API (as
// a practitioner would record them) and through the CSV import (as a
// borough would load them) and expects the same verdict from both: the
// one rule is forms.Framework.CheckAssessment. Before it was one rule, an
// ONS4 answered by a proxy was refused by the web and accepted by the
// import, and an assessment of a resident not enrolled the other way round.
func TestOneRuleForAnAssessment(t *testing.T) {
	w := newWorld(t)
	sys := ateval.SystemContext(context.Background())
	enrolled := devices.Resident{BoroughID: w.camden.ID, Reference: "CAM-0002", YearOfBirth: 1945, Sex: devices.Male, EthnicGroup: devices.EthnicBlack,
		PrimarySupportReason: devices.SupportPhysical, RegisteredOn: ateval.NewDate(2025, 1, 6), Group: devices.Intervention, EnrolledOn: ateval.NewDate(2025, 2, 1)}
	rs := []devices.Resident{enrolled}
	if err := w.db.InTx(sys, func(tx *storage.Tx) error {
		return tx.CreateResidents(rs, []devices.Identity{{GivenName: "Cy", FamilyName: "Enrolled-Example"}})
	}); err != nil {
		t.Fatal(err)
	}
	tok, _ := w.session("practitioner", auth.BearerSession)
	ons4 := func(satisfied string) [][2]string {
		return [][2]string{{"ons4_satisfied", satisfied}, {"ons4_worthwhile", "7"}, {"ons4_happy", "5"}, {"ons4_anxious", "4"}}
	}
	for _, c := range []struct {
		name, ref, timepoint, on, respondent string
		answers                              [][2]string
		want                                 string // the fields refused, sorted; "" for accepted
	}{
		{"valid", "CAM-0002", "baseline", "2025-02-03", "resident", ons4("6"), ""},
		{"ONS4 by a proxy", "CAM-0002", "baseline", "2025-02-03", "proxy", ons4("6"), "respondent"},
		{"resident not enrolled", "CAM-0001", "baseline", "2025-02-03", "resident", ons4("6"), "resident"},
		{"in the future", "CAM-0002", "baseline", "2099-01-01", "resident", ons4("6"), "assessed_on"},
		{"before registration", "CAM-0002", "baseline", "2024-12-01", "resident", ons4("6"), "assessed_on"},
		{"an answer out of range", "CAM-0002", "baseline", "2025-02-03", "resident", ons4("11"), "ons4_satisfied"},
		{"no such timepoint", "CAM-0002", "m4", "2025-02-03", "resident", ons4("6"), "timepoint"},
	} {
		t.Run(c.name, func(t *testing.T) {
			id := w.camRes.ID
			if c.ref == "CAM-0002" {
				id = rs[0].ID
			}
			var items, pairs []string
			for _, a := range c.answers {
				items = append(items, fmt.Sprintf(`{"item":%q,"value":%s}`, a[0], a[1]))
				pairs = append(pairs, a[0]+"="+a[1])
			}
			// The import first, as a dry run: the web then stores what it accepts.
			csv := "borough,resident_ref,instrument,timepoint,assessed_on,respondent,framework_version,answers\n" +
				fmt.Sprintf("camden,%s,ons4,%s,%s,%s,2026.1,%s\n", c.ref, c.timepoint, c.on, c.respondent, strings.Join(pairs, ";"))
			_, err := importer.Import(sys, w.db, []importer.Source{{Name: "assessments.csv", R: strings.NewReader(csv)}}, importer.Options{DryRun: true})
			imp := ""
			if err != nil {
				var fs []string
				for _, f := range ateval.ErrorFields(err) {
					fs = append(fs, f.Field+": "+f.Message)
				}
				imp = fieldNames(fs, map[string]string{"resident_ref": "resident"})
				if imp == "" {
					t.Fatalf("import: %v", err)
				}
			}
			body := fmt.Sprintf(`{"instrument":"ons4","timepoint":%q,"assessed_on":%q,"respondent":%q,"answers":[%s]}`, c.timepoint, c.on, c.respondent, strings.Join(items, ","))
			rec := w.do(request{method: "POST", path: fmt.Sprintf("/api/v1/residents/%d/assessments", id), bearer: tok, json: body})
			web := ""
			switch rec.Code {
			case 201:
			case unpr:
				web = fieldNames(fieldsOf(t, rec.Body.String()), nil)
			default:
				t.Fatalf("API: %d %s", rec.Code, rec.Body.String())
			}
			if web != c.want || imp != c.want {
				t.Errorf("web refused %q, import refused %q; want %q from both", web, imp, c.want)
			}
		})
	}
}

// fieldNames returns the sorted field names of "field: message" lines; an
// import's "assessments.csv line 2: answers: ons4_satisfied: ..." gives the
// item, and rename maps the import's column names to the web's.
func fieldNames(lines []string, rename map[string]string) string {
	var out []string
	for _, l := range lines {
		parts := strings.Split(l, ": ")
		f := parts[0]
		if strings.Contains(f, " line ") && len(parts) > 1 {
			f = parts[1]
			if f == "answers" && len(parts) > 2 {
				f = parts[2]
			}
		}
		if r, ok := rename[f]; ok {
			f = r
		}
		out = append(out, f)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// TestResidentsPageSaysWhatItReturns: the residents list's limit is
// clamped by one rule, and the API reports the limit it applied.
func TestResidentsPageSaysWhatItReturns(t *testing.T) {
	w := newWorld(t)
	tok, _ := w.session("practitioner", auth.BearerSession)
	for _, c := range []struct {
		query string
		limit int
	}{{"", 50}, {"limit=600", 500}, {"limit=-3", 50}, {"limit=7&offset=-2", 7}} {
		rec := w.do(request{path: "/api/v1/residents?" + c.query, bearer: tok})
		var got struct {
			Limit, Offset int
		}
		if rec.Code != ok || json.Unmarshal(rec.Body.Bytes(), &got) != nil {
			t.Fatalf("GET /api/v1/residents?%s: %d %s", c.query, rec.Code, rec.Body.String())
		}
		if got.Limit != c.limit || got.Offset != 0 {
			t.Errorf("?%s: limit %d offset %d, want %d and 0", c.query, got.Limit, got.Offset, c.limit)
		}
	}
}
