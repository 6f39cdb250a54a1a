package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/importer"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestDueListMissesNothing: the due list leaves out residents enrolled
// before the schedule's horizon; on the whole sample, and on dates either
// side of its as-of date, it must equal the list worked out for every
// enrolled resident of the borough.
func TestDueListMissesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the sample")
	}
	db := storagetest.Open(t, t.TempDir()+"/due.db")
	srcs, err := importer.FromFS(sampledata.Committed())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Import(context.Background(), db, srcs, importer.Options{}); err != nil {
		t.Fatal(err)
	}
	fw := forms.Default()
	sqlDB, _ := db.SQL()
	var borough int64
	sqlDB.QueryRow("SELECT borough_id FROM residents GROUP BY borough_id ORDER BY COUNT(*) DESC LIMIT 1").Scan(&borough)
	ctx := ateval.NewContextWithUser(context.Background(), &ateval.User{ID: 1, Role: ateval.RolePractitioner, BoroughID: borough})
	for _, today := range []ateval.Date{sampledata.AsOf(), sampledata.AsOf().AddDays(-200), sampledata.AsOf().AddDays(120)} {
		db.Now = func() time.Time { return today.Time() }
		got, err := db.DueList(ctx, fw)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteForceDue(t, db, fw, borough, today)
		if len(got) != want || want == 0 {
			t.Errorf("on %s the due list has %d items; worked out for every resident: %d", today, len(got), want)
		}
	}
}

// bruteForceDue counts due and overdue items over every enrolled resident
// of the borough who has not objected, with no horizon.
func bruteForceDue(t *testing.T, db *storage.DB, fw *forms.Framework, borough int64, today ateval.Date) int {
	sqlDB, _ := db.SQL()
	rows, err := sqlDB.Query("SELECT id, enrolled_on FROM residents WHERE borough_id = ? AND enrolled_on IS NOT NULL AND objected_on IS NULL", borough)
	if err != nil {
		t.Fatal(err)
	}
	enrolled := map[int64]ateval.Date{}
	for rows.Next() {
		var id int64
		var on string
		rows.Scan(&id, &on)
		enrolled[id], _ = ateval.ParseDate(on)
	}
	rows.Close()
	taken := map[int64][]forms.Taken{}
	rows, err = sqlDB.Query("SELECT resident_id, instrument, timepoint, assessed_on FROM assessments WHERE borough_id = ?", borough)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var in, tp, on string
		rows.Scan(&id, &in, &tp, &on)
		d, _ := ateval.ParseDate(on)
		taken[id] = append(taken[id], forms.Taken{Timepoint: forms.Timepoint(tp), Instrument: in, On: d})
	}
	rows.Close()
	n := 0
	for id, on := range enrolled {
		sched, err := fw.Schedule(on, taken[id], nil, today)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range sched {
			if d.Status == forms.StatusDue || d.Status == forms.StatusOverdue {
				n++
			}
		}
	}
	return n
}
