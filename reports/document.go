package reports

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/ateval/ateval/forms"
)

// Document is the report laid out for reading, every figure formatted and
// every name in plain English: the self-contained page, the PDF and the
// web page all render it, in this order: what the report covers, the
// summary (what works, for whom, at what cost, with what certainty), the
// contents, the findings by device category, outcomes over time, devices
// abandoned, costs, follow-up and data quality, and the methods.
type Document struct {
	Title     string
	Generated string
	AsOf      string
	// Covers says what the report covers: boroughs, enrolment dates,
	// outcomes and device categories.
	Covers   []string
	Audience string
	Widened  []string

	Summary    DocSummary
	Contents   []Entry
	Categories []DocCategory
	// Over time: each outcome's course (charts), and devices abandoned.
	Trajectories []Chart
	Abandonment  []DocAbandonment
	Costs        DocCosts
	FollowUp     []DocFollowUp
	Quality      []DocQuality
	Methods      []DocMethods
}

// Entry is one line of the contents: an anchor and its title.
type Entry struct {
	ID, Title string
	Level     int // 1 a section, 2 within one
}

// DocSummary is what the report opens with.
type DocSummary struct {
	Lead []string
	// Messages say what works in a few lines: the findings grouped by
	// what they say.
	Messages []string
	About    string
	Findings []DocSummaryRow
	Omitted  string
	Costs    []DocCostRow
	// Certainty says, once, why the findings are as certain as they are.
	Certainty string
}

// DocSummaryRow is one primary finding in a line: the device, the
// question, what was found with its 95% CI, the verdict against the
// smallest change that matters and the certainty.
type DocSummaryRow struct {
	Anchor     string // the finding in the detail
	Category   string
	Question   string
	Found      string
	Prediction string
	Verdict    string
	Certainty  string
	Sentence   string
}

// DocCategory is one device category's findings.
type DocCategory struct {
	ID, Title string
	// Primary and Secondary are its findings in full, each with a forest
	// plot; Exploratory the rest (with the changes since baseline that
	// are context), in a table.
	Primary     []DocFinding
	Secondary   []DocFinding
	Exploratory []DocExploratory
}

// DocFinding is one finding in full.
type DocFinding struct {
	Anchor        string
	Title         string
	Role          string
	Sentence      string
	Certainty     string
	Basis         string
	Reasons       []string
	Estimate      string // "0.41 points (95% CI −0.35 to 1.16)"
	Prediction    string
	Heterogeneity string
	// OneStage is the one-stage model beside the pooled estimate, in
	// words; "" when the analysis has none.
	OneStage  string
	Technical string // the measure, estimator and interval, for analysts
	Withheld  string
	// Adjusted is the sensitivity analysis adjusted for the baseline
	// score, in words ("" when there is none).
	Adjusted string
	Notes    []string
	Chart    string // its forest plot's name under charts/
	ChartAlt string
	Rows     []DocRow
}

// DocRow is one borough's row of a finding.
type DocRow struct {
	Slug, Name string
	Residents  string
	Effect     string
}

// DocExploratory is one exploratory (or context) analysis in a table row.
type DocExploratory struct {
	Outcome, Timepoint, Design, Role string
	Estimate, Q, Certainty           string
	Sentence                         string
}

// DocAbandonment is one row of devices abandoned.
type DocAbandonment struct {
	Category, Since, Followed, Abandoned, Share string
}

// DocCosts is the costs section.
type DocCosts struct {
	Explain   []string
	PriceYear string // the one year every price is at
	Rows      []DocCostRow
	UnitCosts []DocUnitCost
}

// DocCostRow is one device category's costs and consequences.
type DocCostRow struct {
	ID                                string
	Category, Residents, DeviceCost   string
	CareHours, Falls, Admissions, Net string
	Why                               string // why a figure is missing
	Basis                             string // what the savings rest on
	Saves                             bool   // the whole net range is a saving
}

// DocUnitCost is one unit cost with its source and price year: Price is
// in the report's one price year, SourcePrice in the source's own
// (PriceYear), Uprating how one became the other, NotUprated why it
// could not be.
type DocUnitCost struct {
	Item, Price, Unit, PriceYear, Source string
	SourcePrice, Uprating, NotUprated    string
	Verified                             bool
}

