package forms

import (
	"fmt"
	"io"
	"strconv"

	"github.com/ateval/ateval"
)

// Wording is a borough's licensed text for one instrument, as JSON:
//
//	{"instrument": "zbi12",
//	 "items": {"zbi12_1": {"text": "...", "levels": {"0": "Never", ...}}}}
//
// Items and levels left out keep their placeholder.
type Wording struct {
	Instrument string                 `json:"instrument"`
	Items      map[string]ItemWording `json:"items"`
}

// ItemWording is the licensed text of one item and its level labels, keyed
// by level code.
type ItemWording struct {
	Text   string            `json:"text"`
	Levels map[string]string `json:"levels,omitempty"`
}

// LoadWording returns a copy of f in which one instrument carries the
// licensed wording read from r. f itself is unchanged.
func (f *Framework) LoadWording(r io.Reader) (*Framework, error) {
	var w Wording
	if err := decodeStrict(r, &w); err != nil {
		return nil, ateval.Errorf(ateval.EINVALID, "wording file %v", err)
	}
	g := f.clone()
	in, ok := g.byID[w.Instrument]
	if !ok {
		return nil, ateval.Errorf(ateval.EINVALID, "wording is for instrument %q, which is not in framework %s", w.Instrument, f.version)
	}
	var fields []ateval.FieldError
	for id, iw := range w.Items {
		it, ok := in.byID[id]
		if !ok {
			fields = append(fields, ateval.FieldError{Field: id, Message: "is not an item of " + in.ID})
			continue
		}
		if iw.Text != "" {
			it.Text = iw.Text
		}
		for code, label := range iw.Levels {
			c, err := strconv.Atoi(code)
			i := levelIndex(it, c)
			if err != nil || i < 0 || label == "" {
				fields = append(fields, ateval.FieldError{Field: id, Message: fmt.Sprintf("level %q is not a level of the item, or its label is empty", code)})
				continue
			}
			it.Levels[i].Label = label
		}
	}
	if len(fields) > 0 {
		return nil, ateval.Invalid("the wording does not fit "+in.ID, fields)
	}
	in.Licence.WordingLoaded = true
	return g, nil
}

func levelIndex(it *Item, code int) int {
	for i, l := range it.Levels {
		if l.Code == code {
			return i
		}
	}
	return -1
}

// LoadValueSet returns a copy of f whose value-set score rule for the value
// set's instrument uses the preference weights read from r (the ValueSet
// JSON form, as in framework/VERSION/valuesets). Use it to load weights
// held under licence (ASCOT SCT4 from PSSRU, the CES tariff) or a newer
// value set. The score's method version becomes the value set's version.
func (f *Framework) LoadValueSet(r io.Reader) (*Framework, error) {
	vs := &ValueSet{}
	if err := decodeStrict(r, vs); err != nil {
		return nil, ateval.Errorf(ateval.EINVALID, "value set file %v", err)
	}
	g := f.clone()
	in, ok := g.byID[vs.Instrument]
	if !ok {
		return nil, ateval.Errorf(ateval.EINVALID, "value set is for instrument %q, which is not in framework %s", vs.Instrument, f.version)
	}
	for _, rule := range in.Scores {
		if rule.Kind != KindValueSet {
			continue
		}
		if errs := in.checkValueSet(rule, vs); len(errs) > 0 {
			fields := make([]ateval.FieldError, len(errs))
			for i, e := range errs {
				fields[i] = ateval.FieldError{Field: vs.ID, Message: e}
			}
			return nil, ateval.Invalid("the value set does not fit "+in.ID, fields)
		}
		rule.values = vs
		rule.Version = vs.Version
		return g, nil
	}
	return nil, ateval.Errorf(ateval.EINVALID, "instrument %s has no value-set score", in.ID)
}
