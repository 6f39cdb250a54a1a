package forms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/ateval/ateval"
)

// What a REDCap data dictionary has no column for travels in its Field
// Annotation column, where REDCap keeps action tags and ignores tags it
// does not know: each tag is @ATEVAL-NAME= followed by one JSON value.
//
//	@ATEVAL-FRAMEWORK   on the record id row: version, title, notes, schedule, protocol
//	@ATEVAL-INSTRUMENT  on an instrument's first row: id, name, respondents,
//	                    direction, licence, source
//	@ATEVAL-SCORE       on an instrument's first row, once per score rule:
//	                    the rule whole (kind, method, version, items, table...)
//	@ATEVAL-ITEM        on an item's row: note, unit, direction and codes,
//	                    which REDCap's Field Note would run together or drop
const (
	tagFramework  = "@ATEVAL-FRAMEWORK="
	tagInstrument = "@ATEVAL-INSTRUMENT="
	tagScore      = "@ATEVAL-SCORE="
	tagItem       = "@ATEVAL-ITEM="
)

// rcAnnotation is the Field Annotation column.
const rcAnnotation = 17

type frameworkTag struct {
	Version  string    `json:"version"`
	Title    string    `json:"title,omitempty"`
	Notes    string    `json:"notes,omitempty"`
	Schedule []Window  `json:"schedule"`
	Protocol *Protocol `json:"protocol,omitempty"`
}

type instrumentTag struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Respondents []Respondent `json:"respondents,omitempty"`
	Direction   string       `json:"direction,omitempty"`
	Licence     Licence      `json:"licence"`
	Source      string       `json:"source,omitempty"`
}

type itemTag struct {
	Note      string     `json:"note,omitempty"`
	Unit      string     `json:"unit,omitempty"`
	Direction string     `json:"direction,omitempty"`
	Codes     []ItemCode `json:"codes,omitempty"`
}

// tag writes one annotation tag; v marshals without error (plain structs).
func tag(name string, v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return name + strings.TrimSuffix(b.String(), "\n")
}

func (f *Framework) frameworkTag() string {
	return tag(tagFramework, frameworkTag{Version: f.version, Title: f.title, Notes: f.notes, Schedule: f.schedule, Protocol: f.protocol})
}

// instrumentTags are the annotations of an instrument's first row.
func (in *Instrument) instrumentTags() []string {
	tags := []string{tag(tagInstrument, instrumentTag{ID: in.ID, Name: in.Name, Respondents: in.Respondents, Direction: in.Direction,
		Licence: in.Licence, Source: in.Source})}
	for _, r := range in.Scores {
		tags = append(tags, tag(tagScore, r))
	}
	return tags
}

func (it *Item) itemTag() string {
	t := itemTag{Note: it.Note, Unit: it.Unit, Direction: it.Direction, Codes: it.Codes}
	if t.Note == "" && t.Unit == "" && t.Direction == "" && len(t.Codes) == 0 {
		return ""
	}
	return tag(tagItem, t)
}

// annotationTags reads the @ATEVAL- tags of a Field Annotation: each tag
// with its JSON values, in order. Other text (REDCap's own action tags)
// is passed over.
func annotationTags(s string) (map[string][]json.RawMessage, error) {
	out := map[string][]json.RawMessage{}
	for {
		i := strings.Index(s, "@ATEVAL-")
		if i < 0 {
			return out, nil
		}
		s = s[i:]
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			return nil, fmt.Errorf("%.40q has no = and value", s)
		}
		name := s[:eq+1]
		switch name {
		case tagFramework, tagInstrument, tagScore, tagItem:
		default:
			return nil, fmt.Errorf("%s is not a tag ateval writes", s[:eq])
		}
		dec := json.NewDecoder(strings.NewReader(s[eq+1:]))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s does not hold one JSON value: %v", s[:eq], err)
		}
		out[name] = append(out[name], v)
		s = s[eq+1+int(dec.InputOffset()):]
	}
}

