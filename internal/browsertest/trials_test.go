package browsertest

import (
	"context"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
)

// TestAdminTrials: an administrator records, in the browser, that Camden
// allocated fall detectors at random from 1 April 2024; a form with
// nothing chosen names each field in the error summary; the trial is
// listed with what the report counts, audited, and removed.
func TestAdminTrials(t *testing.T) {
	site := Start(t, Options{})
	b := site.NewBrowser(t)
	b.Login("admin@demo.ateval")
	b.Visit("/admin/users")
	b.Click(`nav a[href="/admin/trials"]`)
	if got := b.Text("h1"); got != "Randomised trials" {
		t.Fatalf("the page is headed %q", got)
	}
	b.Submit("main form[action='/admin/trials'] button[type=submit]")
	summary := b.Text(".app-error-summary")
	for _, want := range []string{"Choose the borough", "Choose the device category", "Enter the first day"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the error summary %q lacks %q", summary, want)
		}
	}
	b.Shots("trials-error")
	b.Select("#borough", "camden")
	b.Select("#device_category", "fall-detector")
	b.Fill("#from-day", "1")
	b.Fill("#from-month", "4")
	b.Fill("#from-year", "2024")
	b.Fill("#to-month", "3")
	b.Submit("main form[action='/admin/trials'] button[type=submit]")
	if got := b.Text(".app-error-summary"); !strings.Contains(got, "Last day must include a day and a year") {
		t.Errorf("half a last day: %q", got)
	}
	if b.Text("#from-year") != "" && !b.Exists("#from-year[value='2024']") {
		t.Error("the first day was not kept after an error")
	}
	b.Fill("#to-month", "")
	b.Submit("main form[action='/admin/trials'] button[type=submit]")
	if got := b.Text("#notification"); !strings.Contains(got, "Randomised trial recorded") {
		t.Fatalf("after recording: %q", got)
	}
	row := b.Text("main .app-trial")
	for _, want := range []string{"Camden", "Fall detector", "1 April 2024", "Still running", "From April 2024"} {
		if !strings.Contains(row, want) {
			t.Errorf("the trial's row %q lacks %q", row, want)
		}
	}
	b.Shots("trials")
	ctx := ateval.SystemContext(context.Background())
	trials, err := site.DB.RandomisedTrials(ctx)
	if err != nil || len(trials) != 1 || trials[0].Borough != "camden" || trials[0].From != ateval.NewDate(2024, 4, 1) {
		t.Fatalf("stored: %+v %v", trials, err)
	}
	b.Submit("main .app-trial form button[type=submit]")
	if got := b.Text("#notification"); !strings.Contains(got, "Randomised trial removed") || b.Exists("main .app-trial") {
		t.Errorf("after removing: %q", got)
	}
	log, _, err := site.DB.AuditLog(ctx, storage.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, e := range log {
		if e.ObjectType == "randomised_trial" && e.UserEmail == "admin@demo.ateval" {
			seen = append(seen, e.Action)
		}
	}
	if got := strings.Join(seen, ","); !strings.Contains(got, ateval.ActionRecordTrial) || !strings.Contains(got, ateval.ActionRemoveTrial) {
		t.Errorf("audited: %q", got)
	}
}
