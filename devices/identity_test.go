package devices

import (
	"testing"

	"github.com/ateval/ateval"
)

func TestNormalizeIdentity(t *testing.T) {
	for _, c := range []struct{ nhs, wantNHS, postcode, wantPostcode string }{
		{"943 476 5919", "9434765919", "nw1 8nh", "NW1 8NH"},
		{" 943-476-5919 ", "9434765919", "NW18NH", "NW1 8NH"},
		{"9434765919", "9434765919", "sw1a  1aa", "SW1A 1AA"},
		{"943 476 591", "943 476 591", "e1 6an", "E1 6AN"},
		{"NHS 9434765919", "NHS 9434765919", "not a postcode", "not a postcode"},
		{"", "", "", ""},
	} {
		id := Identity{NHSNumber: c.nhs, Postcode: c.postcode}
		id.Normalize()
		if id.NHSNumber != c.wantNHS || id.Postcode != c.wantPostcode {
			t.Errorf("%q, %q normalised to %q, %q; want %q, %q", c.nhs, c.postcode, id.NHSNumber, id.Postcode, c.wantNHS, c.wantPostcode)
		}
	}
	// Normalised, a number typed with spaces passes the modulus 11 check
	// (943 476 5919 is the NHS Data Dictionary's example) and one with a
	// wrong check digit still fails it.
	for nhs, valid := range map[string]bool{"943 476 5919": true, "943 476 5918": false} {
		id := Identity{NHSNumber: nhs}
		id.Normalize()
		if err := id.Validate(ateval.NewDate(2026, 1, 1)); (err == nil) != valid {
			t.Errorf("%q: Validate %v, want valid %v", nhs, err, valid)
		}
	}
	if got := FormatNHSNumber("9434765919"); got != "943 476 5919" {
		t.Errorf("FormatNHSNumber: %q", got)
	}
}
