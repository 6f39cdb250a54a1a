package reports

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/evaluation"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/reports/summary"
)

// Source supplies the per-borough summaries of a report. storage.DB
// implements it with grouped queries inside the database. Build asks for
// several summaries at once, so a Source must be safe for concurrent use.
type Source interface {
	ChangeSummaries(ctx context.Context, f summary.Filter, instrument, score, timepoint string) ([]summary.Change, error)
	EventSummaries(ctx context.Context, f summary.Filter, score, timepoint string) ([]summary.Event, error)
	ProportionSummaries(ctx context.Context, f summary.Filter, instrument, score, timepoint string) ([]summary.Proportion, error)
	Enrolments(ctx context.Context, f summary.Filter) ([]summary.Enrolment, error)
	Taken(ctx context.Context, f summary.Filter) ([]summary.Taken, error)
	Costs(ctx context.Context, f summary.Filter) ([]summary.Cost, error)
	Issues(ctx context.Context, f summary.Filter) ([]summary.Issue, error)
}

// Options configure a report. The zero value (with a Source) gives the
// documented defaults.
type Options struct {
	Filter summary.Filter
	// Outcomes are outcome ids (see Outcomes); nil means all.
	Outcomes []string
	// Method and Test of pooling: REML with the ad hoc Knapp-Hartung
	// interval by default (s² truncated at 1), which alone of z, knha and
	// adhoc kept its 95% coverage in every scenario of the simulation in
	// evaluation's TestCoverageOfIntervals (see Methods).
	Method evaluation.Method
	Test   evaluation.Test
	// MinBoroughs is the fewest published borough rows an analysis needs
	// (default 3).
	MinBoroughs int
	// Disclosure are the gate's rules: zero fields take the defaults, and
	// none may be weaker than its default.
	Disclosure disclosure.Rules
	// Groups are the groupings of boroughs a report may select (nil:
	// London's sub-regional partnerships); Boroughs are every borough there
	// is, placed in them (boroughs with enrolled residents are added).
	Groups   []disclosure.Group
	Boroughs []string
	// UnitCosts price the consequences; nil means DefaultUnitCosts().
	UnitCosts *UnitCosts
	// AsOf is the day follow-ups are judged due or overdue (default today),
	// taken back to the last day of a month (disclosure.MonthEnd): like
	// any filter, it moves only in whole steps, so two reports a day apart
	// cannot be differenced for the residents whose window closed between.
	AsOf ateval.Date
	// Now stamps the report (default time.Now).
	Now func() time.Time
	// Progress, if set, is called with the steps done of the total.
	Progress func(done, total int)
	// Framework gives the schedule and the evaluation protocol (default
	// forms.Default()).
	Framework *forms.Framework
	// Trials are the boroughs' randomised trials: where a borough
	// allocated the residents of a device category at random to the device
	// or to its comparison group. A comparison resting only on randomised
	// rows starts at high certainty (GRADE), any other at low.
	Trials []ateval.RandomisedTrial
	// BoroughNames name boroughs by slug ("kingston-upon-thames":
	// "Kingston upon Thames"); a slug not named is spelt out from itself.
	BoroughNames map[string]string

	// ownVariance publishes each row's own sampling variance (rounded to
	// viStep) instead of its unit's reference variance: the release before
	// the fix, which an intruder who knows all but one resident of a row
	// can solve. For the attack test only (TestAttackOnNamedRowsVariance).
	ownVariance bool
}

