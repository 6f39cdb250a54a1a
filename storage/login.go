package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
)

// LoginLimits bound failed logins within Window: per email, against
// guessing one account's password, and per client address, against
// trying many accounts. The address limit is higher because a borough's
// staff may share one office address.
type LoginLimits struct {
	Window   time.Duration
	PerEmail int
	PerAddr  int
}

// DefaultLoginLimits allows 10 failures per email or 100 per address in
// 15 minutes.
func DefaultLoginLimits() LoginLimits {
	return LoginLimits{Window: 15 * time.Minute, PerEmail: 10, PerAddr: 100}
}

type loginFailureRow struct {
	ID      int64 `gorm:"primaryKey"`
	KeyHash string
	At      int64
}

func (loginFailureRow) TableName() string { return "login_failures" }

var (
	errBadLogin = ateval.Errorf(ateval.EUNAUTHORIZED, "The email address or password is not right.")
	errTooMany  = ateval.Errorf(ateval.ERATELIMITED, "There have been too many failed attempts to sign in. Wait 15 minutes and try again.")
)

// Authenticate checks an email and password and returns the account. The
// client address comes from ctx (ateval.NewContextWithClient). Failures
// are counted in the database, and once an email or address has too many
// in the window every attempt is refused with ERATELIMITED, right or not,
// until the window passes. Every success and failure is audited; a
// failure for an unknown email records no email, since what was typed may
// be anything, even a password.
func (db *DB) Authenticate(ctx context.Context, email, password string, lim LoginLimits) (_ *ateval.User, err error) {
	defer ateval.Wrap(&err, "Authenticate")
	email = ateval.NormalizeEmail(email)
	addr := ateval.ClientFromContext(ctx)
	emailKey, addrKey := hashToken("email:"+email), hashToken("addr:"+addr)
	g := db.gorm.WithContext(ctx)
	now := db.Now().Unix()
	since := now - int64(lim.Window/time.Second)

	// The attempt is recorded, and committed, before the password is
	// checked; then the attempts in the window are counted, this one
	// included. Concurrent attempts each see every attempt committed before
	// their count, so however many arrive at once, at most the limit of
	// them go on to a password check.
	attempt := []loginFailureRow{{KeyHash: emailKey, At: now}, {KeyHash: addrKey, At: now}}
	if err := g.Create(&attempt).Error; err != nil {
		return nil, err
	}
	for _, k := range []struct {
		key   string
		limit int
	}{{emailKey, lim.PerEmail}, {addrKey, lim.PerAddr}} {
		var n int64
		if err := g.Model(&loginFailureRow{}).Where("key_hash = ? AND at > ?", k.key, since).Count(&n).Error; err != nil {
			return nil, err
		}
		if n > int64(k.limit) {
			return nil, errTooMany
		}
	}
	var row userRow
	err = g.Where("email = ? AND NOT disabled", email).Take(&row).Error
	found := err == nil
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	hash := row.PasswordHash
	if !found {
		hash = dummyHash
	}
	match, err := db.checkPasswordBounded(ctx, hash, password)
	if err != nil {
		return nil, err
	}
	ok := match && found
	err = db.InTx(ctx, func(tx *Tx) error {
		if !ok {
			// The attempt's rows stay: they are the failure.
			if err := tx.g.Where("at <= ?", since).Delete(&loginFailureRow{}).Error; err != nil {
				return err
			}
			e := ateval.AuditEntry{Action: ateval.ActionLoginFailed}
			if found {
				e.UserID, e.UserEmail = row.ID, row.Email
			} else {
				e.UserEmail = "-"
			}
			return db.audit(ctx, tx.g, e)
		}
		// A success clears the account's failures, and its own attempt
		// does not count against the address.
		if err := tx.g.Where("key_hash = ? OR id = ?", emailKey, attempt[1].ID).Delete(&loginFailureRow{}).Error; err != nil {
			return err
		}
		u := row.domain()
		return db.audit(ctx, tx.g, ateval.AuditEntry{UserID: u.ID, UserEmail: u.Email, Action: ateval.ActionLogin, BoroughID: u.BoroughID})
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errBadLogin
	}
	return row.domain(), nil
}

var errBusy = ateval.Errorf(ateval.ERATELIMITED, "Many people are signing in at once. Wait a moment and try again.")

// checkPasswordBounded checks a password while holding one of a bounded
// number of slots: each argon2id check takes 19 MiB, so unbounded
// concurrent sign-ins could take the server's memory. A request that
// cannot get a slot within a few seconds is refused as busy.
func (db *DB) checkPasswordBounded(ctx context.Context, hash, password string) (bool, error) {
	t := time.NewTimer(db.passwordWait)
	defer t.Stop()
	select {
	case db.passwordSlots <- struct{}{}:
		defer func() { <-db.passwordSlots }()
		return checkPassword(hash, password), nil
	case <-t.C:
		return false, errBusy
	case <-ctx.Done():
		return false, ctx.Err()
	}
}
