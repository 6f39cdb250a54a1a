package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
)

// Account is a user as the administrator's pages list them: the user,
// whether they are disabled, and when the account was made.
type Account struct {
	ateval.User
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

// adminOnly refuses anyone but an administrator or the command-line
// operator to manage accounts.
func adminOnly(ctx context.Context) error {
	return storage.AdminOnly(ctx, "Only administrators may manage users.")
}

var errUserNotFound = ateval.Errorf(ateval.ENOTFOUND, "There is no user with this id.")

func (r *userRow) account() Account {
	return Account{User: *r.domain(), Disabled: r.Disabled, CreatedAt: time.Unix(r.CreatedAt, 0)}
}

// Accounts lists every account, by email, for an administrator.
func (db *DB) Accounts(ctx context.Context) (_ []Account, err error) {
	defer ateval.Wrap(&err, "Accounts")
	defer db.store.Denied(ctx, &err, "list_users", ateval.AuditEntry{})
	if err := adminOnly(ctx); err != nil {
		return nil, err
	}
	var rows []userRow
	if err := db.store.Gorm(ctx).Order("email").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Account, len(rows))
	for i := range rows {
		out[i] = rows[i].account()
	}
	return out, nil
}

// Account returns one account, disabled or not, for an administrator.
func (db *DB) Account(ctx context.Context, id int64) (_ Account, err error) {
	defer ateval.Wrap(&err, "Account(%d)", id)
	defer db.store.Denied(ctx, &err, "read_user", ateval.AuditEntry{ObjectType: "user", ObjectID: id})
	if err := adminOnly(ctx); err != nil {
		return Account{}, err
	}
	var row userRow
	if err := db.store.Gorm(ctx).Where("id = ?", id).Take(&row).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return Account{}, errUserNotFound
	} else if err != nil {
		return Account{}, err
	}
	return row.account(), nil
}

// checkBorough refuses a borough id that names no borough.
func checkBorough(tx *storage.Tx, id int64) error {
	if id == 0 {
		return nil
	}
	var n int64
	if err := tx.Gorm().Table("boroughs").Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return ateval.Invalid("The user is not valid.", []ateval.FieldError{{Field: "borough", Message: "is not a borough taking part"}})
	}
	return nil
}

// ChangeUser sets an account's role and borough (ateval.User.Validate:
// practitioners and borough leads have one, no one else does), for an
// administrator, who may not change their own. It takes effect at the
// user's next request: sessions read the account afresh each time.
// Audited (update_user) with the old and new role and borough ids.
func (db *DB) ChangeUser(ctx context.Context, id int64, role ateval.Role, borough int64) (err error) {
	defer ateval.Wrap(&err, "ChangeUser(%d)", id)
	defer db.store.Denied(ctx, &err, ateval.ActionUpdateUser, ateval.AuditEntry{ObjectType: "user", ObjectID: id})
	if err := adminOnly(ctx); err != nil {
		return err
	}
	if u := ateval.UserFromContext(ctx); u.ID == id {
		return ateval.Errorf(ateval.ECONFLICT, "You cannot change your own role or borough: ask another administrator.")
	}
	return db.store.InTx(ctx, func(tx *storage.Tx) error {
		var row userRow
		if err := tx.Gorm().Where("id = ?", id).Take(&row).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return errUserNotFound
		} else if err != nil {
			return err
		}
		next := ateval.User{Email: row.Email, Role: role, BoroughID: borough}
		if err := next.Validate(); err != nil {
			return err
		}
		if err := checkBorough(tx, borough); err != nil {
			return err
		}
		before := row.domain()
		if before.Role == role && before.BoroughID == borough {
			return nil
		}
		if err := tx.Gorm().Model(&userRow{}).Where("id = ?", id).Updates(map[string]any{"role": string(role), "borough_id": storage.NullID(borough)}).Error; err != nil {
			return err
		}
		detail := fmt.Sprintf("role %s to %s, borough %d to %d", before.Role, role, before.BoroughID, borough)
		return tx.Audit(ateval.AuditEntry{Action: ateval.ActionUpdateUser, ObjectType: "user", ObjectID: id, BoroughID: borough, Detail: detail})
	})
}

// SetUserDisabled disables an account (its sessions end, it cannot sign
// in, and it cannot be named as a device's issuer) or enables it again,
// for an administrator, who may not disable themselves. Audited
// (disable_user, enable_user).
func (db *DB) SetUserDisabled(ctx context.Context, id int64, disabled bool) (err error) {
	action := ateval.ActionEnableUser
	if disabled {
		action = ateval.ActionDisableUser
	}
	defer ateval.Wrap(&err, "SetUserDisabled(%d)", id)
	defer db.store.Denied(ctx, &err, action, ateval.AuditEntry{ObjectType: "user", ObjectID: id})
	if err := adminOnly(ctx); err != nil {
		return err
	}
	if u := ateval.UserFromContext(ctx); u.ID == id && disabled {
		return ateval.Errorf(ateval.ECONFLICT, "You cannot disable your own account: ask another administrator.")
	}
	return db.store.InTx(ctx, func(tx *storage.Tx) error {
		res := tx.Gorm().Model(&userRow{}).Where("id = ?", id).Update("disabled", disabled)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errUserNotFound
		}
		if disabled {
			if err := tx.Gorm().Where("user_id = ?", id).Delete(&sessionRow{}).Error; err != nil {
				return err
			}
			if err := tx.Gorm().Where("user_id = ? AND used_at IS NULL", id).Delete(&passwordResetRow{}).Error; err != nil {
				return err
			}
		}
		return tx.Audit(ateval.AuditEntry{Action: action, ObjectType: "user", ObjectID: id})
	})
}