// DocFollowUp is one row of follow-up completeness.
type DocFollowUp struct {
	Slug, Name, Group, Timepoint        string
	Due, Recorded, NotRecorded, Percent string
}

// DocQuality is one row of missing items.
type DocQuality struct {
	Instrument, Timepoint, Recorded, Incomplete, Share string
}

// DocMethods is one part of the methods: a title and its paragraphs, or a
// table of the protocol.
type DocMethods struct {
	ID, Title  string
	Paragraphs []string
	Table      [][]string // first row the header
}

// Anchor names an analysis's place on the page.
func (a *Analysis) Anchor() string {
	return "finding-" + a.Outcome + "-" + a.DeviceCategory + "-" + a.Timepoint + "-" + a.Design
}

// Document lays the report out for reading.
func (r *Report) Document() *Document {
	d := &Document{Title: "Evidence report: assistive technology across boroughs",
		Generated: r.GeneratedAt.Format("2 January 2006 at 15:04 UTC"), AsOf: dateText(r.AsOf.String()),
		Audience: "For borough leads, commissioners and evaluators of the boroughs taking part. Every figure has passed disclosure control, so the report holds no resident's record and can be shared as the boroughs' agreement allows.",
		Widened:  r.Disclosure.Widened}
	d.Covers = r.covers()
	outcomes := map[string]Outcome{}
	for _, o := range Outcomes() {
		outcomes[o.ID] = o
	}
	charts := map[string]Chart{}
	for _, c := range r.Charts {
		charts[c.Name] = c
	}
	d.Summary = r.docSummary(outcomes)
	d.Contents = append(d.Contents, Entry{"summary", "Summary: what works", 1})
	// The findings by device category, in taxonomy order.
	byCat := map[string]*DocCategory{}
	var order []string
	for i := range r.Analyses {
		a := &r.Analyses[i]
		dc := byCat[a.DeviceCategory]
		if dc == nil {
			dc = &DocCategory{ID: "category-" + a.DeviceCategory, Title: CategoryTitle(a.DeviceCategory)}
			byCat[a.DeviceCategory] = dc
			order = append(order, a.DeviceCategory)
		}
		o := outcomes[a.Outcome]
		if a.Chart != "" {
			f := r.docFinding(o, a, charts[a.Chart])
			if a.Role == forms.RolePrimary {
				dc.Primary = append(dc.Primary, f)
			} else {
				dc.Secondary = append(dc.Secondary, f)
			}
			continue
		}
		row := DocExploratory{Outcome: o.Label, Timepoint: TimepointName(a.Timepoint), Design: DesignName(a.Design), Role: a.Role,
			Estimate: estimateText(o, a), Q: "—", Certainty: a.Certainty.Level, Sentence: a.Sentence}
		if a.QValue != nil {
			row.Q = qText(*a.QValue)
		}
		if adj := adjustedText(o, a); adj != "" {
			row.Estimate += "; adjusted for the baseline score, " + adj
		}
		dc.Exploratory = append(dc.Exploratory, row)
	}
	rank := map[string]int{}
	for i, c := range categories("") {
		rank[c] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return rank[order[i]] < rank[order[j]] })
	for _, id := range order {
		dc := byCat[id]
		d.Categories = append(d.Categories, *dc)
		d.Contents = append(d.Contents, Entry{dc.ID, dc.Title, 2})
	}
	if len(order) > 0 {
		d.Contents = append([]Entry{d.Contents[0], {"findings", "Findings by device category", 1}}, d.Contents[1:]...)
	}
	for _, c := range r.Charts {
		if strings.HasPrefix(c.Name, "trajectory-") {
			d.Trajectories = append(d.Trajectories, c)
		}
	}
	if len(d.Trajectories) > 0 {
		d.Contents = append(d.Contents, Entry{"over-time", "Outcomes over time", 1})
	}
	for _, a := range r.Abandonment {
		d.Abandonment = append(d.Abandonment, DocAbandonment{Category: CategoryTitle(a.DeviceCategory), Since: TimepointName(a.Timepoint),
			Followed: fmt.Sprint(a.AtRisk), Abandoned: fmt.Sprint(a.Abandoned), Share: pctText(float64(a.Share))})
	}
	if len(d.Abandonment) > 0 {
		d.Contents = append(d.Contents, Entry{"abandonment", "Devices abandoned since issue", 1})
	}
	d.Costs = r.docCosts()
	d.Contents = append(d.Contents, Entry{"costs", "Costs and consequences", 1})
	for _, f := range r.FollowUp {
		d.FollowUp = append(d.FollowUp, DocFollowUp{Slug: f.Borough, Name: r.BoroughName(f.Borough), Group: GroupName(f.Group),
			Timepoint: TimepointName(f.Timepoint), Due: fmt.Sprint(f.Due), Recorded: fmt.Sprint(f.Recorded),
			NotRecorded: fmt.Sprint(f.NotRecorded), Percent: pctText(float64(f.Completeness))})
	}
	for _, q := range r.Quality {
		d.Quality = append(d.Quality, DocQuality{Instrument: InstrumentName(q.Instrument), Timepoint: TimepointName(q.Timepoint),
			Recorded: fmt.Sprint(q.Recorded), Incomplete: fmt.Sprint(q.Incomplete), Share: pctText(float64(q.Share))})
	}
	d.Contents = append(d.Contents, Entry{"follow-up", "Follow-up and data quality", 1})
	d.Methods = r.docMethods()
	d.Contents = append(d.Contents, Entry{"methods", "Methods", 1})
	for _, m := range d.Methods {
		d.Contents = append(d.Contents, Entry{m.ID, m.Title, 2})
	}
	return d
}

