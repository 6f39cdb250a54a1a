package devices

import (
	"strings"

	"github.com/ateval/ateval"
)

// Validate checks a category an administrator adds: a lower-case id
// joined by hyphens, a name, and no ISO 9999 class unless one is given as
// digits in the standard's two-digit groups ("12 31 03").
func (c *Category) Validate() error {
	var errs []ateval.FieldError
	if !codeRE.MatchString(c.ID) || len(c.ID) > 60 {
		errs = append(errs, ateval.FieldError{Field: "id", Message: "must be lower-case letters and digits joined by hyphens, at most 60 characters"})
	}
	if strings.TrimSpace(c.Name) == "" {
		errs = append(errs, ateval.FieldError{Field: "name", Message: "is required, at most 200 characters"})
	}
	errs = append(errs, ateval.Line(200).Check("name", c.Name)...)
	if c.ISO9999 != "" && !iso9999RE.MatchString(c.ISO9999) {
		errs = append(errs, ateval.FieldError{Field: "iso9999", Message: "must be an ISO 9999 class such as 22 27 12, or empty"})
	}
	if len(errs) > 0 {
		return ateval.Invalid("The category is not valid.", errs)
	}
	return nil
}
