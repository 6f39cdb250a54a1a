package server

import "testing"

// TestSafeNext: only paths on this site survive as a redirect target after
// sign-in; anything a browser could read as another host is dropped.
func TestSafeNext(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/residents", "/residents"},
		{"/residents/12?tab=devices", "/residents/12?tab=devices"},
		{"", ""},
		{"residents", ""},
		{"//evil.example/", ""},
		{"/\\evil.example/", ""},
		{"/\t/evil.example/", ""},
		{"/\n/evil.example/", ""},
		{"/\r\n/evil.example/", ""},
		{"/\x00/evil.example/", ""},
		{"/\x7f/evil.example/", ""},
		{"https://evil.example/", ""},
		{"/%2F%2Fevil.example", "/%2F%2Fevil.example"}, // stays a path on this site
	} {
		if got := safeNext(c.in); got != c.want {
			t.Errorf("safeNext(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
