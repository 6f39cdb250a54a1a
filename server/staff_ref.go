package server

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// staffRef names a member of staff in an API body: by their account's
// email (a JSON string) or id (a JSON number, or a string of digits).
// Whether the account may be named is storage's to decide.
type staffRef struct {
	ID    int64
	Email string
}

// UnmarshalJSON reads a string or a positive whole number; null names no
// one.
func (r *staffRef) UnmarshalJSON(b []byte) error {
	*r = staffRef{}
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		s = strings.TrimSpace(s)
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
			r.ID = id
		} else {
			r.Email = s
		}
		return nil
	}
	if id, err := strconv.ParseInt(string(b), 10, 64); err == nil && id > 0 {
		r.ID = id
		return nil
	}
	return &json.UnmarshalTypeError{Value: "value " + string(b[:min(len(b), 1)]), Type: reflect.TypeFor[staffRef]()}
}

// jsonKind says what JSON names a member of staff, for jsonError.
func (staffRef) jsonKind() string {
	return "a member of staff's email (a string) or account id (a whole number)"
}
