// Package federation is the format of the evidence bundle a borough sends
// a hub instead of its residents' records: the cells of its summaries that
// the disclosure gate releases, signed with the borough's Ed25519 key. It
// makes, encodes, signs, parses and verifies bundles; where bundles come
// from (storage, reports) and where they go (the hub's database) is for its
// callers.
//
// It may import the standard library and the root package only.
package federation

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"math"
	"regexp"
	"slices"
	"time"

	"github.com/ateval/ateval"
)

// Format and FormatVersion name the bundle format; a parser refuses any
// other format and any version it does not know.
const (
	Format        = "ateval-evidence-bundle"
	FormatVersion = 2
)

// MaxSize is the largest bundle file a hub reads: a borough's cells for
// every outcome, follow-up, category, arm and period are some hundreds of
// kilobytes; anything near this is not a bundle.
const MaxSize = 8 << 20

// Bundle is one borough's evidence: the body and its signature.
type Bundle struct {
	Body
	// Signature is the Ed25519 signature, base64, of the body's canonical
	// encoding (Canonical).
	Signature string `json:"signature"`
}

// Body is what a bundle says and the signature covers.
type Body struct {
	Format        string `json:"format"`
	FormatVersion int    `json:"format_version"`
	// Borough is the slug of the borough whose residents the cells sum.
	Borough string `json:"borough"`
	// FrameworkVersion is the evaluation framework (instruments, scoring)
	// the scores were computed under.
	FrameworkVersion string `json:"framework_version"`
	// PeriodFrom and PeriodTo are the first and last financial years of
	// enrolment (2025 for April 2025 to March 2026) any cell covers.
	PeriodFrom int `json:"period_from"`
	PeriodTo   int `json:"period_to"`
	// Made is when the bundle was made, UTC, to the second.
	Made time.Time `json:"made"`
	// Sequence numbers a borough's bundles: a hub takes only a higher one
	// than it holds, so an old bundle cannot be replayed over a new one.
	Sequence int64 `json:"sequence"`
	// KeyID names the signing key: the first 16 hex digits of the SHA-256
	// of its public key.
	KeyID string `json:"key_id"`
	// MinBoroughN and MinCell are the gate's rules the cells were released
	// under.
	MinBoroughN int `json:"min_borough_n"`
	MinCell     int `json:"min_cell"`
	// Statistics are the released cells of each outcome at each follow-up.
	Statistics []Statistic `json:"statistics"`
}

// Statistic is one outcome at one follow-up: its released cells.
type Statistic struct {
	Outcome   string `json:"outcome"`
	Timepoint string `json:"timepoint"`
	// Kind is change, events or proportion, which fixes the values.
	Kind string `json:"kind"`
	// Reference is, for a score (change), the borough's reference spread;
	// absent when it has none (its rows are then hidden).
	Reference *Reference `json:"reference,omitempty"`
	Cells     []Cell     `json:"cells"`
}

// Reference is a borough's reference spread of a score at a follow-up:
// the variance of the baseline score, the variance of the change from
// baseline, and, as in a regression of the follow-up score on the
// baseline with the borough's released cells as groups, the common slope
// and the residual variance about it; each pooled within every cell the
// gate releases of the borough (all device categories, arms and financial
// years) and rounded to two significant figures or, where coarser, to a
// step of 1, 2 or 5 times a power of ten spanning its standard error. A
// row's sampling variance is made from it, never from its own residents
// (package disclosure, "Methods").
type Reference struct {
	Baseline float64 `json:"var_baseline"`
	Change   float64 `json:"var_change"`
	Slope    float64 `json:"slope"`
	Residual float64 `json:"var_residual"`
}

// Values are the reference's four numbers in the order the rest of
// ateval keeps them (reports.SharedStatistic, a hub's stored cells, the
// share ledger): baseline, change, slope, residual.
func (r Reference) Values() []float64 {
	return []float64{r.Baseline, r.Change, r.Slope, r.Residual}
}

// ReferenceOf is the reference of four numbers in the order of Values, or
// nil for any other number of them.
func ReferenceOf(v []float64) *Reference {
	if len(v) != 4 {
		return nil
	}
	return &Reference{Baseline: v[0], Change: v[1], Slope: v[2], Residual: v[3]}
}

// Valid reports whether the reference is one a borough's gate makes: both
// variances positive, the residual variance not negative, and a positive
// follow-up variance (residual + slope² × baseline).
func (r Reference) Valid() bool {
	return r.Baseline > 0 && r.Change > 0 && r.Residual >= 0 && r.Residual+r.Slope*r.Slope*r.Baseline > 0
}

// Cell is one released cell of the borough: its residents of one device
// category ("" for the comparison arm) and arm over a block of whole
// financial years, with their number, the sum of their record keys (from
// which the hub perturbs a count of several cells as the borough would)
// and what leaves the disclosure gate of the cell, by kind:
//
//	change:     mean baseline score, mean change from baseline, each
//	            rounded to the step of the cell's published count
//	events:     events before, days before, events after, days after:
//	            counts perturbed and rounded as published, days rounded
//	            to 30
//	proportion: the count answering yes, perturbed and rounded as
//	            published
//
// No sum of a resident's scores, squares or cross-products is in it: a
// hub that knew every resident of a cell but one would learn of that
// resident no more than a published report says (version 1 carried the
// exact sums, which told it everything).
type Cell struct {
	Category string    `json:"device_category"`
	Arm      string    `json:"arm"`
	Periods  []int     `json:"periods"`
	N        int       `json:"n"`
	Key      int64     `json:"key"`
	Values   []float64 `json:"values"`
}

// valuesOf is the number of values a cell of each kind carries.
var valuesOf = map[string]int{"change": 2, "events": 4, "proportion": 1}

