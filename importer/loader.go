package importer

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
)

func itoa(n int) string { return strconv.Itoa(n) }

// loader resolves the references between files (borough slugs, device
// codes, resident references) against what is stored and what this import
// adds, and writes rows in batches.
type loader struct {
	tx         *storage.Tx
	opt        Options
	today      ateval.Date
	boroughs   map[string]int64
	categories []devices.Category
	devices    map[string]int64
	residents  map[int64]map[string]storage.ResidentKey
	// assessed holds the (resident, instrument, timepoint) of this
	// import's assessments, to name the line of a duplicate.
	assessed map[assessedKey]int
	// instruments numbers the framework's instruments for assessedKey.
	instruments map[*forms.Instrument]uint16
	problems    []ateval.FieldError
	sum         Summary

	// Rows checked and waiting to be written in one batch.
	pendResidents   []devices.Resident
	pendIdentities  []devices.Identity
	pendIssues      []pendingIssue
	pendAssessments []pendingAssessment
	writer          *writer // while assessments load
	// created holds the residents this import adds: they have no stored
	// assessments to clash with.
	created map[int64]bool
}

type pendingIssue struct {
	issue    devices.DeviceIssue
	resident storage.ResidentKey
	line     int
}

type pendingAssessment struct {
	assessment forms.Assessment
	resident   storage.ResidentKey
	where      string // "assessments.csv line 12"
}

func (l *loader) pending() int {
	return len(l.pendResidents) + len(l.pendIssues) + len(l.pendAssessments)
}

// The flushes write nothing once a problem is found: the transaction will
// be rolled back, and the rest of the files are only being checked.

func (l *loader) flushResidents() error {
	defer func() { l.pendResidents, l.pendIdentities = l.pendResidents[:0], l.pendIdentities[:0] }()
	if len(l.problems) > 0 || len(l.pendResidents) == 0 {
		return nil
	}
	if err := l.tx.CreateResidents(l.pendResidents, l.pendIdentities); err != nil {
		return err
	}
	for _, r := range l.pendResidents {
		l.created[r.ID] = true
		k := l.residents[r.BoroughID][r.Reference]
		k.ID = r.ID
		l.residents[r.BoroughID][r.Reference] = k
	}
	l.sum.Residents += len(l.pendResidents)
	return nil
}

func (l *loader) flushIssues() error {
	defer func() { l.pendIssues = l.pendIssues[:0] }()
	if len(l.problems) > 0 || len(l.pendIssues) == 0 {
		return nil
	}
	dis := make([]devices.DeviceIssue, len(l.pendIssues))
	for i, p := range l.pendIssues {
		dis[i] = p.issue
		dis[i].ResidentID = p.resident.ID
	}
	if err := l.tx.CreateDeviceIssues(dis); err != nil {
		return err
	}
	l.sum.DeviceIssues += len(dis)
	return nil
}

func (l *loader) flushAssessments() error {
	defer func() { l.pendAssessments = l.pendAssessments[:0] }()
	if len(l.problems) > 0 || len(l.pendAssessments) == 0 {
		return nil
	}
	as := make([]forms.Assessment, len(l.pendAssessments))
	rows := make([]storage.EncodedAssessment, len(l.pendAssessments))
	where := make([]string, len(l.pendAssessments))
	var stored []int64 // residents stored before this import, who may have assessments
	for i, p := range l.pendAssessments {
		as[i] = p.assessment
		as[i].ResidentID = p.resident.ID
		// Encoded here, while the writer writes the batch before: the
		// writer's goroutine was the slower of the two.
		rows[i] = storage.EncodeAssessment(&as[i], p.resident.BoroughID)
		where[i] = p.where
		if !l.created[p.resident.ID] {
			stored = append(stored, p.resident.ID)
		}
	}
	l.sum.Assessments += len(as)
	// The transaction is the writer's alone while assessments load: checking
	// them needs only what the loader already holds in memory.
	return l.writer.submit(func() error {
		if err := l.refuseStored(as, where, stored); err != nil {
			return err
		}
		return l.tx.CreateEncodedAssessments(rows)
	})
}

// refuseStored names every line whose assessment is stored already.
func (l *loader) refuseStored(as []forms.Assessment, where []string, residents []int64) error {
	if len(residents) == 0 {
		return nil
	}
	have, err := l.tx.StoredAssessments(residents)
	if err != nil {
		return err
	}
	var problems []ateval.FieldError
	for i, a := range as {
		if have[storage.AssessmentKey{ResidentID: a.ResidentID, Instrument: a.Instrument, Timepoint: a.Timepoint}] {
			problems = append(problems, ateval.FieldError{Field: where[i],
				Message: fmt.Sprintf("timepoint: the resident already has a %s assessment at %s stored", a.Instrument, a.Timepoint)})
		}
	}
	if len(problems) > 0 {
		return ateval.Invalid(fmt.Sprintf("The import was refused: %d assessment(s) are stored already, and nothing was written.", len(problems)), problems)
	}
	return nil
}