// covers says what the report covers, after widening to whole cells.
func (r *Report) covers() []string {
	var out []string
	switch {
	case len(r.Filter.Partnerships) > 0:
		out = append(out, "Boroughs: "+strings.Join(r.Filter.Partnerships, ", ")+" ("+r.boroughList()+")")
	default:
		out = append(out, fmt.Sprintf("Boroughs: all %d (%s)", len(r.covered()), r.boroughList()))
	}
	from, to := "the start", "now"
	if r.Filter.From != "" {
		from = dateText(r.Filter.From)
	}
	if r.Filter.To != "" {
		to = dateText(r.Filter.To)
	}
	out = append(out, "Residents enrolled: from "+from+" to "+to)
	if len(r.Filter.Outcomes) > 0 {
		var names []string
		for _, id := range r.Filter.Outcomes {
			if o, ok := OutcomeByID(id); ok {
				names = append(names, o.Label)
			}
		}
		out = append(out, "Outcomes: "+strings.Join(names, ", "))
	} else {
		out = append(out, "Outcomes: all")
	}
	if r.Filter.DeviceCategory != "" {
		out = append(out, "Device category: "+CategoryTitle(r.Filter.DeviceCategory))
	} else {
		out = append(out, "Device categories: all")
	}
	return out
}

// covered lists the boroughs the report covers, by slug.
func (r *Report) covered() []string {
	if len(r.Filter.Boroughs) > 0 {
		return r.Filter.Boroughs
	}
	return r.all
}

func (r *Report) boroughList() string {
	var names []string
	for _, b := range r.covered() {
		names = append(names, r.BoroughName(b))
	}
	return strings.Join(names, ", ")
}

// dateText writes "2026-10-31" as "31 October 2026".
func dateText(iso string) string {
	var y, m, day int
	if _, err := fmt.Sscanf(iso, "%d-%d-%d", &y, &m, &day); err != nil || m < 1 || m > 12 {
		return iso
	}
	months := []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	return fmt.Sprintf("%d %s %d", day, months[m-1], y)
}

func pctText(x float64) string {
	if math.IsNaN(x) {
		return "— (withheld)"
	}
	return fmt.Sprintf("%.0f%%", 100*x)
}

// estimateText is a pooled estimate with its CI in words: "0.41 points
// (95% CI −0.35 to 1.16)", "rate ratio 0.85 (…)", "90% (…)".
func estimateText(o Outcome, a *Analysis) string {
	p := a.Pooled
	if a.Withheld != "" {
		return "withheld: the fit did not converge"
	}
	ci := fmt.Sprintf("(95%% CI %s to %s)", a.EffectText(p.CILower), a.EffectText(p.CIUpper))
	switch a.Measure {
	case IRR, IRRDiff:
		return "rate ratio " + a.EffectText(p.Estimate) + " " + ci
	case PLO:
		return a.EffectText(p.Estimate) + " still in use " + ci
	}
	return o.Units(a.EffectText(p.Estimate)) + " " + ci
}

