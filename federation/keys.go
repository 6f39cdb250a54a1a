package federation

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"strings"

	"github.com/ateval/ateval"
)

// Key files hold one line: a label and the key in base64, so that a
// public key pasted into an e-mail is recognisable and a private key is
// not taken for one.
const (
	privateLabel = "ateval-ed25519-private "
	publicLabel  = "ateval-ed25519-public "
)

// KeyID names a public key: the first 16 hex digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
}

// WriteKeyPair makes an Ed25519 key pair and writes the private key to
// path (readable by its owner only) and the public key to path + ".pub".
// It refuses to overwrite either.
func WriteKeyPair(path string) (ed25519.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		path string
		text string
		mode os.FileMode
	}{
		{path, privateLabel + base64.StdEncoding.EncodeToString(priv.Seed()) + "\n", 0o600},
		{path + ".pub", publicLabel + base64.StdEncoding.EncodeToString(pub) + "\n", 0o644},
	} {
		fh, err := os.OpenFile(f.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, f.mode)
		if err != nil {
			return nil, err
		}
		_, err = fh.WriteString(f.text)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
	}
	return pub, nil
}

// ReadPrivateKey reads a private key file written by WriteKeyPair.
func ReadPrivateKey(path string) (ed25519.PrivateKey, error) {
	seed, err := readKey(path, privateLabel, ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// ReadPublicKey reads a public key file written by WriteKeyPair.
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	b, err := readKey(path, publicLabel, ed25519.PublicKeySize)
	return ed25519.PublicKey(b), err
}

// ParsePublicKey reads the text of a public key file.
func ParsePublicKey(text string) (ed25519.PublicKey, error) {
	b, err := parseKey(text, publicLabel, ed25519.PublicKeySize)
	return ed25519.PublicKey(b), err
}

// FormatPublicKey is the text of a public key file.
func FormatPublicKey(pub ed25519.PublicKey) string {
	return publicLabel + base64.StdEncoding.EncodeToString(pub)
}

func readKey(path, label string, size int) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > 4096 {
		return nil, ateval.Errorf(ateval.EINVALID, "%s is not an ateval key file", path)
	}
	b, err := parseKey(string(data), label, size)
	if err != nil {
		return nil, ateval.Errorf(ateval.EINVALID, "%s: %s", path, ateval.ErrorMessage(err))
	}
	return b, nil
}

func parseKey(text, label string, size int) ([]byte, error) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, label) {
		return nil, ateval.Errorf(ateval.EINVALID, "not an ateval key of this kind (want a line starting %q)", strings.TrimSpace(label))
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(text, label))
	if err != nil || len(b) != size {
		return nil, ateval.Errorf(ateval.EINVALID, "the key is not %d bytes of base64", size)
	}
	return b, nil
}
