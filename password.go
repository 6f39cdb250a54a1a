package ateval

import "unicode/utf8"

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
