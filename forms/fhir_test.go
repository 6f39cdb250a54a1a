package forms

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/ateval/ateval"
)

// Codes and cardinalities from the FHIR R4 (4.0.1) resource definitions:
// https://hl7.org/fhir/R4/questionnaire.html,
// https://hl7.org/fhir/R4/questionnaireresponse.html and the value sets
// item-type, publication-status, questionnaire-enable-operator,
// questionnaire-enable-behavior, questionnaire-answers-status.
var (
	fhirItemTypes = set("group", "display", "question", "boolean", "decimal", "integer", "date", "dateTime", "time",
		"string", "text", "url", "choice", "open-choice", "attachment", "reference", "quantity")
	fhirPublicationStatus = set("draft", "active", "retired", "unknown")
	fhirEnableOperators   = set("exists", "=", "!=", ">", "<", ">=", "<=")
	fhirEnableBehavior    = set("all", "any")
	fhirResponseStatus    = set("in-progress", "completed", "amended", "entered-in-error", "stopped")
	fhirDataAbsentReason  = set("unknown", "asked-unknown", "temp-unknown", "not-asked", "asked-declined", "masked",
		"not-applicable", "unsupported", "as-text", "error", "not-a-number", "negative-infinity", "positive-infinity",
		"not-performed", "not-permitted")
)

func set(s ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range s {
		m[x] = true
	}
	return m
}

// checker walks decoded JSON and records every departure from the R4
// definition of the elements ateval writes.
type checker struct {
	errs *[]string
	path string
}

func (c checker) at(p string) checker { return checker{c.errs, c.path + "." + p} }

func (c checker) fail(f string, a ...any) {
	*c.errs = append(*c.errs, c.path+": "+fmt.Sprintf(f, a...))
}

func (c checker) obj(v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail("is not an object")
	}
	return m
}

// one checks a 1..1 (required) or 0..1 element is a single value of the
// right JSON kind.
func (c checker) one(m map[string]any, key string, required bool, kind string) any {
	v, ok := m[key]
	if !ok {
		if required {
			c.at(key).fail("is required (1..1)")
		}
		return nil
	}
	switch kind {
	case "string":
		if s, ok := v.(string); !ok || s == "" {
			c.at(key).fail("must be a non-empty string")
		}
	case "bool":
		if _, ok := v.(bool); !ok {
			c.at(key).fail("must be a boolean")
		}
	case "object":
		c.at(key).obj(v)
	case "number":
		if _, ok := v.(float64); !ok {
			c.at(key).fail("must be a number")
		}
	}
	return v
}

func (c checker) many(m map[string]any, key string) []any {
	v, ok := m[key]
	if !ok {
		return nil
	}
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		c.at(key).fail("must be a non-empty array (0..*)")
	}
	return a
}

// onlyKeys checks there are no elements the definition does not have.
func (c checker) onlyKeys(m map[string]any, keys ...string) {
	allowed := set(keys...)
	for k := range m {
		if !allowed[k] {
			c.fail("has element %q, which is not used or not in R4", k)
		}
	}
}

// valueX checks exactly one of the choice-type elements is present.
func (c checker) valueX(m map[string]any, names ...string) string {
	found := ""
	for _, n := range names {
		if _, ok := m[n]; ok {
			if found != "" {
				c.fail("has both %s and %s; [x] elements take one type", found, n)
			}
			found = n
		}
	}
	if found == "" {
		c.fail("has none of %v (1..1)", names)
	}
	return found
}

func (c checker) coding(v any) {
	m := c.obj(v)
	c.onlyKeys(m, "system", "code", "display")
	c.one(m, "system", false, "string")
	c.one(m, "code", true, "string")
}

func (c checker) extension(v any) {
	m := c.obj(v)
	c.one(m, "url", true, "string")
	x := c.valueX(m, "valueInteger", "valueDecimal", "valueCode")
	if m["url"] == extDataAbsentReason && (x != "valueCode" || !fhirDataAbsentReason[m["valueCode"].(string)]) {
		c.fail("data-absent-reason needs a valueCode from DataAbsentReason, got %v", m[x])
	}
}

