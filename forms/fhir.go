package forms

import (
	"strconv"
	"strings"

	"github.com/ateval/ateval"
)

// FHIR R4 (4.0.1) Questionnaire and QuestionnaireResponse, with only the
// elements ateval uses. Element names, cardinalities and codes follow
// https://hl7.org/fhir/R4/questionnaire.html and questionnaireresponse.html.

// QuestionnaireURL is the canonical URL of an instrument's Questionnaire;
// the framework version is the Questionnaire's version.
func QuestionnaireURL(instrument string) string { return "urn:ateval:questionnaire:" + instrument }

func codeSystem(item string) string { return "urn:ateval:codesystem:" + item }

// Questionnaire is a FHIR R4 Questionnaire resource.
type Questionnaire struct {
	ResourceType string              `json:"resourceType"`
	ID           string              `json:"id,omitempty"`
	URL          string              `json:"url,omitempty"`
	Version      string              `json:"version,omitempty"`
	Name         string              `json:"name,omitempty"`
	Title        string              `json:"title,omitempty"`
	Status       string              `json:"status"` // draft | active | retired | unknown
	Copyright    string              `json:"copyright,omitempty"`
	Item         []QuestionnaireItem `json:"item,omitempty"`
}

// QuestionnaireItem is Questionnaire.item.
type QuestionnaireItem struct {
	Extension      []Extension    `json:"extension,omitempty"`
	LinkID         string         `json:"linkId"`
	Code           []Coding       `json:"code,omitempty"`
	Text           string         `json:"text,omitempty"`
	Type           string         `json:"type"`
	EnableWhen     []EnableWhen   `json:"enableWhen,omitempty"`
	EnableBehavior string         `json:"enableBehavior,omitempty"` // all | any
	Required       bool           `json:"required,omitempty"`
	AnswerOption   []AnswerOption `json:"answerOption,omitempty"`
}

// EnableWhen is Questionnaire.item.enableWhen.
type EnableWhen struct {
	Question      string   `json:"question"`
	Operator      string   `json:"operator"` // exists | = | != | > | < | >= | <=
	AnswerCoding  *Coding  `json:"answerCoding,omitempty"`
	AnswerInteger *int     `json:"answerInteger,omitempty"`
	AnswerDecimal *float64 `json:"answerDecimal,omitempty"`
}

// AnswerOption is Questionnaire.item.answerOption.
type AnswerOption struct {
	ValueCoding *Coding `json:"valueCoding"`
}

// Coding is the FHIR Coding data type.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// Extension is a FHIR extension with the value types ateval uses.
type Extension struct {
	URL          string   `json:"url"`
	ValueInteger *int     `json:"valueInteger,omitempty"`
	ValueDecimal *float64 `json:"valueDecimal,omitempty"`
	ValueCode    string   `json:"valueCode,omitempty"`
}

// Standard R4 extensions used.
const (
	extMinValue          = "http://hl7.org/fhir/StructureDefinition/minValue"
	extMaxValue          = "http://hl7.org/fhir/StructureDefinition/maxValue"
	extDataAbsentReason  = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
	fhirStatusActive     = "active"
	fhirResponseComplete = "completed"
)

// Questionnaire returns the instrument as a FHIR R4 Questionnaire of the
// given framework version: choice items as "choice" with Coding options,
// numbers as "integer" or "decimal" with minValue/maxValue extensions, skip
// rules as enableWhen, an item's codes (LOINC, SNOMED CT) as its code.
//
// No item is required: true. Every item of the framework may be answered
// with a missing reason instead of a value (refused, not applicable...),
// which a QuestionnaireResponse gives as a data-absent-reason with no
// answer, and R4 requires an answer to a required item; the framework's
// own rule (a value or a reason) is Validate's to enforce. So every
// response ateval writes validates against its Questionnaire.
func (in *Instrument) Questionnaire(version string) *Questionnaire {
	q := &Questionnaire{
		ResourceType: "Questionnaire",
		ID:           in.ID,
		URL:          QuestionnaireURL(in.ID),
		Version:      version,
		Name:         "Ateval_" + formName(in.ID),
		Title:        in.Name,
		Status:       fhirStatusActive,
		Copyright:    in.Licence.Note,
	}
	for _, it := range in.Items {
		qi := QuestionnaireItem{LinkID: it.ID, Text: it.Text, Type: it.Type}
		for _, c := range it.Codes {
			qi.Code = append(qi.Code, Coding{System: c.System, Code: c.Code, Display: c.Display})
		}
		for _, l := range it.Levels {
			qi.AnswerOption = append(qi.AnswerOption, AnswerOption{ValueCoding: levelCoding(it, l)})
		}
		for _, b := range []struct {
			url string
			v   *float64
		}{{extMinValue, it.Min}, {extMaxValue, it.Max}} {
			if b.v != nil {
				qi.Extension = append(qi.Extension, numberExtension(b.url, it.Type, *b.v))
			}
		}
		if c := it.relevant; c != nil {
			for _, t := range c.terms {
				ctl := in.byID[t.item]
				ew := EnableWhen{Question: t.item, Operator: t.op}
				switch ctl.Type {
				case TypeChoice:
					ew.AnswerCoding = &Coding{System: codeSystem(ctl.ID), Code: strconv.Itoa(int(t.value))}
				case TypeInteger:
					n := int(t.value)
					ew.AnswerInteger = &n
				default:
					v := t.value
					ew.AnswerDecimal = &v
				}
				qi.EnableWhen = append(qi.EnableWhen, ew)
			}
			if len(c.terms) > 1 {
				qi.EnableBehavior = "all"
				if c.any {
					qi.EnableBehavior = "any"
				}
			}
		}
		q.Item = append(q.Item, qi)
	}
	return q
}

