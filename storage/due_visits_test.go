package storage_test

import (
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
)

func TestVisits(t *testing.T) {
	end := ateval.NewDate(2026, 5, 20)
	item := func(resident int64, tp forms.Timepoint, instrument string, status forms.DueStatus) storage.DueItem {
		return storage.DueItem{ResidentID: resident, Reference: "R", Due: forms.Due{Timepoint: tp, Instrument: instrument, WindowEnd: end, Status: status}}
	}
	items := []storage.DueItem{
		item(2, forms.Month3, "ons4", forms.StatusOverdue), item(1, forms.Month6, "ons4", forms.StatusOverdue),
		item(2, forms.Month3, "swemwbs", forms.StatusOverdue), item(1, forms.Month12, "ons4", forms.StatusDue),
	}
	vs := storage.Visits(items)
	if len(vs) != 3 || vs[0].ResidentID != 2 || len(vs[0].Instruments) != 2 || vs[0].Instruments[1] != "swemwbs" ||
		vs[1].Timepoint != forms.Month6 || vs[2].Timepoint != forms.Month12 {
		t.Fatalf("visits: %+v", vs)
	}
	for _, c := range []struct {
		today         ateval.Date
		overdue, left int
	}{{ateval.NewDate(2026, 6, 1), 12, 0}, {end, 0, 1}, {ateval.NewDate(2026, 5, 11), 0, 10}} {
		if got, left := vs[0].DaysOverdue(c.today), vs[0].DaysLeft(c.today); got != c.overdue || left != c.left {
			t.Errorf("on %s: %d days overdue, %d left; want %d and %d", c.today, got, left, c.overdue, c.left)
		}
	}
}