// adjustedText is the baseline-adjusted sensitivity analysis of a
// difference in change in words: "0.38 points (95% CI −0.30 to 1.05)",
// its prediction interval and how many rows; "" when there is none.
func adjustedText(o Outcome, a *Analysis) string {
	s := a.Adjusted
	if s == nil {
		return ""
	}
	if s.Withheld != "" {
		return "withheld: the fit did not converge"
	}
	p := s.Pooled
	t := fmt.Sprintf("%s (95%% CI %s to %s)", o.Units(a.EffectText(p.Estimate)), a.EffectText(p.CILower), a.EffectText(p.CIUpper))
	if !math.IsNaN(p.PILower) {
		t += fmt.Sprintf("; in a new borough %s to %s", a.EffectText(p.PILower), a.EffectText(p.PIUpper))
	}
	if len(s.Boroughs) != len(a.Boroughs) {
		t += fmt.Sprintf("; from %d of the %d rows", len(s.Boroughs), len(a.Boroughs))
	}
	return t
}

func (r *Report) docFinding(o Outcome, a *Analysis, c Chart) DocFinding {
	p := a.Pooled
	f := DocFinding{Anchor: a.Anchor(), Role: a.Role, Sentence: a.Sentence, Certainty: a.Certainty.Level, Basis: a.Certainty.Basis,
		Reasons: a.Certainty.Reasons, Estimate: estimateText(o, a), Withheld: a.Withheld, Notes: a.Notes, Chart: c.Name, ChartAlt: c.Alt,
		Title: fmt.Sprintf("%s at %s, %s", o.Label, TimepointName(a.Timepoint), DesignName(a.Design))}
	f.Adjusted = adjustedText(o, a)
	f.OneStage = a.OneStageText(o)
	f.Prediction = "—"
	if !math.IsNaN(p.PILower) {
		f.Prediction = a.EffectText(p.PILower) + " to " + a.EffectText(p.PIUpper)
	}
	if math.IsNaN(p.Tau2) {
		f.Heterogeneity = fmt.Sprintf("τ² withheld; Q(%d) = %s, p = %s", p.QDf, fixed(p.Q, 2), pValue(p.QP))
	} else {
		f.Heterogeneity = fmt.Sprintf("τ² = %s (95%% CI %s to %s), I² = %.0f%%, Q(%d) = %s, p = %s",
			sig3(p.Tau2), sig3(p.Tau2CILower), sig3(p.Tau2CIUpper), p.I2, p.QDf, fixed(p.Q, 2), pValue(p.QP))
	}
	f.Technical = fmt.Sprintf("%s; %s; τ² by restricted maximum likelihood; 95%% CI by Knapp and Hartung's method, its scaling factor at least 1.",
		upperFirst(MeasureName(o, a.Measure)), a.RowsText())
	for _, b := range a.Boroughs {
		n := fmt.Sprint(b.N)
		if b.NComparison > 0 {
			n = fmt.Sprintf("%d, and %d without the device", b.N, b.NComparison)
		}
		lo, hi := a.RowInterval(b)
		eff := a.EffectText(b.Yi)
		if a.Measure == PLO {
			eff = readableText(a, RowShare(b))
		}
		eff += " (" + readableText(a, lo) + " to " + readableText(a, hi) + ")"
		f.Rows = append(f.Rows, DocRow{Slug: b.Borough, Name: r.BoroughName(b.Borough), Residents: n, Effect: eff})
	}
	return f
}

// readableText formats a figure already on the reading scale.
func readableText(a *Analysis, v float64) string {
	switch a.Measure {
	case PLO, PR:
		return fmt.Sprintf("%.0f%%", 100*v)
	}
	if a.Outcome == "eq5d5l_index" {
		return fixed(v, 3)
	}
	return fixed(v, 2)
}

func pValue(p float64) string {
	switch {
	case math.IsNaN(p):
		return "—"
	case p < 0.001:
		return "< 0.001"
	}
	return fixed(p, 3)
}

