package ateval_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ateval/ateval"
)

func TestTextProblem(t *testing.T) {
	const (
		oneLine  = "must be one line, with no tabs or line breaks"
		control  = "must not contain control characters"
		controlM = "must not contain control characters other than tabs and line breaks"
		bidi     = "must not contain bidirectional override or isolate characters (U+202A to U+202E, U+2066 to U+2069)"
	)
	tests := []struct {
		name string
		rule ateval.Text
		s    string
		want string
	}{
		{"empty", ateval.Line(10), "", ""},
		{"plain", ateval.Line(10), "Falls", ""},
		{"accents and CJK count as one each", ateval.Line(5), "Zoë 李", ""},
		{"exactly the limit", ateval.Line(3), "abc", ""},
		{"over the limit", ateval.Line(3), "abcd", "must be at most 3 characters"},
		{"over the limit in characters, not bytes", ateval.Line(3), "éééé", "must be at most 3 characters"},
		{"no limit", ateval.Text{}, strings.Repeat("x", 100000), ""},
		{"NUL", ateval.Line(10), "a\x00b", control},
		{"NUL, multi-line", ateval.Lines(10), "a\x00b", controlM},
		{"escape", ateval.Lines(10), "\x1b[2J", controlM},
		{"bell", ateval.Line(10), "\a", control},
		{"DEL", ateval.Line(10), "a\x7f", control},
		{"C1 (NEL)", ateval.Lines(10), "a\u0085b", controlM},
		{"tab, one line", ateval.Line(10), "a\tb", oneLine},
		{"newline, one line", ateval.Line(10), "a\nb", oneLine},
		{"CR LF, one line", ateval.Line(10), "a\r\nb", oneLine},
		{"tab, multi-line", ateval.Lines(10), "a\tb", ""},
		{"newline, multi-line", ateval.Lines(10), "a\nb", ""},
		{"CR LF, multi-line", ateval.Lines(10), "a\r\nb", ""},
		{"lone CR, multi-line", ateval.Lines(10), "a\rb", controlM},
		{"CR at the end", ateval.Lines(10), "a\r", controlM},
		{"RLO", ateval.Lines(100), "pay \u202eeulav\u202c", bidi},
		{"LRE", ateval.Line(10), "\u202a", bidi},
		{"PDF", ateval.Line(10), "\u202c", bidi},
		{"LRI", ateval.Line(10), "\u2066", bidi},
		{"PDI", ateval.Line(10), "\u2069", bidi},
		{"RLM is a mark, not an override", ateval.Line(10), "\u200f", ""},
		{"U+2065 is unassigned, not an isolate", ateval.Line(10), "\u2065", ""},
		{"U+206A is not an isolate", ateval.Line(10), "\u206a", ""},
		{"invalid UTF-8", ateval.Line(10), "a\xffb", "must be text in UTF-8"},
		{"a truncated sequence", ateval.Line(10), "\xe2\x80", "must be text in UTF-8"},
		{"U+FFFD itself is text", ateval.Line(10), "\ufffd", ""},
	}
	for _, tt := range tests {
		if got := tt.rule.Problem(tt.s); got != tt.want {
			t.Errorf("%s: Problem(%q) = %q, want %q", tt.name, tt.s, got, tt.want)
		}
	}
	if got := ateval.Line(3).Check("need", "abcd"); len(got) != 1 || got[0].Field != "need" {
		t.Errorf("Check = %v, want one error naming need", got)
	}
	if got := ateval.Line(3).Check("need", "abc"); got != nil {
		t.Errorf("Check of a good text = %v, want nil", got)
	}
}

// FuzzText checks the rule against its definition, rune by rune: a text
// accepted is UTF-8, within its length, and holds no control character
// but (multi-line) tab, LF and CR before LF, and no bidirectional
// override or isolate; and one refused breaks one of those.
//
//	go test -run='^$' -fuzz=FuzzText -fuzztime=1m .
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "Falls at night", "a\r\nb\tc", "a\rb", "\u202eabc", "\x00", "\xff", "\u0085", "ééé", "\u2069\u2066"} {
		f.Add(s, 3, true)
		f.Add(s, 0, false)
	}
	f.Fuzz(func(t *testing.T, s string, max int, multi bool) {
		if max < 0 {
			max = -max
		}
		rule := ateval.Text{Max: max, MultiLine: multi}
		bad := !utf8.ValidString(s) || max > 0 && utf8.RuneCountInString(s) > max
		for i, r := range s {
			allowed := multi && (r == '\t' || r == '\n' || r == '\r' && strings.HasPrefix(s[i+1:], "\n"))
			if (r < 0x20 || r >= 0x7f && r < 0xa0) && !allowed || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
				bad = true
			}
		}
		if got := rule.Problem(s); (got != "") != bad {
			t.Fatalf("Text%+v.Problem(%q) = %q; want refused: %v", rule, s, got, bad)
		}
	})
}
