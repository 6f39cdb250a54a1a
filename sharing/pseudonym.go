package sharing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
)

// PseudonymPrefix begins every pseudonym, so that one is recognised as such.
const PseudonymPrefix = "ps_"

var pseudonymEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Pseudonym returns the resident's pseudonym under an agreement's key:
// PseudonymPrefix and the first 16 base-32 characters (80 bits) of
// HMAC-SHA256(key, "ateval/resident/v2" NUL residentID in decimal), lower
// cased. The resident's internal id is immutable and never exported, unlike
// the borough's reference, which can be corrected and then given to
// someone else: a pseudonym follows one person. The key makes it the same
// in every export under one agreement and unlinkable across agreements,
// and not computable by anyone without the key, which only storage holds.
func Pseudonym(key []byte, residentID int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("ateval/resident/v2\x00" + strconv.FormatInt(residentID, 10)))
	return PseudonymPrefix + strings.ToLower(pseudonymEncoding.EncodeToString(m.Sum(nil))[:16])
}