// assessedKey identifies an assessment compactly: a million of them must
// not pin a million CSV lines in memory, so it holds no string cut from
// the input; and it holds no pointer at all, so the garbage collector
// need not scan the map of them (a second of an import's CPU at a million).
type assessedKey struct {
	resident   int64
	instrument uint16 // position in the framework
	timepoint  uint8
}

func timepointIndex(tp forms.Timepoint) uint8 {
	for i, x := range forms.Timepoints() {
		if x == tp {
			return uint8(i)
		}
	}
	return 255
}

func newLoader(tx *storage.Tx, opt Options) (*loader, error) {
	l := &loader{tx: tx, opt: opt, today: tx.Today(), boroughs: map[string]int64{}, devices: map[string]int64{}, assessed: map[assessedKey]int{}, created: map[int64]bool{},
		instruments: map[*forms.Instrument]uint16{}}
	for i, in := range opt.Framework.Instruments() {
		l.instruments[in] = uint16(i)
	}
	bs, err := tx.Boroughs()
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		l.boroughs[b.Slug] = b.ID
	}
	if l.categories, err = tx.Categories(); err != nil {
		return nil, err
	}
	ds, err := tx.Devices()
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		l.devices[d.Code] = d.ID
	}
	if l.residents, err = tx.ResidentKeys(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *loader) full() bool { return len(l.problems) >= l.opt.MaxErrors }

// report records a row's problems as "FILE line N" / "field: message".
func (l *loader) report(t *table, errs rowErrors) {
	for _, e := range errs {
		if l.full() {
			return
		}
		msg := e.Message
		if e.Field != "" {
			msg = e.Field + ": " + msg
		}
		l.problems = append(l.problems, ateval.FieldError{Field: t.name + " line " + itoa(t.line), Message: msg})
	}
}

