package devices

import (
	"testing"

	"github.com/ateval/ateval"
)

// TestLabelsNameEveryCode: every code a form offers or a page shows has
// words of its own, so no page falls back to the code.
func TestLabelsNameEveryCode(t *testing.T) {
	check := func(code, label string) {
		t.Helper()
		if label == "" || label == code {
			t.Errorf("code %q has no label (got %q)", code, label)
		}
	}
	for _, c := range Sexes() {
		check(string(c), c.Label())
	}
	for _, c := range EthnicGroups() {
		check(string(c), c.Label())
	}
	for _, c := range SupportReasons() {
		check(string(c), c.Label())
	}
	for _, c := range append(Groups(), "") {
		check(string(c), c.Label())
	}
	for _, c := range RemovalReasons() {
		check(string(c), c.Label())
	}
	for _, c := range []Status{StatusNotInstalled, StatusInUse, StatusReturned} {
		check(string(c), c.Label())
	}
	if got := SupportReason("made_up").Label(); got != "made_up" {
		t.Errorf("an unknown code is shown as %q, want it as it is", got)
	}
}

func TestDeviceIssueStatus(t *testing.T) {
	d := func(s string) ateval.Date { v, _ := ateval.ParseDate(s); return v }
	for _, c := range []struct {
		issue DeviceIssue
		want  string
	}{
		{DeviceIssue{IssuedOn: d("2026-01-05")}, "Issued, not installed"},
		{DeviceIssue{IssuedOn: d("2026-01-05"), InstalledOn: d("2026-01-09")}, "In use"},
		{DeviceIssue{IssuedOn: d("2026-01-05"), InstalledOn: d("2026-01-09"), RemovedOn: d("2026-03-01")}, "Returned"},
		{DeviceIssue{IssuedOn: d("2026-01-05"), RemovedOn: d("2026-01-06")}, "Returned"},
	} {
		if got := c.issue.Status().Label(); got != c.want {
			t.Errorf("%+v: status %q, want %q", c.issue, got, c.want)
		}
	}
}
