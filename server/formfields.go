package server

import (
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
)

// form is what a page's form needs to show itself again after a refused
// submission: the values typed, and one message per bad field, with the
// anchor the error summary links to.
type form struct {
	Values map[string]string
	Errors []fieldError
}

// fieldError is one message for the error summary and beside its field.
type fieldError struct {
	Field, Message, Href string
}

func newForm() *form { return &form{Values: map[string]string{}} }

// V returns the value typed for a field.
func (f *form) V(name string) string { return f.Values[name] }

// E returns the message for a field, or "".
func (f *form) E(name string) string {
	for _, e := range f.Errors {
		if e.Field == name {
			return e.Message
		}
	}
	return ""
}

// fail adds errors from err (its fields, or its message alone), with
// labels turning field names into words a person reads. anchors maps a
// field to the id of the control its summary entry focuses; by default
// it is the field's own name, or NAME-day for a date.
func (f *form) fail(err error, labels map[string]string, dates ...string) {
	isDate := map[string]bool{}
	for _, d := range dates {
		isDate[d] = true
	}
	fields := ateval.ErrorFields(err)
	if len(fields) == 0 {
		f.Errors = append(f.Errors, fieldError{Message: ateval.ErrorMessage(err)})
		return
	}
	for _, fe := range fields {
		if f.E(fe.Field) != "" {
			continue // one message per field, the first
		}
		label, ok := labels[fe.Field]
		if !ok {
			label = strings.ReplaceAll(fe.Field, "_", " ")
		}
		href := "#" + fe.Field
		if isDate[fe.Field] {
			href += "-day"
		}
		f.Errors = append(f.Errors, fieldError{Field: fe.Field, Message: upperFirst(label + " " + fe.Message), Href: href})
	}
}

// inPageOrder sorts the errors into the order of the fields on the page,
// so that the error summary reads from top to bottom as the form does.
// Errors of fields not listed keep their order, after those listed.
func (f *form) inPageOrder(fields ...string) {
	pos := make(map[string]int, len(fields))
	for i, name := range fields {
		pos[name] = i
	}
	rank := func(e fieldError) int {
		if p, ok := pos[e.Field]; ok {
			return p
		}
		return len(fields)
	}
	sort.SliceStable(f.Errors, func(i, j int) bool { return rank(f.Errors[i]) < rank(f.Errors[j]) })
}

// choose gives a choice left unmade the page's own message ("Select the
// resident's sex"), in place of the rule's, which lists the codes an API
// caller or an import sends ("Sex must be one of female, male, ...").
// Other messages of the field (a group "is required when the resident is
// enrolled") are kept: they say more than "Select".
func (f *form) choose(messages map[string]string) {
	for i, e := range f.Errors {
		m, ok := messages[e.Field]
		if ok && (strings.Contains(e.Message, "must be one of") || strings.Contains(e.Message, "must be answered") || strings.HasSuffix(e.Message, "is required")) {
			f.Errors[i].Message = m
		}
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// text reads a trimmed text field into the form and returns it.
func (f *form) text(c *gin.Context, name string) string {
	v := strings.TrimSpace(c.PostForm(name))
	f.Values[name] = v
	return v
}

// date reads a GOV.UK date input (NAME-day, NAME-month, NAME-year). All
// three empty is the zero Date; anything else that is not a real date is
// an EINVALID field error naming what is missing or wrong.
func (f *form) date(c *gin.Context, name string) (ateval.Date, *ateval.FieldError) {
	d, m, y := f.text(c, name+"-day"), f.text(c, name+"-month"), f.text(c, name+"-year")
	if d == "" && m == "" && y == "" {
		return ateval.Date{}, nil
	}
	var missing []string
	for _, p := range []struct{ v, n string }{{d, "a day"}, {m, "a month"}, {y, "a year"}} {
		if p.v == "" {
			missing = append(missing, p.n)
		}
	}
	if len(missing) > 0 {
		return ateval.Date{}, &ateval.FieldError{Field: name, Message: "must include " + strings.Join(missing, " and ")}
	}
	di, e1 := strconv.Atoi(d)
	mi, e2 := strconv.Atoi(m)
	yi, e3 := strconv.Atoi(y)
	if e1 != nil || e2 != nil || e3 != nil || len(y) != 4 {
		return ateval.Date{}, &ateval.FieldError{Field: name, Message: "must be a real date, such as 27 3 2026"}
	}
	date, err := ateval.ParseDate(pad(yi, 4) + "-" + pad(mi, 2) + "-" + pad(di, 2))
	if err != nil {
		return ateval.Date{}, &ateval.FieldError{Field: name, Message: "must be a real date, such as 27 3 2026"}
	}
	return date, nil
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// setDate fills a date input's values from a stored date.
func (f *form) setDate(name string, d ateval.Date) {
	if d.IsZero() {
		return
	}
	f.Values[name+"-day"] = strconv.Itoa(d.Time().Day())
	f.Values[name+"-month"] = strconv.Itoa(int(d.Time().Month()))
	f.Values[name+"-year"] = strconv.Itoa(d.Year())
}

// dateInput is what the date-input template needs.
type dateInput struct {
	Name, Label, Hint string
	Form              *form
}

// notice is the confirmation a page shows after a redirect, chosen by
// the notice= query parameter from a fixed list, so that no typed text is
// echoed.
func notice(c *gin.Context) string {
	switch c.Query("notice") {
	case "resident-registered":
		return "Resident registered"
	case "resident-updated":
		return "Resident's record updated"
	case "objection-recorded":
		return "Objection recorded: this resident is left out of pooling and exports from now on"
	case "objection-withdrawn":
		return "Objection withdrawn: the resident counts in the evaluation again, and is scheduled again"
	case "device-issued":
		return "Device issued"
	case "device-updated":
		return "Device record updated"
	case "device-removed":
		return "Device removal recorded"
	case "assessment-recorded":
		return "Assessment recorded"
	case "assessment-corrected":
		return "Assessment corrected: the answers it replaced are kept below as an earlier version"
	case "assessment-in-error":
		return "Assessment taken out of analysis as entered in error: it is kept, and its timepoint may be recorded again"
	case "trial-recorded":
		return "Randomised trial recorded: reports built from now on use it"
	case "trial-removed":
		return "Randomised trial removed"
	case "category-added":
		return "Category added"
	case "user-changed":
		return "Role and borough changed: they apply from the user's next page"
	case "user-disabled":
		return "User disabled: they are signed out and cannot sign in"
	case "user-enabled":
		return "User enabled: they can sign in again"
	case "password-set":
		return "Your password is set: sign in with it"
	case "agreement-registered":
		return "Agreement registered"
	case "evaluators-named":
		return "Evaluators named: they may export under the agreement while it is in force"
	case "min-k-set":
		return "Minimum k set"
	case "agreement-ended":
		return "Agreement ended: no export can be made under it from today"
	}
	return ""
}

// option is one radio or select choice.
type option struct{ Value, Label string }

// radios is what the radios template needs.
type radios struct {
	Name, Label, Hint string
	Options           []option
	Inline            bool
	Form              *form
}

// textInput is what the text-input template needs.
type textInput struct {
	Name, Label, Hint, Width string
	Numeric                  bool
	Form                     *form
}

// options turns codes into choices, each in its own words (its Label).
func options[T interface {
	~string
	Label() string
}](codes []T) []option {
	out := make([]option, len(codes))
	for i, c := range codes {
		out[i] = option{Value: string(c), Label: c.Label()}
	}
	return out
}