func sig3(x float64) string {
	if math.IsNaN(x) {
		return "withheld"
	}
	if x == 0 {
		return "0"
	}
	return fmt.Sprintf("%.3g", x)
}

// InstrumentName names an instrument of the framework ("EQ-5D-5L").
func InstrumentName(id string) string {
	if in, ok := forms.Default().Instrument(id); ok {
		name, _, _ := strings.Cut(in.Name, " (")
		if strings.HasPrefix(in.Name, "Adult Social Care") || strings.HasPrefix(in.Name, "Carer Experience") {
			return in.Name
		}
		return name
	}
	return upperFirst(spelt(id))
}

func (r *Report) docSummary(outcomes map[string]Outcome) DocSummary {
	s := DocSummary{}
	var questions []string
	for _, e := range r.protocol.Primary() {
		for _, o := range Outcomes() {
			if o.Instrument == e.Instrument && o.Score == e.Score {
				questions = append(questions, lowerFirst(o.Label)+" at "+TimepointName(string(e.Timepoint)))
			}
		}
	}
	n := len(r.covered())
	s.Lead = append(s.Lead, fmt.Sprintf("The evaluation protocol asks %s of every kind of device: %s. Across %d %s, this is what was found.",
		numberWord(len(questions), "question", "questions"), joinAnd(questions), n, plural(n, "borough", "boroughs")))
	s.About = "The protocol was written before any result was read, so the report cannot pick its findings after seeing them. " +
		"“Does it matter?” judges each finding's 95% CI against the smallest change that matters to residents (see Methods); " +
		"“In a new borough” is the prediction interval, where the effect in a borough not yet in the evidence would be expected to lie."
	cats := map[string]bool{}
	levels := map[string]int{}
	random := false
	for _, f := range r.Summary.Primary {
		a := &r.Analyses[f.Analysis]
		o := outcomes[a.Outcome]
		row := DocSummaryRow{Anchor: a.Anchor(), Category: f.CategoryName, Question: o.Label + " at " + f.TimepointName,
			Found: summaryFound(o, a), Verdict: f.Verdict, Certainty: f.Certainty.Level, Sentence: f.Sentence, Prediction: "—"}
		if !math.IsNaN(a.Pooled.PILower) {
			row.Prediction = a.EffectText(a.Pooled.PILower) + " to " + a.EffectText(a.Pooled.PIUpper)
		}
		if row.Verdict == "" {
			row.Verdict = "not judged: a share, with no comparison"
		}
		s.Findings = append(s.Findings, row)
		cats[a.DeviceCategory] = true
		levels[f.Certainty.Level]++
		random = random || f.Certainty.Basis == basisRandomised
	}
	s.Messages = r.messages(outcomes)
	if r.Summary.Omitted > 0 {
		s.Omitted = fmt.Sprintf("%d further primary %s, resting on fewer residents, %s in the detail.", r.Summary.Omitted,
			plural(r.Summary.Omitted, "finding", "findings"), plural(r.Summary.Omitted, "is", "are"))
	}
	if len(s.Findings) == 0 {
		s.Lead = append(s.Lead, "No primary finding could be made: fewer than 3 boroughs (after combining small ones) have enough residents for any primary question with these filters.")
	}
	var parts []string
	for _, l := range certaintyLevels {
		if levels[l] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", levels[l], l))
		}
	}
	if len(parts) == 1 {
		for l, n := range levels {
			parts = []string{fmt.Sprintf("%s for all %d", l, n)}
			if n == 1 {
				parts = []string{l}
			}
		}
	}
	if len(parts) > 0 {
		s.Certainty = "Certainty: " + joinAnd(parts) + ". "
		if !random {
			s.Certainty += "None comes from residents allocated to a device at random, so none starts above low; "
		} else {
			s.Certainty += "Only comparisons resting wholly on boroughs that allocated residents at random start at high; "
		}
		s.Certainty += "a change since baseline with no comparison group is never above low, because it also holds what would have happened anyway."
	}
	for _, cc := range r.docCosts().Rows {
		if cats[cc.ID] {
			s.Costs = append(s.Costs, cc)
		}
	}
	return s
}

