package storage

import "github.com/ateval/ateval"

// userRow is the register's view of an account: the staff of a borough
// and the evaluators named on an agreement. Accounts are made, changed and
// signed in to by package storage/auth, which keeps its own row of the
// users table with the password hash; the register only reads who they
// are.
type userRow struct {
	ID        int64 `gorm:"primaryKey"`
	Email     string
	Role      string
	BoroughID *int64
	Disabled  bool
}

func (userRow) TableName() string { return "users" }

func (r *userRow) domain() *ateval.User {
	u := &ateval.User{ID: r.ID, Email: r.Email, Role: ateval.Role(r.Role)}
	if r.BoroughID != nil {
		u.BoroughID = *r.BoroughID
	}
	return u
}
