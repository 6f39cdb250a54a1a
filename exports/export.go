package exports

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/sharing"
)

// The layouts of an export.
const (
	// LayoutLong has one row per resident and assessment.
	LayoutLong = "long"
	// LayoutWide has one row per resident, a column per instrument, item
	// or score and timepoint.
	LayoutWide = "wide"
)

// Defaults of Options (DefaultK and the largest k, MaxK, are the
// agreement's: see sharing.go).
const DefaultMaxSuppression = 0.05

// Options say what to export.
type Options struct {
	Agreement *Agreement
	// Boroughs are the slugs to export; empty means all the agreement's.
	Boroughs []string
	Layout   string // LayoutLong (default) or LayoutWide
	// K is the least number of residents sharing any combination of
	// quasi-identifiers: at least the agreement's MinK, which is the
	// default.
	K int
	// MaxSuppression is the share of residents the generalisation search
	// may leave to local suppression (default DefaultMaxSuppression).
	MaxSuppression float64
	// Framework names instruments, items and scoring (default
	// forms.Default()).
	Framework *forms.Framework
	// Today is the day of the export, checked against the agreement's
	// expiry; required.
	Today ateval.Date
	// BoroughNames names each borough slug for the codebook's value
	// labels ("Kingston upon Thames"); a slug it lacks is shown as it is.
	BoroughNames map[string]string
}

// Plan is a prepared export: the residents, their pseudonyms and
// published quasi-identifiers, and the columns. Its codebook and
// disclosure report are known before a row is written.
type Plan struct {
	src      Source
	opt      Options
	entries  []entry
	columns  []Column
	position map[string]int // column index by colKey
	codebook *Codebook
	release  Release
	// instruments allowed, by id, and the kinds of column.
	allowed      map[string]bool
	items, score bool
}

// entry is one exported resident, in pseudonym order.
type entry struct {
	pseudonym string
	qis       []string
	origin    ateval.Date
}

