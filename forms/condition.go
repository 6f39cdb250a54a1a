package forms

import (
	"fmt"
	"strconv"
	"strings"
)

// condition is a parsed skip rule ("relevant"), in the spirit of REDCap
// branching logic and XLSForm relevant, kept small on purpose: comparisons
// of an earlier item with a number, joined all by "and" or all by "or", so
// that it maps exactly onto REDCap branching logic and onto FHIR enableWhen
// with enableBehavior all/any. An item whose rule is false, or depends on an
// item with no value, is not shown and must not be answered.
type condition struct {
	any   bool // joined by "or"
	terms []term
}

type term struct {
	item  string
	op    string // "=", "!=", "<", "<=", ">", ">="
	value float64
}

var ops = []string{"!=", "<=", ">=", "=", "<", ">"}

func parseCondition(s string) (*condition, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	c := &condition{}
	words := strings.Fields(s)
	var parts []string
	var cur []string
	joiner := ""
	for _, w := range words {
		lw := strings.ToLower(w)
		if lw == "and" || lw == "or" {
			if joiner != "" && joiner != lw {
				return nil, fmt.Errorf("%q mixes \"and\" with \"or\"; use one of them", s)
			}
			joiner = lw
			parts = append(parts, strings.Join(cur, " "))
			cur = nil
			continue
		}
		cur = append(cur, w)
	}
	parts = append(parts, strings.Join(cur, " "))
	c.any = joiner == "or"
	for _, p := range parts {
		t, err := parseTerm(p)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", s, err)
		}
		c.terms = append(c.terms, t)
	}
	return c, nil
}

func parseTerm(p string) (term, error) {
	for _, op := range ops {
		if i := strings.Index(p, op); i >= 0 {
			item := strings.TrimSpace(p[:i])
			val := strings.TrimSpace(p[i+len(op):])
			if !validItemID(item) {
				return term{}, fmt.Errorf("%q is not an item id", item)
			}
			v, err := strconv.ParseFloat(val, 64)
			if err != nil || isNaNOrInf(v) {
				return term{}, fmt.Errorf("%q is not a number", val)
			}
			return term{item: item, op: op, value: v}, nil
		}
	}
	return term{}, fmt.Errorf("%q is not a comparison such as item = 1", p)
}

// eval reports whether the condition holds given item values; an item with
// no value makes its comparison false.
func (c *condition) eval(values map[string]float64) bool {
	if c == nil {
		return true
	}
	for _, t := range c.terms {
		v, ok := values[t.item]
		r := ok && compare(v, t.op, t.value)
		if c.any && r {
			return true
		}
		if !c.any && !r {
			return false
		}
	}
	return !c.any
}

func compare(a float64, op string, b float64) bool {
	switch op {
	case "=":
		return a == b
	case "!=":
		return a != b
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	}
	return false
}

// String writes the condition back in the framework's own syntax.
func (c *condition) String() string {
	j := " and "
	if c.any {
		j = " or "
	}
	s := make([]string, len(c.terms))
	for i, t := range c.terms {
		s[i] = t.item + " " + t.op + " " + strconv.FormatFloat(t.value, 'f', -1, 64)
	}
	return strings.Join(s, j)
}

// redcap writes the condition as REDCap branching logic:
// [device_use_in_use] = '0'.
func (c *condition) redcap() string {
	j := " and "
	if c.any {
		j = " or "
	}
	s := make([]string, len(c.terms))
	for i, t := range c.terms {
		op := t.op
		if op == "!=" {
			op = "<>"
		}
		s[i] = "[" + t.item + "] " + op + " '" + strconv.FormatFloat(t.value, 'f', -1, 64) + "'"
	}
	return strings.Join(s, j)
}

func validItemID(s string) bool {
	if s == "" || len(s) > 100 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}
