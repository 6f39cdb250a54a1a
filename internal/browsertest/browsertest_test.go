package browsertest

import (
	"strings"
	"testing"
)

// TestSignIn checks the harness itself: a practitioner signs in with the
// keyboard-typed form and lands on their borough's residents, and a wrong
// password shows the error summary.
func TestSignIn(t *testing.T) {
	site := Start(t, Options{})
	b := site.NewBrowser(t)
	b.Visit("/login")
	b.Fill("#email", "practitioner.camden@demo.ateval")
	b.Fill("#password", "not the password")
	b.Submit("main form button[type=submit]")
	if got := b.Text(".app-error-summary"); !strings.Contains(got, "There is a problem") {
		t.Errorf("wrong password: error summary %q", got)
	}
	b.Login("practitioner.camden@demo.ateval")
	if got, want := b.Path(), "/residents"; got != want {
		t.Errorf("landed on %q, want %q", got, want)
	}
	main := b.Text("main")
	for _, want := range []string{"CAM-0001", "CAM-0003"} {
		if !strings.Contains(main, want) {
			t.Errorf("residents page lacks %s: %q", want, main)
		}
	}
	if strings.Contains(main, "SUT-0001") {
		t.Error("a Camden practitioner sees a Sutton resident")
	}
	if !b.Exists("header .app-header__user") {
		t.Error("no signed-in user in the header")
	}
	b.Screenshot("residents")
}
