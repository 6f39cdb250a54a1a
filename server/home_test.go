package server

import (
	"strings"
	"testing"

	"github.com/ateval/ateval/storage/auth"
)

// TestHomeShowsCountsOnlyToStaff: a visitor who is not signed in sees the
// boroughs taking part and a way to sign in, but no counts.
func TestHomeShowsCountsOnlyToStaff(t *testing.T) {
	w := newWorld(t)
	anon := w.do(request{path: "/"}).Body.String()
	if strings.Contains(anon, "What this database holds") || !strings.Contains(anon, `href="/login"`) || !strings.Contains(anon, "Camden") {
		t.Errorf("signed-out home page shows counts or lacks the sign-in link and boroughs:\n%s", anon)
	}
	tok, _ := w.session("commissioner", auth.CookieSession)
	staff := w.do(request{path: "/", cookie: tok}).Body.String()
	if !strings.Contains(staff, "What this database holds") || !strings.Contains(staff, `href="/reports"`) {
		t.Errorf("signed-in home page lacks the counts or the way to the user's work")
	}
}
