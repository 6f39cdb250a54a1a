package forms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"sort"
	"strconv"

	"github.com/ateval/ateval"
)

// Load reads a framework directory:
//
//	framework.json             version, schedule, instrument ids in order
//	instruments/ID.json        one instrument each
//	valuesets/NAME.json        value sets named by instruments' score rules
//	protocol.json              the evaluation protocol (optional): primary and
//	                           secondary endpoints, minimal important differences
//
// and checks it thoroughly: unknown fields, duplicate or malformed ids,
// levels, ranges, skip rules that name later or unknown items, score rules
// that name unknown items or kinds, conversion tables with gaps, value sets
// that do not cover every level, and a schedule out of order. Every problem
// found is reported, each under the file it is in.
func Load(fsys fs.FS) (*Framework, error) {
	l := &loader{fsys: fsys}
	var fj struct {
		Version     string   `json:"version"`
		Title       string   `json:"title"`
		Notes       string   `json:"notes"`
		Instruments []string `json:"instruments"`
		Schedule    []Window `json:"schedule"`
	}
	if !l.decodeFile("framework.json", &fj) {
		return nil, l.err()
	}
	if fj.Version == "" {
		l.add("framework.json", "version is missing")
	}
	f := &Framework{version: fj.Version, title: fj.Title, notes: fj.Notes, byID: map[string]*Instrument{}, schedule: fj.Schedule}
	itemOwner := map[string]string{}
	for _, id := range fj.Instruments {
		file := "instruments/" + id + ".json"
		in := &Instrument{}
		if !l.decodeFile(file, in) {
			continue
		}
		if in.ID != id {
			l.add(file, fmt.Sprintf("id %q does not match the file name", in.ID))
			continue
		}
		if _, dup := f.byID[id]; dup {
			l.add("framework.json", "instrument "+id+" is listed twice")
			continue
		}
		for _, e := range in.check() {
			l.add(file, e)
		}
		for _, it := range in.Items {
			if other, ok := itemOwner[it.ID]; ok && other != id {
				l.add(file, fmt.Sprintf("item %s is also in %s; item ids are REDCap variable names and must be unique", it.ID, other))
			}
			itemOwner[it.ID] = id
		}
		for _, r := range in.Scores {
			if r.Kind == KindValueSet && r.ValueSet != "" {
				vs := &ValueSet{}
				vf := "valuesets/" + r.ValueSet
				if l.decodeFile(vf, vs) {
					for _, e := range in.checkValueSet(r, vs) {
						l.add(vf, e)
					}
					r.values = vs
				}
			}
		}
		f.instruments = append(f.instruments, in)
		f.byID[id] = in
	}
	l.checkSchedule(f)
	l.loadProtocol(f)
	if err := l.err(); err != nil {
		return nil, err
	}
	return f, nil
}

type loader struct {
	fsys   fs.FS
	fields []ateval.FieldError
}

func (l *loader) add(field, msg string) {
	l.fields = append(l.fields, ateval.FieldError{Field: field, Message: msg})
}

func (l *loader) err() error {
	if len(l.fields) == 0 {
		return nil
	}
	return ateval.Invalid("the framework is not valid", l.fields)
}

func (l *loader) decodeFile(name string, v any) bool {
	b, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		l.add(name, "cannot be read: "+err.Error())
		return false
	}
	if err := decodeStrict(bytes.NewReader(b), v); err != nil {
		l.add(name, err.Error())
		return false
	}
	return true
}

func decodeStrict(r io.Reader, v any) error {
	d := json.NewDecoder(r)
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("is not valid JSON for this file: %v", err)
	}
	if d.More() {
		return fmt.Errorf("holds more than one JSON value")
	}
	return nil
}

