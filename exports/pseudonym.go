package exports

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strings"
)

// PseudonymPrefix begins every pseudonym, so that one is recognised as such.
const PseudonymPrefix = "ps_"

var pseudonymEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Pseudonym returns the resident's pseudonym under an agreement's key:
// PseudonymPrefix and the first 16 base-32 characters (80 bits) of
// HMAC-SHA256(key, "ateval/resident/v1" NUL borough NUL reference), lower
// cased. The borough's slug and its reference for the resident are a
// stable identity; the key makes the pseudonym the same in every export
// under one agreement and unlinkable across agreements, and not
// computable by anyone without the key.
func Pseudonym(key []byte, borough, reference string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("ateval/resident/v1\x00" + borough + "\x00" + reference))
	return PseudonymPrefix + strings.ToLower(pseudonymEncoding.EncodeToString(m.Sum(nil))[:16])
}
