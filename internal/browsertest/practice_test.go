package browsertest

import (
	"strings"
	"testing"
)

// TestIssueAndRemoveDevice is issue 9's done-when: in a real browser, a
// practitioner finds a resident, issues a device, records its removal,
// and sees both on the timeline.
func TestIssueAndRemoveDevice(t *testing.T) {
	site := Start(t, Options{})
	b := site.NewBrowser(t)
	b.Login("practitioner.camden@demo.ateval")
	b.Fill("#reference", "CAM-0001")
	b.Submit("main form button[type=submit]")
	b.Submit(`main table a[href^="/residents/"]`)
	if got := b.Text("h1"); !strings.Contains(got, "CAM-0001") {
		t.Fatalf("opened %q, want CAM-0001's timeline", got)
	}
	b.Submit(`a[href$="/device-issues/new"]`)
	b.Select("#device_id", deviceID(t, site, "fall-detector-wrist"))
	b.Fill("#issued_on-day", "3")
	b.Fill("#issued_on-month", "2")
	b.Fill("#issued_on-year", "2025")
	b.Fill("#asset_tag", "CAM/FD-0042")
	b.Fill("#need", "Falls at night when getting up")
	b.Screenshot("issue-form")
	b.Submit("main form button[type=submit]")
	if got := b.Text("#notification"); !strings.Contains(got, "Device issued") {
		t.Errorf("after issuing: banner %q", got)
	}
	if got := b.Text("#devices + table"); !strings.Contains(got, "Wrist-worn automatic fall detector") || !strings.Contains(got, "3 Feb 2025") || !strings.Contains(got, "Issued, not installed") {
		t.Errorf("timeline devices after issue: %q", got)
	}
	b.Submit(`#devices + table a[href^="/device-issues/"]`)
	// A removal before issue is refused, naming the field.
	b.Fill("#removed_on-day", "1")
	b.Fill("#removed_on-month", "2")
	b.Fill("#removed_on-year", "2025")
	b.Click("#removal_reason-faulty")
	b.Submit("main form button[type=submit]")
	if got := b.Text(".app-error-summary"); !strings.Contains(got, "Date removed cannot be before the device was issued (2025-02-03)") {
		t.Errorf("removal before issue: summary %q", got)
	}
	b.Screenshot("removal-error")
	b.Fill("#removed_on-day", "20")
	b.Fill("#removed_on-month", "6")
	b.Submit("main form button[type=submit]")
	if got := b.Text("#notification"); !strings.Contains(got, "Device removal recorded") {
		t.Errorf("after removal: banner %q", got)
	}
	if got := b.Text("#devices + table"); !strings.Contains(got, "Returned 20 Jun 2025") || !strings.Contains(got, "Faulty") || !strings.Contains(got, "3 Feb 2025") {
		t.Errorf("timeline devices after removal: %q", got)
	}
	b.Screenshot("timeline")
}

// TestRecordAssessment is issue 3's done-when: open a resident, submit an
// assessment with an error, see the error summary, fix it, and see the
// score on the timeline.
func TestRecordAssessment(t *testing.T) {
	site := Start(t, Options{})
	b := site.NewBrowser(t)
	b.Login("practitioner.camden@demo.ateval")
	b.Fill("#reference", "CAM-0002")
	b.Submit("main form button[type=submit]")
	b.Submit(`main table a[href^="/residents/"]`)
	b.Submit(`a[href$="/assessments/new"]`)
	b.Select("#instrument", "ons4")
	b.Select("#timepoint", "baseline")
	b.Submit("main form button[type=submit]")
	if got := b.Text("h1"); !strings.Contains(got, "ONS4") && !strings.Contains(got, "wellbeing") {
		t.Fatalf("assessment form heading %q", got)
	}
	b.Fill("#assessed_on-day", "1")
	b.Fill("#assessed_on-month", "3")
	b.Fill("#assessed_on-year", "2025")
	b.Fill("#item-ons4_satisfied", "7")
	b.Fill("#item-ons4_worthwhile", "11")
	b.Select("#missing-ons4_happy", "refused")
	b.Submit("main form button[type=submit]")
	summary := b.Text(".app-error-summary")
	for _, want := range []string{"There is a problem", "Question 2 must be a whole number from 0 to 10", "Question 4 is required"} {
		if !strings.Contains(summary, want) {
			t.Errorf("error summary %q lacks %q", summary, want)
		}
	}
	b.Screenshot("assessment-errors")
	// The summary's link takes the keyboard to the bad question.
	b.Click(`.app-error-summary a[href="#item-ons4_worthwhile"]`)
	if got := b.Focused(); got != "item-ons4_worthwhile" {
		t.Errorf("error link focused %q, want item-ons4_worthwhile", got)
	}
	b.Fill("#item-ons4_worthwhile", "8")
	b.Fill("#item-ons4_anxious", "3")
	b.Submit("main form button[type=submit]")
	if got := b.Text("#notification"); !strings.Contains(got, "Assessment recorded") {
		t.Fatalf("after recording: banner %q\n%s", got, b.Text("main"))
	}
	got := b.Text("#assessments + table")
	for _, want := range []string{"1 Mar 2025", "Baseline", "Life satisfaction (0 to 10): 7", "Things done are worthwhile (0 to 10): 8",
		"Anxiety yesterday (0 to 10, higher is worse): 3", "Happiness yesterday (0 to 10): not scored (question 3 was refused)"} {
		if !strings.Contains(got, want) {
			t.Errorf("timeline assessments %q lack %q", got, want)
		}
	}
	b.Screenshot("timeline")
}