// check returns the problems of one instrument, and prepares its item
// index and parsed skip rules.
func (in *Instrument) check() []string {
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, fmt.Sprintf(f, a...)) }
	if in.Name == "" {
		bad("name is missing")
	}
	if d := in.Direction; d != "" && d != HigherBetter && d != HigherWorse {
		bad("direction %q is neither %s nor %s", d, HigherBetter, HigherWorse)
	}
	for _, r := range in.Respondents {
		if !r.Valid() {
			bad("respondent %q is unknown", r)
		}
	}
	if len(in.Items) == 0 {
		bad("has no items")
	}
	in.byID = map[string]*Item{}
	for i, it := range in.Items {
		where := fmt.Sprintf("items[%d] %s", i, it.ID)
		if !validItemID(it.ID) {
			bad("%s: id must be lower-case letters, digits and underscores, starting with a letter", where)
		}
		if _, dup := in.byID[it.ID]; dup {
			bad("%s: id is used twice", where)
		}
		if it.Text == "" {
			bad("%s: text is missing", where)
		}
		if d := it.Direction; d != "" && d != HigherBetter && d != HigherWorse {
			bad("%s: direction %q is unknown", where, d)
		}
		for _, c := range it.Codes {
			if c.System == "" || c.Code == "" || c.Display == "" || c.Source == "" {
				bad("%s: a code needs its system, code, display and source", where)
			}
		}
		switch it.Type {
		case TypeChoice:
			if len(it.Levels) < 2 {
				bad("%s: a choice item needs at least 2 levels", where)
			}
			seen := map[int]bool{}
			for _, lv := range it.Levels {
				if seen[lv.Code] {
					bad("%s: level code %d is used twice", where, lv.Code)
				}
				seen[lv.Code] = true
				if lv.Label == "" {
					bad("%s: level %d has no label", where, lv.Code)
				}
			}
			if it.Min != nil || it.Max != nil {
				bad("%s: a choice item takes levels, not min/max", where)
			}
		case TypeInteger, TypeDecimal:
			if len(it.Levels) > 0 {
				bad("%s: a %s item takes min/max, not levels", where, it.Type)
			}
			if it.Min != nil && it.Max != nil && *it.Min > *it.Max {
				bad("%s: min is above max", where)
			}
		default:
			bad("%s: type %q is not one of choice, integer, decimal", where, it.Type)
		}
		c, err := parseCondition(it.Relevant)
		if err != nil {
			bad("%s: relevant: %v", where, err)
		}
		if c != nil {
			for _, t := range c.terms {
				if _, ok := in.byID[t.item]; !ok {
					bad("%s: relevant names %s, which is not an earlier item of %s", where, t.item, in.ID)
				}
			}
		}
		it.relevant = c
		in.byID[it.ID] = it
	}
	names := map[string]bool{}
	for i, r := range in.Scores {
		where := fmt.Sprintf("scores[%d] %s", i, r.Name)
		if r.Name == "" || names[r.Name] {
			bad("%s: name is missing or used twice", where)
		}
		names[r.Name] = true
		if !kinds[r.Kind] {
			bad("%s: kind %q is unknown", where, r.Kind)
		}
		if r.Method == "" || r.Version == "" {
			bad("%s: method and version are required", where)
		}
		for _, id := range r.Items {
			if _, ok := in.byID[id]; !ok {
				bad("%s: item %s is not in the instrument", where, id)
			}
		}
		errs = append(errs, in.checkRule(where, r)...)
	}
	return errs
}

func (in *Instrument) checkRule(where string, r *ScoreRule) []string {
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, where+": "+fmt.Sprintf(f, a...)) }
	switch r.Kind {
	case KindItem:
		if len(r.Items) != 1 {
			bad("an item score names exactly one item")
		}
	case KindSum, KindProfile:
		if len(r.Items) == 0 {
			bad("names no items")
		}
		if r.MaxMissing < 0 || r.MaxMissing >= len(r.Items) {
			bad("max_missing must be from 0 to one less than the number of items")
		}
		if r.Prorated != "" && r.Prorated != ProratedUp {
			bad("prorated must be %q or absent, got %q", ProratedUp, r.Prorated)
		}
	case KindLookup:
		lo, hi, ok := in.sumRange(r.Items)
		if !ok {
			bad("a lookup sums choice items only")
			break
		}
		got := map[int]bool{}
		for _, row := range r.Table {
			if row[0] != float64(int(row[0])) || got[int(row[0])] {
				bad("table raw score %v is not a whole number or is repeated", row[0])
			}
			got[int(row[0])] = true
		}
		for s := lo; s <= hi; s++ {
			if !got[s] {
				bad("table has no row for raw score %d", s)
			}
		}
	case KindValueSet:
		if r.ValueSet == "" && r.NotLoaded == "" {
			bad("names neither a value_set file nor a not_loaded reason")
		}
	case KindGAST:
		if r.Goals < 1 || r.Rho < 0 || r.Rho >= 1 {
			bad("needs goals >= 1 and 0 <= rho < 1")
		}
		for g := 1; g <= r.Goals; g++ {
			for _, suf := range []string{"attainment", "weight"} {
				if _, ok := in.byID[gasItem(g, suf)]; !ok {
					bad("item %s is missing", gasItem(g, suf))
				}
			}
		}
	case KindRate:
		if _, ok := in.byID[r.PeriodItem]; !ok || r.PerDays <= 0 || len(r.Items) == 0 {
			bad("a rate needs items, a period_item of the instrument and per_days > 0")
		}
	}
	return errs
}

