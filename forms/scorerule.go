package forms

// Kinds of score rule. Each is a small, documented computation; which items
// it reads and which tables it uses are data.
const (
	KindItem     = "item"      // one item's value reported alone
	KindSum      = "sum"       // sum of items, prorated when at most MaxMissing are missing
	KindLookup   = "lookup"    // complete sum converted by Table
	KindValueSet = "value-set" // Intercept + Multiplier * sum of level weights
	KindProfile  = "profile"   // the levels written as one number (EQ-5D 11111)
	KindGAST     = "gas-t"     // Kiresuk & Sherman goal attainment T-score
	KindRate     = "rate"      // sum of counts * PerDays / days covered
)

// ProratedUp rounds a prorated sum up to the nearest whole number, as the
// FES-I and Short FES-I scoring guidance says.
const ProratedUp = "up"

var kinds = map[string]bool{KindItem: true, KindSum: true, KindLookup: true, KindValueSet: true, KindProfile: true, KindGAST: true, KindRate: true}

// ScoreRule is how one derived score of an instrument is made. The Score it
// produces names the rule as Method/Version.
type ScoreRule struct {
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Method    string   `json:"method"`
	Version   string   `json:"version"`
	Items     []string `json:"items,omitempty"`
	Direction string   `json:"direction,omitempty"`
	Source    string   `json:"source,omitempty"`
	// MaxMissing is how many items of a sum may be missing and prorated
	// (mean of the answered items times the number of items).
	MaxMissing int `json:"max_missing,omitempty"`
	// Prorated is how a prorated sum is rounded: ProratedUp, rounded up to
	// a whole number, or "" for not rounded at all. It is the instrument's
	// published rule, cited in Source.
	Prorated string `json:"prorated,omitempty"`
	// Table converts a complete raw sum (lookup), as [raw, value] rows.
	Table [][2]float64 `json:"table,omitempty"`
	// ValueSet names the value set file (value-set); NotLoaded is the
	// not-scorable reason while no value set is loaded.
	ValueSet  string `json:"value_set,omitempty"`
	NotLoaded string `json:"not_loaded,omitempty"`
	// Goals and Rho parameterise the GAS T-score.
	Goals int     `json:"goals,omitempty"`
	Rho   float64 `json:"rho,omitempty"`
	// PeriodItem and PerDays parameterise a rate.
	PeriodItem string `json:"period_item,omitempty"`
	PerDays    int    `json:"per_days,omitempty"`

	values *ValueSet
}

// MethodID is the method and version a Score records, as
// "eq5d5l-index/england-devlin-2018".
func (r *ScoreRule) MethodID() string { return r.Method + "/" + r.Version }

// LoadedValueSet returns the value set a value-set rule uses, or nil when
// none is loaded.
func (r *ScoreRule) LoadedValueSet() *ValueSet { return r.values }

// ValueSet is a table of preference weights: the index of a response
// pattern is Intercept + Multiplier * the sum over items of
// Weights[item][level], rounded to Decimals. EQ-5D-5L value sets, ASCOT
// weights and the CES tariff all take this form.
type ValueSet struct {
	ID         string                        `json:"id"`
	Instrument string                        `json:"instrument"`
	Version    string                        `json:"version"`
	Source     string                        `json:"source"`
	Verified   bool                          `json:"verified"`
	Intercept  float64                       `json:"intercept"`
	Multiplier float64                       `json:"multiplier"`
	Min        *float64                      `json:"min,omitempty"`
	Max        *float64                      `json:"max,omitempty"`
	Decimals   *int                          `json:"decimals,omitempty"`
	Weights    map[string]map[string]float64 `json:"weights"`
}
