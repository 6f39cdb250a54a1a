package devices_test

import (
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// TestTextFieldsKeepTheTextRule sets each free-text field of the register
// in turn to a NUL, a right-to-left override, a line break and an
// over-long text, and checks that Validate (which the forms, the API and
// the import all go through) names the field, and lets a line break
// through only where the field has several lines.
func TestTextFieldsKeepTheTextRule(t *testing.T) {
	type field struct {
		name  string
		max   int
		multi bool
		check func(s string) error
	}
	issue := func(set func(*devices.DeviceIssue, string)) func(string) error {
		return func(s string) error {
			di := devices.DeviceIssue{IssuedOn: d("2026-02-01"), RemovedOn: d("2026-03-01"), RemovalReason: devices.RemovedOther, RemovalNote: "x"}
			set(&di, s)
			return di.Validate(d("2026-01-01"), today)
		}
	}
	ident := func(set func(*devices.Identity, string)) func(string) error {
		return func(s string) error { var id devices.Identity; set(&id, s); return id.Validate(today) }
	}
	device := func(set func(*devices.Device, string)) func(string) error {
		return func(s string) error {
			dv := devices.Device{Code: "pendant-a", Category: "community-alarm", Product: "Pendant A"}
			set(&dv, s)
			return dv.Validate(devices.Categories())
		}
	}
	fields := []field{
		{"need", 1000, true, issue(func(di *devices.DeviceIssue, s string) { di.Need = s })},
		{"removal_note", 1000, true, issue(func(di *devices.DeviceIssue, s string) { di.RemovalNote = "x" + s })},
		{"review_note", 1000, true, issue(func(di *devices.DeviceIssue, s string) {
			di.Reviews = []devices.Review{{On: d("2026-02-02"), Note: s}}
		})},
		{"issued_by_text", 200, false, issue(func(di *devices.DeviceIssue, s string) { di.IssuedByText = s })},
		{"given_name", 100, false, ident(func(id *devices.Identity, s string) { id.GivenName = s })},
		{"family_name", 100, false, ident(func(id *devices.Identity, s string) { id.FamilyName = s })},
		{"address", 500, true, ident(func(id *devices.Identity, s string) { id.Address = s })},
		{"product", 200, false, device(func(dv *devices.Device, s string) { dv.Product = "P" + s })},
		{"supplier", 200, false, device(func(dv *devices.Device, s string) { dv.Supplier = s })},
		{"generation_tier", 50, false, device(func(dv *devices.Device, s string) { dv.GenerationTier = s })},
		{"name", 200, false, func(s string) error {
			c := devices.Category{ID: "hearing-loop", Name: "H" + s}
			return c.Validate()
		}},
	}
	for _, f := range fields {
		for _, c := range []struct {
			what string
			s    string
			ok   bool
		}{
			{"plain text", "a note", true},
			{"a NUL", "a\x00b", false},
			{"an escape", "\x1b[31mred", false},
			{"a right-to-left override", "abc\u202edef", false},
			{"a first-strong isolate", "abc\u2068def", false},
			{"a line break", "line one\r\nline two", f.multi},
			{"a tab", "a\tb", f.multi},
			{"too long", strings.Repeat("é", f.max+1), false},
			{"invalid UTF-8", "a\xc3", false},
		} {
			err := f.check(c.s)
			var named bool
			for _, fe := range ateval.ErrorFields(err) {
				named = named || fe.Field == f.name
			}
			if named == c.ok {
				t.Errorf("%s with %s: %v; want accepted: %v", f.name, c.what, err, c.ok)
			}
		}
	}
}
