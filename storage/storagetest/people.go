package storagetest

import (
	"context"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
)

// As is a request of u's from a fixed client address, as the audit log
// records it.
func As(u *ateval.User) context.Context {
	return ateval.NewContextWithClient(ateval.NewContextWithUser(context.Background(), u), "192.0.2.1")
}

// AddUser stores an account with the password "correct horse battery", as
// the command-line operator would, and returns it with its ID.
func AddUser(t testing.TB, db *storage.DB, email string, role ateval.Role, borough int64) *ateval.User {
	t.Helper()
	u := &ateval.User{Email: email, Role: role, BoroughID: borough}
	if err := auth.New(db).CreateUser(ateval.SystemContext(context.Background()), u, "correct horse battery"); err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

// AuditActions counts the audit log's entries (up to 1000) by action.
func AuditActions(t testing.TB, db *storage.DB) map[string]int {
	t.Helper()
	es, _, err := db.AuditLog(ateval.SystemContext(context.Background()), storage.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range es {
		out[e.Action]++
	}
	return out
}
