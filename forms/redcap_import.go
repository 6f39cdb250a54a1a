package forms

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ateval/ateval"
)

// ParseREDCapDictionary reads an instrument from a REDCap data dictionary,
// so that a borough can add a measure of its own. The dictionary must hold
// one form. Supported field types: radio and dropdown (integer codes),
// yesno, truefalse, slider, text with integer or number validation;
// descriptive and calc fields are skipped (scores are not imported). Every
// problem is reported with its line and column.
func ParseREDCapDictionary(r io.Reader) (*Instrument, error) {
	cr, columns, err := readREDCapHeader(r)
	if err != nil {
		return nil, err
	}
	var fields []ateval.FieldError
	bad := func(line int, col int, msg string) { fields = append(fields, redcapProblem(line, col, msg)) }
	in := &Instrument{Licence: Licence{Note: "Imported from a REDCap data dictionary."}, byID: map[string]*Item{}}
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
		form := strings.TrimSpace(row[rcForm])
		switch {
		case in.ID == "":
			if !validItemID(form) {
				bad(line, rcForm, "must be lower-case letters, digits and underscores, starting with a letter")
				return nil, ateval.Invalid("the data dictionary is not valid", fields)
			}
			in.ID, in.Name = form, form
		case form != in.ID:
			bad(line, rcForm, fmt.Sprintf("is %q; the dictionary must hold one form, %q", form, in.ID))
			continue
		}
		it, col, msg := redcapItem(row)
		if msg != "" {
			bad(line, col, msg)
			continue
		}
		if it == nil {
			continue // descriptive or calc
		}
		if _, dup := in.byID[it.ID]; dup {
			bad(line, rcVariable, it.ID+" is used twice")
			continue
		}
		if it.Relevant != "" {
			c, err := parseCondition(it.Relevant)
			if err != nil {
				bad(line, rcBranching, "only comparisons of earlier fields with numbers, joined all by and or all by or, are supported: "+err.Error())
				continue
			}
			for _, t := range c.terms {
				if _, ok := in.byID[t.item]; !ok {
					bad(line, rcBranching, t.item+" is not an earlier field of the form")
				}
			}
			it.relevant = c
			it.Relevant = c.String()
		}
		in.Items = append(in.Items, it)
		in.byID[it.ID] = it
	}
	if len(fields) > 0 {
		return nil, ateval.Invalid("the data dictionary is not valid", fields)
	}
	if len(in.Items) == 0 {
		return nil, ateval.Errorf(ateval.EINVALID, "the data dictionary has no fields to import")
	}
	if errs := in.check(); len(errs) > 0 {
		for _, e := range errs {
			fields = append(fields, ateval.FieldError{Field: in.ID, Message: e})
		}
		return nil, ateval.Invalid("the data dictionary is not valid", fields)
	}
	return in, nil
}

// redcapItem converts one dictionary row; a nil item with no message is a
// row to skip.
func redcapItem(row []string) (*Item, int, string) {
	get := func(i int) string { return strings.TrimSpace(row[i]) }
	it := &Item{ID: get(rcVariable), Text: get(rcLabel), Note: get(rcNote), Required: strings.EqualFold(get(rcRequired), "y")}
	if !validItemID(it.ID) {
		return nil, rcVariable, "must be lower-case letters, digits and underscores, starting with a letter, at most 100 characters"
	}
	if it.Text == "" {
		it.Text = it.ID
	}
	it.Relevant = redcapLogic(get(rcBranching))
	num := func(col int) (*float64, string) {
		s := get(col)
		if s == "" {
			return nil, ""
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || isNaNOrInf(v) {
			return nil, "must be a number"
		}
		return &v, ""
	}
	switch ft := get(rcType); ft {
	case "descriptive", "calc":
		return nil, 0, ""
	case "radio", "dropdown":
		it.Type = TypeChoice
		for _, ch := range strings.Split(get(rcChoices), "|") {
			code, label, ok := strings.Cut(ch, ",")
			c, err := strconv.Atoi(strings.TrimSpace(code))
			if !ok || err != nil || strings.TrimSpace(label) == "" {
				return nil, rcChoices, fmt.Sprintf("%q is not of the form \"code, label\" with a whole-number code", strings.TrimSpace(ch))
			}
			it.Levels = append(it.Levels, Level{Code: c, Label: strings.TrimSpace(label)})
		}
	case "yesno":
		it.Type, it.Levels = TypeChoice, []Level{{0, "No"}, {1, "Yes"}}
	case "truefalse":
		it.Type, it.Levels = TypeChoice, []Level{{0, "False"}, {1, "True"}}
	case "slider":
		it.Type, it.Min, it.Max = TypeInteger, ptr(0), ptr(100)
	case "text":
		switch get(rcValidation) {
		case "integer":
			it.Type = TypeInteger
		case "number", "number_1dp", "number_2dp", "number_3dp", "number_4dp":
			it.Type = TypeDecimal
		default:
			return nil, rcValidation, "only text fields validated as integer or number can be imported"
		}
		var msg string
		if it.Min, msg = num(rcMin); msg != "" {
			return nil, rcMin, msg
		}
		if it.Max, msg = num(rcMax); msg != "" {
			return nil, rcMax, msg
		}
	default:
		return nil, rcType, fmt.Sprintf("field type %q cannot be imported; use radio, dropdown, yesno, truefalse, slider, or text validated as integer or number", ft)
	}
	return it, 0, ""
}

// redcapLogic turns REDCap branching logic into the framework's skip-rule
// syntax: [x] = '1' becomes x = 1, <> becomes !=.
func redcapLogic(s string) string {
	r := strings.NewReplacer("[", " ", "]", " ", "'", " ", `"`, " ", "<>", "!=")
	return strings.Join(strings.Fields(r.Replace(s)), " ")
}

func ptr(v float64) *float64 { return &v }

// csvLineMessage says where a CSV syntax error is, without echoing data.
func csvLineMessage(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d, column %d: %s", pe.Line, pe.Column, pe.Err)
	}
	if err == io.EOF {
		return "line 1: the file is empty"
	}
	return err.Error()
}

// readREDCapHeader opens a REDCap data dictionary and checks its header
// row: REDCap's 16 to 18 columns, in REDCap's order (a byte-order mark
// allowed), and returns how many it has. Both readers of dictionaries
// start here.
func readREDCapHeader(r io.Reader) (_ *csv.Reader, columns int, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, 0, ateval.Errorf(ateval.EINVALID, "%s", csvLineMessage(err))
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if len(header) < 16 || len(header) > len(REDCapColumns) {
		return nil, 0, ateval.Errorf(ateval.EINVALID, "line 1: a REDCap data dictionary has 16 to 18 columns, this has %d", len(header))
	}
	for i, h := range header {
		if strings.TrimSpace(h) != REDCapColumns[i] {
			return nil, 0, ateval.Errorf(ateval.EINVALID, "line 1: column %d is %q; REDCap calls it %q", i+1, h, REDCapColumns[i])
		}
	}
	return cr, len(header), nil
}

// redcapProblem names a problem of a dictionary by its line and, when col
// is not negative, its column.
func redcapProblem(line, col int, msg string) ateval.FieldError {
	where := fmt.Sprintf("line %d", line)
	if col >= 0 {
		where += ", " + REDCapColumns[col]
	}
	return ateval.FieldError{Field: where, Message: msg}
}