func checkQuestionnaire(b []byte) (errs []string) {
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return []string{err.Error()}
	}
	c := checker{&errs, "Questionnaire"}
	q := c.obj(doc)
	c.onlyKeys(q, "resourceType", "id", "url", "version", "name", "title", "status", "copyright", "item")
	if q["resourceType"] != "Questionnaire" {
		c.fail("resourceType = %v", q["resourceType"])
	}
	if s, _ := c.one(q, "status", true, "string").(string); !fhirPublicationStatus[s] {
		c.at("status").fail("%q is not a PublicationStatus code", s)
	}
	links := map[string]string{}
	for i, v := range c.many(q, "item") {
		ic := c.at(fmt.Sprintf("item[%d]", i))
		it := ic.obj(v)
		ic.onlyKeys(it, "extension", "linkId", "code", "text", "type", "enableWhen", "enableBehavior", "required", "answerOption")
		for j, v := range ic.many(it, "code") { // Coding 0..*
			cc := ic.at(fmt.Sprintf("code[%d]", j))
			cm := cc.obj(v)
			cc.onlyKeys(cm, "system", "code", "display")
			cc.one(cm, "system", true, "string")
			cc.one(cm, "code", true, "string")
		}
		link, _ := ic.one(it, "linkId", true, "string").(string)
		if _, dup := links[link]; dup {
			ic.fail("linkId %q is not unique (que-2)", link)
		}
		typ, _ := ic.one(it, "type", true, "string").(string)
		if !fhirItemTypes[typ] {
			ic.fail("type %q is not a QuestionnaireItemType code", typ)
		}
		links[link] = typ
		ic.one(it, "required", false, "bool")
		if _, ok := it["answerOption"]; ok && typ != "choice" && typ != "open-choice" {
			ic.fail("answerOption only on choice items (que-5)")
		}
		for j, o := range ic.many(it, "answerOption") {
			oc := ic.at(fmt.Sprintf("answerOption[%d]", j))
			om := oc.obj(o)
			oc.onlyKeys(om, "valueCoding")
			oc.coding(oc.one(om, "valueCoding", true, "object"))
		}
		for j, e := range ic.many(it, "extension") {
			ic.at(fmt.Sprintf("extension[%d]", j)).extension(e)
		}
		ew := ic.many(it, "enableWhen")
		for j, e := range ew {
			ec := ic.at(fmt.Sprintf("enableWhen[%d]", j))
			em := ec.obj(e)
			ec.onlyKeys(em, "question", "operator", "answerCoding", "answerInteger", "answerDecimal")
			qn, _ := ec.one(em, "question", true, "string").(string)
			if _, ok := links[qn]; !ok {
				ec.fail("question %q is not an earlier linkId", qn)
			}
			if op, _ := ec.one(em, "operator", true, "string").(string); !fhirEnableOperators[op] {
				ec.fail("operator %q is not a QuestionnaireItemOperator code", op)
			}
			if x := ec.valueX(em, "answerCoding", "answerInteger", "answerDecimal"); x == "answerCoding" {
				ec.coding(em[x])
			}
		}
		if b, ok := it["enableBehavior"]; ok && (!fhirEnableBehavior[b.(string)] || len(ew) < 2) {
			ic.fail("enableBehavior %v needs a code of all/any and 2+ enableWhen (que-12)", b)
		} else if !ok && len(ew) > 1 {
			ic.fail("2+ enableWhen need enableBehavior (que-12)")
		}
	}
	return errs
}

func checkResponse(b []byte) (errs []string) {
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return []string{err.Error()}
	}
	c := checker{&errs, "QuestionnaireResponse"}
	r := c.obj(doc)
	c.onlyKeys(r, "resourceType", "id", "questionnaire", "status", "subject", "authored", "item")
	if r["resourceType"] != "QuestionnaireResponse" {
		c.fail("resourceType = %v", r["resourceType"])
	}
	if s, _ := c.one(r, "status", true, "string").(string); !fhirResponseStatus[s] {
		c.at("status").fail("%q is not a QuestionnaireResponseStatus code", s)
	}
	if s, ok := c.one(r, "authored", false, "string").(string); ok {
		if _, err := ateval.ParseDate(s); err != nil {
			c.at("authored").fail("%v", err)
		}
	}
	for i, v := range c.many(r, "item") {
		ic := c.at(fmt.Sprintf("item[%d]", i))
		it := ic.obj(v)
		ic.onlyKeys(it, "extension", "linkId", "text", "answer")
		ic.one(it, "linkId", true, "string")
		ans := ic.many(it, "answer")
		if len(ans) > 1 {
			ic.fail("a non-repeating item has at most one answer (qrs-2)")
		}
		for j, a := range ans {
			ac := ic.at(fmt.Sprintf("answer[%d]", j))
			am := ac.obj(a)
			ac.onlyKeys(am, "valueCoding", "valueInteger", "valueDecimal")
			if x := ac.valueX(am, "valueCoding", "valueInteger", "valueDecimal"); x == "valueCoding" {
				ac.coding(am[x])
			}
		}
		for j, e := range ic.many(it, "extension") {
			ic.at(fmt.Sprintf("extension[%d]", j)).extension(e)
		}
		if len(ans) == 0 && it["extension"] == nil {
			ic.fail("an item without an answer must say why (data-absent-reason)")
		}
	}
	return errs
}

