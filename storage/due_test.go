package storage_test

import (
	"context"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/importer"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestDueListMissesNothing: the due list reads only the residents whose
// windows are open today and no assessment rows; on the whole sample, and
// on dates either side of its as-of date, it must equal, item for item
// and in order, the list worked out from every enrolled resident's whole
// schedule.
func TestDueListMissesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the sample")
	}
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		srcs, err := importer.FromFS(sampledata.Committed())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := importer.Import(ateval.SystemContext(context.Background()), db, srcs, importer.Options{}); err != nil {
			t.Fatal(err)
		}
		fw := forms.Default()
		sqlDB, _ := db.SQL()
		var borough int64
		if err := sqlDB.QueryRow("SELECT borough_id FROM residents GROUP BY borough_id ORDER BY COUNT(*) DESC LIMIT 1").Scan(&borough); err != nil {
			t.Fatal(err)
		}
		ctx := ateval.NewContextWithUser(context.Background(), &ateval.User{ID: 1, Role: ateval.RolePractitioner, BoroughID: borough})
		for _, today := range []ateval.Date{sampledata.AsOf(), sampledata.AsOf().AddDays(-200), sampledata.AsOf().AddDays(120)} {
			db.Now = func() time.Time { return today.Time() }
			got, err := db.DueList(ctx, fw)
			if err != nil {
				t.Fatal(err)
			}
			want := bruteForceDue(t, db, fw, borough, today)
			if len(got) != len(want) || len(want) == 0 {
				t.Errorf("on %s the due list has %d items; worked out for every resident: %d", today, len(got), len(want))
				continue
			}
			overdue := 0
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("on %s item %d is\n%+v, want\n%+v", today, i, got[i], want[i])
					break
				}
				if got[i].Status == forms.StatusOverdue {
					overdue++
				}
			}
			if overdue == 0 || overdue == len(want) {
				t.Errorf("on %s %d of %d items overdue: the order is not tested", today, overdue, len(want))
			}
		}
	})
}

// bruteForceDue works out the due list the long way: the whole schedule of
// every enrolled resident of the borough who has not objected, with every
// assessment they have, in order of reference and schedule, then stably
// sorted overdue first and by window end.
func bruteForceDue(t *testing.T, db *storage.DB, fw *forms.Framework, borough int64, today ateval.Date) []storage.DueItem {
	sqlDB, _ := db.SQL()
	b := strconv.FormatInt(borough, 10)
	type resident struct {
		id        int64
		reference string
		enrolled  ateval.Date
	}
	var residents []resident
	rows, err := sqlDB.Query("SELECT id, reference, enrolled_on FROM residents WHERE borough_id = " + b + " AND enrolled_on IS NOT NULL AND objected_on IS NULL ORDER BY reference")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r resident
		var on string
		if err := rows.Scan(&r.id, &r.reference, &on); err != nil {
			t.Fatal(err)
		}
		r.enrolled, _ = ateval.ParseDate(on)
		residents = append(residents, r)
	}
	rows.Close()
	taken := map[int64][]forms.Taken{}
	rows, err = sqlDB.Query("SELECT resident_id, instrument, timepoint, assessed_on FROM assessments WHERE borough_id = " + b)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var in, tp, on string
		if err := rows.Scan(&id, &in, &tp, &on); err != nil {
			t.Fatal(err)
		}
		d, _ := ateval.ParseDate(on)
		taken[id] = append(taken[id], forms.Taken{Timepoint: forms.Timepoint(tp), Instrument: in, On: d})
	}
	rows.Close()
	var out []storage.DueItem
	for _, r := range residents {
		sched, err := fw.Schedule(r.enrolled, taken[r.id], nil, today)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range sched {
			if d.Status == forms.StatusDue || d.Status == forms.StatusOverdue {
				out = append(out, storage.DueItem{ResidentID: r.id, Reference: r.reference, Due: d})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Status == forms.StatusOverdue) != (b.Status == forms.StatusOverdue) {
			return a.Status == forms.StatusOverdue
		}
		return a.WindowEnd.Before(b.WindowEnd)
	})
	return out
}