func (o Options) withDefaults() (Options, error) {
	var err error
	if o.Disclosure, err = o.Disclosure.WithDefaults(); err != nil {
		return o, err
	}
	fixed := disclosure.Defaults()
	fixed.MinBoroughN = o.Disclosure.MinBoroughN
	if o.Disclosure != fixed {
		return o, ateval.Errorf(ateval.EINVALID, "Only the fewest residents with which a borough is shown on its own may be raised: "+
			"the other rules are the installation's, so that every release is built from the same cells.")
	}
	if o.Method == "" {
		o.Method = evaluation.REML
	}
	if o.Test == "" {
		o.Test = evaluation.Adhoc
	}
	if o.MinBoroughs <= 0 {
		o.MinBoroughs = 3
	}
	if o.UnitCosts == nil {
		uc := DefaultUnitCosts()
		o.UnitCosts = &uc
	}
	// Every price is uprated to one year, on a copy: the caller's table
	// is left as they gave it.
	uc := *o.UnitCosts
	uc.Items = slices.Clone(uc.Items)
	uc.Uprate(DefaultIndex())
	o.UnitCosts = &uc
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.AsOf.IsZero() {
		o.AsOf = ateval.DateOf(o.Now())
	}
	o.AsOf = disclosure.MonthEnd(o.AsOf)
	if o.Framework == nil {
		o.Framework = forms.Default()
	}
	if o.Progress == nil {
		o.Progress = func(int, int) {}
	}
	return o, nil
}

// Report is a built evidence report: every number it publishes, already
// through disclosure control. Its JSON form is results.json.
type Report struct {
	FrameworkVersion string      `json:"framework_version"`
	GeneratedAt      time.Time   `json:"generated_at"`
	AsOf             ateval.Date `json:"as_of"`
	Filter           FilterJSON  `json:"filter"`
	// Summary is what the report opens with: its primary findings.
	Summary         Summary           `json:"summary"`
	Disclosure      Disclosure        `json:"disclosure"`
	Analyses        []Analysis        `json:"analyses"`
	Trajectories    []Trajectory      `json:"trajectories"`
	FollowUp        []FollowUp        `json:"follow_up"`
	Quality         []Quality         `json:"data_quality"`
	CostConsequence []CostConsequence `json:"cost_consequence"`
	Abandonment     []Abandonment     `json:"abandonment"`
	UnitCosts       UnitCosts         `json:"unit_costs"`
	// Charts are the report's charts, each with its file name under
	// charts/ and alt text, drawn when first asked for; not part of
	// results.json.
	Charts []Chart `json:"-"`

	complete map[string][2]int  // timepoint: intervention residents due, recorded (published)
	baseRate map[string]float64 // "outcome|category": events a day before, for costs
	gate     *disclosure.Gate
	sel      disclosure.Selection
	protocol *forms.Protocol
	names    map[string]string // borough slug: name
	all      []string          // every borough there is, by slug
	// refs are the reference variances of the outcome and follow-up being
	// analysed, by unit (see references); ownVariance is Options'.
	refs        map[string]spread
	ownVariance bool
}

// FilterJSON is the filter as results.json records it.
// Boroughs, From and To are the filter as widened to whole cells (whole
// partnerships, whole financial years): what the report covers.
type FilterJSON struct {
	Outcomes       []string `json:"outcomes,omitempty"`
	DeviceCategory string   `json:"device_category,omitempty"`
	Boroughs       []string `json:"boroughs,omitempty"`
	Partnerships   []string `json:"partnerships,omitempty"`
	From           string   `json:"from,omitempty"`
	To             string   `json:"to,omitempty"`
}