func noErrors(t *testing.T, errs []string) {
	t.Helper()
	for _, e := range errs {
		t.Error(e)
	}
}

// The checker itself must catch what R4 forbids.
func TestFHIRCheckerCatches(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		fn   func([]byte) []string
	}{
		{"no status", `{"resourceType":"Questionnaire","item":[{"linkId":"a","type":"integer"}]}`, checkQuestionnaire},
		{"bad item type", `{"resourceType":"Questionnaire","status":"active","item":[{"linkId":"a","type":"number"}]}`, checkQuestionnaire},
		{"no linkId", `{"resourceType":"Questionnaire","status":"active","item":[{"type":"integer"}]}`, checkQuestionnaire},
		{"bad operator", `{"resourceType":"Questionnaire","status":"active","item":[{"linkId":"a","type":"integer"},{"linkId":"b","type":"integer","enableWhen":[{"question":"a","operator":"==","answerInteger":1}]}]}`, checkQuestionnaire},
		{"two answer types", `{"resourceType":"Questionnaire","status":"active","item":[{"linkId":"a","type":"integer"},{"linkId":"b","type":"integer","enableWhen":[{"question":"a","operator":"=","answerInteger":1,"answerDecimal":1}]}]}`, checkQuestionnaire},
		{"bad response status", `{"resourceType":"QuestionnaireResponse","status":"done"}`, checkResponse},
		{"two answers", `{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"a","answer":[{"valueInteger":1},{"valueInteger":2}]}]}`, checkResponse},
		{"silent blank", `{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"a"}]}`, checkResponse},
	}
	for _, tt := range tests {
		if errs := tt.fn([]byte(tt.doc)); len(errs) == 0 {
			t.Errorf("%s: no error found", tt.name)
		}
	}
}

func TestQuestionnaireStructure(t *testing.T) {
	for _, in := range Default().Instruments() {
		t.Run(in.ID, func(t *testing.T) {
			b, err := json.Marshal(in.Questionnaire("2026.1"))
			if err != nil {
				t.Fatal(err)
			}
			noErrors(t, checkQuestionnaire(b))
		})
	}
	b, _ := json.MarshalIndent(mustInstrument(t, "device-use").Questionnaire("2026.1"), "", "  ")
	golden(t, "fhir-questionnaire-device-use.json", append(b, '\n'))
}

func TestQuestionnaireResponseStructure(t *testing.T) {
	a := Assessment{ID: 7, ResidentID: 42, Instrument: "device-use", Timepoint: Month3, AssessedOn: ateval.NewDate(2026, 4, 11),
		Respondent: RespondentResident, FrameworkVersion: "2026.1",
		Answers: []Answer{ans("device_use_in_use", 0), miss("device_use_satisfaction", Refused), ans("device_use_stop_reason", 5)}}
	qr, err := mustInstrument(t, "device-use").QuestionnaireResponse(a)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(qr, "", "  ")
	noErrors(t, checkResponse(b))
	golden(t, "fhir-response-device-use.json", append(b, '\n'))

	ev := Assessment{Instrument: "events", FrameworkVersion: "2026.1", AssessedOn: ateval.NewDate(2026, 4, 11), Answers: events(30, 1, 7.5)}
	qr, err = mustInstrument(t, "events").QuestionnaireResponse(ev)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(qr)
	noErrors(t, checkResponse(b))

	if _, err := mustInstrument(t, "events").QuestionnaireResponse(a); err == nil {
		t.Error("a device-use assessment became an events response")
	}
}
