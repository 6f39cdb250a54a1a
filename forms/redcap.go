package forms

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// REDCapColumns are the 18 columns of a REDCap data dictionary, in order.
var REDCapColumns = []string{
	"Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
	"Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
	"Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
	"Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name",
	"Matrix Ranking?", "Field Annotation",
}

// Column positions in REDCapColumns.
const (
	rcVariable = iota
	rcForm
	rcSection
	rcType
	rcLabel
	rcChoices
	rcNote
	rcValidation
	rcMin
	rcMax
	rcIdentifier
	rcBranching
	rcRequired
)

// WriteREDCapDictionary writes the instrument as a REDCap data dictionary:
// one form named after the instrument, choice items as radio buttons, numbers
// as text fields with integer or number validation and their range, skip
// rules as branching logic, and what REDCap has no column for (the
// instrument's id and scoring, an item's unit and direction) as @ATEVAL-
// tags in the Field Annotation (see ParseREDCapFramework). Missing reasons
// belong to REDCap's project-level missing data codes, not to the
// dictionary.
func (in *Instrument) WriteREDCapDictionary(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(REDCapColumns); err != nil {
		return err
	}
	in.redcapRows(cw)
	cw.Flush()
	return cw.Error()
}

// WriteREDCapDictionary writes every instrument of the framework as one
// REDCap data dictionary, after the record_id field REDCap requires first.
func (f *Framework) WriteREDCapDictionary(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(REDCapColumns); err != nil {
		return err
	}
	first := make([]string, len(REDCapColumns))
	first[rcVariable], first[rcForm], first[rcType], first[rcLabel] = "record_id", formName(f.instruments[0].ID), "text", "Record ID"
	first[rcAnnotation] = f.frameworkTag()
	if err := cw.Write(first); err != nil {
		return err
	}
	for _, in := range f.instruments {
		in.redcapRows(cw)
	}
	cw.Flush()
	return cw.Error()
}

func (in *Instrument) redcapRows(cw *csv.Writer) {
	for i, it := range in.Items {
		row := make([]string, len(REDCapColumns))
		row[rcVariable] = it.ID
		row[rcForm] = formName(in.ID)
		if i == 0 {
			row[rcSection] = in.Name
		}
		row[rcLabel] = it.Text
		row[rcNote] = strings.TrimSpace(it.Note + " " + it.Unit)
		switch it.Type {
		case TypeChoice:
			row[rcType] = "radio"
			var ch []string
			for _, l := range it.Levels {
				ch = append(ch, strconv.Itoa(l.Code)+", "+l.Label)
			}
			row[rcChoices] = strings.Join(ch, " | ")
		default:
			row[rcType] = "text"
			row[rcValidation] = "number"
			if it.Type == TypeInteger {
				row[rcValidation] = "integer"
			}
			if it.Min != nil {
				row[rcMin] = strconv.FormatFloat(*it.Min, 'f', -1, 64)
			}
			if it.Max != nil {
				row[rcMax] = strconv.FormatFloat(*it.Max, 'f', -1, 64)
			}
		}
		if it.relevant != nil {
			row[rcBranching] = it.relevant.redcap()
		}
		if it.Required {
			row[rcRequired] = "y"
		}
		var tags []string
		if i == 0 {
			tags = in.instrumentTags()
		}
		if t := it.itemTag(); t != "" {
			tags = append(tags, t)
		}
		row[rcAnnotation] = strings.Join(tags, "\n")
		cw.Write(row) // errors surface at Flush
	}
}

// formName is an instrument id as a REDCap form name: lower case and
// underscores.
func formName(id string) string { return strings.ReplaceAll(id, "-", "_") }
