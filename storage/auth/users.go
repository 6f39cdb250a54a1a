package auth

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
)

type userRow struct {
	ID           int64 `gorm:"primaryKey"`
	Email        string
	Role         string
	BoroughID    *int64
	PasswordHash string
	CreatedAt    int64 `gorm:"autoCreateTime:false"`
	Disabled     bool
}

func (userRow) TableName() string { return "users" }

func (r *userRow) domain() *ateval.User {
	u := &ateval.User{ID: r.ID, Email: r.Email, Role: ateval.Role(r.Role)}
	if r.BoroughID != nil {
		u.BoroughID = *r.BoroughID
	}
	return u
}

// CreateUser stores a new account with the password's argon2id hash and
// sets u.ID. Only an administrator or the command-line operator may. The
// password policy (ateval.ValidatePassword) is the caller's to apply, so
// that the demo can give its accounts a short, published password.
func (db *DB) CreateUser(ctx context.Context, u *ateval.User, password string) (err error) {
	defer ateval.Wrap(&err, "CreateUser")
	defer db.store.Denied(ctx, &err, ateval.ActionCreateUser, ateval.AuditEntry{})
	actor := ateval.UserFromContext(ctx)
	if actor == nil {
		return storage.ErrSignIn
	}
	if actor.Role != ateval.RoleAdmin && !actor.IsSystem() {
		return ateval.Errorf(ateval.EFORBIDDEN, "Only administrators may add users.")
	}
	u.Email = ateval.NormalizeEmail(u.Email)
	if err := u.Validate(); err != nil {
		return err
	}
	if password == "" {
		return ateval.Invalid("The user is not valid.", []ateval.FieldError{{Field: "password", Message: "is required"}})
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	return db.store.InTx(ctx, func(tx *storage.Tx) error {
		row := userRow{Email: u.Email, Role: string(u.Role), PasswordHash: hash, CreatedAt: db.store.Now().Unix()}
		if u.BoroughID != 0 {
			var n int64
			if err := tx.Gorm().Table("boroughs").Where("id = ?", u.BoroughID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return ateval.Invalid("The user is not valid.", []ateval.FieldError{{Field: "borough", Message: "is not a borough taking part"}})
			}
			row.BoroughID = &u.BoroughID
		}
		if err := tx.Gorm().Create(&row).Error; err != nil {
			return storage.Translate(err, "a user with this email")
		}
		u.ID = row.ID
		return tx.Audit(ateval.AuditEntry{Action: ateval.ActionCreateUser, ObjectType: "user", ObjectID: row.ID, BoroughID: u.BoroughID, Detail: string(u.Role)})
	})
}

// UserByID returns the account with the id, for the server's session
// lookups and the administrator's pages.
func (db *DB) UserByID(ctx context.Context, id int64) (*ateval.User, error) {
	var row userRow
	err := db.store.Gorm(ctx).Where("id = ? AND NOT disabled", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ateval.Errorf(ateval.ENOTFOUND, "user not found")
	} else if err != nil {
		return nil, err
	}
	return row.domain(), nil
}
