package reports

import "strings"

// Kind is how an outcome is summarised and which effect measures it.
type Kind string

const (
	// KindChange: a score at baseline and follow-up; mean change (MC).
	KindChange Kind = "change"
	// KindEvents: event counts over days covered; log rate ratio after
	// against before (IRR).
	KindEvents Kind = "events"
	// KindProportion: a yes/no item at a follow-up; a raw proportion (PR).
	KindProportion Kind = "proportion"
)

// Outcome is one outcome the report analyses: which score of which
// instrument, and how to read it.
type Outcome struct {
	ID string `json:"id"`
	// Label is the outcome in plain English, with its instrument and
	// range: "Wellbeing (SWEMWBS, 7–35)".
	Label      string `json:"label"`
	Instrument string `json:"instrument"`
	Score      string `json:"score"`
	Kind       Kind   `json:"kind"`
	// HigherBetter reports that a higher score (or rate, or proportion) is
	// the better outcome.
	HigherBetter bool `json:"higher_better"`
	// Unit names the scale in sentences: "points", "hours a week".
	Unit string `json:"unit"`
	// Timepoints are the follow-ups analysed.
	Timepoints []string `json:"timepoints"`
	// Resolution is the least step in which the score's sum over
	// residents moves (a whole point, 0.001 of an index): the unit the
	// disclosure gate ties a published mean's precision to.
	Resolution float64 `json:"-"`
}

var (
	allFollowUps = []string{"w6", "m3", "m6", "m12"}
	noW6         = []string{"m3", "m6", "m12"}
)

// Outcomes returns the outcomes of the report, in the order it shows them.
// SWEMWBS is analysed on its raw 7–35 sum, whose changes are comparable
// across the scale (the metric conversion is not linear). Event rates are
// the instrument's rate scores turned back into counts and days.
func Outcomes() []Outcome {
	return []Outcome{
		{"swemwbs_raw", "Wellbeing (SWEMWBS, 7–35)", "swemwbs", "raw", KindChange, true, "points", noW6, 1},
		{"ons4_satisfied", "Life satisfaction (ONS, 0–10)", "ons4", "satisfied", KindChange, true, "points", allFollowUps, 1},
		{"ons4_worthwhile", "Feeling that things done in life are worthwhile (ONS, 0–10)", "ons4", "worthwhile", KindChange, true, "points", allFollowUps, 1},
		{"ons4_happy", "Happiness yesterday (ONS, 0–10)", "ons4", "happy", KindChange, true, "points", allFollowUps, 1},
		{"ons4_anxious", "Anxiety yesterday (ONS, 0–10)", "ons4", "anxious", KindChange, false, "points", allFollowUps, 1},
		{"eq5d5l_index", "Health-related quality of life (EQ-5D-5L index)", "eq5d5l", "index", KindChange, true, "index points", allFollowUps, 0.001},
		{"eq5d5l_vas", "Health today (EQ-5D-5L scale, 0–100)", "eq5d5l", "vas", KindChange, true, "points", allFollowUps, 1},
		{"ucla3", "Loneliness (UCLA 3-item scale, 3–9)", "ucla3", "score", KindChange, false, "points", noW6, 1},
		// Scores are whole points (a prorated score is rounded up, as the
		// FES-I scoring guidance says).
		{"short_fes_i", "Concern about falling (Short FES-I, 7–28)", "short-fes-i", "score", KindChange, false, "points", noW6, 1},
		{"home_care_hours", "Home care hours a week", "events", "home_care_hours", KindChange, false, "hours a week", allFollowUps, 0.1},
		{"falls", "Falls", "events", "falls_per_30_days", KindEvents, false, "", allFollowUps, 1},
		{"hospital_admissions", "Hospital admissions", "events", "admissions_per_30_days", KindEvents, false, "", allFollowUps, 1},
		{"device_in_use", "Device still in use", "device-use", "in_use", KindProportion, true, "", allFollowUps, 1},
	}
}

// Units returns the outcome's unit for an amount: "1 point", "0.5 points",
// "1 hour a week".
func (o Outcome) Units(amount string) string {
	if o.Unit == "" {
		return amount
	}
	if amount == "1" {
		return amount + " " + singular(o.Unit)
	}
	return amount + " " + o.Unit
}

// singular turns a unit of the report into its singular: "points" →
// "point", "index points" → "index point", "hours a week" → "hour a week".
func singular(unit string) string {
	return strings.NewReplacer("points", "point", "hours", "hour").Replace(unit)
}

// OutcomeByID returns the outcome with the given id.
func OutcomeByID(id string) (Outcome, bool) {
	for _, o := range Outcomes() {
		if o.ID == id {
			return o, true
		}
	}
	return Outcome{}, false
}
