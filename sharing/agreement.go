package sharing

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
)

// Agreement is one data sharing agreement of the register: who shares
// what with whom, why, on what lawful basis, until when. No export is
// made without one that is in force and covers every borough exported.
type Agreement struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Parties     []string `json:"parties"`
	Purpose     string   `json:"purpose"`
	LawfulBasis string   `json:"lawful_basis"`
	// Boroughs are the slugs of the boroughs whose residents' data the
	// agreement covers.
	Boroughs []string `json:"boroughs"`
	// Instruments are the datasets allowed: the framework instruments
	// whose assessments may be exported. Empty means every instrument.
	Instruments []string `json:"instruments"`
	// Fields are the kinds of column allowed besides the pseudonym,
	// quasi-identifiers, group, timepoint and day: FieldItems (raw item
	// answers) and FieldScores (derived scores). Empty means both.
	Fields    []string    `json:"fields"`
	CreatedOn ateval.Date `json:"created_on"`
	// ExpiresOn is the first day on which the agreement is no longer in
	// force.
	ExpiresOn ateval.Date `json:"expires_on"`
	// MinK is the smallest k an export under the agreement may be made
	// at (DefaultK when registered without one): an export may ask for
	// more, never less, and asks for MinK when it names no k.
	MinK int `json:"min_k"`
	// Evaluators are the emails of the evaluators named on the agreement:
	// the only users who may export under it.
	Evaluators []string `json:"evaluators,omitempty"`
}

// The kinds of column an agreement may allow.
const (
	FieldItems  = "items"
	FieldScores = "scores"
)

// DefaultK is the k of an agreement registered without a minimum, and of
// an export under it that names none; MaxK is the largest k.
const (
	DefaultK = 5
	MaxK     = 1000
)

// KeySize is the length in bytes of an agreement's pseudonym key: random
// bytes made when the agreement is registered, kept by storage, which
// alone makes pseudonyms with it.
const KeySize = 32

var (
	listItemRE = regexp.MustCompile(`^[a-z0-9]+([-_][a-z0-9]+)*$`)
	slugRE     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// ParseList reads a comma-separated list of codes as typed on a command
// line or a form ("camden, tower-hamlets"): items are trimmed and lower
// cased, empty items and repeats are dropped, and each must be lower-case
// letters and digits joined by single hyphens or underscores, at most 64
// bytes. The empty string is the empty list.
func ParseList(s string) ([]string, error) {
	if len(s) > 64*1024 {
		return nil, ateval.Errorf(ateval.EINVALID, "the list is too long")
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range strings.Split(s, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" || seen[p] {
			continue
		}
		if len(p) > 64 || !listItemRE.MatchString(p) {
			shown := p
			if !utf8.ValidString(shown) || len(shown) > 64 {
				shown = "an item"
			}
			return nil, ateval.Errorf(ateval.EINVALID, "%q is not a code: use lower-case letters and digits joined by hyphens, separated by commas", shown)
		}
		seen[p] = true
		out = append(out, p)
	}
	return out, nil
}

// Validate checks the agreement's fields against the framework: a name,
// a purpose, at least one borough, known instruments and fields, a
// minimum k from 2 to MaxK, and an expiry after its creation.
func (a *Agreement) Validate(f *forms.Framework) error {
	var errs []ateval.FieldError
	add := func(field, m string) { errs = append(errs, ateval.FieldError{Field: field, Message: m}) }
	if n := strings.TrimSpace(a.Name); n == "" || len(n) > 200 {
		add("name", "is required, at most 200 characters")
	}
	if p := strings.TrimSpace(a.Purpose); p == "" || len(p) > 2000 {
		add("purpose", "is required, at most 2000 characters")
	}
	if len(a.LawfulBasis) > 500 {
		add("lawful_basis", "must be at most 500 characters")
	}
	for _, p := range a.Parties {
		if strings.TrimSpace(p) == "" || len(p) > 200 {
			add("parties", "each party must be named, in at most 200 characters")
			break
		}
	}
	if len(a.Boroughs) == 0 {
		add("boroughs", "name at least one borough")
	}
	for _, b := range a.Boroughs {
		if !slugRE.MatchString(b) {
			add("boroughs", b+" is not a borough slug")
		}
	}
	for _, in := range a.Instruments {
		if _, ok := f.Instrument(in); !ok {
			add("instruments", in+" is not an instrument of framework "+f.Version())
		}
	}
	for _, fl := range a.Fields {
		if fl != FieldItems && fl != FieldScores {
			add("fields", fl+" is not one of items, scores")
		}
	}
	if a.MinK < 2 || a.MinK > MaxK {
		add("min_k", fmt.Sprintf("must be a whole number from 2 to %d", MaxK))
	}
	switch {
	case a.ExpiresOn.IsZero():
		add("expires_on", "is required")
	case !a.CreatedOn.IsZero() && !a.ExpiresOn.After(a.CreatedOn):
		add("expires_on", "must be after the day the agreement is made ("+a.CreatedOn.String()+")")
	}
	if len(errs) > 0 {
		return ateval.Invalid("The data sharing agreement is not valid.", errs)
	}
	return nil
}

// Permits says whether the agreement allows an export on today of the
// boroughs asked for: it must be in force (today before ExpiresOn) and
// cover every one of them. It returns an EFORBIDDEN error naming the
// reason otherwise, and refuses a zero today as a caller's mistake.
func (a *Agreement) Permits(today ateval.Date, boroughs []string) error {
	if a == nil || a.ID == 0 {
		return Refuse(RefusedNoAgreement, ateval.Errorf(ateval.EFORBIDDEN, "No export without a data sharing agreement."))
	}
	if today.IsZero() {
		// A zero date is before every expiry: it would let an expired
		// agreement through.
		return ateval.Errorf(ateval.EINTERNAL, "no date to check data sharing agreement %d against", a.ID)
	}
	if !today.Before(a.ExpiresOn) {
		return Refuse(RefusedExpired, ateval.Errorf(ateval.EFORBIDDEN, "Data sharing agreement %d expired on %s: no export.", a.ID, a.ExpiresOn))
	}
	covered := map[string]bool{}
	for _, b := range a.Boroughs {
		covered[b] = true
	}
	for _, b := range boroughs {
		if !covered[b] {
			return Refuse(RefusedBoroughOutside, ateval.Errorf(ateval.EFORBIDDEN, "Borough %s is outside data sharing agreement %d: no export.", b, a.ID))
		}
	}
	return nil
}

// LeastK is the least k an export under the agreement may be made at:
// MinK, or DefaultK for an agreement registered before agreements had one.
func (a *Agreement) LeastK() int {
	if a.MinK == 0 {
		return DefaultK
	}
	return a.MinK
}

// AllowsInstrument reports whether the agreement lets the export include the
// instrument.
func (a *Agreement) AllowsInstrument(id string) bool {
	if len(a.Instruments) == 0 {
		return true
	}
	for _, x := range a.Instruments {
		if x == id {
			return true
		}
	}
	return false
}

// AllowsField reports whether the agreement lets the export include the
// kind of column (FieldItems, FieldScores).
func (a *Agreement) AllowsField(kind string) bool {
	if len(a.Fields) == 0 {
		return true
	}
	for _, x := range a.Fields {
		if x == kind {
			return true
		}
	}
	return false
}