func levelCoding(it *Item, l Level) *Coding {
	return &Coding{System: codeSystem(it.ID), Code: strconv.Itoa(l.Code), Display: l.Label}
}

func numberExtension(url, typ string, v float64) Extension {
	if typ == TypeInteger {
		n := int(v)
		return Extension{URL: url, ValueInteger: &n}
	}
	return Extension{URL: url, ValueDecimal: &v}
}

// QuestionnaireResponse is a FHIR R4 QuestionnaireResponse resource.
type QuestionnaireResponse struct {
	ResourceType  string               `json:"resourceType"`
	ID            string               `json:"id,omitempty"`
	Questionnaire string               `json:"questionnaire,omitempty"` // canonical: url|version
	Status        string               `json:"status"`                  // in-progress | completed | amended | entered-in-error | stopped
	Subject       *Reference           `json:"subject,omitempty"`
	Authored      string               `json:"authored,omitempty"`
	Item          []QuestionnaireRItem `json:"item,omitempty"`
}

// Reference is the FHIR Reference data type.
type Reference struct {
	Reference string `json:"reference,omitempty"`
}

// QuestionnaireRItem is QuestionnaireResponse.item. An item with a
// missing reason has no answer and a data-absent-reason extension.
type QuestionnaireRItem struct {
	Extension []Extension     `json:"extension,omitempty"`
	LinkID    string          `json:"linkId"`
	Text      string          `json:"text,omitempty"`
	Answer    []ResponseValue `json:"answer,omitempty"`
}

// ResponseValue is QuestionnaireResponse.item.answer; one value[x] is set.
type ResponseValue struct {
	ValueCoding  *Coding  `json:"valueCoding,omitempty"`
	ValueInteger *int     `json:"valueInteger,omitempty"`
	ValueDecimal *float64 `json:"valueDecimal,omitempty"`
}

// dataAbsent maps missing reasons to the R4 DataAbsentReason codes.
var dataAbsent = map[MissingReason]string{
	Refused:       "asked-declined",
	NotApplicable: "not-applicable",
	Unable:        "asked-unknown",
	NotAsked:      "not-asked",
}

// QuestionnaireResponse returns an assessment of this instrument as a FHIR
// R4 QuestionnaireResponse pointing at the Questionnaire of the assessment's
// framework version. The answers must be valid (Validate).
func (in *Instrument) QuestionnaireResponse(a Assessment) (*QuestionnaireResponse, error) {
	if a.Instrument != in.ID {
		return nil, ateval.Errorf(ateval.EINVALID, "the assessment is of %s, not %s", a.Instrument, in.ID)
	}
	if err := in.Validate(a.Answers); err != nil {
		return nil, err
	}
	qr := &QuestionnaireResponse{
		ResourceType:  "QuestionnaireResponse",
		Questionnaire: QuestionnaireURL(in.ID) + "|" + a.FrameworkVersion,
		Status:        fhirResponseComplete,
		Authored:      a.AssessedOn.String(),
	}
	if a.ID != 0 {
		qr.ID = strconv.FormatInt(a.ID, 10)
	}
	if a.ResidentID != 0 {
		qr.Subject = &Reference{Reference: "Patient/" + strconv.FormatInt(a.ResidentID, 10)}
	}
	given := map[string]Answer{}
	for _, an := range a.Answers {
		given[an.Item] = an
	}
	for _, it := range in.Items {
		an, ok := given[it.ID]
		if !ok {
			continue
		}
		ri := QuestionnaireRItem{LinkID: it.ID, Text: strings.TrimSpace(it.Text)}
		if an.Value == nil {
			ri.Extension = []Extension{{URL: extDataAbsentReason, ValueCode: dataAbsent[an.Missing]}}
		} else {
			v := *an.Value
			switch it.Type {
			case TypeChoice:
				l, _ := it.Level(int(v))
				ri.Answer = []ResponseValue{{ValueCoding: levelCoding(it, l)}}
			case TypeInteger:
				n := int(v)
				ri.Answer = []ResponseValue{{ValueInteger: &n}}
			default:
				ri.Answer = []ResponseValue{{ValueDecimal: &v}}
			}
		}
		qr.Item = append(qr.Item, ri)
	}
	return qr, nil
}

// Bundle is a FHIR R4 Bundle: here a searchset of resources that match a
// query.
type Bundle struct {
	ResourceType string        `json:"resourceType"`
	Type         string        `json:"type"` // searchset
	Total        int           `json:"total"`
	Entry        []BundleEntry `json:"entry,omitempty"`
}

// BundleEntry is Bundle.entry.
type BundleEntry struct {
	Resource any          `json:"resource"`
	Search   *EntrySearch `json:"search,omitempty"`
}

// EntrySearch is Bundle.entry.search.
type EntrySearch struct {
	Mode string `json:"mode"` // match | include | outcome
}

// ResponseBundle returns assessments as a FHIR R4 searchset Bundle of
// QuestionnaireResponses, each pointing at its instrument's Questionnaire
// of its framework version.
func (f *Framework) ResponseBundle(as []Assessment) (*Bundle, error) {
	b := &Bundle{ResourceType: "Bundle", Type: "searchset", Total: len(as)}
	for _, a := range as {
		in, ok := f.Instrument(a.Instrument)
		if !ok {
			return nil, ateval.Errorf(ateval.EINTERNAL, "assessment %d is of %s, which is not in framework %s", a.ID, a.Instrument, f.Version())
		}
		qr, err := in.QuestionnaireResponse(a)
		if err != nil {
			return nil, err
		}
		b.Entry = append(b.Entry, BundleEntry{Resource: qr, Search: &EntrySearch{Mode: "match"}})
	}
	return b, nil
}
