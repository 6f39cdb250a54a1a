package ateval

import (
	"strconv"
	"unicode/utf8"
)

// Text is the rule every free-text field keeps, whichever way it arrives
// (a web form, the API, a CSV import): the one place that says what a
// stored note, name or address may hold. The domain's Validate methods
// apply it, so every entry point does.
//
// A text must be UTF-8, at most Max characters (runes) long, and hold no
// control character: not NUL, the other C0 controls, DEL or the C1
// controls, except that a multi-line field may hold tabs and line breaks
// (LF, or CR LF as a browser sends a textarea's). Nor may it hold a
// bidirectional override or isolate (U+202A to U+202E, U+2066 to U+2069),
// which makes text display in another order than it is stored, so that a
// note can read differently on screen from what it says to a program or
// an export ("Trojan Source", CVE-2021-42574).
type Text struct {
	// Max is the most characters the field may hold; 0 means no limit
	// beyond what the request's size allows.
	Max int
	// MultiLine allows tabs and line breaks.
	MultiLine bool
}

// Line is a one-line field of at most max characters.
func Line(max int) Text { return Text{Max: max} }

// Lines is a multi-line field of at most max characters.
func Lines(max int) Text { return Text{Max: max, MultiLine: true} }

// Problem returns what is wrong with s as the field's text, or "" if
// nothing is. The message completes a sentence that starts with the
// field's name ("need must be at most 1000 characters").
func (t Text) Problem(s string) string {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return "must be text in UTF-8"
		}
		switch {
		case isBidiControl(r):
			return "must not contain bidirectional override or isolate characters (U+202A to U+202E, U+2066 to U+2069)"
		case r == '\t' || r == '\n' || r == '\r' && i+1 < len(s) && s[i+1] == '\n':
			if !t.MultiLine {
				return "must be one line, with no tabs or line breaks"
			}
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			if t.MultiLine {
				return "must not contain control characters other than tabs and line breaks"
			}
			return "must not contain control characters"
		}
		n++
		i += size
	}
	if t.Max > 0 && n > t.Max {
		return "must be at most " + strconv.Itoa(t.Max) + " characters"
	}
	return ""
}

// Check returns one field error naming field if s breaks the rule, and
// none otherwise, to append to a Validate method's list.
func (t Text) Check(field, s string) []FieldError {
	if p := t.Problem(s); p != "" {
		return []FieldError{{Field: field, Message: p}}
	}
	return nil
}

// isBidiControl reports whether r is an explicit bidirectional embedding,
// override or isolate, or the pop of one: LRE, RLE, PDF, LRO, RLO, and
// LRI, RLI, FSI, PDI.
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}
