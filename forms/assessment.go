package forms

import (
	"strconv"
	"strings"

	"github.com/ateval/ateval"
)

// MissingReason says why an item has no answer. A blank is never silent.
type MissingReason string

const (
	Refused       MissingReason = "refused"
	NotApplicable MissingReason = "not_applicable"
	Unable        MissingReason = "unable"
	NotAsked      MissingReason = "not_asked"
)

// MissingReasons lists the reasons in the order forms offer them.
func MissingReasons() []MissingReason {
	return []MissingReason{Refused, NotApplicable, Unable, NotAsked}
}

// Valid reports whether r is a known reason.
func (r MissingReason) Valid() bool {
	for _, x := range MissingReasons() {
		if x == r {
			return true
		}
	}
	return false
}

// Answer is the raw response to one item: a value (a level's code or a
// number) or the reason there is none. Exactly one of Value and Missing is set.
type Answer struct {
	Item    string        `json:"item"`
	Value   *float64      `json:"value,omitempty"`
	Missing MissingReason `json:"missing,omitempty"`
}

// Respondent is who answered.
type Respondent string

const (
	RespondentResident Respondent = "resident"
	RespondentProxy    Respondent = "proxy"
	RespondentCarer    Respondent = "carer"
	// RespondentRecord marks answers taken from linked records (the events
	// instrument), not from a person.
	RespondentRecord Respondent = "record"
)

// Respondents lists every respondent kind.
func Respondents() []Respondent {
	return []Respondent{RespondentResident, RespondentProxy, RespondentCarer, RespondentRecord}
}

// Valid reports whether r is a known respondent kind.
func (r Respondent) Valid() bool {
	for _, x := range Respondents() {
		if x == r {
			return true
		}
	}
	return false
}

// Timepoint is a scheduled point of measurement relative to enrolment.
type Timepoint string

const (
	Baseline Timepoint = "baseline"
	Week6    Timepoint = "w6"
	Month3   Timepoint = "m3"
	Month6   Timepoint = "m6"
	Month12  Timepoint = "m12"
)

// Timepoints lists the timepoints in time order.
func Timepoints() []Timepoint { return []Timepoint{Baseline, Week6, Month3, Month6, Month12} }

// Valid reports whether t is a known timepoint.
func (t Timepoint) Valid() bool {
	for _, x := range Timepoints() {
		if x == t {
			return true
		}
	}
	return false
}

// Score is one derived score of an assessment: a total, a sub-score or an
// index. Scores are recomputed from the raw answers whenever a scoring
// method changes, so Method records exactly which rule made it.
type Score struct {
	Name  string   `json:"name"`            // "score", "metric", "index", "vas", ...
	Value *float64 `json:"value,omitempty"` // nil when not scorable
	// Method names the scoring rule and its version, such as
	// "swemwbs-metric/2008" or "eq5d5l-index/england-devlin-2018".
	Method string `json:"method"`
	// NotScorable says why Value is nil ("3 of 7 items missing; at most 1
	// may be prorated").
	NotScorable string `json:"not_scorable,omitempty"`
}

// Assessment is one instrument completed for one resident at one timepoint.
type Assessment struct {
	ID               int64       `json:"id"`
	ResidentID       int64       `json:"resident_id"`
	Instrument       string      `json:"instrument"`
	Timepoint        Timepoint   `json:"timepoint"`
	AssessedOn       ateval.Date `json:"assessed_on"`
	Respondent       Respondent  `json:"respondent"`
	FrameworkVersion string      `json:"framework_version"`
	Answers          []Answer    `json:"answers"`
	Scores           []Score     `json:"scores,omitempty"`
	// EnteredInError marks an assessment recorded by mistake (for the
	// wrong resident, say): it is kept, with its answers, but taken out
	// of analysis, exports and the schedule.
	EnteredInError bool `json:"entered_in_error,omitempty"`
}

// FormatAnswers writes answers in the compact form the CSV files use:
// item=value pairs separated by semicolons, a missing reason in place of
// the value ("swemwbs_1=4;swemwbs_2=refused").
func FormatAnswers(answers []Answer) string {
	n := 0
	for _, a := range answers {
		n += len(a.Item) + len(a.Missing) + 8
	}
	b := make([]byte, 0, n)
	for i, a := range answers {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, a.Item...)
		b = append(b, '=')
		if a.Value != nil {
			b = strconv.AppendFloat(b, *a.Value, 'f', -1, 64)
		} else {
			b = append(b, a.Missing...)
		}
	}
	return string(b)
}

// ParseAnswers reads the compact form written by FormatAnswers. It checks
// the form only (pairs, numbers, reasons, no item twice); whether the items
// and values fit an instrument is the instrument's Validate. An import
// parses a million of these, so it allocates three times whatever the
// count of answers: the answers, their values and the copy of s.
func ParseAnswers(s string) ([]Answer, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	// The answers keep no string cut from s, which may be a whole CSV line.
	s = strings.Clone(s)
	n := strings.Count(s, ";") + 1
	answers := make([]Answer, 0, n)
	values := make([]float64, 0, n)
	// Instruments have a few dozen items at most; a map finds repeats only
	// in input longer than that, which may be hostile.
	var seen map[string]bool
	if n > 32 {
		seen = make(map[string]bool, n)
	}
	for rest := s; ; {
		p, after, more := strings.Cut(rest, ";")
		item, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		item, val = strings.TrimSpace(item), strings.TrimSpace(val)
		if !ok || item == "" {
			return nil, ateval.Errorf(ateval.EINVALID, "%q is not of the form item=value", p)
		}
		twice := seen[item]
		if seen != nil {
			seen[item] = true
		} else {
			for _, prev := range answers {
				twice = twice || prev.Item == item
			}
		}
		if twice {
			return nil, ateval.Errorf(ateval.EINVALID, "item %s is answered twice", item)
		}
		a := Answer{Item: item}
		if r := MissingReason(val); r.Valid() {
			a.Missing = r
		} else if v, err := strconv.ParseFloat(val, 64); err == nil && !isNaNOrInf(v) {
			values = append(values, v)
			a.Value = &values[len(values)-1]
		} else {
			return nil, ateval.Errorf(ateval.EINVALID, "item %s: %q is neither a number nor a missing reason (refused, not_applicable, unable, not_asked)", item, val)
		}
		answers = append(answers, a)
		if !more {
			break
		}
		rest = after
	}
	return answers, nil
}

func isNaNOrInf(v float64) bool { return v != v || v > 1e308 || v < -1e308 }

// Label is the timepoint as a practitioner says it: "Baseline", "6 weeks",
// "3 months", "6 months", "12 months"; an unknown code is returned as it is.
func (t Timepoint) Label() string {
	switch t {
	case Baseline:
		return "Baseline"
	case Week6:
		return "6 weeks"
	case Month3:
		return "3 months"
	case Month6:
		return "6 months"
	case Month12:
		return "12 months"
	}
	return string(t)
}
