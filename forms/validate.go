package forms

import (
	"fmt"
	"math"
	"strconv"

	"github.com/ateval/ateval"
)

// Validate checks answers against the instrument, item by item: unknown
// items, an item answered twice, a value and a missing reason both or
// neither given, an unknown missing reason, a value outside the item's
// levels or range, a fraction where a whole number is needed, a required
// item left out (a missing reason is always accepted in place of a value),
// and a value given to an item its skip rule hides. The error is an
// ateval.Invalid with one FieldError per item, saying what is allowed.
func (in *Instrument) Validate(answers []Answer) error {
	return in.validate(answers, in.values(answers))
}

// validate is Validate with the shown items' values worked out.
func (in *Instrument) validate(answers []Answer, values map[string]float64) error {
	var fields []ateval.FieldError
	var bad map[string]string // made at the first problem: most answers have none
	add := func(item, msg string) {
		if _, dup := bad[item]; !dup {
			if bad == nil {
				bad = map[string]string{}
			}
			bad[item] = msg
			fields = append(fields, ateval.FieldError{Field: item, Message: msg})
		}
	}
	given := make(map[string]Answer, len(answers))
	for _, a := range answers {
		it, ok := in.byID[a.Item]
		switch {
		case !ok:
			add(a.Item, "is not an item of "+in.ID)
		case given[a.Item].Item != "":
			add(a.Item, "is answered twice")
		case a.Value != nil && a.Missing != "":
			add(a.Item, "has both a value and a missing reason; give one")
		case a.Value == nil && a.Missing == "":
			add(a.Item, "has neither a value nor a missing reason; give one")
		case a.Value == nil && !a.Missing.Valid():
			add(a.Item, fmt.Sprintf("missing reason %q is not one of refused, not_applicable, unable, not_asked", a.Missing))
		case a.Value != nil:
			if msg := it.check(*a.Value); msg != "" {
				add(a.Item, msg)
			}
		}
		if ok && given[a.Item].Item == "" {
			given[a.Item] = a
		}
	}
	for _, it := range in.Items {
		a, answered := given[it.ID]
		shown := it.relevant.eval(values)
		switch {
		case !shown && answered && a.Value != nil:
			add(it.ID, "is only asked when "+it.relevant.String()+"; leave it out")
		case shown && it.Required && !answered:
			add(it.ID, "is required: give a value or a missing reason (refused, not_applicable, unable, not_asked)")
		}
	}
	if len(fields) > 0 {
		return ateval.Invalid(in.ID+": some answers are not valid", fields)
	}
	return nil
}

// check returns what is wrong with value v for the item, or "".
func (it *Item) check(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return it.allowed()
	}
	switch it.Type {
	case TypeChoice:
		if v != math.Trunc(v) {
			return it.allowed()
		}
		if _, ok := it.Level(int(v)); !ok {
			return it.allowed()
		}
	case TypeInteger:
		if v != math.Trunc(v) {
			return it.allowed()
		}
		fallthrough
	case TypeDecimal:
		if it.Min != nil && v < *it.Min || it.Max != nil && v > *it.Max {
			return it.allowed()
		}
	}
	return ""
}

// allowed says, for a person, which values the item takes.
func (it *Item) allowed() string {
	if it.Type != TypeChoice {
		kind := "a number"
		if it.Type == TypeInteger {
			kind = "a whole number"
		}
		return "must be " + kind + it.rangeText()
	}
	lo, hi := it.Levels[0].Code, it.Levels[0].Code
	for _, l := range it.Levels {
		lo, hi = min(lo, l.Code), max(hi, l.Code)
	}
	if hi-lo+1 == len(it.Levels) {
		return fmt.Sprintf("must be a whole number from %d to %d", lo, hi)
	}
	s := "must be one of"
	for i, l := range it.Levels {
		if i > 0 {
			s += ","
		}
		s += " " + strconv.Itoa(l.Code)
	}
	return s
}

func (it *Item) rangeText() string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	switch {
	case it.Min != nil && it.Max != nil:
		return " from " + f(*it.Min) + " to " + f(*it.Max)
	case it.Min != nil:
		return " of at least " + f(*it.Min)
	case it.Max != nil:
		return " of at most " + f(*it.Max)
	}
	return ""
}

// values returns the valid values given, for items that are shown: the
// numbers skip rules and scores work from. Skip rules are evaluated in item
// order, so a hidden item cannot make a later one shown. An item's value
// is its first valid answer's. It looks for each item's answers in the
// few answers there are rather than through a map of them: an import
// works this out a million times.
func (in *Instrument) values(answers []Answer) map[string]float64 {
	out := make(map[string]float64, len(in.Items))
	for i := range in.Items {
		it := in.Items[i]
		for _, a := range answers {
			if a.Item == it.ID && a.Value != nil && a.Missing == "" && it.check(*a.Value) == "" {
				if it.relevant.eval(out) {
					out[it.ID] = *a.Value
				}
				break
			}
		}
	}
	return out
}

// Check validates answers and, when they are valid, scores them: Validate
// then Score, working out the shown items' values once for both.
func (in *Instrument) Check(answers []Answer) ([]Score, error) {
	values := in.values(answers)
	if err := in.validate(answers, values); err != nil {
		return nil, err
	}
	return in.score(answers, values), nil
}
