package ateval

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. One small vocabulary for the whole platform; the server maps
// each code to an HTTP status in one place.
const (
	ECONFLICT       = "conflict"        // the action clashes with what is stored
	EINTERNAL       = "internal"        // a fault of ours; the message is not shown
	EINVALID        = "invalid"         // the input breaks a rule; the message says which
	ENOTFOUND       = "not_found"       // no such thing, or not visible to this user
	EUNAUTHORIZED   = "unauthorized"    // who you are is unknown
	EFORBIDDEN      = "forbidden"       // known, but not allowed
	ENOTIMPLEMENTED = "not_implemented" // a capability this build does not have
	ETOOLARGE       = "too_large"       // the request is bigger than the server accepts
	EUNAVAILABLE    = "unavailable"     // busy for now (the database's lock is held); nothing was done, try again
)

// Error is an error a user may be shown. Message must be safe to display: no
// SQL, no stack, no personal data.
type Error struct {
	Code    string
	Message string
	// Fields holds one message per field or item, keyed by its name, for
	// input that fails several rules at once (a form, an assessment, an import).
	Fields []FieldError
	// RetryAfter, if set, is how long the client should wait before trying
	// again (EUNAVAILABLE, ERATELIMITED); the server sends it as Retry-After.
	RetryAfter time.Duration
}

// FieldError names one field (or item, or CSV line and column) and what is
// wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	s := fmt.Sprintf("%s: %s", e.Code, e.Message)
	for _, f := range e.Fields {
		s += fmt.Sprintf("\n  %s: %s", f.Field, f.Message)
	}
	return s
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error carrying one message per field.
func Invalid(message string, fields []FieldError) *Error {
	return &Error{Code: EINVALID, Message: message, Fields: fields}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of the first *Error in err's
// chain, or a generic message for internal errors, whose text may hold
// details a user must not see.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorFields returns the per-field messages of the first *Error in err's chain.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// ErrorRetryAfter returns how long the first *Error in err's chain asks the
// client to wait before trying again, or 0.
func ErrorRetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// Wrap adds context to *errp, if it is not nil, keeping the chain for
// errors.As. Use it deferred: defer ateval.Wrap(&err, "ImportFile(%q)", name).
func Wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}

// ERATELIMITED is the code of a refusal because too many attempts came
// too fast (login failures); the server answers it with 429.
const ERATELIMITED = "rate_limited"
