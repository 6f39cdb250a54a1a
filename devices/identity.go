package devices

import (
	"strings"
	"unicode"
)

// Normalize writes the identifiers the one way they are stored, whatever
// way they were typed or imported: an NHS number as its ten digits
// ("943 476 5919" and "943-476-5919" become 9434765919) and a postcode
// in capitals with one space before its inward code ("nw1  8nh" becomes
// NW1 8NH). Names and addresses have surrounding spaces trimmed. What is
// not an NHS number or a postcode is left as typed, for Validate to
// name.
func (id *Identity) Normalize() {
	id.GivenName, id.FamilyName, id.Address = strings.TrimSpace(id.GivenName), strings.TrimSpace(id.FamilyName), strings.TrimSpace(id.Address)
	id.NHSNumber = NormalizeNHSNumber(id.NHSNumber)
	id.Postcode = NormalizePostcode(id.Postcode)
}

// NormalizeNHSNumber returns the ten digits of an NHS number typed with
// spaces or hyphens between them; anything else is returned trimmed.
func NormalizeNHSNumber(s string) string {
	s = strings.TrimSpace(s)
	digits := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case r == ' ' || r == '-':
			return -1
		}
		return 'x'
	}, s)
	if len(digits) == 10 && !strings.Contains(digits, "x") {
		return digits
	}
	return s
}

// FormatNHSNumber writes a stored NHS number as the NHS shows it, in
// groups of three, three and four digits: 943 476 5919.
func FormatNHSNumber(s string) string {
	if len(s) != 10 || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return s
	}
	return s[:3] + " " + s[3:6] + " " + s[6:]
}

// NormalizePostcode returns a UK postcode in capitals with one space
// before its inward code (the last three characters); what does not look
// like a postcode is returned trimmed.
func NormalizePostcode(s string) string {
	s = strings.TrimSpace(s)
	compact := strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s))
	if len(compact) < 5 || len(compact) > 7 {
		return s
	}
	p := compact[:len(compact)-3] + " " + compact[len(compact)-3:]
	if !postcodeRE.MatchString(p) {
		return s
	}
	return p
}
