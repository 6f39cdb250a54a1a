package browsertest

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRegisterEnrolAndFind registers a resident through the page (first
// with an impossible date), enrols them, finds them by name, and sees
// their baseline due on the borough's list.
func TestRegisterEnrolAndFind(t *testing.T) {
	site := Start(t, Options{})
	b := site.NewBrowser(t)
	b.Login("practitioner.camden@demo.ateval")
	b.Submit(`a[href="/residents/new"]`)
	b.Fill("#reference", "CAM-0100")
	b.Fill("#year_of_birth", "1938")
	b.Click("#sex")                // female, the first
	b.Click("#ethnic_group-black") // a later radio, by its own id
	b.Click("#living_alone")       // yes
	b.Click("#primary_support_reason-sensory")
	b.Fill("#registered_on-day", "30")
	b.Fill("#registered_on-month", "2")
	b.Fill("#registered_on-year", "2025")
	b.Fill("#given_name", "Winifred")
	b.Fill("#family_name", "Example")
	b.Fill("#nhs_number", "9434765918")
	b.Submit("main form button[type=submit]")
	summary := b.Text(".app-error-summary")
	for _, want := range []string{"Date registered must be a real date", "NHS number is not a valid NHS number"} {
		if !strings.Contains(summary, want) {
			t.Errorf("error summary %q lacks %q", summary, want)
		}
	}
	b.Screenshot("register-errors")
	b.Fill("#registered_on-day", "28")
	b.Fill("#nhs_number", "9434765919")
	b.Submit("main form button[type=submit]")
	if got := b.Text("#notification"); !strings.Contains(got, "Resident registered") {
		t.Fatalf("after registering: %q\n%s", got, b.Text("main"))
	}
	b.Submit(`a[href$="/edit"]`)
	b.Click("#group-comparison")
	today := time.Now()
	b.Fill("#enrolled_on-day", strconv.Itoa(today.Day()))
	b.Fill("#enrolled_on-month", strconv.Itoa(int(today.Month())))
	b.Fill("#enrolled_on-year", strconv.Itoa(today.Year()))
	b.Submit("main form button[type=submit]")
	if got := b.Text("#notification"); !strings.Contains(got, "record updated") {
		t.Errorf("after enrolling: %q", got)
	}
	b.Visit("/residents")
	b.Fill("#name", "winifred ex")
	b.Submit("main form button[type=submit]")
	if got := b.Text("main table"); !strings.Contains(got, "CAM-0100") || strings.Contains(got, "CAM-0001") {
		t.Errorf("search by name: %q", got)
	}
	b.Visit("/due")
	// Enrolled today, CAM-0100's baseline is due; CAM-0002, enrolled in
	// March 2025, is past every window.
	if got := b.Text("main"); !strings.Contains(got, "CAM-0100") || strings.Contains(got, "CAM-0002") {
		t.Errorf("due list: %q", got)
	}
	b.Screenshot("due")
	b.Visit("/devices")
	if got := b.Text("main"); !strings.Contains(got, "Wrist-worn automatic fall detector") || !strings.Contains(got, "£98.00") {
		t.Errorf("catalogue: %q", got)
	}
	b.Screenshot("catalogue")
}
