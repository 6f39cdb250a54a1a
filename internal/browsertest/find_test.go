package browsertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ateval/ateval/storage"
)

// TestFindPeopleAndWork is issue 17's done-when for finding people and
// work, on the committed sample: a reference found by any part of it, a
// name search that shows names, the due list one row a visit with its
// questionnaires, days late and a filter by timepoint, the NHS number as
// the NHS writes it, and the timeline and due list printed without the
// page's navigation.
func TestFindPeopleAndWork(t *testing.T) {
	site := Start(t, Options{Sample: true})
	b := site.NewBrowser(t)
	b.Login("practitioner.camden@demo.ateval")
	b.Fill("#reference", "000012")
	b.Submit("main form button[type=submit]")
	if got := b.Text("main table"); !strings.Contains(got, "CAM-000012") {
		t.Errorf("reference 000012: %q", got)
	}
	tl := site.FindResident(t, "CAM-000012", func(storage.Timeline) bool { return true })
	if name := tl.Identity.GivenName + " " + tl.Identity.FamilyName; !strings.Contains(b.Text("main table"), name) {
		t.Errorf("the list does not name CAM-000012 (%s): %q", name, b.Text("main table"))
	}
	b.Shots("residents-reference")
	b.Visit("/residents")
	b.Fill("#name", tl.Identity.FamilyName)
	b.Submit("main form button[type=submit]")
	if got := b.Text("main table"); !strings.Contains(got, tl.Identity.FamilyName) {
		t.Errorf("name search shows no names: %q", got)
	}
	b.Shots("residents-name")

	b.Visit(fmt.Sprintf("/residents/%d", tl.Resident.ID))
	if nhs := tl.Identity.NHSNumber; nhs != "" && !strings.Contains(b.Text("main"), nhs[:3]+" "+nhs[3:6]+" "+nhs[6:]) {
		t.Errorf("the NHS number is not written as 3 3 4 digits")
	}
	if pages := b.PrintShot("timeline"); pages > 6 {
		t.Errorf("the timeline prints on %d pages", pages)
	}

	b.Visit("/due")
	rows := b.Text("main table")
	if !strings.Contains(b.Text("main"), "visits are due or overdue") || !strings.Contains(rows, "late") {
		t.Errorf("the due list: %.300q", b.Text("main"))
	}
	if !b.Exists(".app-visit .app-inline-list li + li") {
		t.Error("no visit lists more than one questionnaire")
	}
	b.Shots("due")
	b.Submit(`.app-filter a[href="/due?timepoint=m3"]`)
	if got := b.Text("main table"); strings.Contains(got, "6 months") || strings.Contains(got, "Baseline") || !strings.Contains(got, "3 months") {
		t.Errorf("due at 3 months: %.300q", got)
	}
	b.Shots("due-m3")
	b.Submit(`a[href$="all=1"]`)
	if pages := b.PrintShot("due"); pages < 1 {
		t.Errorf("the due list prints on %d pages", pages)
	}
}
