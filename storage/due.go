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
// index on enrolment, and keeps each instrument of the timepoint that has
// no assessment, by the unique index on assessments; nobody's whole
// schedule is worked out and no assessment row is read.
func (db *DB) DueList(ctx context.Context, fw *forms.Framework) (_ []DueItem, err error) {
	defer ateval.Wrap(&err, "DueList")
	borough, all, err := residentScope(ctx)
	if err != nil {
		return nil, err
	}
	if all {
		return nil, ateval.Errorf(ateval.EINVALID, "the due list is of one borough; act as a user of it")
	}
	today := db.today()
	open := fw.OpenOn(today)
	query, args, items := dueQuery(open, borough)
	var out []DueItem
	err = db.InTx(ctx, func(tx *Tx) error {
		if len(items) > 0 {
			rows, err := tx.g.Raw(query, args...).Rows()
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var it DueItem
				var enrolled string
				var seq int
				if err := rows.Scan(&it.ResidentID, &it.Reference, &enrolled, &seq); err != nil {
					return err
				}
				w := items[seq]
				it.Due = w.window.Untaken(mustDate(enrolled), w.instrument, today)
				out = append(out, it)
			}
			if err := rows.Err(); err != nil {
				return err
			}
		}
		out = mostUrgentFirst(out)
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionReadDueList, BoroughID: borough, Detail: strconv.Itoa(len(out)) + " due"})
	})
	return out, err
}

// mostUrgentFirst orders items overdue before due, then by window end,
// keeping the query's order (reference, then schedule) among items equally
// urgent. It sorts small keys and moves each item once: sorting the items
// themselves moved them many times over (a fifth of the list's time).
func mostUrgentFirst(items []DueItem) []DueItem {
	type key struct {
		due bool // false sorts first: overdue
		end int64
		i   int
	}
	keys := make([]key, len(items))
	for i, it := range items {
		keys[i] = key{it.Status != forms.StatusOverdue, it.WindowEnd.Time().Unix(), i}
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
	out := make([]DueItem, len(items))
	for i, k := range keys {
		out[i] = items[k.i]
	}
	return out
}

// dueInstrument is one instrument at one timepoint of the schedule; the
// due query names it by its index in the list dueQuery returns.
type dueInstrument struct {
	window     forms.Window
	instrument string
}

// dueQuery builds the due list's query for a borough: two constant tables,
// the open windows with their enrolment ranges and the instruments of each
// window in schedule order, joined to the residents enrolled in each range
// and kept where no assessment of that instrument at that timepoint exists.
// Each row is a resident's id, reference and enrolment date and the index
// of the instrument in the list returned. The same SQL runs on SQLite and
// PostgreSQL; the casts give PostgreSQL the parameters' types.
func dueQuery(open []forms.OpenWindow, borough int64) (string, []any, []dueInstrument) {
	var windows, instruments []string
	var wargs, iargs []any
	var items []dueInstrument
	for _, o := range open {
		windows = append(windows, "(CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))")
		wargs = append(wargs, string(o.Timepoint), o.EnrolledFrom.String(), o.EnrolledTo.String())
		for _, id := range o.Instruments {
			instruments = append(instruments, "(CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS TEXT))")
			iargs = append(iargs, len(items), string(o.Timepoint), id)
			items = append(items, dueInstrument{o.Window, id})
		}
	}
	if len(items) == 0 {
		return "", nil, nil
	}
	q := `WITH open_window (timepoint, enrolled_from, enrolled_to) AS (VALUES ` + strings.Join(windows, ", ") + `),
	scheduled (seq, timepoint, instrument) AS (VALUES ` + strings.Join(instruments, ", ") + `)
SELECT r.id, r.reference, r.enrolled_on, s.seq
FROM open_window w
JOIN residents r ON r.borough_id = ? AND r.enrolled_on >= w.enrolled_from AND r.enrolled_on <= w.enrolled_to AND r.objected_on IS NULL
JOIN scheduled s ON s.timepoint = w.timepoint
WHERE NOT EXISTS (SELECT 1 FROM assessments a WHERE a.resident_id = r.id AND a.instrument = s.instrument AND a.timepoint = s.timepoint)
ORDER BY r.reference, s.seq`
	args := append(append(wargs, iargs...), borough)
	return q, args, items
}