// Build computes a report from the summaries src supplies.
func Build(ctx context.Context, src Source, opt Options) (_ *Report, err error) {
	defer ateval.Wrap(&err, "build evidence report")
	if opt, err = opt.withDefaults(); err != nil {
		return nil, err
	}
	outcomes, err := selectOutcomes(opt.Outcomes)
	if err != nil {
		return nil, err
	}
	if k, ok := src.(interface{ RecordKeys(context.Context) error }); ok {
		if err := k.RecordKeys(ctx); err != nil {
			return nil, err
		}
	}
	f := opt.Filter
	r := &Report{FrameworkVersion: opt.Framework.Version(), GeneratedAt: opt.Now().UTC().Truncate(time.Second), AsOf: opt.AsOf,
		Disclosure: Disclosure{Rules: opt.Disclosure, Statement: opt.Disclosure.Statement()}, UnitCosts: *opt.UnitCosts,
		protocol: opt.Framework.Protocol(), names: opt.BoroughNames, ownVariance: opt.ownVariance}
	// The summaries are read for every borough and enrolment date: the gate
	// fixes its cells from all the data, never from the query, and the
	// filter then selects whole cells.
	fetch := summary.Filter{DeviceCategory: f.DeviceCategory}
	steps := 2
	for _, o := range outcomes {
		steps += len(o.Timepoints)
	}
	done := 0
	step := func() { done++; opt.Progress(done, steps) }

	// Every summary is asked for at once, and read in this order.
	ans := ask(ctx, src, fetch, outcomes)
	defer ans.stop()
	if err := ans.next(); err != nil {
		return nil, err
	}
	if err := ans.next(); err != nil {
		return nil, err
	}
	if err := r.selectCells(ans.enrolments, &opt); err != nil {
		return nil, err
	}
	r.buildFollowUp(ans.enrolments, ans.taken, &opt)
	step()
	cats := categories(f.DeviceCategory)
	i := 0
	for _, o := range outcomes {
		for _, tp := range o.Timepoints {
			if err := ans.next(); err != nil {
				return nil, err
			}
			all, cells := r.releaseAll(ans.cells[i])
			if h, ok := src.(protectedSource); ok {
				// A hub takes each borough's reference as its bundle
				// carried it: the same numbers the borough's gate used.
				r.refs = h.references(o, tp)
			} else {
				r.refs = r.references(o, all)
				cells = r.protect(o, cells)
			}
			i++
			r.addTrajectory(o, tp, cells, &opt)
			for _, c := range cats {
				designs := []string{BeforeAfter, DifferenceInChange}
				if o.Kind == KindProportion {
					designs = []string{SingleGroup}
				}
				for _, d := range designs {
					a, ok := r.analyse(o, c, tp, d, cells, &opt)
					if !ok {
						continue
					}
					a.Completeness = jsonNumber(r.completeness(tp))
					if d == DifferenceInChange && r.primaryScore(o, tp) {
						a.OneStage = r.oneStageOf(o, c, tp, cells)
					}
					r.Analyses = append(r.Analyses, a)
				}
			}
			step()
		}
	}
	r.judge(outcomes, &opt)
	if err := ans.next(); err != nil {
		return nil, err
	}
	r.buildCosts(ans.costs, &opt)
	if err := ans.next(); err != nil {
		return nil, err
	}
	r.buildAbandonment(ans.issues, &opt)
	r.buildCharts(outcomes)
	step()
	r.listsNotNull()
	return r, nil
}

// listsNotNull makes each list of results.json an empty list where the
// report has none, so that a report matching nothing answers [] as its
// schema says, never null.
func (r *Report) listsNotNull() {
	if r.Analyses == nil {
		r.Analyses = []Analysis{}
	}
	if r.Trajectories == nil {
		r.Trajectories = []Trajectory{}
	}
	if r.FollowUp == nil {
		r.FollowUp = []FollowUp{}
	}
	if r.Quality == nil {
		r.Quality = []Quality{}
	}
	if r.CostConsequence == nil {
		r.CostConsequence = []CostConsequence{}
	}
	if r.Abandonment == nil {
		r.Abandonment = []Abandonment{}
	}
}

// judge gives every analysis its role in the protocol, the q-values of
// the secondary and exploratory ones, its certainty and its sentence, and
// picks the summary's primary findings.
func (r *Report) judge(outcomes []Outcome, opt *Options) {
	byID := map[string]Outcome{}
	for _, o := range outcomes {
		byID[o.ID] = o
	}
	r.assignRoles(byID)
	tests := r.assignQValues()
	for i := range r.Analyses {
		a := &r.Analyses[i]
		a.Certainty = certainty(a)
		a.Sentence = sentence(byID[a.Outcome], a, tests)
	}
	r.buildSummary(byID)
}

