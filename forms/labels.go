package forms

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// Labels name each code of the framework as people say it: missing
// reasons, respondents, timepoints (Timepoint.Label) and scores. Pages,
// PDFs and codebooks take their words from here; the codes stay what
// files and the API exchange. An unknown code is shown as it is.

// Label is the missing reason as a form offers it: "Refused",
// "Not applicable", "Unable to answer", "Not asked".
func (r MissingReason) Label() string {
	switch r {
	case Refused:
		return "Refused"
	case NotApplicable:
		return "Not applicable"
	case Unable:
		return "Unable to answer"
	case NotAsked:
		return "Not asked"
	}
	return string(r)
}

// passive says what happened to a question with the reason: "was
// refused", "could not be answered".
func (r MissingReason) passive() string {
	switch r {
	case Refused:
		return "was refused"
	case NotApplicable:
		return "did not apply"
	case Unable:
		return "could not be answered"
	case NotAsked:
		return "was not asked"
	}
	return "is missing (" + string(r) + ")"
}

// Label is who answered, as a form offers it: "The resident", "A proxy
// for the resident", "A carer", "Taken from records".
func (r Respondent) Label() string {
	switch r {
	case RespondentResident:
		return "The resident"
	case RespondentProxy:
		return "A proxy for the resident"
	case RespondentCarer:
		return "A carer"
	case RespondentRecord:
		return "Taken from records"
	}
	return string(r)
}

// scoreLabels name each score of the framework's instruments, by
// instrument and score name; a range is given where the framework fixes
// it. Scores not listed are named by scoreName.
var scoreLabels = map[string]string{
	"ons4/satisfied":                    "Life satisfaction (0 to 10)",
	"ons4/worthwhile":                   "Things done are worthwhile (0 to 10)",
	"ons4/happy":                        "Happiness yesterday (0 to 10)",
	"ons4/anxious":                      "Anxiety yesterday (0 to 10, higher is worse)",
	"swemwbs/metric":                    "Wellbeing, metric score (7 to 35)",
	"swemwbs/raw":                       "Wellbeing, raw score (7 to 35)",
	"eq5d5l/index":                      "Health index (England value set)",
	"eq5d5l/vas":                        "Own rating of health today (0 to 100)",
	"eq5d5l/profile":                    "Health profile (a level for each of the five dimensions)",
	"ascot-sct4/index":                  "Social care related quality of life",
	"ces/index":                         "Carer experience (0 to 100)",
	"ucla3/score":                       "Loneliness (3 to 9, higher is lonelier)",
	"short-fes-i/score":                 "Concern about falling (7 to 28, higher is more concern)",
	"zbi12/score":                       "Carer burden (0 to 48, higher is worse)",
	"gas/t_score":                       "Goal attainment T-score (50 is as expected)",
	"events/adverse_events_per_30_days": "Adverse events per 30 days",
	"events/falls_per_30_days":          "Falls per 30 days",
	"events/admissions_per_30_days":     "Hospital admissions per 30 days",
	"events/ae_visits_per_30_days":      "A&E visits per 30 days",
	"events/gp_contacts_per_30_days":    "GP contacts per 30 days",
	"events/home_care_hours":            "Home care hours a week",
	"events/care_home_admission":        "Admitted to a care home",
	"events/death":                      "Died",
	"device-use/in_use":                 "Device in use",
	"device-use/frequency":              "How often the device is used",
	"device-use/satisfaction":           "Satisfaction with the device",
}

// ScoreLabel names one of the instrument's scores for people: "Wellbeing,
// metric score (7 to 35)" for SWEMWBS's metric.
func (in *Instrument) ScoreLabel(name string) string {
	if l, ok := scoreLabels[in.ID+"/"+name]; ok {
		return l
	}
	return scoreName(name)
}

