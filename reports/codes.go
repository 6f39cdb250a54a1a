package reports

import (
	"regexp"
	"strings"

	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
)

// Codes lists the internal identifiers a reader of the report must never
// see in its text or alt text: outcome, device category, instrument,
// score, measure, design, timepoint and unit-cost ids, and the codes of a
// resident's record that the pages name in words (sex, ethnic group,
// support reason, removal reason, missing reason, respondent) where the
// code is not itself a word ("not_stated", "memory_cognition"). Ids that
// are plain English words ("falls", "gas", "events") are left out.
// Borough slugs are the installation's, so callers add them.
func Codes() []string {
	english := map[string]bool{"falls": true, "gas": true, "events": true, "index": true, "raw": true, "score": true, "vas": true,
		"satisfied": true, "worthwhile": true, "happy": true, "anxious": true, "metric": true, "frequency": true, "satisfaction": true, "death": true, "profile": true}
	var out []string
	add := func(ids ...string) {
		for _, id := range ids {
			if !english[id] {
				out = append(out, id)
			}
		}
	}
	for _, o := range Outcomes() {
		add(o.ID, o.Score)
	}
	for _, c := range devices.Categories() {
		add(c.ID)
	}
	for _, in := range forms.Default().Instruments() {
		add(in.ID)
		for _, s := range in.Scores {
			add(s.Name)
		}
	}
	// A record's codes joined by "_" are never prose; those that are
	// single words ("female", "refused") would be found in sentences.
	var record []string
	for _, c := range devices.Sexes() {
		record = append(record, string(c))
	}
	for _, c := range devices.EthnicGroups() {
		record = append(record, string(c))
	}
	for _, c := range devices.SupportReasons() {
		record = append(record, string(c))
	}
	for _, c := range devices.RemovalReasons() {
		record = append(record, string(c))
	}
	for _, c := range forms.MissingReasons() {
		record = append(record, string(c))
	}
	for _, c := range forms.Respondents() {
		record = append(record, string(c))
	}
	for _, c := range record {
		if strings.Contains(c, "_") {
			add(c)
		}
	}
	add(MC, MCDiff, IRR, IRRDiff, PR, PLO, BeforeAfter, DifferenceInChange, SingleGroup, "w6", "m3", "m6", "m12")
	add(requiredUnitCosts...)
	return out
}

// CodesIn returns the codes (and borough slugs given) that text holds as
// whole words, and any figure printed as minus zero.
func CodesIn(text string, slugs ...string) []string {
	var found []string
	for _, c := range append(Codes(), slugs...) {
		if !strings.Contains(text, c) {
			continue
		}
		re := regexp.MustCompile(`(^|[^A-Za-z0-9_\-])` + regexp.QuoteMeta(c) + `($|[^A-Za-z0-9_\-])`)
		if re.MatchString(text) {
			found = append(found, c)
		}
	}
	if m := minusZero.FindString(text); m != "" {
		found = append(found, strings.TrimSpace(m))
	}
	if strings.Contains(text, " 1 seconds") {
		found = append(found, "1 seconds")
	}
	return found
}

// minusZero is a figure printed as minus zero: "-0.00", "−0", "−0.0%".
var minusZero = regexp.MustCompile(`(^|[^0-9.])[-−]0(\.0+)?($|[^0-9.])`)
