package browsertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ateval/ateval/storage"
)

// TestWithdrawObjection is issue 17's done-when for objections, on the
// committed sample: a resident who objected has nothing due; the edit
// form offers no date to clear but a withdrawal; withdrawn, the
// objection is kept with its withdrawal and the resident is scheduled
// again.
func TestWithdrawObjection(t *testing.T) {
	site := Start(t, Options{Sample: true})
	tl := site.FindResident(t, "CAM-", func(tl storage.Timeline) bool { return !tl.Resident.ObjectedOn.IsZero() })
	b := site.NewBrowser(t)
	b.Login("practitioner.camden@demo.ateval")
	path := fmt.Sprintf("/residents/%d", tl.Resident.ID)
	b.Visit(path)
	if got := b.Text("#objection"); !strings.Contains(got, "objected to the use of their data for evaluation") {
		t.Errorf("the timeline's objection: %q", got)
	}
	if got := b.Text("#due + p"); !strings.Contains(got, "Nothing is due while the objection stands") {
		t.Errorf("due under an objection: %q", got)
	}
	b.Shots("objected")
	b.Visit(path + "/edit")
	if b.Exists("#objected_on-day") || !b.Exists(`#objection a[href$="/objection/withdrawal"]`) {
		t.Error("the edit form offers the objection's date to clear, or no withdrawal")
	}
	b.Submit(`#objection a[href$="/objection/withdrawal"]`)
	if got := b.Text("h1"); !strings.Contains(got, "Withdraw the objection") {
		t.Fatalf("the withdrawal page is headed %q", got)
	}
	b.Fill("#withdrawn_on-year", "2999")
	b.Submit("main form button[type=submit]")
	if got := b.Text(".app-error-summary"); !strings.Contains(got, "cannot be in the future") {
		t.Errorf("a withdrawal in the future: summary %q", got)
	}
	b.Shots("withdrawal-error")
	b.Fill("#withdrawn_on-year", fmt.Sprint(site.DB.Now().Year()))
	b.Submit("main form button[type=submit]")
	if got := b.Text("#notification"); !strings.Contains(got, "Objection withdrawn") {
		t.Fatalf("after withdrawing: banner %q\n%s", got, b.Text("main"))
	}
	if b.Exists("#objection") {
		t.Error("the timeline still shows the objection as standing")
	}
	if got := b.Text("#withdrawals"); !strings.Contains(got, "Objected on") || !strings.Contains(got, "withdrawn on") {
		t.Errorf("the objection withdrawn is not kept on the timeline: %q", got)
	}
	if strings.Contains(b.Text("main"), "Nothing is due while the objection stands") {
		t.Error("nothing is due after the withdrawal")
	}
	b.Shots("withdrawn")
}
