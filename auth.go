package ateval

import (
	"context"
	"strings"
	"unicode/utf8"
)

// ERATELIMITED is the code of a refusal because too many attempts came
// too fast (login failures); the server answers it with 429.
const ERATELIMITED = "rate_limited"

// MinPasswordLength is the shortest password an account may be given. The
// NCSC and NIST SP 800-63B both prefer length to composition rules.
const MinPasswordLength = 12

// ValidatePassword checks a new password against the policy.
func ValidatePassword(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordLength {
		return Invalid("The password is too short.", []FieldError{{"password", "must be at least 12 characters"}})
	}
	if len(p) > 1024 {
		return Invalid("The password is too long.", []FieldError{{"password", "must be at most 1024 bytes"}})
	}
	return nil
}

// NormalizeEmail is the form in which emails are stored and compared.
func NormalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// Validate checks a user's fields: a known role, and a borough exactly
// when the role needs one.
func (u *User) Validate() error {
	var errs []FieldError
	if e := u.Email; !strings.Contains(e, "@") || strings.ContainsAny(e, " \t\r\n<>") || len(e) > 254 {
		errs = append(errs, FieldError{"email", "must be an email address, such as name@borough.gov.uk"})
	} else {
		errs = append(errs, Line(254).Check("email", e)...)
	}
	switch {
	case !u.Role.Valid():
		errs = append(errs, FieldError{"role", "must be one of practitioner, borough_lead, commissioner, evaluator, admin"})
	case u.Role.NeedsBorough() && u.BoroughID == 0:
		errs = append(errs, FieldError{"borough", "is required for a " + string(u.Role)})
	case !u.Role.NeedsBorough() && u.BoroughID != 0:
		errs = append(errs, FieldError{"borough", "must be empty for a " + string(u.Role) + ", who is not tied to one borough"})
	}
	if len(errs) > 0 {
		return Invalid("The user is not valid.", errs)
	}
	return nil
}

type clientKey struct{}

// NewContextWithClient returns a context carrying where the request came
// from (the client's IP address), for the audit log.
func NewContextWithClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientKey{}, addr)
}

// ClientFromContext returns the client address, or "" (the command line).
func ClientFromContext(ctx context.Context) string {
	s, _ := ctx.Value(clientKey{}).(string)
	return s
}
