package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage/auth"
)

// TestAssessmentsAsFHIR: asked for application/fhir+json, a resident's
// assessments answer as a FHIR R4 searchset Bundle of
// QuestionnaireResponses, a refused item with no answer and its
// data-absent-reason; asked for nothing in particular, or for JSON, the
// same call answers ateval's own JSON as before.
func TestAssessmentsAsFHIR(t *testing.T) {
	w := newWorld(t)
	tok, _ := w.session("practitioner", auth.BearerSession)
	today := ateval.DateOf(w.db.Now()).String()
	path := fmt.Sprintf("/api/v1/residents/%d/assessments", w.camRes.ID)
	body := `{"instrument":"ons4","timepoint":"baseline","assessed_on":"` + today + `","respondent":"resident","answers":[
		{"item":"ons4_satisfied","value":7},{"item":"ons4_worthwhile","value":8},{"item":"ons4_happy","missing":"refused"},{"item":"ons4_anxious","value":2}]}`
	enrol := `{"group":"intervention","enrolled_on":"` + today + `"}`
	if rec := w.do(request{method: "PATCH", path: fmt.Sprintf("/api/v1/residents/%d", w.camRes.ID), bearer: tok, json: enrol}); rec.Code != ok {
		t.Fatalf("enrol: %d %s", rec.Code, rec.Body.String())
	}
	if rec := w.do(request{method: "POST", path: path, bearer: tok, json: body}); rec.Code != 201 {
		t.Fatalf("assessment: %d %s", rec.Code, rec.Body.String())
	}
	rec := w.do(request{path: path, bearer: tok, header: map[string]string{"Accept": "application/fhir+json"}})
	var b struct {
		ResourceType, Type string
		Total              int
		Entry              []struct {
			Resource struct {
				ResourceType, Questionnaire, Status, Authored string
				Item                                          []struct {
					LinkID    string `json:"linkId"`
					Answer    []map[string]any
					Extension []struct{ URL, ValueCode string }
				}
			}
			Search struct{ Mode string }
		}
	}
	if rec.Code != ok || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/fhir+json") || json.Unmarshal(rec.Body.Bytes(), &b) != nil {
		t.Fatalf("FHIR: %d %s\n%.500s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	if b.ResourceType != "Bundle" || b.Type != "searchset" || b.Total != 1 || len(b.Entry) != 1 {
		t.Fatalf("FHIR: %s", rec.Body.String())
	}
	qr := b.Entry[0].Resource
	if qr.ResourceType != "QuestionnaireResponse" || qr.Questionnaire != "urn:ateval:questionnaire:ons4|2026.1" || qr.Status != "completed" || qr.Authored != today ||
		len(qr.Item) != 4 || b.Entry[0].Search.Mode != "match" {
		t.Errorf("QuestionnaireResponse: %+v", qr)
	}
	for _, it := range qr.Item {
		if it.LinkID == "ons4_happy" {
			if len(it.Answer) != 0 || len(it.Extension) != 1 || it.Extension[0].URL != "http://hl7.org/fhir/StructureDefinition/data-absent-reason" || it.Extension[0].ValueCode != "asked-declined" {
				t.Errorf("the refused item: %+v", it)
			}
		} else if len(it.Answer) != 1 {
			t.Errorf("item %s: %+v", it.LinkID, it)
		}
	}
	for _, accept := range []string{"", "application/json", "*/*"} {
		rec := w.do(request{path: path, bearer: tok, header: map[string]string{"Accept": accept}})
		if rec.Code != ok || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") || !strings.Contains(rec.Body.String(), `"assessments":[`) {
			t.Errorf("Accept %q: %d %s", accept, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
}
