package sharing

import (
	"bytes"
	"testing"
)

// TestPseudonymKnownAnswers pins the pseudonym to values computed outside
// Go, so that a changed label, encoding or length (which would silently
// break the linking of an agreement's exports with its earlier ones) fails
// here. Made with OpenSSL 3.0 and coreutils:
//
//	printf 'ateval/resident/v2\0%s' 123456789 |
//	  openssl dgst -sha256 -mac HMAC -macopt key:'ateval test key, not a secret!!!' -binary |
//	  base32 | head -c 16 | tr A-Z a-z
//
// and with Python's hmac module for the key of 32 bytes 0x0b.
func TestPseudonymKnownAnswers(t *testing.T) {
	for _, c := range []struct {
		key  []byte
		id   int64
		want string
	}{
		{bytes.Repeat([]byte{0x0b}, 32), 1, "ps_ueb3i7qsym3nyk6g"},
		{[]byte("ateval test key, not a secret!!!"), 123456789, "ps_l6j6wcyy7idt3eqp"},
	} {
		if got := Pseudonym(c.key, c.id); got != c.want {
			t.Errorf("Pseudonym(%q, %d) = %s, want %s", c.key, c.id, got, c.want)
		}
	}
}
