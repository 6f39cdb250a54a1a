package forms

import (
	"github.com/ateval/ateval"
)

// Taken is an assessment already recorded, as the schedule needs it.
type Taken struct {
	Timepoint  Timepoint   `json:"timepoint"`
	Instrument string      `json:"instrument"`
	On         ateval.Date `json:"on"`
}

// TakenFrom lists recorded assessments for Schedule. An assessment
// entered in error was not taken: its timepoint is still to do.
func TakenFrom(assessments []Assessment) []Taken {
	t := make([]Taken, 0, len(assessments))
	for _, a := range assessments {
		if !a.EnteredInError {
			t = append(t, Taken{Timepoint: a.Timepoint, Instrument: a.Instrument, On: a.AssessedOn})
		}
	}
	return t
}

// DueStatus is where one scheduled assessment stands on a given day.
type DueStatus string

const (
	StatusUpcoming DueStatus = "upcoming" // its window has not opened
	StatusDue      DueStatus = "due"      // its window is open
	StatusOverdue  DueStatus = "overdue"  // its window has closed; still worth taking, late
	StatusMissed   DueStatus = "missed"   // past the grace days after the window
	StatusDone     DueStatus = "done"     // taken
)

// Due is one instrument at one timepoint of one resident's schedule.
type Due struct {
	Timepoint   Timepoint   `json:"timepoint"`
	Instrument  string      `json:"instrument"`
	Target      ateval.Date `json:"target"`
	WindowStart ateval.Date `json:"window_start"`
	WindowEnd   ateval.Date `json:"window_end"`
	// GraceEnd is the last day it counts as overdue rather than missed.
	GraceEnd ateval.Date `json:"grace_end"`
	Status   DueStatus   `json:"status"`
	// DoneOn is the date it was taken; InWindow reports whether that date
	// fell inside the window (late or early data are kept but flagged).
	DoneOn   ateval.Date `json:"done_on"`
	InWindow bool        `json:"in_window"`
}

// Schedule returns, for a resident enrolled on the given day, every
// instrument due at every timepoint with its window and where it stands
// today. Windows are counted in days from enrolment, both ends inclusive:
// the window of a timepoint with target day T runs from T − WindowBefore to
// T + WindowAfter, and an assessment not taken by then is overdue until
// GraceDays later and missed after. required lists the instruments due at
// each timepoint; nil means the framework's own schedule. An entry is done
// when an assessment of that instrument is recorded at that timepoint,
// whatever its date. The result is in timepoint order, then in the order of
// required. Timepoints or instruments the framework does not know are an
// EINVALID error.
func (f *Framework) Schedule(enrolled ateval.Date, taken []Taken, required map[Timepoint][]string, today ateval.Date) ([]Due, error) {
	if enrolled.IsZero() || today.IsZero() {
		return nil, ateval.Errorf(ateval.EINVALID, "the enrolment date and today are both needed")
	}
	windows := map[Timepoint]Window{}
	for _, w := range f.schedule {
		windows[w.Timepoint] = w
	}
	if required == nil {
		required = map[Timepoint][]string{}
		for _, w := range f.schedule {
			required[w.Timepoint] = w.Instruments
		}
	}
	var fields []ateval.FieldError
	for tp, ids := range required {
		if _, ok := windows[tp]; !ok {
			fields = append(fields, ateval.FieldError{Field: string(tp), Message: "is not a timepoint of framework " + f.version})
		}
		for _, id := range ids {
			if _, ok := f.byID[id]; !ok {
				fields = append(fields, ateval.FieldError{Field: string(tp), Message: "instrument " + id + " is not in framework " + f.version})
			}
		}
	}
	if len(fields) > 0 {
		return nil, ateval.Invalid("the schedule asks for what the framework does not have", fields)
	}
	done := map[[2]string]ateval.Date{}
	for _, t := range taken {
		k := [2]string{string(t.Timepoint), t.Instrument}
		if d, ok := done[k]; !ok || t.On.Before(d) {
			done[k] = t.On
		}
	}
	var out []Due
	for _, w := range f.schedule {
		for _, id := range required[w.Timepoint] {
			d := w.Untaken(enrolled, id, today)
			if on, ok := done[[2]string{string(w.Timepoint), id}]; ok {
				d.Status, d.DoneOn = StatusDone, on
				d.InWindow = !on.Before(d.WindowStart) && !on.After(d.WindowEnd)
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// Untaken returns the entry of Schedule for an instrument at this window's
// timepoint that has not been taken, for a resident enrolled on the given
// day: its window, and whether on today it is upcoming, due, overdue or
// missed.
func (w Window) Untaken(enrolled ateval.Date, instrument string, today ateval.Date) Due {
	target := enrolled.AddDays(w.TargetDays)
	d := Due{
		Timepoint:   w.Timepoint,
		Instrument:  instrument,
		Target:      target,
		WindowStart: target.AddDays(-w.WindowBefore),
		WindowEnd:   target.AddDays(w.WindowAfter),
	}
	d.GraceEnd = d.WindowEnd.AddDays(w.GraceDays)
	switch {
	case today.Before(d.WindowStart):
		d.Status = StatusUpcoming
	case !today.After(d.WindowEnd):
		d.Status = StatusDue
	case !today.After(d.GraceEnd):
		d.Status = StatusOverdue
	default:
		d.Status = StatusMissed
	}
	return d
}

// OpenWindow is a timepoint of the schedule with the enrolment dates of
// the residents for whom it is open on a given day.
type OpenWindow struct {
	Window
	// EnrolledFrom and EnrolledTo bound, both inclusive, the enrolment
	// dates for which an assessment at this timepoint, not yet taken, is
	// due or overdue on that day.
	EnrolledFrom, EnrolledTo ateval.Date
}

// OpenOn returns every timepoint of the schedule, in time order, with the
// enrolment dates for which it is open on today: due or overdue if not
// taken. For enrolment on day e, a window with target T, WindowBefore B,
// WindowAfter A and GraceDays G runs from e+T−B to e+T+A+G with its grace,
// so it holds today exactly when today−(T+A+G) ≤ e ≤ today−(T−B). A list
// of what is due can then look up only the residents enrolled in those
// ranges instead of working out every resident's schedule.
func (f *Framework) OpenOn(today ateval.Date) []OpenWindow {
	out := make([]OpenWindow, len(f.schedule))
	for i, w := range f.schedule {
		out[i] = OpenWindow{Window: w,
			EnrolledFrom: today.AddDays(-(w.TargetDays + w.WindowAfter + w.GraceDays)),
			EnrolledTo:   today.AddDays(-(w.TargetDays - w.WindowBefore))}
	}
	return out
}