// Prepare checks the agreement, reads every eligible resident's
// quasi-identifiers from src and makes them k-anonymous, by themselves and
// together with every earlier export, under any agreement (the first of
// an export's two passes), and fixes the columns. Its errors are refusals
// to show the user: no agreement, an expired one, a borough outside it,
// too few residents. The source checks the agreement again, by its own
// clock.
//
// The export may be published only once its Release is recorded (see
// Plan.Release): the next export, under any agreement, is checked against
// it.
func Prepare(ctx context.Context, src Source, opt Options) (_ *Plan, err error) {
	defer ateval.Wrap(&err, "exports.Prepare")
	if opt.Layout == "" {
		opt.Layout = LayoutLong
	}
	if opt.Layout != LayoutLong && opt.Layout != LayoutWide {
		return nil, sharing.Refuse(RefusedInvalidRequest, ateval.Errorf(ateval.EINVALID, "The layout must be long or wide."))
	}
	if opt.MaxSuppression == 0 {
		opt.MaxSuppression = DefaultMaxSuppression
	}
	if opt.MaxSuppression < 0 || opt.MaxSuppression > 1 {
		return nil, sharing.Refuse(RefusedInvalidRequest, ateval.Errorf(ateval.EINVALID, "The suppression limit must be between 0 and 1."))
	}
	if opt.Framework == nil {
		opt.Framework = forms.Default()
	}
	if opt.Agreement != nil && len(opt.Boroughs) == 0 {
		opt.Boroughs = opt.Agreement.Boroughs
	}
	if err := opt.Agreement.Permits(opt.Today, opt.Boroughs); err != nil {
		return nil, err
	}
	a := opt.Agreement
	if opt.K == 0 {
		opt.K = a.LeastK()
	}
	if opt.K < a.LeastK() {
		return nil, sharing.Refuse(RefusedKBelowMinimum, ateval.Invalid("The export asks for a k below its agreement's minimum.", []ateval.FieldError{{Field: "k",
			Message: fmt.Sprintf("Data sharing agreement %d sets a minimum k of %d: an export under it may ask for more, never less.", a.ID, a.LeastK())}}))
	}
	if opt.K < 2 || opt.K > MaxK {
		return nil, sharing.Refuse(RefusedInvalidRequest, ateval.Errorf(ateval.EINVALID, "k must be between 2 and %d.", MaxK))
	}
	if len(opt.Boroughs) == 0 {
		return nil, sharing.Refuse(RefusedInvalidRequest, ateval.Errorf(ateval.EINVALID, "Name at least one borough to export."))
	}
	earlier, err := src.ExportReleases(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	wanted := map[string]bool{}
	for _, b := range opt.Boroughs {
		wanted[b] = true
	}
	var subjects []Subject
	err = src.ExportSubjects(ctx, a.ID, opt.Boroughs, func(s Subject) error {
		// Storage selects these already; checked again because an export
		// of a resident who objected cannot be taken back.
		if s.InEvaluation() && wanted[s.Borough] {
			subjects = append(subjects, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	inLedger := map[string]bool{}
	for i := range subjects {
		if l := subjects[i].Ledger; l == "" || inLedger[l] {
			return nil, ateval.Errorf(ateval.EINTERNAL, "two residents share a ledger key, or one has none")
		}
		inLedger[subjects[i].Ledger] = true
	}
	an, err := anonymise(subjects, opt.K, opt.MaxSuppression, &earlier, boroughScope{exported: opt.Boroughs})
	if err != nil {
		return nil, err
	}
	p := &Plan{src: src, opt: opt, allowed: map[string]bool{},
		items: a.AllowsField(FieldItems), score: a.AllowsField(FieldScores)}
	p.release = Release{AgreementID: a.ID, Sequence: earlier.Exports + 1, Boroughs: opt.Boroughs, K: opt.K,
		Levels: an.levels, Residents: an.disclosure.Residents, Records: map[string]Entry{}}
	seen := map[string]bool{}
	for i := range subjects {
		if an.values[i] == nil {
			continue
		}
		s := &subjects[i]
		ps := s.Pseudonym
		if seen[ps] || !strings.HasPrefix(ps, sharing.PseudonymPrefix) {
			return nil, ateval.Errorf(ateval.EINTERNAL, "two residents share a pseudonym, or one has none")
		}
		seen[ps] = true
		p.entries = append(p.entries, entry{pseudonym: ps, qis: an.values[i], origin: s.Origin()})
		before := earlier.Records[s.Ledger]
		now := Entry{Record: an.joined[i], K: max(opt.K, before.K)}
		if before.Record == nil || recordKey(before.Record) != recordKey(now.Record) || before.K != now.K {
			p.release.Records[s.Ledger] = now
		}
	}
	// Pseudonym order: no trace of the order residents were stored in.
	sort.Slice(p.entries, func(a, b int) bool { return p.entries[a].pseudonym < p.entries[b].pseudonym })
	for _, in := range opt.Framework.Instruments() {
		if a.AllowsInstrument(in.ID) {
			p.allowed[in.ID] = true
		}
	}
	if err := p.buildColumns(); err != nil {
		return nil, err
	}
	p.codebook = p.newCodebook(an.disclosure)
	return p, nil
}

// Release returns what the export releases, to be recorded with its audit
// entry before any of it is published.
func (p *Plan) Release() *Release {
	r := p.release
	return &r
}

// Residents returns how many residents the export holds.
func (p *Plan) Residents() int { return len(p.entries) }

// Columns returns the export's columns, in order.
func (p *Plan) Columns() []Column { return append([]Column(nil), p.columns...) }

// Disclosure returns the disclosure report.
func (p *Plan) Disclosure() Disclosure { return p.codebook.Disclosure }

// Codebook returns the codebook, with the disclosure report in it.
func (p *Plan) Codebook() *Codebook { return p.codebook }