func (l *loader) load(ctx context.Context, t *table) error {
	var flush func() error
	switch t.kind {
	case Boroughs:
		flush = func() error { return nil }
	case Devices:
		flush = func() error { return nil }
	case Residents:
		flush = l.flushResidents
	case DeviceIssues:
		flush = l.flushIssues
	case Assessments:
		l.writer = startWriter()
		// On any early return, let queued writes finish before the
		// transaction is rolled back under them.
		defer func() {
			if l.writer != nil {
				l.writer.wait()
				l.writer = nil
			}
		}()
		flush = l.flushAssessments
	}
	for !l.full() {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := t.next()
		if err == io.EOF {
			break
		} else if err != nil {
			l.problems = append(l.problems, ateval.FieldError{Field: t.name, Message: err.Error()})
			break
		}
		var errs rowErrors
		switch t.kind {
		case Boroughs:
			err = l.borough(t, &errs)
		case Devices:
			err = l.device(t, &errs)
		case Residents:
			err = l.resident(t, &errs)
		case DeviceIssues:
			err = l.deviceIssue(t, &errs)
		case Assessments:
			err = l.assessment(t, &errs)
		}
		if err != nil {
			return err
		}
		l.report(t, errs)
		if l.pending() >= batchRows {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if t.kind == Assessments {
		w := l.writer
		l.writer = nil
		return w.wait()
	}
	return nil
}

// batchRows is how many rows are validated before they are written
// together: enough to amortise each INSERT, few enough to keep memory flat.
const batchRows = 2000

func (l *loader) borough(t *table, errs *rowErrors) error {
	b := t.borough(errs)
	if _, dup := l.boroughs[b.Slug]; dup && b.Slug != "" {
		errs.add("borough", "%q already exists", b.Slug)
	}
	if len(*errs) > 0 || len(l.problems) > 0 {
		l.boroughs[b.Slug] = -1
		return nil
	}
	if err := l.tx.CreateBorough(&b); err != nil {
		return err
	}
	l.boroughs[b.Slug] = b.ID
	l.sum.Boroughs++
	return nil
}

func (l *loader) device(t *table, errs *rowErrors) error {
	d := t.device(errs)
	if err := d.Validate(l.categories); err != nil {
		errs.addErr("", err)
		for i := range *errs {
			if (*errs)[i].Field == "code" {
				(*errs)[i].Field = "device"
			}
		}
	}
	if _, dup := l.devices[d.Code]; dup && d.Code != "" {
		errs.add("device", "%q already exists in the catalogue", d.Code)
	}
	if len(*errs) > 0 || len(l.problems) > 0 {
		l.devices[d.Code] = -1
		return nil
	}
	if err := l.tx.CreateDevice(&d); err != nil {
		return err
	}
	l.devices[d.Code] = d.ID
	l.sum.Devices++
	return nil
}

// boroughID resolves the row's borough column, noting a problem if unknown.
func (l *loader) boroughID(t *table, errs *rowErrors) int64 {
	slug := t.get("borough")
	id, ok := l.boroughs[slug]
	if !ok {
		errs.add("borough", "%q is not a known borough (import its row in boroughs.csv first, or check the spelling)", slug)
	}
	return id
}

// resident looks up the row's resident by borough and reference.
func (l *loader) resident(t *table, errs *rowErrors) error {
	bid := l.boroughID(t, errs)
	r, id := t.resident(errs)
	r.BoroughID = bid
	if err := r.Validate(l.today); err != nil {
		errs.addErr("", err)
	}
	id.Normalize() // NHS numbers and postcodes are stored one way, however typed
	if err := id.Validate(l.today); err != nil {
		errs.addErr("", err)
	}
	if !id.DateOfBirth.IsZero() && r.YearOfBirth != 0 && id.DateOfBirth.Year() != r.YearOfBirth {
		errs.add("date_of_birth", "is in %d but year_of_birth is %d", id.DateOfBirth.Year(), r.YearOfBirth)
	}
	m := l.residents[bid]
	if m == nil {
		m = map[string]storage.ResidentKey{}
		l.residents[bid] = m
	}
	if _, dup := m[r.Reference]; dup && r.Reference != "" {
		errs.add("resident_ref", "%q already exists in borough %s", r.Reference, t.get("borough"))
	}
	// Remember the resident even if the row is bad, so later files
	// referring to it report their own problems, not a missing resident.
	m[r.Reference] = storage.ResidentKey{BoroughID: bid, RegisteredOn: r.RegisteredOn, EnrolledOn: r.EnrolledOn}
	if len(*errs) == 0 {
		l.pendResidents = append(l.pendResidents, r)
		l.pendIdentities = append(l.pendIdentities, id)
	}
	return nil
}

func (l *loader) residentKey(t *table, errs *rowErrors) (storage.ResidentKey, bool) {
	bid := l.boroughID(t, errs)
	if len(*errs) > 0 {
		return storage.ResidentKey{}, false
	}
	k, ok := l.residents[bid][t.get("resident_ref")]
	if !ok {
		errs.add("resident_ref", "%q is not a resident of %s", t.get("resident_ref"), t.get("borough"))
	}
	return k, ok
}

func (l *loader) deviceIssue(t *table, errs *rowErrors) error {
	k, ok := l.residentKey(t, errs)
	di := t.deviceIssue(errs)
	did, known := l.devices[t.get("device")]
	if !known {
		errs.add("device", "%q is not in the device catalogue", t.get("device"))
	}
	if ok {
		if err := di.Validate(k.RegisteredOn, l.today); err != nil {
			errs.addErr("", err)
		}
	}
	if len(*errs) == 0 && len(l.problems) == 0 {
		di.DeviceID = did
		l.pendIssues = append(l.pendIssues, pendingIssue{di, k, t.line})
	}
	return nil
}

func (l *loader) assessment(t *table, errs *rowErrors) error {
	k, ok := l.residentKey(t, errs)
	a := t.assessment(errs)
	fw := l.opt.Framework
	if a.FrameworkVersion == "" {
		a.FrameworkVersion = fw.Version()
	} else if a.FrameworkVersion != fw.Version() {
		errs.add("framework_version", "%q is not the framework loaded (%s)", a.FrameworkVersion, fw.Version())
	}
	in, known := fw.Instrument(a.Instrument)
	if known {
		a.Instrument = in.ID // the framework's string, not one cut from the CSV line
	}
	var scores []forms.Score
	if ok && len(*errs) == 0 {
		// The one rule of an assessment, as the web applies it.
		var err error
		scores, err = fw.CheckAssessment(&a, forms.ResidentDates{Registered: k.RegisteredOn, Enrolled: k.EnrolledOn}, l.today)
		for _, f := range ateval.ErrorFields(err) {
			switch f.Field {
			case "instrument", "timepoint", "respondent", "assessed_on":
				errs.add(f.Field, "%s", f.Message)
			case "resident":
				errs.add("resident_ref", "%q %s", t.get("resident_ref"), f.Message)
			default: // an item of the answers
				errs.add("answers", "%s: %s", f.Field, f.Message)
			}
		}
	} else if !known {
		errs.add("instrument", "%q is not an instrument of framework %s", a.Instrument, fw.Version())
	}
	if ok && known {
		// k.ID is 0 only for a resident whose own row was bad, already reported.
		key := assessedKey{k.ID, l.instruments[in], timepointIndex(a.Timepoint)}
		if prev, dup := l.assessed[key]; dup && k.ID != 0 {
			errs.add("timepoint", "the resident already has a %s assessment at %s (line %d)", a.Instrument, a.Timepoint, prev)
		} else if k.ID != 0 {
			l.assessed[key] = t.line
		}
	}
	if len(*errs) == 0 && len(l.problems) == 0 {
		a.Scores = scores
		l.pendAssessments = append(l.pendAssessments, pendingAssessment{a, k, t.name + " line " + itoa(t.line)})
	}
	return nil
}
