package reports

import (
	"context"
	"math"
	"slices"

	"github.com/ateval/ateval/disclosure"
	"github.com/ateval/ateval/reports/summary"
)

// ImportedCells is a hub's store of the cells boroughs shared
// (storage.DB).
type ImportedCells interface {
	ImportedCells(ctx context.Context) ([]summary.Imported, error)
}

// HubSource is a Source over the cells a hub imported from boroughs'
// evidence bundles: each released cell becomes one summary of its
// borough, category, arm and first financial year, so that the hub's gate
// releases it whole, as the borough's gate did, and an analysis built at
// the hub from named boroughs' cells equals the one built from their
// residents in one database. Bundles carry no enrolment days, assessments
// taken, costs or device issues (each would date residents), so the
// follow-up, data-quality, cost and abandonment parts of a hub's report are
// empty.
type HubSource struct {
	cells []summary.Imported
}

// NewHubSource reads the hub's imported cells once.
func NewHubSource(ctx context.Context, store ImportedCells) (*HubSource, error) {
	cs, err := store.ImportedCells(ctx)
	if err != nil {
		return nil, err
	}
	return &HubSource{cells: cs}, nil
}

// Boroughs returns the boroughs whose cells the hub holds.
func (h *HubSource) Boroughs() []string {
	var out []string
	for _, c := range h.cells {
		if !slices.Contains(out, c.Borough) {
			out = append(out, c.Borough)
		}
	}
	slices.Sort(out)
	return out
}

// matching returns the cells of an outcome (chosen by keep) at a
// follow-up under f: its boroughs, its device category (comparison cells
// always kept, as storage keeps them), and the financial years of its
// enrolment dates, by a cell's first year.
func (h *HubSource) matching(f summary.Filter, keep func(Outcome) bool, tp string) []summary.Imported {
	var ids []string
	for _, o := range Outcomes() {
		if keep(o) {
			ids = append(ids, o.ID)
		}
	}
	var out []summary.Imported
	for _, c := range h.cells {
		switch {
		case c.Timepoint != tp || !slices.Contains(ids, c.Outcome) || len(c.Periods) == 0:
		case len(f.Boroughs) > 0 && !slices.Contains(f.Boroughs, c.Borough):
		case f.DeviceCategory != "" && c.Category != "" && c.Category != f.DeviceCategory:
		case !f.From.IsZero() && disclosure.Period(c.Periods[0]) < disclosure.PeriodOf(f.From):
		case !f.To.IsZero() && disclosure.Period(c.Periods[0]) > disclosure.PeriodOf(f.To):
		default:
			out = append(out, c)
		}
	}
	return out
}

func keyOf(c summary.Imported) summary.Key {
	return summary.Key{Borough: c.Borough, Category: c.Category, Group: c.Arm, Period: c.Periods[0]}
}

func at(s []float64, i int) float64 {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// split parts a cell's stored values from the reference variances a
// score's cell carries after them at the hub (storage keeps them there).
func split(c summary.Imported, width int) (values, reference []float64) {
	if len(c.Sums) > width {
		return c.Sums[:width], c.Sums[width:]
	}
	return c.Sums, nil
}

// references are each borough's reference variances of a score at a
// follow-up, as its bundle carried them (references, at the borough):
// keyed by borough, as byUnit keys a named unit.
func (h *HubSource) references(o Outcome, tp string) map[string]spread {
	if o.Kind != KindChange {
		return nil
	}
	out := map[string]spread{}
	for _, c := range h.matching(summary.Filter{}, func(x Outcome) bool { return x.ID == o.ID }, tp) {
		_, ref := split(c, 2)
		out[c.Borough] = spreadFrom(ref)
	}
	return out
}

// A hub's cells are protected already, and it carries the boroughs'
// references (protectedSource).
var _ protectedSource = (*HubSource)(nil)

// ChangeSummaries returns the imported cells of the score outcome, each
// rebuilt as the borough's gate protected it.
func (h *HubSource) ChangeSummaries(_ context.Context, f summary.Filter, instrument, score, tp string) ([]summary.Change, error) {
	var out []summary.Change
	for _, c := range h.matching(f, func(o Outcome) bool { return o.Kind == KindChange && o.Instrument == instrument && o.Score == score }, tp) {
		values, ref := split(c, 2)
		if math.IsNaN(spreadFrom(ref).baseline) {
			continue // no reference: no figure of the score (protect)
		}
		p := importedCell(KindChange, c.N, c.Keys, values, ref)
		out = append(out, summary.Change{Key: keyOf(c), N: c.N, Keys: c.Keys, SumB: p.SumB, SumF: p.SumF, SumBB: p.SumBB, SumFF: p.SumFF, SumBF: p.SumBF})
	}
	return out, nil
}

// EventSummaries returns the imported cells of the events outcome.
func (h *HubSource) EventSummaries(_ context.Context, f summary.Filter, score, tp string) ([]summary.Event, error) {
	var out []summary.Event
	for _, c := range h.matching(f, func(o Outcome) bool { return o.Kind == KindEvents && o.Score == score }, tp) {
		p := importedCell(KindEvents, c.N, c.Keys, c.Sums, nil)
		out = append(out, summary.Event{Key: keyOf(c), N: c.N, Keys: c.Keys, CountBefore: p.CountBefore, DaysBefore: p.DaysBefore, CountAfter: p.CountAfter, DaysAfter: p.DaysAfter})
	}
	return out, nil
}

// ProportionSummaries returns the imported cells of the yes/no outcome.
func (h *HubSource) ProportionSummaries(_ context.Context, f summary.Filter, instrument, score, tp string) ([]summary.Proportion, error) {
	var out []summary.Proportion
	for _, c := range h.matching(f, func(o Outcome) bool {
		return o.Kind == KindProportion && o.Instrument == instrument && o.Score == score
	}, tp) {
		p := importedCell(KindProportion, c.N, c.Keys, c.Sums, nil)
		out = append(out, summary.Proportion{Key: keyOf(c), N: c.N, Keys: c.Keys, Yes: p.Yes})
	}
	return out, nil
}

// Enrolments, Taken, Costs and Issues are not in bundles: a hub has none.
func (h *HubSource) Enrolments(context.Context, summary.Filter) ([]summary.Enrolment, error) {
	return []summary.Enrolment{}, nil
}

// Taken: see Enrolments.
func (h *HubSource) Taken(context.Context, summary.Filter) ([]summary.Taken, error) {
	return []summary.Taken{}, nil
}

// Costs: see Enrolments.
func (h *HubSource) Costs(context.Context, summary.Filter) ([]summary.Cost, error) {
	return []summary.Cost{}, nil
}

// Issues: see Enrolments.
func (h *HubSource) Issues(context.Context, summary.Filter) ([]summary.Issue, error) {
	return []summary.Issue{}, nil
}