// decodeTag decodes a tag's JSON strictly: no field ateval does not know.
func decodeTag(raw json.RawMessage, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

// REDCapDraft is a framework read from a REDCap data dictionary, and the
// files of its framework directory (framework.json, instruments/ID.json,
// valuesets/NAME.json) as Load reads them, for --framework DIR.
type REDCapDraft struct {
	Framework *Framework
	Files     map[string][]byte
}

// redcapForm is one form of a dictionary, as read.
type redcapForm struct {
	name    string
	line    int
	in      *Instrument
	hasTag  bool
	section string
}

// ParseREDCapFramework reads a REDCap data dictionary of any number of
// forms as a framework. The first field is REDCap's record identifier
// and is not an item. A dictionary ateval wrote (ateval framework
// --redcap) comes back as the framework it was written from: the same
// version, schedule, instrument ids, items and scoring, carried in
// @ATEVAL- field annotations where REDCap has no column. Any other
// dictionary, such as a borough's own measure, is a draft: base's
// instruments and schedule with each of its forms added as an instrument
// (named by its form, without scoring), under version "BASE-draft". A
// value set a score rule names is taken from base, where it is loaded.
//
// The result is checked as Load checks a framework directory, and every
// problem is reported with its line.
func ParseREDCapFramework(r io.Reader, base *Framework) (_ *REDCapDraft, err error) {
	defer ateval.Wrap(&err, "forms.ParseREDCapFramework")
	cr, columns, err := readREDCapHeader(r)
	if err != nil {
		return nil, err
	}
	var fields []ateval.FieldError
	bad := func(line int, col int, msg string) { fields = append(fields, redcapProblem(line, col, msg)) }
	annotation := func(row []string) string {
		if len(row) > rcAnnotation {
			return row[rcAnnotation]
		}
		return ""
	}
	var fw *frameworkTag
	var forms []*redcapForm
	byForm := map[string]*redcapForm{}
	first := true
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, ateval.Errorf(ateval.EINVALID, "%s", csvLineMessage(err))
		}
		line, _ := cr.FieldPos(0)
		if len(row) != columns {
			bad(line, -1, fmt.Sprintf("has %d columns; the header has %d", len(row), columns))
			continue
		}
		tags, err := annotationTags(annotation(row))
		if err != nil {
			bad(line, rcAnnotation, err.Error())
			continue
		}
		if first {
			// REDCap's first field is the record identifier, a text field.
			first = false
			if strings.TrimSpace(row[rcType]) != "text" {
				bad(line, rcType, "the first field of a REDCap dictionary is the record identifier, a text field")
			}
			if raw := tags[tagFramework]; len(raw) > 0 {
				fw = &frameworkTag{}
				if err := decodeTag(raw[0], fw); err != nil || fw.Version == "" {
					bad(line, rcAnnotation, fmt.Sprintf("@ATEVAL-FRAMEWORK is not a framework's version and schedule: %v", err))
				}
			}
			continue
		}
		name := strings.TrimSpace(row[rcForm])
		f := byForm[name]
		if f == nil {
			if !validItemID(name) {
				bad(line, rcForm, "must be lower-case letters, digits and underscores, starting with a letter")
				continue
			}
			f = &redcapForm{name: name, line: line, section: strings.TrimSpace(row[rcSection]),
				in: &Instrument{ID: name, Name: name, Licence: Licence{Note: "Imported from a REDCap data dictionary."}, byID: map[string]*Item{}}}
			byForm[name] = f
			forms = append(forms, f)
		}
		if raw := tags[tagInstrument]; len(raw) > 0 {
			var it instrumentTag
			if err := decodeTag(raw[0], &it); err != nil {
				bad(line, rcAnnotation, "@ATEVAL-INSTRUMENT: "+err.Error())
			} else {
				f.hasTag = true
				f.in.ID, f.in.Name, f.in.Respondents, f.in.Direction, f.in.Licence, f.in.Source = it.ID, it.Name, it.Respondents, it.Direction, it.Licence, it.Source
			}
		}
		for _, raw := range tags[tagScore] {
			var sr ScoreRule
			if err := decodeTag(raw, &sr); err != nil {
				bad(line, rcAnnotation, "@ATEVAL-SCORE: "+err.Error())
				continue
			}
			f.in.Scores = append(f.in.Scores, &sr)
		}
		it, col, msg := redcapItem(row)
		if msg != "" {
			bad(line, col, msg)
			continue
		}
		if it == nil {
			continue // descriptive or calc
		}
		if raw := tags[tagItem]; len(raw) > 0 {
			var t itemTag
			if err := decodeTag(raw[0], &t); err != nil {
				bad(line, rcAnnotation, "@ATEVAL-ITEM: "+err.Error())
			}
			it.Note, it.Unit, it.Direction, it.Codes = t.Note, t.Unit, t.Direction, t.Codes
		}
		if _, dup := f.in.byID[it.ID]; dup {
			bad(line, rcVariable, it.ID+" is used twice")
			continue
		}
		if it.Relevant != "" {
			c, err := parseCondition(it.Relevant)
			if err != nil {
				bad(line, rcBranching, "only comparisons of earlier fields with numbers, joined all by and or all by or, are supported: "+err.Error())
				continue
			}
			it.Relevant = c.String()
		}
		f.in.Items = append(f.in.Items, it)
		f.in.byID[it.ID] = it
	}
	if len(fields) > 0 {
		return nil, ateval.Invalid("the data dictionary is not valid", fields)
	}
	if len(forms) == 0 {
		return nil, ateval.Errorf(ateval.EINVALID, "the data dictionary has no fields to import")
	}
	for _, f := range forms {
		if !f.hasTag && f.section != "" {
			f.in.Name = f.section
		}
	}
	return draftOf(fw, forms, base)
}

