package storage

import (
	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
)

// DueVisit is one resident's visit at one timepoint: the instruments due
// or overdue then, which share one window and one status, as a
// practitioner plans the work (one visit, several questionnaires).
type DueVisit struct {
	ResidentID  int64           `json:"resident_id"`
	Reference   string          `json:"reference"`
	Timepoint   forms.Timepoint `json:"timepoint"`
	WindowStart ateval.Date     `json:"window_start"`
	WindowEnd   ateval.Date     `json:"window_end"`
	GraceEnd    ateval.Date     `json:"grace_end"`
	Status      forms.DueStatus `json:"status"`
	Instruments []string        `json:"instruments"`
}

// Visits groups the due list by resident and timepoint, keeping its
// order: the most urgent visit first, and within a visit the schedule's
// order of instruments.
func Visits(items []DueItem) []DueVisit {
	type key struct {
		resident int64
		tp       forms.Timepoint
	}
	at := map[key]int{}
	var out []DueVisit
	for _, it := range items {
		k := key{it.ResidentID, it.Timepoint}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, DueVisit{ResidentID: it.ResidentID, Reference: it.Reference, Timepoint: it.Timepoint,
				WindowStart: it.WindowStart, WindowEnd: it.WindowEnd, GraceEnd: it.GraceEnd, Status: it.Status})
		}
		out[i].Instruments = append(out[i].Instruments, it.Instrument)
	}
	return out
}

// DaysOverdue is how many days past its window's end the visit is on
// the day given: 0 for a visit still in its window.
func (v DueVisit) DaysOverdue(today ateval.Date) int {
	if !today.After(v.WindowEnd) {
		return 0
	}
	return today.DaysSince(v.WindowEnd)
}

// DaysLeft is how many days of its window the visit has left on the day
// given, counting the day itself: 1 on the window's last day, 0 past it.
func (v DueVisit) DaysLeft(today ateval.Date) int {
	if today.After(v.WindowEnd) {
		return 0
	}
	return v.WindowEnd.DaysSince(today) + 1
}