// scoreName makes a score's code readable when no label names it:
// "t_score" becomes "T score".
func scoreName(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ScoreText writes a score's value as people read it: a choice item's
// level by its label ("Yes"), a profile as its digits (45431), a
// conversion table's value to its two decimals (20.73), an index to three,
// a count or whole sum without decimals. A score with no value is "".
func (in *Instrument) ScoreText(s Score) string {
	if s.Value == nil {
		return ""
	}
	v := *s.Value
	var rule *ScoreRule
	for _, r := range in.Scores {
		if r.Name == s.Name {
			rule = r
		}
	}
	if rule == nil {
		return trimFloat(v, 3)
	}
	switch rule.Kind {
	case KindItem:
		if it, ok := in.Item(rule.Items[0]); ok && it.Type == TypeChoice && v == math.Trunc(v) {
			if l, ok := it.Level(int(v)); ok {
				return l.Label
			}
		}
		return trimFloat(v, 2)
	case KindProfile:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case KindLookup, KindGAST, KindRate:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case KindValueSet:
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
	return trimFloat(v, 2)
}

// trimFloat writes v to at most the given decimals, without trailing
// zeros.
func trimFloat(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// NotScorableText says why a score has no value in a person's words: the
// stored reason ("swemwbs_3 is missing (refused)") with each item named
// by its question's number and each missing reason in words ("question 3
// was refused").
func (in *Instrument) NotScorableText(why string) string {
	if why == "" {
		return ""
	}
	// Longer ids first, so that swemwbs_1 does not eat into swemwbs_12.
	pairs := make([]string, 0, 2*len(in.Items)+2*len(MissingReasons()))
	ids := make([]int, len(in.Items))
	for i := range ids {
		ids[i] = i
	}
	sort.SliceStable(ids, func(a, b int) bool { return len(in.Items[ids[a]].ID) > len(in.Items[ids[b]].ID) })
	for _, i := range ids {
		pairs = append(pairs, in.Items[i].ID, "question "+strconv.Itoa(i+1))
	}
	for _, r := range MissingReasons() {
		pairs = append(pairs, " is missing ("+string(r)+")", " "+r.passive())
	}
	return strings.NewReplacer(pairs...).Replace(why)
}

// ShownWhen says, in words, when the item is asked: "question 1 is
// answered “No”" for the skip rule "device_use_in_use = 0". An item asked
// always gives "".
func (in *Instrument) ShownWhen(it *Item) string {
	c := it.relevant
	if c == nil {
		return ""
	}
	number := map[string]int{}
	for i, x := range in.Items {
		number[x.ID] = i + 1
	}
	words := map[string]string{"=": "is", "!=": "is not", "<": "is less than", "<=": "is at most", ">": "is more than", ">=": "is at least"}
	parts := make([]string, len(c.terms))
	for i, t := range c.terms {
		subject := t.item
		if n, ok := number[t.item]; ok {
			subject = "question " + strconv.Itoa(n)
		}
		value := trimFloat(t.value, 6)
		if x, ok := in.Item(t.item); ok && x.Type == TypeChoice && (t.op == "=" || t.op == "!=") {
			if l, ok := x.Level(int(t.value)); ok && float64(l.Code) == t.value {
				verb := "is answered"
				if t.op == "!=" {
					verb = "is not answered"
				}
				parts[i] = subject + " " + verb + " “" + l.Label + "”"
				continue
			}
		}
		parts[i] = subject + " " + words[t.op] + " " + value
	}
	joiner := " and "
	if c.any {
		joiner = " or "
	}
	return strings.Join(parts, joiner)
}

// AName is the instrument's name after "a" or "an", as its first letter
// is read aloud: "an ONS personal wellbeing (ONS4)", "a Three-item
// loneliness scale (UCLA 3-item)".
func (in *Instrument) AName() string {
	if in.Name != "" && strings.ContainsRune("AEIOU", rune(in.Name[0])) {
		return "an " + in.Name
	}
	return "a " + in.Name
}

// ShortName is the instrument's name as a list of many shows it: the
// abbreviation its name gives in brackets ("ONS4" for "ONS personal
// wellbeing (ONS4)"), or its name when it gives none.
func (in *Instrument) ShortName() string {
	open, end := strings.LastIndex(in.Name, "("), strings.LastIndex(in.Name, ")")
	if open >= 0 && end > open+1 {
		return in.Name[open+1 : end]
	}
	return in.Name
}
