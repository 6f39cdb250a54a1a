package auth_test

import (
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestAccounts: an administrator adds a user, who sets their password by
// the one-time link (once), has their role and borough changed, and is
// disabled (their sessions end); none of it is open to other roles, and
// all of it is audited.
func TestAccounts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		camden, sutton := twoBoroughs(t, db)
		admin := as(addUser(t, db, "admin@example.org", ateval.RoleAdmin, 0))
		prac := as(addUser(t, db, "prac@camden.example", ateval.RolePractitioner, camden.ID))
		u := ateval.User{Email: " New@Camden.example ", Role: ateval.RolePractitioner, BoroughID: camden.ID}
		if _, _, err := auth.New(db).AddUser(prac, &u); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("a practitioner adds a user: %v", err)
		}
		token, expires, err := auth.New(db).AddUser(admin, &u)
		if d := expires.Sub(db.Now()) - auth.PasswordResetLife; err != nil || token == "" || d > 0 || d < -time.Minute {
			t.Fatalf("adding: %q %v %v", token, expires, err)
		}
		if _, err := auth.New(db).Authenticate(sys, "new@camden.example", token, auth.DefaultLoginLimits()); err == nil {
			t.Error("the link's token signs in as a password")
		}
		if email, err := auth.New(db).PasswordResetUser(sys, token); err != nil || email != "new@camden.example" {
			t.Errorf("whose link: %q %v", email, err)
		}
		if err := auth.New(db).ResetPassword(sys, token, "short"); ateval.ErrorCode(err) != ateval.EINVALID {
			t.Errorf("a short password: %v", err)
		}
		const pw = "a long enough password"
		if err := auth.New(db).ResetPassword(sys, token, pw); err != nil {
			t.Fatal(err)
		}
		if err := auth.New(db).ResetPassword(sys, token, pw+"!"); ateval.ErrorCode(err) != ateval.ENOTFOUND {
			t.Errorf("the link used twice: %v", err)
		}
		if _, err := auth.New(db).Authenticate(sys, "new@camden.example", pw, auth.DefaultLoginLimits()); err != nil {
			t.Errorf("signing in with the password set: %v", err)
		}
		// A newer link retires an older one, and links expire.
		old, _, _ := auth.New(db).IssuePasswordReset(admin, u.ID)
		newer, _, _ := auth.New(db).IssuePasswordReset(admin, u.ID)
		if _, err := auth.New(db).PasswordResetUser(sys, old); ateval.ErrorCode(err) != ateval.ENOTFOUND {
			t.Errorf("an older link still works: %v", err)
		}
		db.Now = func() time.Time { return time.Now().Add(auth.PasswordResetLife + time.Minute) }
		if err := auth.New(db).ResetPassword(sys, newer, pw); ateval.ErrorCode(err) != ateval.ENOTFOUND {
			t.Errorf("an expired link: %v", err)
		}
		db.Now = time.Now

		if err := auth.New(db).ChangeUser(admin, u.ID, ateval.RoleBoroughLead, 0); ateval.ErrorCode(err) != ateval.EINVALID {
			t.Errorf("a borough lead with no borough: %v", err)
		}
		if err := auth.New(db).ChangeUser(admin, u.ID, ateval.RoleBoroughLead, sutton.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := auth.New(db).Account(admin, u.ID); err != nil || got.Role != ateval.RoleBoroughLead || got.BoroughID != sutton.ID {
			t.Errorf("after the change: %+v %v", got, err)
		}
		if err := auth.New(db).ChangeUser(admin, ateval.UserFromContext(admin).ID, ateval.RoleEvaluator, 0); ateval.ErrorCode(err) != ateval.ECONFLICT {
			t.Errorf("an administrator changes their own role: %v", err)
		}
		tok, _, err := auth.New(db).CreateSession(sys, u.ID, auth.CookieSession, auth.SessionTimeouts{Idle: time.Hour, Absolute: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if err := auth.New(db).SetUserDisabled(admin, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.New(db).SessionByToken(sys, tok, auth.CookieSession, auth.SessionTimeouts{Idle: time.Hour, Absolute: time.Hour}); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
			t.Errorf("a disabled user's session lives on: %v", err)
		}
		if _, err := auth.New(db).Authenticate(sys, "new@camden.example", pw, auth.DefaultLoginLimits()); err == nil {
			t.Error("a disabled user signs in")
		}
		if _, _, err := auth.New(db).IssuePasswordReset(admin, u.ID); ateval.ErrorCode(err) != ateval.ECONFLICT {
			t.Errorf("a link for a disabled account: %v", err)
		}
		if err := auth.New(db).SetUserDisabled(admin, ateval.UserFromContext(admin).ID, true); ateval.ErrorCode(err) != ateval.ECONFLICT {
			t.Errorf("an administrator disables themselves: %v", err)
		}
		if err := auth.New(db).SetUserDisabled(admin, u.ID, false); err != nil {
			t.Fatal(err)
		}
		accounts, err := auth.New(db).Accounts(admin)
		if err != nil || len(accounts) != 3 {
			t.Errorf("accounts: %d %v", len(accounts), err)
		}
		if _, err := auth.New(db).Accounts(prac); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("a practitioner lists accounts: %v", err)
		}
		acts := auditActions(t, db)
		for _, a := range []string{ateval.ActionCreateUser, ateval.ActionIssuePasswordReset, ateval.ActionResetPassword, ateval.ActionUpdateUser, ateval.ActionDisableUser, ateval.ActionEnableUser} {
			if acts[a] == 0 {
				t.Errorf("%s not audited: %v", a, acts)
			}
		}
	})
}
