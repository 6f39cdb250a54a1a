package ateval

import (
	"regexp"
	"strings"
)

// Borough is a local authority taking part in the evaluation. In the pooled
// analysis each borough is one "study".
type Borough struct {
	ID int64 `json:"id"`
	// Slug is the borough's name in lower case with hyphens
	// ("tower-hamlets"); it is the key CSV files and URLs use.
	Slug string `json:"slug"`
	Name string `json:"name"`
	// GSSCode is the ONS Government Statistical Service code (E09000030).
	GSSCode string `json:"gss_code"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Slugify turns a borough name into its slug: "Kensington and Chelsea"
// becomes "kensington-and-chelsea".
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String()
}

// Validate checks a borough's fields.
func (b *Borough) Validate() error {
	var errs []FieldError
	if strings.TrimSpace(b.Name) == "" {
		errs = append(errs, FieldError{"name", "is required"})
	}
	errs = append(errs, Line(100).Check("name", b.Name)...)
	if !slugRE.MatchString(b.Slug) {
		errs = append(errs, FieldError{"slug", "must be lower-case letters and digits joined by hyphens, such as tower-hamlets"})
	}
	if b.GSSCode != "" && !regexp.MustCompile(`^E0[0-9]{7}$`).MatchString(b.GSSCode) {
		errs = append(errs, FieldError{"gss_code", "must be an ONS code such as E09000030"})
	}
	if len(errs) > 0 {
		return Invalid("The borough is not valid.", errs)
	}
	return nil
}