// summaryFound is a finding's figure for the summary table.
func summaryFound(o Outcome, a *Analysis) string {
	p := a.Pooled
	if a.Withheld != "" {
		return "withheld: the fit did not converge"
	}
	ci := a.EffectText(p.CILower) + " to " + a.EffectText(p.CIUpper)
	switch a.Measure {
	case MC:
		return fmt.Sprintf("%s since baseline (95%% CI %s)", signedUnits(o, a, p.Estimate), ci)
	case MCDiff:
		return fmt.Sprintf("%s against residents without the device (95%% CI %s)", signedUnits(o, a, p.Estimate), ci)
	case IRR:
		return fmt.Sprintf("rate %s times the rate before (95%% CI %s)", a.EffectText(p.Estimate), ci)
	case IRRDiff:
		return fmt.Sprintf("rate ratio %s against residents without the device (95%% CI %s)", a.EffectText(p.Estimate), ci)
	case PLO:
		return fmt.Sprintf("%s still in use (95%% CI %s)", a.EffectText(p.Estimate), ci)
	}
	return a.EffectText(p.Estimate)
}

// signedUnits is "+0.41 points", "−1.20 points".
func signedUnits(o Outcome, a *Analysis, x float64) string {
	s := a.EffectText(x)
	if !strings.HasPrefix(s, "−") && !isZero(s) {
		s = "+" + s
	}
	return o.Units(s)
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// numberWord writes a small count in words: "three questions".
func numberWord(n int, one, many string) string {
	words := []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}
	if n >= 0 && n < len(words) {
		return words[n] + " " + plural(n, one, many)
	}
	return fmt.Sprintf("%d %s", n, plural(n, one, many))
}

// messages groups the summary's findings by what they say, in a line
// each: "Cannot tell yet whether they make a difference that matters:
// wellbeing at 6 months (community alarm, fall detector)."
func (r *Report) messages(outcomes map[string]Outcome) []string {
	type group struct {
		lead  string
		order []string
		items map[string][]string
	}
	verdicts := []string{VerdictImportantBenefit, VerdictSmallBenefit, VerdictNoImportant, VerdictUncertain, VerdictSmallHarm, VerdictImportantHarm}
	leads := map[string]string{
		VerdictImportantBenefit: "Make a difference that matters",
		VerdictSmallBenefit:     "Better, though perhaps not by enough to matter",
		VerdictNoImportant:      "Make no difference that matters",
		VerdictUncertain:        "Cannot tell yet whether they make a difference that matters",
		VerdictSmallHarm:        "Worse, though perhaps not by enough to matter",
		VerdictImportantHarm:    "Worse, by enough to matter",
	}
	groups := map[string]*group{}
	var shares []string
	dagger := false
	for _, f := range r.Summary.Primary {
		a := &r.Analyses[f.Analysis]
		if a.Withheld != "" {
			continue
		}
		if a.Measure == PLO {
			shares = append(shares, fmt.Sprintf("%s %s", lowerFirst(f.CategoryName), a.EffectText(a.Pooled.Estimate)))
			continue
		}
		g := groups[f.Verdict]
		if g == nil {
			g = &group{lead: leads[f.Verdict], items: map[string][]string{}}
			groups[f.Verdict] = g
		}
		q := lowerFirst(outcomes[a.Outcome].Label) + " at " + f.TimepointName
		if _, ok := g.items[q]; !ok {
			g.order = append(g.order, q)
		}
		item := lowerFirst(f.CategoryName)
		if a.Design == BeforeAfter {
			item += "†"
			dagger = true
		}
		g.items[q] = append(g.items[q], item)
	}
	var out []string
	for _, v := range verdicts {
		g := groups[v]
		if g == nil {
			continue
		}
		var parts []string
		for _, q := range g.order {
			parts = append(parts, q+" ("+strings.Join(g.items[q], "; ")+")")
		}
		out = append(out, g.lead+": "+strings.Join(parts, "; ")+".")
	}
	if len(shares) > 0 {
		tp := "12 months"
		for _, e := range r.protocol.Primary() {
			if e.Instrument == "device-use" {
				tp = TimepointName(string(e.Timepoint))
			}
		}
		out = append(out, "Still in use at "+tp+": "+joinAnd(shares)+".")
	}
	if dagger {
		out = append(out, "† A change since baseline with no comparison group: it also holds what would have happened anyway.")
	}
	return out
}
