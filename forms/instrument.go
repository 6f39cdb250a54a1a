package forms

// Item types.
const (
	TypeChoice  = "choice"  // one of a list of coded levels
	TypeInteger = "integer" // a whole number in [Min, Max]
	TypeDecimal = "decimal" // any number in [Min, Max]
)

// Directions of an instrument, item or score.
const (
	HigherBetter = "higher_better"
	HigherWorse  = "higher_worse"
)

// Instrument is one questionnaire or record form of the framework.
type Instrument struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Respondents []Respondent `json:"respondents,omitempty"`
	Direction   string       `json:"direction,omitempty"`
	Licence     Licence      `json:"licence"`
	Source      string       `json:"source,omitempty"`
	Items       []*Item      `json:"items"`
	Scores      []*ScoreRule `json:"scores,omitempty"`

	byID map[string]*Item
}

// Licence says who owns an instrument and whether its wording is licensed.
// When WordingLicensed is true and WordingLoaded false, item texts and level
// labels are placeholders; screens must say so.
type Licence struct {
	Note            string `json:"note"`
	WordingLicensed bool   `json:"wording_licensed"`
	WordingLoaded   bool   `json:"wording_loaded,omitempty"`
}

// Item is one question. Its ID is also its REDCap variable name and its FHIR
// linkId.
type Item struct {
	ID        string   `json:"id"`
	Text      string   `json:"text"`
	Type      string   `json:"type"`
	Levels    []Level  `json:"levels,omitempty"`
	Min       *float64 `json:"min,omitempty"`
	Max       *float64 `json:"max,omitempty"`
	Required  bool     `json:"required"`
	Relevant  string   `json:"relevant,omitempty"` // skip rule, as "device_use_in_use = 0"
	Direction string   `json:"direction,omitempty"`
	Unit      string   `json:"unit,omitempty"`
	Note      string   `json:"note,omitempty"`
	// Codes name the item in standard terminologies (LOINC, SNOMED CT),
	// each with the source that assigns it; FHIR's Questionnaire.item.code.
	Codes []ItemCode `json:"codes,omitempty"`

	relevant *condition
}

// ItemCode is a code of an item in a terminology, with where it comes
// from.
type ItemCode struct {
	System  string `json:"system"` // the terminology's URI, as http://snomed.info/sct
	Code    string `json:"code"`
	Display string `json:"display"`
	Source  string `json:"source"` // who assigns the code to this item, for a reader to check
}

// Level is one coded answer of a choice item.
type Level struct {
	Code  int    `json:"code"`
	Label string `json:"label"`
}

// Item returns the item with the given id.
func (in *Instrument) Item(id string) (*Item, bool) {
	it, ok := in.byID[id]
	return it, ok
}

// Level returns the level with the given code.
func (it *Item) Level(code int) (Level, bool) {
	for _, l := range it.Levels {
		if l.Code == code {
			return l, true
		}
	}
	return Level{}, false
}

func (in *Instrument) clone() *Instrument {
	c := *in
	c.Items = make([]*Item, len(in.Items))
	c.byID = make(map[string]*Item, len(in.Items))
	for i, it := range in.Items {
		ci := *it
		ci.Levels = append([]Level(nil), it.Levels...)
		ci.Codes = append([]ItemCode(nil), it.Codes...)
		c.Items[i] = &ci
		c.byID[ci.ID] = &ci
	}
	c.Scores = make([]*ScoreRule, len(in.Scores))
	for i, r := range in.Scores {
		cr := *r
		c.Scores[i] = &cr
	}
	return &c
}