// AddUser adds an account, for an administrator, with no password it
// could be signed in with, and returns a one-time link token for its user
// to set one (IssuePasswordReset): no one but them ever knows it. Audited
// (create_user, issue_password_reset).
func (db *DB) AddUser(ctx context.Context, u *ateval.User) (token string, expires time.Time, err error) {
	unusable, err := randomToken()
	if err != nil {
		return "", time.Time{}, err
	}
	if err := db.CreateUser(ctx, u, unusable+"-never-told"); err != nil {
		return "", time.Time{}, err
	}
	return db.IssuePasswordReset(ctx, u.ID)
}

type passwordResetRow struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    int64
	CreatedAt int64 `gorm:"autoCreateTime:false"`
	ExpiresAt int64
	UsedAt    *int64
}

func (passwordResetRow) TableName() string { return "password_resets" }

// PasswordResetLife is how long a link to set a password works: long
// enough to reach a new colleague through another channel, short enough
// that a link found later is dead.
const PasswordResetLife = 72 * time.Hour

// IssuePasswordReset makes a one-time link token for an account to set
// its password with, for an administrator, and returns it, to be shown
// once: only its SHA-256 is kept. Earlier links of the account stop
// working. Audited (issue_password_reset), never with the token.
func (db *DB) IssuePasswordReset(ctx context.Context, id int64) (token string, expires time.Time, err error) {
	defer ateval.Wrap(&err, "IssuePasswordReset(%d)", id)
	defer db.store.Denied(ctx, &err, ateval.ActionIssuePasswordReset, ateval.AuditEntry{ObjectType: "user", ObjectID: id})
	if err := adminOnly(ctx); err != nil {
		return "", time.Time{}, err
	}
	if token, err = randomToken(); err != nil {
		return "", time.Time{}, err
	}
	now := db.store.Now()
	expires = now.Add(PasswordResetLife)
	err = db.store.InTx(ctx, func(tx *storage.Tx) error {
		var row userRow
		if err := tx.Gorm().Where("id = ?", id).Take(&row).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return errUserNotFound
		} else if err != nil {
			return err
		}
		if row.Disabled {
			return ateval.Errorf(ateval.ECONFLICT, "This account is disabled: enable it before giving it a link to set its password.")
		}
		if err := tx.Gorm().Where("user_id = ? AND used_at IS NULL", id).Delete(&passwordResetRow{}).Error; err != nil {
			return err
		}
		if err := tx.Gorm().Create(&passwordResetRow{TokenHash: hashToken(token), UserID: id, CreatedAt: now.Unix(), ExpiresAt: expires.Unix()}).Error; err != nil {
			return err
		}
		return tx.Audit(ateval.AuditEntry{Action: ateval.ActionIssuePasswordReset, ObjectType: "user", ObjectID: id})
	})
	return token, expires, err
}

var errResetLink = ateval.Errorf(ateval.ENOTFOUND, "This link to set a password does not work: it has been used, has expired, or was replaced by a newer one. Ask your administrator for a new link.")

// PasswordResetUser returns the email of the account a live link token
// sets the password of, so that the page can say whose it is; a token
// used, expired or unknown is ENOTFOUND.
func (db *DB) PasswordResetUser(ctx context.Context, token string) (string, error) {
	row, err := db.liveReset(db.store.Gorm(ctx), token)
	if err != nil {
		return "", err
	}
	var u userRow
	if err := db.store.Gorm(ctx).Where("id = ? AND NOT disabled", row.UserID).Take(&u).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return "", errResetLink
	} else if err != nil {
		return "", err
	}
	return u.Email, nil
}

func (db *DB) liveReset(g *gorm.DB, token string) (passwordResetRow, error) {
	var row passwordResetRow
	if token == "" || len(token) > 200 {
		return row, errResetLink
	}
	err := g.Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", hashToken(token), db.store.Now().Unix()).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, errResetLink
	}
	return row, err
}

// ResetPassword sets the password of the account a live link token was
// made for (ateval.ValidatePassword), once: the link is spent, the
// account's sessions end, and the change is audited (reset_password), as
// the account itself.
func (db *DB) ResetPassword(ctx context.Context, token, password string) (err error) {
	defer ateval.Wrap(&err, "ResetPassword")
	if err := ateval.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	return db.store.InTx(ctx, func(tx *storage.Tx) error {
		row, err := db.liveReset(tx.Gorm(), token)
		if err != nil {
			return err
		}
		var u userRow
		if err := tx.Gorm().Where("id = ? AND NOT disabled", row.UserID).Take(&u).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return errResetLink
		} else if err != nil {
			return err
		}
		now := db.store.Now().Unix()
		res := tx.Gorm().Model(&passwordResetRow{}).Where("token_hash = ? AND used_at IS NULL", row.TokenHash).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errResetLink // used meanwhile
		}
		if err := tx.Gorm().Model(&userRow{}).Where("id = ?", u.ID).Update("password_hash", hash).Error; err != nil {
			return err
		}
		if err := tx.Gorm().Where("user_id = ?", u.ID).Delete(&sessionRow{}).Error; err != nil {
			return err
		}
		return tx.Audit(ateval.AuditEntry{Action: ateval.ActionResetPassword, UserID: u.ID, UserEmail: u.Email,
			ObjectType: "user", ObjectID: u.ID})
	})
}