// draftOf assembles the framework directory and loads it with Load, so a
// dictionary is held to every rule a framework is.
func draftOf(fw *frameworkTag, forms []*redcapForm, base *Framework) (*REDCapDraft, error) {
	files := fstest.MapFS{}
	put := func(name string, v any) error {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		files[name] = &fstest.MapFile{Data: append(b, '\n')}
		return nil
	}
	var ins []*Instrument
	if fw == nil {
		// A borough's dictionary: a draft of base with its forms added.
		fw = &frameworkTag{Version: base.version + "-draft", Title: base.title, Notes: base.notes, Schedule: base.schedule, Protocol: base.protocol}
		for _, in := range base.instruments {
			for _, f := range forms {
				if f.in.ID == in.ID {
					return nil, ateval.Errorf(ateval.EINVALID, "line %d: form %s has the id of the framework's instrument %s; name it otherwise", f.line, f.name, in.ID)
				}
			}
			ins = append(ins, in)
		}
	}
	for _, f := range forms {
		ins = append(ins, f.in)
	}
	var ids []string
	valueSets := map[string]*ValueSet{}
	for _, in := range ins {
		ids = append(ids, in.ID)
		if err := put("instruments/"+in.ID+".json", in); err != nil {
			return nil, err
		}
		for _, r := range in.Scores {
			if r.Kind == KindValueSet && r.ValueSet != "" {
				valueSets[r.ValueSet] = base.valueSet(r.ValueSet)
			}
		}
	}
	names := make([]string, 0, len(valueSets))
	for name := range valueSets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if vs := valueSets[name]; vs != nil {
			if err := put("valuesets/"+name, vs); err != nil {
				return nil, err
			}
		}
	}
	if err := put("framework.json", struct {
		Version     string   `json:"version"`
		Title       string   `json:"title,omitempty"`
		Notes       string   `json:"notes,omitempty"`
		Instruments []string `json:"instruments"`
		Schedule    []Window `json:"schedule"`
	}{fw.Version, fw.Title, fw.Notes, ids, fw.Schedule}); err != nil {
		return nil, err
	}
	if fw.Protocol != nil {
		if err := put("protocol.json", fw.Protocol); err != nil {
			return nil, err
		}
	}
	f, err := Load(files)
	if err != nil {
		return nil, err
	}
	d := &REDCapDraft{Framework: f, Files: map[string][]byte{}}
	for name, file := range files {
		d.Files[name] = file.Data
	}
	return d, nil
}

// valueSet returns the loaded value set of f's score rules named name, or
// nil.
func (f *Framework) valueSet(name string) *ValueSet {
	for _, in := range f.instruments {
		for _, r := range in.Scores {
			if r.ValueSet == name && r.values != nil {
				return r.values
			}
		}
	}
	return nil
}
