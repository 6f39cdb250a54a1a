package exports

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/ateval/ateval/forms"
)

// Column is one column of an export, as its codebook describes it.
type Column struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	// Type is "string", "category", "integer" or "decimal". A number's
	// cell holds a number or nothing; an item's or a score's reason for
	// having no value is in its companion column (MissingColumn), never in
	// the value's own, so that every tool reads numbers as numbers.
	Type       string        `json:"type"`
	Levels     []ColumnLevel `json:"levels,omitempty"`
	Min        *float64      `json:"min,omitempty"`
	Max        *float64      `json:"max,omitempty"`
	Unit       string        `json:"unit,omitempty"`
	Instrument string        `json:"instrument,omitempty"`
	Item       string        `json:"item,omitempty"`
	Score      string        `json:"score,omitempty"`
	Scoring    string        `json:"scoring_method,omitempty"` // method/version, as "swemwbs-metric/stewart-brown-2009"
	Timepoint  string        `json:"timepoint,omitempty"`
	// MissingCodes are the reasons MissingColumn may give for the value's
	// absence.
	MissingCodes []string `json:"missing_codes,omitempty"`
	// MissingColumn names the companion column holding the reason a
	// value is missing; MissingFor, on the companion, names its value's
	// column.
	MissingColumn string `json:"missing_column,omitempty"`
	MissingFor    string `json:"missing_for,omitempty"`
}

// ColumnLevel is one coded value of a category column.
type ColumnLevel struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// MaxNameLength is the longest column name written: Stata allows 32
// characters, SPSS 64, R more.
const MaxNameLength = 32

// NotScorable is written in a score's missing-reason column when the
// score could not be computed from the answers (too many items missing,
// no value set).
const NotScorable = "not_scorable"

// MissingSuffix ends the name of a value's missing-reason column.
const MissingSuffix = "_missing"

// SafeName turns s into a column name that R, Stata and SPSS all accept:
// lower case, [a-z0-9_] only, starting with a letter, at most
// MaxNameLength characters. A longer name is first abbreviated by a fixed
// table, then cut and given 4 hexadecimal digits of the SHA-256 of the
// full name, so that it stays the same from one export to the next.
func SafeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := b.String()
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		name = "v_" + name
	}
	if len(name) <= MaxNameLength {
		return name
	}
	full := name
	for _, ab := range [][2]string{{"_per_30_days", "_p30d"}, {"_satisfaction", "_satisf"}, {"_accommodation", "_accom"},
		{"_attainment", "_attain"}, {"_admissions", "_adm"}, {"_admission", "_adm"}, {"_score", "_sc"}} {
		name = strings.ReplaceAll(name, ab[0], ab[1])
	}
	if len(name) <= MaxNameLength {
		return name
	}
	sum := sha256.Sum256([]byte(full))
	return name[:MaxNameLength-5] + "_" + hex.EncodeToString(sum[:2])
}

// instrumentPrefix is an instrument's id as the start of a column name.
func instrumentPrefix(id string) string { return SafeName(id) }

// wideSuffix is a timepoint as the end of a wide column name.
func wideSuffix(t forms.Timepoint) string {
	if t == forms.Baseline {
		return "bl"
	}
	return string(t)
}

// scoreBase is the column name of an instrument's score in the long
// layout: instrument and score name, with "_score" added where that
// would be an item's name (the ONS4 items each have a score of their own
// name).
func scoreBase(f *forms.Framework, in *forms.Instrument, r *forms.ScoreRule) string {
	base := instrumentPrefix(in.ID) + "_" + SafeName(r.Name)
	for _, other := range f.Instruments() {
		if _, ok := other.Item(base); ok {
			return base + "_score"
		}
	}
	return base
}

func itemColumn(in *forms.Instrument, it *forms.Item) Column {
	c := Column{Name: SafeName(it.ID), Label: it.Text, Instrument: in.ID, Item: it.ID, Min: it.Min, Max: it.Max, Unit: it.Unit,
		MissingCodes: missingCodes()}
	switch it.Type {
	case forms.TypeChoice:
		c.Type = "category"
		for _, l := range it.Levels {
			c.Levels = append(c.Levels, ColumnLevel{Code: strconv.Itoa(l.Code), Label: l.Label})
		}
	case forms.TypeInteger:
		c.Type = "integer"
	default:
		c.Type = "decimal"
	}
	return c
}

func scoreColumn(f *forms.Framework, in *forms.Instrument, r *forms.ScoreRule) Column {
	return Column{Name: SafeName(scoreBase(f, in, r)), Label: in.ShortName() + ": " + in.ScoreLabel(r.Name), Type: "decimal",
		Instrument: in.ID, Score: r.Name, Scoring: r.MethodID(), MissingCodes: []string{NotScorable}}
}

// missingColumn is the companion of a value column c: a category holding
// why c has no value, blank when it has one or does not apply.
func missingColumn(c Column) Column {
	m := Column{Name: SafeName(c.Name + MissingSuffix), Type: "category", MissingFor: c.Name,
		Label:      "Why " + c.Name + " has no value; blank when it has one, or when it does not apply to the row",
		Instrument: c.Instrument, Item: c.Item, Score: c.Score, Scoring: c.Scoring, Timepoint: c.Timepoint}
	for _, code := range c.MissingCodes {
		m.Levels = append(m.Levels, ColumnLevel{Code: code, Label: missingLevelLabel(code)})
	}
	return m
}

func missingCodes() []string {
	var out []string
	for _, r := range forms.MissingReasons() {
		out = append(out, string(r))
	}
	return out
}
