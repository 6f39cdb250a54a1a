package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
)

// SessionKind says how a session's token travels.
type SessionKind string

const (
	// CookieSession is a browser's: an HttpOnly cookie, with a CSRF token
	// that every form posts back.
	CookieSession SessionKind = "cookie"
	// BearerSession is a script's: an Authorization: Bearer header, which a
	// browser never sends by itself, so it needs no CSRF token.
	BearerSession SessionKind = "bearer"
)

// Session is a signed-in user's session. The token itself is given once,
// by CreateSession, and never stored.
type Session struct {
	User      *ateval.User
	Kind      SessionKind
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

type sessionRow struct {
	TokenHash  string `gorm:"primaryKey"`
	UserID     int64
	Kind       string
	CSRFToken  string `gorm:"column:csrf_token"`
	CreatedAt  int64  `gorm:"autoCreateTime:false"`
	LastSeenAt int64
	ExpiresAt  int64
}

func (sessionRow) TableName() string { return "sessions" }

// SessionTimeouts bound a session: it ends Idle after its last use, and
// Absolute after it began, whichever comes first.
type SessionTimeouts struct {
	Idle     time.Duration
	Absolute time.Duration
}

// randomToken returns 32 random bytes, URL-safe base64.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateSession begins a session for the user and returns its token, to
// be handed to the client once.
func (db *DB) CreateSession(ctx context.Context, userID int64, kind SessionKind, to SessionTimeouts) (token string, s Session, err error) {
	defer ateval.Wrap(&err, "CreateSession")
	if token, err = randomToken(); err != nil {
		return "", s, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", s, err
	}
	now := db.store.Now()
	row := sessionRow{TokenHash: hashToken(token), UserID: userID, Kind: string(kind), CSRFToken: csrf,
		CreatedAt: now.Unix(), LastSeenAt: now.Unix(), ExpiresAt: now.Add(to.Absolute).Unix()}
	// Ended sessions are swept as new ones begin, so the table stays small
	// without a background job.
	err = db.store.InTx(ctx, func(tx *storage.Tx) error {
		if err := tx.Gorm().Where("expires_at <= ?", now.Unix()).Delete(&sessionRow{}).Error; err != nil {
			return err
		}
		return tx.Gorm().Create(&row).Error
	})
	if err != nil {
		return "", s, err
	}
	u, err := db.UserByID(ctx, userID)
	if err != nil {
		return "", s, err
	}
	return token, Session{User: u, Kind: kind, CSRFToken: csrf, CreatedAt: time.Unix(row.CreatedAt, 0), ExpiresAt: time.Unix(row.ExpiresAt, 0)}, nil
}

var errSessionEnded = ateval.Errorf(ateval.EUNAUTHORIZED, "Your session has ended. Sign in again.")

// SessionByToken returns the live session of the kind whose token is
// given, and records its use. A token unknown, of the other kind, past its
// absolute expiry or idle too long is EUNAUTHORIZED.
func (db *DB) SessionByToken(ctx context.Context, token string, kind SessionKind, to SessionTimeouts) (_ Session, err error) {
	if token == "" || len(token) > 200 {
		return Session{}, errSessionEnded
	}
	g := db.store.Gorm(ctx)
	var row sessionRow
	err = g.Where("token_hash = ? AND kind = ?", hashToken(token), string(kind)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Session{}, errSessionEnded
	} else if err != nil {
		return Session{}, err
	}
	now := db.store.Now().Unix()
	if now >= row.ExpiresAt || now >= row.LastSeenAt+int64(to.Idle/time.Second) {
		// Swept now if the database is free, else with the ended ones later.
		db.store.ExecNoWait(ctx, "DELETE FROM sessions WHERE token_hash = ?", row.TokenHash)
		return Session{}, errSessionEnded
	}
	// Record use at most once a minute: a page with many requests should
	// not write on each. It is bookkeeping: if the database is busy (an
	// import holds its write lock) the request goes on, and a later one
	// records the use.
	if now-row.LastSeenAt >= 60 {
		err := db.store.ExecNoWait(ctx, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", now, row.TokenHash)
		if err != nil && ateval.ErrorCode(err) != ateval.EUNAVAILABLE {
			return Session{}, err
		}
	}
	u, err := db.UserByID(ctx, row.UserID)
	if ateval.ErrorCode(err) == ateval.ENOTFOUND {
		return Session{}, errSessionEnded
	} else if err != nil {
		return Session{}, err
	}
	return Session{User: u, Kind: kind, CSRFToken: row.CSRFToken, CreatedAt: time.Unix(row.CreatedAt, 0), ExpiresAt: time.Unix(row.ExpiresAt, 0)}, nil
}

// EndSession ends the session whose token is given (signing out), and
// records it for the acting user.
func (db *DB) EndSession(ctx context.Context, token string) error {
	return db.store.InTx(ctx, func(tx *storage.Tx) error {
		res := tx.Gorm().Where("token_hash = ?", hashToken(token)).Delete(&sessionRow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return nil
		}
		return tx.Audit(ateval.AuditEntry{Action: ateval.ActionLogout})
	})
}