// Canonical returns the encoding a signature covers: the body as
// encoding/json marshals it, with no whitespace, fields in the order
// above, numbers in Go's shortest form that reads back exactly, and Made
// in RFC 3339 UTC. A verifier re-encodes the body it parsed, so a bundle
// whose text was re-indented still verifies, and one whose any value was
// changed does not.
func (b Body) Canonical() []byte {
	out, err := json.Marshal(b)
	if err != nil {
		// A Body holds no NaN or channel: only a caller's NaN sum gets here.
		panic("federation: body cannot be encoded: " + err.Error())
	}
	return out
}

// Sign returns the bundle of body signed with key.
func Sign(body Body, key ed25519.PrivateKey) Bundle {
	body.Format, body.FormatVersion = Format, FormatVersion
	body.Made = body.Made.UTC().Truncate(time.Second)
	body.KeyID = KeyID(key.Public().(ed25519.PublicKey))
	return Bundle{Body: body, Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(key, body.Canonical()))}
}

// Encode writes the bundle as indented JSON.
func (b Bundle) Encode(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(b)
}

var (
	slug     = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)
	word     = regexp.MustCompile(`^[a-z0-9_-]{0,64}$`)
	errShape = func(format string, args ...any) error {
		return ateval.Errorf(ateval.EINVALID, "not an evidence bundle: "+format, args...)
	}
)

// Parse reads a bundle of at most MaxSize bytes and checks its form: the
// format and its version, every field present and well formed, no field
// it does not know, nothing after it. It does not verify the signature
// (Verify does, given the borough's key).
func Parse(r io.Reader) (Bundle, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return Bundle{}, err
	}
	if len(data) > MaxSize {
		return Bundle{}, ateval.Errorf(ateval.EINVALID, "the bundle is larger than %d MiB: refused unread", MaxSize>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b Bundle
	if err := dec.Decode(&b); err != nil {
		return Bundle{}, errShape("%v", err)
	}
	if dec.More() {
		return Bundle{}, errShape("text after the bundle")
	}
	if b.Format != Format {
		return Bundle{}, errShape("format %q, want %q", b.Format, Format)
	}
	if b.FormatVersion == 1 {
		return Bundle{}, ateval.Errorf(ateval.EINVALID, "bundle format version 1 carried each cell's exact sums and is no longer read: ask the borough to share again with this version of ateval (format %d)", FormatVersion)
	}
	if b.FormatVersion != FormatVersion {
		return Bundle{}, ateval.Errorf(ateval.EINVALID, "bundle format version %d: this ateval reads version %d only", b.FormatVersion, FormatVersion)
	}
	switch {
	case !slug.MatchString(b.Borough):
		return Bundle{}, errShape("borough %q is not a slug", b.Borough)
	case b.FrameworkVersion == "" || len(b.FrameworkVersion) > 32:
		return Bundle{}, errShape("no framework version")
	case b.Sequence < 1:
		return Bundle{}, errShape("sequence %d, want 1 or more", b.Sequence)
	case b.Made.IsZero():
		return Bundle{}, errShape("no time made")
	case len(b.KeyID) != 16:
		return Bundle{}, errShape("key id %q", b.KeyID)
	case b.PeriodFrom > b.PeriodTo:
		return Bundle{}, errShape("period %d to %d", b.PeriodFrom, b.PeriodTo)
	}
	if sig, err := base64.StdEncoding.DecodeString(b.Signature); err != nil || len(sig) != ed25519.SignatureSize {
		return Bundle{}, errShape("the signature is not a base64 Ed25519 signature")
	}
	for _, s := range b.Statistics {
		width, ok := valuesOf[s.Kind]
		if !ok || !word.MatchString(s.Outcome) || !word.MatchString(s.Timepoint) || s.Outcome == "" || s.Timepoint == "" {
			return Bundle{}, errShape("statistic %q at %q of kind %q", s.Outcome, s.Timepoint, s.Kind)
		}
		if r := s.Reference; (r != nil || s.Kind == "change" && len(s.Cells) > 0) && (s.Kind != "change" || r == nil || !r.Valid()) {
			return Bundle{}, errShape("the reference of %s at %s is missing, or not the variances, slope and residual variance of a score", s.Outcome, s.Timepoint)
		}
		for _, c := range s.Cells {
			if len(c.Values) != width || c.N < 1 || len(c.Periods) == 0 || !word.MatchString(c.Category) || (c.Arm != "intervention" && c.Arm != "comparison") {
				return Bundle{}, errShape("a cell of %s at %s is malformed", s.Outcome, s.Timepoint)
			}
			if s.Kind != "change" && slices.ContainsFunc(c.Values, func(v float64) bool { return v < 0 || v != math.Trunc(v) }) {
				return Bundle{}, errShape("a cell of %s at %s has a negative or broken count", s.Outcome, s.Timepoint)
			}
			for _, p := range c.Periods {
				if p < b.PeriodFrom || p > b.PeriodTo {
					return Bundle{}, errShape("a cell of %s at %s covers %d, outside the bundle's period", s.Outcome, s.Timepoint, p)
				}
			}
		}
	}
	return b, nil
}

// Verify checks the bundle's signature against the borough's public key.
func (b Bundle) Verify(pub ed25519.PublicKey) error {
	sig, err := base64.StdEncoding.DecodeString(b.Signature)
	if err != nil || len(pub) != ed25519.PublicKeySize || KeyID(pub) != b.KeyID || !ed25519.Verify(pub, b.Body.Canonical(), sig) {
		return ateval.Errorf(ateval.EUNAUTHORIZED, "the bundle of %s does not verify: its signature is not that of the key trusted for %s, or it was changed after signing", b.Borough, b.Borough)
	}
	return nil
}
