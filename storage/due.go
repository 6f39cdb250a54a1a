package storage

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
)

// DueItem is one assessment due or overdue for one resident.
type DueItem struct {
	ResidentID int64  `json:"resident_id"`
	Reference  string `json:"reference"`
	forms.Due
}

// DueList returns, for every resident of the acting user's borough who is
// enrolled and has not objected, the assessments whose window is open
// (due) or has closed within its grace days (overdue), most urgent first:
// overdue before due, then by window end, then by reference and the
// schedule's order. The reading is audited by count.
//
// It is one query whatever the borough's size. A timepoint's window holds
// today only for residents enrolled within a range of dates
// (forms.Framework.OpenOn), so the query reads just those residents, by the
// index on enrolment, each with the instruments already taken at that
// timepoint, from the unique index on assessments alone. Nobody's whole
// schedule is worked out and no assessment row is read.
func (db *DB) DueList(ctx context.Context, fw *forms.Framework) (_ []DueItem, err error) {
	defer ateval.Wrap(&err, "DueList")
	out, _, err := db.dueList(ctx, fw, false)
	return out, err
}

// dueList is DueList, with the residents' names if named (see
// DueListNamed).
func (db *DB) dueList(ctx context.Context, fw *forms.Framework, named bool) (_ []DueItem, _ map[int64]ResidentName, err error) {
	defer db.denied(ctx, &err, ateval.ActionReadDueList, ateval.AuditEntry{})
	borough, all, err := residentScope(ctx)
	if err != nil {
		return nil, nil, err
	}
	if all {
		return nil, nil, ateval.Errorf(ateval.EINVALID, "the due list is of one borough; act as a user of it")
	}
	today := db.today()
	open := fw.OpenOn(today)
	var out []DueItem
	var names map[int64]ResidentName
	err = db.InTx(ctx, func(tx *Tx) error {
		if len(open) > 0 {
			if out, err = tx.openWindows(open, borough, today); err != nil {
				return err
			}
		}
		detail := strconv.Itoa(len(out)) + " due"
		if named {
			if names, err = tx.dueNames(out, borough); err != nil {
				return err
			}
			detail += ", with names"
		}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionReadDueList, BoroughID: borough, Detail: detail})
	})
	return out, names, err
}

// openWindows lists the instruments not yet taken of every window open
// today for a resident of the borough, most urgent first. Its query joins
// the open windows, as a constant table, to the residents enrolled in each
// window's range, and each such resident and window to the assessments
// taken at that timepoint (none: one row with a NULL instrument), in order
// of reference and schedule. The same SQL runs on SQLite and PostgreSQL;
// the casts give PostgreSQL the parameters' types.
func (tx *Tx) openWindows(open []forms.OpenWindow, borough int64, today ateval.Date) ([]DueItem, error) {
	values := make([]string, len(open))
	args := make([]any, 0, 4*len(open)+1)
	for i, o := range open {
		values[i] = "(CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))"
		args = append(args, i, string(o.Timepoint), o.EnrolledFrom.String(), o.EnrolledTo.String())
	}
	args = append(args, borough)
	rows, err := tx.g.Raw(`WITH open_window (seq, timepoint, enrolled_from, enrolled_to) AS (VALUES `+strings.Join(values, ", ")+`)
SELECT r.id, r.reference, r.enrolled_on, w.seq, a.instrument
FROM open_window w
JOIN residents r ON r.borough_id = ? AND r.enrolled_on >= w.enrolled_from AND r.enrolled_on <= w.enrolled_to AND r.objected_on IS NULL
LEFT JOIN assessments a ON a.resident_id = r.id AND a.timepoint = w.timepoint AND `+inAnalysis+`
ORDER BY r.reference, r.id, w.seq`, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// One resident's rows for one window come together: a window is one
	// entry of windows (its dates and status are the same for each of its
	// instruments), and its untaken instruments are listed when the next
	// resident or window starts.
	var (
		windows []residentWindow
		untaken []untakenInstrument
		taken   []string
	)
	flush := func() {
		if len(windows) == 0 {
			return
		}
		last := len(windows) - 1
		for _, id := range open[windows[last].seq].Instruments {
			if !slices.Contains(taken, id) {
				untaken = append(untaken, untakenInstrument{last, id})
			}
		}
	}
	for rows.Next() {
		var id int64
		var reference, on string
		var seq int
		var instrument *string
		if err := rows.Scan(&id, &reference, &on, &seq, &instrument); err != nil {
			return nil, err
		}
		if n := len(windows); n == 0 || id != windows[n-1].ResidentID || seq != windows[n-1].seq {
			flush()
			windows = append(windows, residentWindow{seq, DueItem{ResidentID: id, Reference: reference, Due: open[seq].Untaken(mustDate(on), "", today)}})
			taken = taken[:0]
		}
		if instrument != nil {
			taken = append(taken, *instrument)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	flush()
	return mostUrgentFirst(windows, untaken), nil
}

// residentWindow is one resident's window open today: the due item of
// each of its instruments but for the instrument's name.
type residentWindow struct {
	seq int // index in the open windows
	DueItem
}

// untakenInstrument is an instrument not taken in one resident's window.
type untakenInstrument struct {
	window     int // index in the windows read
	instrument string
}

// mostUrgentFirst lists the untaken instruments as due items, overdue
// before due, then by window end, keeping the query's order (reference,
// then schedule) among items equally urgent. It sorts small keys and
// builds each item once: appending and sorting the items themselves
// copied them over and over (a third of the list's time).
func mostUrgentFirst(windows []residentWindow, untaken []untakenInstrument) []DueItem {
	type key struct {
		due bool // false sorts first: overdue
		end int64
		i   int
	}
	keys := make([]key, len(untaken))
	for i, u := range untaken {
		w := &windows[u.window]
		keys[i] = key{w.Status != forms.StatusOverdue, w.WindowEnd.Time().Unix(), i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		switch {
		case a.due != b.due:
			if b.due {
				return -1
			}
			return 1
		case a.end != b.end:
			return cmp.Compare(a.end, b.end)
		}
		return cmp.Compare(a.i, b.i)
	})
	out := make([]DueItem, len(keys))
	for i, k := range keys {
		u := untaken[k.i]
		out[i] = windows[u.window].DueItem
		out[i].Instrument = u.instrument
	}
	return out
}