// sumRange returns the smallest and largest sum of choice items.
func (in *Instrument) sumRange(ids []string) (lo, hi int, ok bool) {
	for _, id := range ids {
		it, found := in.byID[id]
		if !found || it.Type != TypeChoice || len(it.Levels) == 0 {
			return 0, 0, false
		}
		mn, mx := it.Levels[0].Code, it.Levels[0].Code
		for _, l := range it.Levels {
			mn, mx = min(mn, l.Code), max(mx, l.Code)
		}
		lo, hi = lo+mn, hi+mx
	}
	return lo, hi, true
}

// checkValueSet checks that vs gives a weight for every level of every
// item of rule r, and nothing else.
func (in *Instrument) checkValueSet(r *ScoreRule, vs *ValueSet) []string {
	var errs []string
	if vs.Instrument != in.ID {
		errs = append(errs, fmt.Sprintf("value set is for instrument %q, not %s", vs.Instrument, in.ID))
	}
	if vs.Version == "" || vs.Source == "" {
		errs = append(errs, "value set needs a version and a source")
	}
	if vs.Multiplier == 0 {
		errs = append(errs, "value set multiplier is 0")
	}
	want := map[string]bool{}
	for _, id := range r.Items {
		want[id] = true
		it := in.byID[id]
		w, ok := vs.Weights[id]
		if !ok || it == nil {
			errs = append(errs, "value set has no weights for item "+id)
			continue
		}
		for _, l := range it.Levels {
			if _, ok := w[strconv.Itoa(l.Code)]; !ok {
				errs = append(errs, fmt.Sprintf("value set has no weight for %s level %d", id, l.Code))
			}
		}
		if len(w) != len(it.Levels) {
			errs = append(errs, fmt.Sprintf("value set has weights for levels %s does not have", id))
		}
	}
	if len(errs) == 0 && (vs.Min != nil || vs.Max != nil) {
		// The declared range must be the one the weights give, a check on
		// transcription: EQ-5D-5L England runs from -0.285 (55555) to 1.
		lo, hi := vs.Intercept, vs.Intercept
		for _, id := range r.Items {
			first := true
			var wmin, wmax float64
			for _, w := range vs.Weights[id] {
				if first || w < wmin {
					wmin = w
				}
				if first || w > wmax {
					wmax = w
				}
				first = false
			}
			a, b := vs.Multiplier*wmin, vs.Multiplier*wmax
			lo, hi = lo+min(a, b), hi+max(a, b)
		}
		if vs.Min != nil && math.Abs(lo-*vs.Min) > 1e-9 || vs.Max != nil && math.Abs(hi-*vs.Max) > 1e-9 {
			errs = append(errs, fmt.Sprintf("value set weights give a range of %g to %g, not the declared one", lo, hi))
		}
	}
	var extra []string
	for id := range vs.Weights {
		if !want[id] {
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	for _, id := range extra {
		errs = append(errs, "value set weights item "+id+", which the score does not use")
	}
	return errs
}

func (l *loader) checkSchedule(f *Framework) {
	if len(f.schedule) == 0 {
		l.add("framework.json", "schedule is empty")
	}
	prev := -1 << 31
	seen := map[Timepoint]bool{}
	for i, w := range f.schedule {
		where := fmt.Sprintf("framework.json: schedule[%d] %s", i, w.Timepoint)
		if !w.Timepoint.Valid() || seen[w.Timepoint] {
			l.add(where, "timepoint is unknown or repeated")
		}
		seen[w.Timepoint] = true
		if w.TargetDays <= prev {
			l.add(where, "timepoints must be in time order")
		}
		prev = w.TargetDays
		if w.WindowBefore < 0 || w.WindowAfter < 0 || w.GraceDays < 0 {
			l.add(where, "window and grace days cannot be negative")
		}
		for _, id := range w.Instruments {
			if _, ok := f.byID[id]; !ok {
				l.add(where, "instrument "+id+" is not in the framework")
			}
		}
	}
}
