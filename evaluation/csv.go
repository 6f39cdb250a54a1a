package evaluation

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/ateval/ateval"
)

// maxCSVErrors bounds the lines reported at once from a bad file.
const maxCSVErrors = 20

// ReadStudies reads per-borough effects from CSV with a header row naming
// at least the columns study, yi and either vi (sampling variance) or sei
// (standard error; vi = sei²). Names are matched without regard to case or
// surrounding space; vi is used when both are present; other columns are
// ignored (ReadTable keeps them). Every value must be a finite number, vi and sei positive, and
// study non-empty.
//
// A bad file gives an EINVALID *ateval.Error whose fields name each bad
// line and column, such as `line 4: vi: "abc" is not a number` (lines
// count from 1, the header being line 1), or a message such as
// `missing column yi`.
func ReadStudies(r io.Reader) ([]Study, error) {
	t, err := ReadTable(r)
	return t.Studies, err
}

// Table is a pooling CSV file: its studies, and its other columns (borough
// characteristics to group by or regress on) as text, one value per study.
type Table struct {
	Studies []Study
	// Names lists the other columns, lower-cased, in the file's order;
	// Columns holds each one's values, trimmed, in the studies' order.
	Names   []string
	Columns map[string][]string
}

// ReadTable reads a pooling CSV file as ReadStudies does, keeping its
// other columns.
func ReadTable(r io.Reader) (Table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return Table{}, ateval.Errorf(ateval.EINVALID, "the file is empty: expected a header with study, yi and vi or sei")
	} else if err != nil {
		return Table{}, csvError(err)
	}
	col := map[string]int{}
	var order []string
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup {
			col[h] = i
			order = append(order, h)
		}
	}
	for _, c := range []string{"study", "yi"} {
		if _, ok := col[c]; !ok {
			return Table{}, ateval.Errorf(ateval.EINVALID, "missing column %s", c)
		}
	}
	varCol, squared := "vi", false
	if _, ok := col["vi"]; !ok {
		if _, ok := col["sei"]; !ok {
			return Table{}, ateval.Errorf(ateval.EINVALID, "missing column vi (or sei)")
		}
		varCol, squared = "sei", true
	}
	t := Table{Columns: map[string][]string{}}
	for _, h := range order {
		switch h {
		case "study", "yi", "vi", "sei":
		default:
			t.Names = append(t.Names, h)
		}
	}
	var bad []ateval.FieldError
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return Table{}, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		at := fmt.Sprintf("line %d", line)
		field := func(name string) string {
			if i := col[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		s := Study{Label: field("study")}
		var msgs []string
		if s.Label == "" {
			msgs = append(msgs, "study: must not be empty")
		}
		var m string
		if s.Yi, m = number("yi", field("yi"), false); m != "" {
			msgs = append(msgs, m)
		}
		if s.Vi, m = number(varCol, field(varCol), true); m != "" {
			msgs = append(msgs, m)
		} else if squared {
			s.Vi *= s.Vi
		}
		for _, m := range msgs {
			if len(bad) < maxCSVErrors {
				bad = append(bad, ateval.FieldError{Field: at, Message: m})
			}
		}
		if msgs == nil {
			t.Studies = append(t.Studies, s)
			for _, h := range t.Names {
				t.Columns[h] = append(t.Columns[h], field(h))
			}
		}
	}
	if len(bad) > 0 {
		return Table{}, ateval.Invalid("the file has values that cannot be pooled", bad)
	}
	if len(t.Studies) == 0 {
		return Table{}, ateval.Errorf(ateval.EINVALID, "the file has a header but no studies")
	}
	return t, nil
}

// number parses a finite number, positive when asked, returning a message
// naming the column when it cannot.
func number(name, s string, positive bool) (float64, string) {
	x, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil:
		return 0, fmt.Sprintf("%s: %q is not a number", name, s)
	case math.IsNaN(x) || math.IsInf(x, 0):
		return 0, fmt.Sprintf("%s: %q is not a finite number", name, s)
	case positive && !(x > 0):
		return 0, fmt.Sprintf("%s: must be positive", name)
	case positive && x*x == 0 && name == "sei":
		return 0, fmt.Sprintf("%s: %q is too small: its square is 0", name, s)
	case positive && math.IsInf(x*x, 0) && name == "sei":
		return 0, fmt.Sprintf("%s: %q is too large: its square is not a finite number", name, s)
	}
	return x, ""
}

// Column returns the values of the named column (matched without regard
// to case), or an EINVALID error naming the columns there are.
func (t Table) Column(name string) ([]string, error) {
	v, ok := t.Columns[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return nil, ateval.Errorf(ateval.EINVALID, "no column %q: the file's other columns are %s", name, listOrNone(t.Names))
	}
	return v, nil
}

// Moderators codes the named columns as moderators of a meta-regression,
// as R's model formula does: a column of numbers enters as it is, under
// its own name; any other column is a factor (see Factor), its levels
// sorted and the first the reference. An empty value gives an EINVALID
// error naming the study.
func (t Table) Moderators(names []string) ([]Moderator, error) {
	var mods []Moderator
	for _, name := range names {
		vals, err := t.Column(name)
		if err != nil {
			return nil, err
		}
		name = strings.ToLower(strings.TrimSpace(name))
		nums := make([]float64, len(vals))
		numeric := true
		for i, v := range vals {
			if v == "" {
				return nil, ateval.Invalid("cannot use column "+name, []ateval.FieldError{{Field: label(t.Studies, i), Message: name + " is empty"}})
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				numeric = false
			}
			nums[i] = x
		}
		if numeric {
			mods = append(mods, Moderator{Name: name, Values: nums})
			continue
		}
		f := Factor(name, vals)
		if len(f) == 0 {
			return nil, ateval.Errorf(ateval.EINVALID, "column %s has one value only: it cannot moderate", name)
		}
		mods = append(mods, f...)
	}
	return mods, nil
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return ateval.Invalid("the file is not valid CSV",
			[]ateval.FieldError{{Field: fmt.Sprintf("line %d", pe.Line), Message: pe.Err.Error()}})
	}
	return fmt.Errorf("reading studies: %w", err)
}