// selectCells makes the report's gate, over every borough there is, and
// widens the filter to the whole cells it touches, saying so.
func (r *Report) selectCells(enrolments []summary.Enrolment, opt *Options) error {
	boroughs := slices.Clone(opt.Boroughs)
	for _, e := range enrolments {
		if !slices.Contains(boroughs, e.Borough) {
			boroughs = append(boroughs, e.Borough)
		}
	}
	slices.Sort(boroughs)
	// The cells are the installation's, whatever a report asks for: a
	// release made under other rules would have other cells, and the two
	// would difference to a small borough. A raised MinBoroughN only hides
	// more rows (analysis, follow-up).
	g, err := disclosure.NewGate(disclosure.Defaults(), opt.Groups, boroughs)
	if err != nil {
		return err
	}
	f := opt.Filter
	sel, notes, err := g.Select(f.Boroughs, f.From, f.To, f.DeviceCategory)
	if err != nil {
		return err
	}
	r.gate, r.sel, r.all = g, sel, boroughs
	r.Disclosure.Widened = notes
	r.Filter = FilterJSON{Outcomes: opt.Outcomes, DeviceCategory: f.DeviceCategory, Boroughs: g.Boroughs(sel)}
	for _, id := range sel.Groups {
		r.Filter.Partnerships = append(r.Filter.Partnerships, g.Groups.Name(id))
	}
	if sel.From != 0 {
		r.Filter.From = sel.From.From().String()
	}
	if sel.To != 0 {
		r.Filter.To = sel.To.To().String()
	}
	return nil
}

func selectOutcomes(ids []string) ([]Outcome, error) {
	if len(ids) == 0 {
		return Outcomes(), nil
	}
	var out []Outcome
	for _, id := range ids {
		o, ok := OutcomeByID(id)
		if !ok {
			return nil, ateval.Errorf(ateval.EINVALID, "unknown outcome %q", id)
		}
		out = append(out, o)
	}
	return out, nil
}

// categories lists the device categories analysed, in taxonomy order.
func categories(only string) []string {
	var out []string
	for _, c := range devices.Categories() {
		if only == "" || c.ID == only {
			out = append(out, c.ID)
		}
	}
	if only != "" && len(out) == 0 {
		out = []string{only} // a category an administrator added
	}
	return out
}

func fetchCells(ctx context.Context, src Source, f summary.Filter, o Outcome, tp string) ([]disclosure.Cell, error) {
	switch o.Kind {
	case KindEvents:
		rows, err := src.EventSummaries(ctx, f, o.Score, tp)
		return cellsOfEvents(rows), err
	case KindProportion:
		rows, err := src.ProportionSummaries(ctx, f, o.Instrument, o.Score, tp)
		return cellsOfProportions(rows), err
	}
	rows, err := src.ChangeSummaries(ctx, f, o.Instrument, o.Score, tp)
	return cellsOfChanges(rows), err
}

// CategoryName returns a device category's short name for sentences and
// charts ("fall detector").
func CategoryName(id string) string {
	for _, c := range devices.Categories() {
		if c.ID == id {
			name := c.Name
			for i, r := range name {
				if r == '(' {
					name = name[:i-1]
					break
				}
			}
			return lowerFirst(name)
		}
	}
	return spelt(id)
}

// CategoryTitle returns a device category's name to start a heading
// ("Fall detector"), without the examples in brackets.
func CategoryTitle(id string) string {
	for _, c := range devices.Categories() {
		if c.ID == id {
			name, _, _ := strings.Cut(c.Name, " (")
			return name
		}
	}
	return upperFirst(spelt(id))
}

// lowerFirst lowers the first letter for use mid-sentence, unless the
// word is an abbreviation ("GPS or location device").
func lowerFirst(s string) string {
	if s == "" || len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

// TimepointName returns "6 months" for "m6".
func TimepointName(tp string) string {
	switch tp {
	case "baseline":
		return "baseline"
	case "w6":
		return "6 weeks"
	case "m3":
		return "3 months"
	case "m6":
		return "6 months"
	case "m12":
		return "12 months"
	}
	return tp
}
