// Package importer loads the platform's CSV files (boroughs, devices,
// residents, device issues, assessments) into storage: it recognises each
// file's kind by its header, loads the kinds in dependency order whatever
// order the files come in, checks every row against the domain's rules,
// and writes everything of one invocation in one transaction, so a bad row
// anywhere leaves the database as it was.
//
// It may import the domain packages and storage; not gin.
package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Kind is the kind of rows a CSV file holds.
type Kind int

const (
	Boroughs Kind = iota
	Devices
	Residents
	DeviceIssues
	Assessments
)

// kinds lists every kind in dependency order, with the columns that make
// its header recognisable and the optional ones it also reads.
var kindSpecs = [...]struct {
	name     string
	required []string
	optional []string
}{
	Boroughs:     {"boroughs", []string{"borough", "name"}, []string{"gss_code"}},
	Devices:      {"devices", []string{"device", "category", "product"}, []string{"supplier", "unit_cost_pence", "weekly_monitoring_pence", "monitored", "generation_tier"}},
	Residents:    {"residents", []string{"borough", "resident_ref", "year_of_birth", "sex", "ethnic_group", "living_alone", "primary_support_reason", "registered_on"}, []string{"group", "enrolled_on", "objected_on", "given_name", "family_name", "nhs_number", "address", "postcode", "date_of_birth"}},
	DeviceIssues: {"device_issues", []string{"borough", "resident_ref", "device", "issued_on"}, []string{"installed_on", "removed_on", "removal_reason", "removal_note", "issued_by_text"}},
	Assessments:  {"assessments", []string{"borough", "resident_ref", "instrument", "timepoint", "assessed_on", "respondent", "answers"}, []string{"framework_version"}},
}

func (k Kind) String() string { return kindSpecs[k].name }

// Columns returns the header a file of kind k is written with.
func (k Kind) Columns() []string {
	return append(append([]string{}, kindSpecs[k].required...), kindSpecs[k].optional...)
}

// detectKind recognises a header. The most specific kind whose required
// columns are all present wins; unknown columns are refused so that a
// misspelt optional column is not silently dropped.
func detectKind(header []string) (Kind, error) {
	have := map[string]bool{}
	for _, h := range header {
		have[h] = true
	}
	best, bestN := Kind(-1), 0
	for k := Assessments; k >= Boroughs; k-- {
		spec := kindSpecs[k]
		ok := true
		for _, c := range spec.required {
			ok = ok && have[c]
		}
		if ok && len(spec.required) > bestN {
			best, bestN = k, len(spec.required)
		}
	}
	if best < 0 {
		return 0, errors.New("header does not match any kind of file (boroughs, devices, residents, device_issues, assessments); see README.md for the columns")
	}
	known := map[string]bool{}
	for _, c := range best.Columns() {
		known[c] = true
	}
	for _, h := range header {
		if !known[h] {
			return 0, fmt.Errorf("header: column %q is not one of the %s columns (%s)", h, best, strings.Join(best.Columns(), ", "))
		}
	}
	return best, nil
}

// table reads one CSV file row by row, giving fields by column name and the
// line each row starts on.
type table struct {
	name string
	kind Kind
	r    *csv.Reader
	col  map[string]int
	rec  []string
	line int
}

func newTable(name string, r io.Reader) (*table, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: the file is empty; line 1 must be a header", name)
	} else if err != nil {
		return nil, fmt.Errorf("%s line 1: %v", name, csvErr(err))
	}
	cols := make([]string, len(header))
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		cols[i] = h
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("%s line 1: column %q appears twice", name, h)
		}
		col[h] = i
	}
	kind, err := detectKind(cols)
	if err != nil {
		return nil, fmt.Errorf("%s line 1: %v", name, err)
	}
	return &table{name: name, kind: kind, r: cr, col: col}, nil
}

// next reads the next row; it returns io.EOF at the end.
func (t *table) next() error {
	rec, err := t.r.Read()
	if err != nil {
		if err != io.EOF {
			// FieldPos is only defined after a successful Read.
			line := t.line + 1
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return fmt.Errorf("%s line %d: %v", t.name, line, csvErr(err))
		}
		return err
	}
	t.rec = rec
	t.line, _ = t.r.FieldPos(0)
	return nil
}

// get returns a column's value in the current row, "" if the file lacks it.
func (t *table) get(name string) string {
	i, ok := t.col[name]
	if !ok {
		return ""
	}
	return strings.TrimSpace(t.rec[i])
}

// csvErr strips encoding/csv's own position prefix: we name the line ourselves.
func csvErr(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return "wrong number of fields for the header"
		}
		return pe.Err.Error()
	}
	return err.Error()
}
