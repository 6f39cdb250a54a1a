package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval/storage"
)

// TestEveryPageReflows opens every page of every role on the committed
// sample, saves it at 1280 and 390 pixels wide, and fails if any scrolls
// sideways at 1280, 390 or 320 (Shots). The header of each names the
// user's role and borough and gives the role's destinations.
func TestEveryPageReflows(t *testing.T) {
	site := Start(t, Options{Sample: true})
	anon := site.NewBrowser(t)
	for _, p := range []struct{ name, path string }{{"home", "/"}, {"login", "/login"}, {"not-found", "/no-such-page"}} {
		anon.Visit(p.path)
		anon.Shots("anonymous-" + p.name)
	}
	tl := site.FindResident(t, "CAM-", func(tl storage.Timeline) bool { return len(tl.DeviceIssues) > 0 && len(tl.Assessments) > 0 })
	resident := fmt.Sprintf("/residents/%d", tl.Resident.ID)
	for _, role := range []struct {
		email string
		nav   []string
		pages []struct{ name, path string }
	}{
		{"practitioner.camden@demo.ateval", []string{"Residents", "Due", "Devices"}, []struct{ name, path string }{
			{"residents", "/residents"}, {"register", "/residents/new"}, {"edit", resident + "/edit"},
			{"issue", resident + "/device-issues/new"}, {"device-issue", fmt.Sprintf("/device-issues/%d", tl.DeviceIssues[0].ID)},
			{"choose-assessment", resident + "/assessments/new"}, {"assessment-form", resident + "/assessments/new?instrument=eq5d5l&timepoint=m12"},
			{"devices", "/devices"}}},
		{"lead.camden@demo.ateval", []string{"Residents", "Due", "Reports", "Data quality"}, []struct{ name, path string }{
			{"residents", "/residents"}, {"reports", "/reports"}}},
		{"commissioner@demo.ateval", []string{"Reports", "Devices"}, []struct{ name, path string }{{"reports", "/reports"}, {"devices", "/devices"}}},
		{"evaluator@demo.ateval", []string{"Exports", "Reports", "Devices"}, []struct{ name, path string }{{"exports", "/exports"}}},
		{"admin@demo.ateval", []string{"Users", "Agreements", "Randomised trials", "Audit log", "Devices"}, []struct{ name, path string }{
			{"users", "/admin/users"}, {"user", "/admin/users/1"}, {"agreements", "/admin/agreements"},
			{"register-agreement", "/admin/agreements/new"}, {"trials", "/admin/trials"}, {"audit", "/admin/audit"}, {"devices", "/devices"}}},
	} {
		b := site.NewBrowser(t)
		b.Login(role.email)
		who, _, _ := strings.Cut(role.email, "@")
		for _, p := range role.pages {
			b.Visit(p.path)
			deadline := time.Now().Add(time.Minute)
			// The report page refreshes itself while it builds: wait for a
			// page that is loaded (its navigation there) and not building,
			// so that no reload falls between the check and the reading.
			for (b.Exists(".app-report-building") || !b.Exists(".app-service-nav")) && time.Now().Before(deadline) {
				time.Sleep(500 * time.Millisecond)
			}
			if got := b.Text(".app-service-nav"); got != strings.Join(role.nav, " ") {
				t.Errorf("%s on %s: navigation %q, want %q", role.email, p.path, got, strings.Join(role.nav, " "))
			}
			if strings.HasPrefix(who, "practitioner") || strings.HasPrefix(who, "lead") {
				if got := b.Text(".app-header__role"); !strings.HasSuffix(got, ", Camden") {
					t.Errorf("%s: the header says %q, not the borough", role.email, got)
				}
			}
			b.Shots(who + "-" + p.name)
		}
	}
}
