package browsertest

import (
	"strings"
	"testing"

	"github.com/ateval/ateval/storage"
)

// TestDueListNames is issue 17's done-when for names on the due list, on
// the committed sample: each visit names the resident with their
// reference, on the page and on its print layout, for the borough's
// practitioner and lead; another borough's due list names none of them.
func TestDueListNames(t *testing.T) {
	site := Start(t, Options{Sample: true})
	b := site.NewBrowser(t)
	b.Login("practitioner.camden@demo.ateval")
	b.Visit("/due")
	first := b.Text(".app-visit td[data-label=Resident]")
	words := strings.Fields(first)
	ref := words[len(words)-1]
	if !strings.HasPrefix(ref, "CAM-") {
		t.Fatalf("the first visit's resident cell: %q", first)
	}
	tl := site.FindResident(t, ref, func(storage.Timeline) bool { return true })
	name := tl.Identity.GivenName + " " + tl.Identity.FamilyName
	if tl.Identity.GivenName == "" || !strings.HasPrefix(first, name) {
		t.Errorf("the first visit shows %q; want %s's name, %q, above the reference", first, ref, name)
	}
	if got := b.Text(".app-visit td[data-label=Resident] a"); got != name {
		t.Errorf("the link to the record reads %q, want the name %q", got, name)
	}
	if label := b.Text(".app-visit .app-inline-list a"); !strings.Contains(label, "for "+name+", "+ref) {
		t.Errorf("the first questionnaire's link says %q; want it to name %s", label, name)
	}
	b.Shots("due-names")
	b.Submit(`a[href$="all=1"]`)
	rows := b.Text("main table")
	if !strings.Contains(rows, name) || !strings.Contains(rows, ref) {
		t.Errorf("the print layout lacks %q (%s)", name, ref)
	}
	if pages := b.PrintShot("due-names"); pages < 1 {
		t.Errorf("the due list prints on %d pages", pages)
	}

	lead := site.NewBrowser(t)
	lead.Login("lead.camden@demo.ateval")
	lead.Visit("/due")
	if got := lead.Text(".app-visit td[data-label=Resident]"); got != first {
		t.Errorf("Camden's lead sees %q first, the practitioner %q", got, first)
	}
	other := site.NewBrowser(t)
	other.Login("practitioner.sutton@demo.ateval")
	other.Visit("/due")
	if got := other.Text("main"); strings.Contains(got, name) || strings.Contains(got, "CAM-") {
		t.Errorf("Sutton's due list shows Camden's resident %s", ref)
	}
}
