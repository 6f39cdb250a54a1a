package reports

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"

	"github.com/ateval/ateval"
)

//go:embed data/nhscii.json
var defaultIndex []byte

// PriceIndex is a published cost inflation index, as annual percentage
// changes into each financial year ("2022/23": 7.32 means prices of
// 2022/23 were 7.32% above those of 2021/22), and the price year the
// report's unit costs are uprated to.
type PriceIndex struct {
	Name            string             `json:"name"`
	Short           string             `json:"short"` // as the costs section names it
	PriceYear       string             `json:"price_year"`
	Source          string             `json:"source"`
	TranscribedFrom string             `json:"transcribed_from,omitempty"`
	Provisional     []string           `json:"provisional,omitempty"`
	PercentChange   map[string]float64 `json:"percent_change"`
}

// DefaultIndex returns the index shipped with ateval: the NHSCII pay and
// prices index of the Unit Costs of Health and Social Care 2025 manual.
func DefaultIndex() PriceIndex {
	var ix PriceIndex
	dec := json.NewDecoder(bytes.NewReader(defaultIndex))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ix); err != nil {
		panic("reports: embedded price index is broken: " + err.Error())
	}
	return ix
}

var financialYear = regexp.MustCompile(`^(\d{4})/(\d{2})$`)

// years returns the index's financial years in order.
func (ix PriceIndex) years() []string {
	ys := make([]string, 0, len(ix.PercentChange))
	for y := range ix.PercentChange {
		ys = append(ys, y)
	}
	sort.Strings(ys)
	return ys
}

// Factor is the multiplier taking a price of financial year from to the
// index's price year: the product of (1 + r/100) over the changes into
// every year after from, up to and including the price year. A year the
// index does not cover (a calendar year such as "2004", or one before its
// first) is an error: the price cannot be uprated with this index.
func (ix PriceIndex) Factor(from string) (float64, error) {
	ys := ix.years()
	if !financialYear.MatchString(from) {
		if len(from) == 4 && len(ys) > 0 && from < ys[0][:4] {
			return 0, ateval.Errorf(ateval.EINVALID, "its price year, %s, is before %s, where the index starts", from, ys[0])
		}
		return 0, ateval.Errorf(ateval.EINVALID, "its price year, %q, is not a financial year such as 2022/23", from)
	}
	i, j := slices.Index(ys, from), slices.Index(ys, ix.PriceYear)
	if j < 0 {
		return 0, ateval.Errorf(ateval.EINVALID, "the index has no change into its own price year %s", ix.PriceYear)
	}
	if i < 0 || i > j {
		return 0, ateval.Errorf(ateval.EINVALID, "%s is not covered by the %s, which runs from %s to %s", from, ix.Name, ys[0], ys[len(ys)-1])
	}
	f := 1.0
	for _, y := range ys[i+1 : j+1] {
		f *= 1 + ix.PercentChange[y]/100
	}
	return f, nil
}

// Uprate sets every unit cost's price in the index's price year, or says
// why it could not be uprated; the table's PriceYear and Index say to
// which year and with what.
func (uc *UnitCosts) Uprate(ix PriceIndex) {
	uc.PriceYear, uc.Index, uc.IndexSource = ix.PriceYear, ix.Short, ix.Source
	uc.Provisional = slices.Contains(ix.Provisional, ix.PriceYear)
	for i := range uc.Items {
		c := &uc.Items[i]
		f, err := ix.Factor(c.PriceYear)
		if err != nil {
			c.Factor, c.Uprated = 0, c.Pounds
			c.NotUprated = fmt.Sprintf("Not uprated: %s. It is used at its own prices, which understates it at %s prices.", ateval.ErrorMessage(err), ix.PriceYear)
			continue
		}
		c.Factor, c.Uprated, c.NotUprated = f, c.Pounds*f, ""
	}
}

// priceYearText says, for the costs section, in what year's prices the
// report prices and with which index, and which prices are not uprated.
func (uc UnitCosts) priceYearText() string {
	s := fmt.Sprintf("All prices are at %s prices: each unit cost is uprated from its own price year with the %s.", uc.PriceYear, uc.Index)
	if uc.Provisional {
		s += fmt.Sprintf(" Its change into %s is provisional and may be revised.", uc.PriceYear)
	}
	var not []string
	for _, c := range uc.Items {
		if c.NotUprated != "" {
			not = append(not, fmt.Sprintf("%s (%s prices)", lowerFirst(c.Label), c.PriceYear))
		}
	}
	if len(not) > 0 {
		s += " Not uprated, because the index does not reach back to its price year: " + joinAnd(not) + "; it understates the cost at " + uc.PriceYear + " prices."
	}
	return s
}
