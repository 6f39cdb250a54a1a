package ateval

import (
	"testing"
	"time"
)

// TestTrialCoversWholeYears: a trial counts for the financial years it
// covers whole, since a year's cells also hold the residents enrolled
// before it started.
func TestTrialCoversWholeYears(t *testing.T) {
	d := func(s string) Date {
		x, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	for _, c := range []struct {
		from, to string
		year     int
		want     bool
		years    string
	}{
		{"2024-04-01", "", 2024, true, "From April 2024"},
		{"2024-04-01", "", 2023, false, "From April 2024"},
		{"2024-04-02", "", 2024, false, "From April 2025"},
		{"2024-04-02", "", 2025, true, "From April 2025"},
		{"2024-03-15", "2025-03-31", 2024, true, "April 2024 to March 2025"},
		{"2024-03-15", "2025-03-30", 2024, false, "No whole financial year"},
		{"2024-04-01", "2026-06-30", 2025, true, "April 2024 to March 2026"},
		{"2024-04-01", "2026-06-30", 2026, false, "April 2024 to March 2026"},
	} {
		tr := RandomisedTrial{Borough: "brent", DeviceCategory: "fall-detector", From: d(c.from), To: d(c.to)}
		if got := tr.Covers(c.year); got != c.want {
			t.Errorf("%s to %q covers %d: %v, want %v", c.from, c.to, c.year, got, c.want)
		}
		if got := tr.Years(); got != c.years {
			t.Errorf("%s to %q: %q, want %q", c.from, c.to, got, c.years)
		}
	}
	trials := []RandomisedTrial{{Borough: "brent", DeviceCategory: "fall-detector", From: NewDate(2024, time.April, 1)}}
	if !RandomisedIn(trials, "brent", "fall-detector", 2025) || RandomisedIn(trials, "brent", "community-alarm", 2025) || RandomisedIn(trials, "camden", "fall-detector", 2025) {
		t.Error("RandomisedIn matches on borough, category and year")
	}
}

func TestTrialValidate(t *testing.T) {
	bad := RandomisedTrial{From: NewDate(2025, time.April, 1), To: NewDate(2025, time.March, 1)}
	fields := map[string]bool{}
	for _, f := range ErrorFields(bad.Validate()) {
		fields[f.Field] = true
	}
	for _, f := range []string{"borough", "device_category", "to"} {
		if !fields[f] {
			t.Errorf("no message for %s: %v", f, fields)
		}
	}
	ok := RandomisedTrial{Borough: "brent", DeviceCategory: "fall-detector", From: NewDate(2025, time.April, 1)}
	if err := ok.Validate(); err != nil {
		t.Error(err)
	}
}
