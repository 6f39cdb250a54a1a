package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
)

// maxJSONBody bounds an API call's JSON body: the largest, an assessment
// of every item, is a few kilobytes.
const maxJSONBody = 64 << 10

// maxJSONDepth bounds how deep a body's objects and lists may nest; no
// body of this API nests more than four deep.
const maxJSONDepth = 32

var (
	errJSONEmpty    = ateval.Errorf(ateval.EINVALID, "The request body is empty: send the JSON object this call takes.")
	errJSONSyntax   = ateval.Errorf(ateval.EINVALID, "The request body is not valid JSON.")
	errJSONTrailing = ateval.Errorf(ateval.EINVALID, "The request body must be one JSON value with nothing after it, and it has more.")
	errJSONDeep     = ateval.Errorf(ateval.EINVALID, "The request body nests objects and lists too deeply.")
	errJSONShape    = ateval.Errorf(ateval.EINVALID, "The request body is not the JSON this call takes.")
	errJSONNull     = ateval.Errorf(ateval.EINVALID, "The request body is null: send the JSON object this call takes.")
)

// decodeJSON reads a JSON request body of at most 64 KiB into v. See
// parseJSON for what it refuses.
func decodeJSON(c *gin.Context, v any) error {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxJSONBody)
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err // writeError answers 413 with the limit
		}
		return ateval.Errorf(ateval.EINVALID, "The request body could not be read.")
	}
	return parseJSON(body, v)
}

// parseJSON decodes body, which must be exactly one JSON value, into v,
// refusing with a message that names the field where there is one:
//
//   - data after the value (a second object, stray text): encoding/json's
//     Decode stops after the first value and would ignore the rest;
//   - an object with a key twice, which encoding/json accepts, keeping
//     the last, so that a reviewer of the body and the server could read
//     different values. Keys are compared as encoding/json matches them
//     to fields, ignoring case ("need" and "NEED" are the same field);
//   - a field v does not have, and a value of the wrong type;
//   - null, which encoding/json decodes into a struct as nothing at all,
//     so a PATCH of null would change nothing and answer 200.
func parseJSON(body []byte, v any) error {
	if err := checkJSON(body); err != nil {
		return err
	}
	if string(bytes.TrimSpace(body)) == "null" {
		return errJSONNull
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	return nil
}

// checkJSON walks body's tokens: one well-formed value, no key twice in
// an object, no deeper than maxJSONDepth, and nothing after the value.
// It is a walk of encoding/json's own tokenizer rather than a library
// that refuses duplicate names (encoding/json/v2 is still behind a
// GOEXPERIMENT in Go 1.26; its module, go-json-experiment/json, promises
// no stable API), so it reads JSON exactly as the decoder after it does.
func checkJSON(body []byte) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errJSONEmpty
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := walkJSON(dec, "", 0); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errJSONTrailing
	}
	return nil
}

// walkJSON reads one value from dec; path names it for messages.
func walkJSON(dec *json.Decoder, path string, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return errJSONSyntax
	}
	open, ok := tok.(json.Delim)
	if !ok {
		return nil // a string, number, boolean or null
	}
	if depth >= maxJSONDepth {
		return errJSONDeep
	}
	switch open {
	case '{':
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return errJSONSyntax
			}
			key, _ := tok.(string)
			field := jsonField(key)
			if path != "" {
				field = path + "." + field
			}
			if k := foldKey(key); seen[k] {
				return ateval.Invalid("The request body gives a field twice.", []ateval.FieldError{{Field: field, Message: "appears more than once; give it once"}})
			} else {
				seen[k] = true
			}
			if err := walkJSON(dec, field, depth+1); err != nil {
				return err
			}
		}
	case '[':
		for i := 0; dec.More(); i++ {
			if err := walkJSON(dec, path+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing } or ]
		return errJSONSyntax
	}
	return nil
}

// jsonField is how a message names an object's key: as it is, or `""`
// for the empty key, which a message cannot name by its text.
func jsonField(key string) string {
	if key == "" {
		return `""`
	}
	return key
}

// foldKey maps each rune of s to the smallest rune of its case-folding
// orbit, so that foldKey(a) == foldKey(b) exactly when strings.EqualFold(a,
// b), which is how encoding/json matches a key to a field.
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		b.WriteRune(m)
	}
	return b.String()
}

// jsonError turns encoding/json's decoding errors into the vocabulary,
// naming the field where it can.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return ateval.Invalid("The request body is not the JSON this call takes.", []ateval.FieldError{{Field: typeErr.Field, Message: "must be " + jsonKind(typeErr.Type)}})
	case errors.As(err, &typeErr):
		return ateval.Errorf(ateval.EINVALID, "The request body must be %s.", jsonKind(typeErr.Type))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if name, uerr := strconv.Unquote(name); uerr == nil {
			return ateval.Invalid("The request body has a field this call does not take.", []ateval.FieldError{{Field: jsonField(name), Message: "is not a field of this call"}})
		}
	}
	return errJSONShape
}

// jsonKinder is a type of a body's field that says in words what JSON
// it is decoded from.
type jsonKinder interface{ jsonKind() string }

// jsonKind says in words what JSON a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if k, ok := reflect.New(t).Elem().Interface().(jsonKinder); ok {
		return k.jsonKind()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "a JSON object"
	}
	return "another kind of value"
}
