package forms

import (
	"testing"
	"time"

	"github.com/ateval/ateval"
)

func TestSchedule(t *testing.T) {
	f := Default()
	enrolled := ateval.NewDate(2026, time.January, 10)
	// w6: target 2026-02-21 (day 42), window 02-07..03-07, grace to 03-21.
	// m3: target 2026-04-11 (day 91), window 03-12..05-11, grace to 06-10.
	req := map[Timepoint][]string{Week6: {"ons4"}, Month3: {"ons4", "eq5d5l"}}
	tests := []struct {
		name  string
		today ateval.Date
		taken []Taken
		want  map[string]DueStatus // timepoint/instrument -> status
	}{
		{"day before w6 opens", ateval.NewDate(2026, 2, 6), nil, map[string]DueStatus{"w6/ons4": StatusUpcoming, "m3/ons4": StatusUpcoming}},
		{"w6 opens", ateval.NewDate(2026, 2, 7), nil, map[string]DueStatus{"w6/ons4": StatusDue}},
		{"w6 last day", ateval.NewDate(2026, 3, 7), nil, map[string]DueStatus{"w6/ons4": StatusDue}},
		{"w6 day after window", ateval.NewDate(2026, 3, 8), nil, map[string]DueStatus{"w6/ons4": StatusOverdue}},
		{"w6 last grace day", ateval.NewDate(2026, 3, 21), nil, map[string]DueStatus{"w6/ons4": StatusOverdue, "m3/ons4": StatusDue}},
		{"w6 missed", ateval.NewDate(2026, 3, 22), nil, map[string]DueStatus{"w6/ons4": StatusMissed}},
		{"m3 one instrument done", ateval.NewDate(2026, 4, 1), []Taken{{Month3, "ons4", ateval.NewDate(2026, 3, 30)}}, map[string]DueStatus{"m3/ons4": StatusDone, "m3/eq5d5l": StatusDue, "w6/ons4": StatusMissed}},
		{"done at another timepoint does not count", ateval.NewDate(2026, 2, 10), []Taken{{Month3, "ons4", ateval.NewDate(2026, 2, 9)}}, map[string]DueStatus{"w6/ons4": StatusDue}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.Schedule(enrolled, tt.taken, req, tt.today)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 3 {
				t.Fatalf("got %d entries, want 3", len(got))
			}
			byKey := map[string]Due{}
			for _, d := range got {
				byKey[string(d.Timepoint)+"/"+d.Instrument] = d
			}
			for k, want := range tt.want {
				if byKey[k].Status != want {
					t.Errorf("%s = %s, want %s", k, byKey[k].Status, want)
				}
			}
		})
	}
}

func TestScheduleWindows(t *testing.T) {
	enrolled := ateval.NewDate(2026, time.January, 10)
	got, err := Default().Schedule(enrolled, []Taken{{Baseline, "ons4", ateval.NewDate(2026, 1, 25)}}, nil, enrolled)
	if err != nil {
		t.Fatal(err)
	}
	want := map[Timepoint][3]string{ // target, window start, window end
		Baseline: {"2026-01-10", "2025-12-11", "2026-01-24"},
		Week6:    {"2026-02-21", "2026-02-07", "2026-03-07"},
		Month3:   {"2026-04-11", "2026-03-12", "2026-05-11"},
		Month6:   {"2026-07-11", "2026-06-11", "2026-08-10"},
		Month12:  {"2027-01-10", "2026-12-11", "2027-02-09"},
	}
	seen := map[Timepoint]bool{}
	for _, d := range got {
		w := want[d.Timepoint]
		if d.Target.String() != w[0] || d.WindowStart.String() != w[1] || d.WindowEnd.String() != w[2] {
			t.Errorf("%s %s: %s %s..%s, want %v", d.Timepoint, d.Instrument, d.Target, d.WindowStart, d.WindowEnd, w)
		}
		seen[d.Timepoint] = true
		if d.Timepoint == Baseline && d.Instrument == "ons4" && (d.Status != StatusDone || d.InWindow) {
			t.Errorf("baseline ons4 taken a day after its window: %+v", d)
		}
		if d.Timepoint == Baseline && d.Instrument == "swemwbs" && d.Status != StatusDue {
			t.Errorf("baseline on enrolment day = %s, want due", d.Status)
		}
	}
	if len(seen) != 5 {
		t.Errorf("timepoints = %v", seen)
	}
	if _, err := Default().Schedule(enrolled, nil, map[Timepoint][]string{"m9": {"ons4"}}, enrolled); err == nil {
		t.Error("unknown timepoint accepted")
	}
	if _, err := Default().Schedule(enrolled, nil, map[Timepoint][]string{Baseline: {"phq9"}}, enrolled); err == nil {
		t.Error("unknown instrument accepted")
	}
}

// TestOpenOn checks the enrolment ranges against hand-worked dates and
// then against Schedule itself: on several days, for every enrolment date
// from well before the longest window to after today, a timepoint's
// untaken instruments are due or overdue exactly when the enrolment date
// falls in that timepoint's range.
func TestOpenOn(t *testing.T) {
	f := Default()
	// On 2026-06-01: w6 (target 42, after 14, grace 14, before 14) is open
	// for enrolment from 2026-06-01 − 70 days = 2026-03-23 to 2026-06-01
	// − 28 days = 2026-05-04; m12 (365, 30, 60, 30) from − 455 days =
	// 2025-03-03 to − 335 days = 2025-07-01; baseline (0, 14, 0, 30) from
	// 2026-05-18 to 2026-07-01.
	want := map[Timepoint][2]string{
		Baseline: {"2026-05-18", "2026-07-01"},
		Week6:    {"2026-03-23", "2026-05-04"},
		Month12:  {"2025-03-03", "2025-07-01"},
	}
	open := f.OpenOn(ateval.NewDate(2026, 6, 1))
	if len(open) != len(f.Windows()) {
		t.Fatalf("%d open windows, want one per timepoint (%d)", len(open), len(f.Windows()))
	}
	for _, o := range open {
		if w, ok := want[o.Timepoint]; ok && (o.EnrolledFrom.String() != w[0] || o.EnrolledTo.String() != w[1]) {
			t.Errorf("%s open for enrolment %s..%s, want %s..%s", o.Timepoint, o.EnrolledFrom, o.EnrolledTo, w[0], w[1])
		}
	}
	for _, today := range []ateval.Date{ateval.NewDate(2026, 6, 1), ateval.NewDate(2024, 2, 29), ateval.NewDate(2026, 12, 31)} {
		open := f.OpenOn(today)
		for e := today.AddDays(-500); !e.After(today.AddDays(60)); e = e.AddDays(1) {
			sched, err := f.Schedule(e, nil, nil, today)
			if err != nil {
				t.Fatal(err)
			}
			i := 0
			for _, o := range open {
				in := !e.Before(o.EnrolledFrom) && !e.After(o.EnrolledTo)
				for _, id := range o.Instruments {
					d := sched[i]
					i++
					if got := d.Status == StatusDue || d.Status == StatusOverdue; got != in {
						t.Fatalf("today %s, enrolled %s: %s %s is %s, but the open range %s..%s says open=%v", today, e, d.Timepoint, id, d.Status, o.EnrolledFrom, o.EnrolledTo, in)
					}
					if u := o.Untaken(e, id, today); u != d {
						t.Fatalf("today %s, enrolled %s: Untaken = %+v, Schedule = %+v", today, e, u, d)
					}
				}
			}
		}
	}
}
