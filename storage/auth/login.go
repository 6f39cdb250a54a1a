package auth

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
)

// LoginLimits bound failed sign-ins within Window. They count failures
// (a wrong password, an unknown email), never sign-ins that succeed or
// are refused, and never attempts still in progress: a right password is
// not refused because others are signing in at the same time.
//
//   - PerEmail failures for one account, from anywhere, lock that account
//     until the window has passed since its last failure: against
//     guessing one account's password.
//   - PerAddr failures from one client address put that address on a
//     short leash: from then on, an account may be tried from it only if
//     it has not failed from it in the window. Against trying one
//     password on many accounts, that allows one more guess per account;
//     and however many wrong passwords are sent from an address (a
//     borough's office behind one proxy), an account that has not failed
//     from there can still be signed in to.
type LoginLimits struct {
	Window   time.Duration
	PerEmail int
	PerAddr  int
}

// DefaultLoginLimits allows 10 failures per account in 15 minutes, and
// puts an address on the leash after 100 failures from it in 15 minutes.
func DefaultLoginLimits() LoginLimits {
	return LoginLimits{Window: 15 * time.Minute, PerEmail: 10, PerAddr: 100}
}

// defaultPasswordWait bounds how long a sign-in waits for the attempts
// ahead of it on the same account to finish, and then for a password slot.
// The slots bound memory, not time: a hundred sign-ins at once on two busy
// cores took 14 s to check, and a sign-in that waits is better than one
// refused.
const defaultPasswordWait = 60 * time.Second

// pendingStale is how old an attempt still marked pending must be before
// it counts as a failure: its process died between recording it and
// settling it. It is longer than any sign-in may take (two password waits
// and the writes around them).
const pendingStale = 5 * time.Minute

type loginFailureRow struct {
	ID      int64 `gorm:"primaryKey"`
	KeyHash string
	At      int64
	Pending bool
}

func (loginFailureRow) TableName() string { return "login_failures" }

var errBadLogin = ateval.Errorf(ateval.EUNAUTHORIZED, "The email address or password is not right.")

// errSignInBusy refuses a sign-in that waited too long for others ahead
// of it: the server is overloaded, and the password was not checked, so
// nothing counts against the account.
var errSignInBusy = &ateval.Error{Code: ateval.EUNAVAILABLE, RetryAfter: 5 * time.Second,
	Message: "Many people are signing in at once. Nothing was checked; try again in a few seconds."}

// tooMany is the refusal of a locked account or address, saying how long
// to wait: until the window has passed since the last failure that locks it.
func tooMany(msg string, wait time.Duration) error {
	if wait < time.Minute {
		wait = time.Minute
	}
	minutes := int((wait + time.Minute - 1) / time.Minute)
	unit := "minutes"
	if minutes == 1 {
		unit = "minute"
	}
	return &ateval.Error{Code: ateval.ERATELIMITED, RetryAfter: wait,
		Message: fmt.Sprintf("%s Wait %d %s and try again.", msg, minutes, unit)}
}

// loginKeys are the counters one sign-in touches, hashed so the table
// holds neither emails nor addresses.
type loginKeys struct{ email, addr, pair string }

func keysOf(email, addr string) loginKeys {
	return loginKeys{email: hashToken("email:" + email), addr: hashToken("addr:" + addr), pair: hashToken("pair:" + email + "\x00" + addr)}
}

// signInLockClass is the first key of the PostgreSQL advisory locks that
// order one account's sign-in attempts; the second is lockKeyOf its key.
// (Two-key advisory locks never clash with migrate's one-key lock.)
const signInLockClass = 727729

// lockKeyOf folds a hex SHA-256 key into an advisory lock's int4 key.
func lockKeyOf(key string) int32 {
	v, _ := strconv.ParseUint(key[:8], 16, 32)
	return int32(uint32(v))
}

// attempt is one sign-in's pending rows, one per key.
type attempt struct {
	keys loginKeys
	rows []loginFailureRow // email, addr, pair
}

func (a *attempt) ids() []int64 { return []int64{a.rows[0].ID, a.rows[1].ID, a.rows[2].ID} }

// Authenticate checks an email and password and returns the account. The
// client address comes from ctx (ateval.NewContextWithClient).
//
// The attempt is recorded as pending, and committed, before anything is
// checked; then the failures and the pending attempts ahead of it are
// counted. At most a limit's worth of attempts are ever past the count
// and not yet settled, however many arrive at once: an attempt that
// would be over the limit if those ahead of it failed waits for them to
// finish, and is refused (ERATELIMITED) only if they did fail. A wrong
// password turns the attempt into a failure; a right one, or a refusal,
// deletes it. Every success and failure is audited; a failure for an
// unknown email records no email, since what was typed may be anything,
// even a password.
func (db *DB) Authenticate(ctx context.Context, email, password string, lim LoginLimits) (_ *ateval.User, err error) {
	defer ateval.Wrap(&err, "Authenticate")
	email = ateval.NormalizeEmail(email)
	a := &attempt{keys: keysOf(email, ateval.ClientFromContext(ctx))}
	now := db.store.Now().Unix()
	for _, k := range []string{a.keys.email, a.keys.addr, a.keys.pair} {
		a.rows = append(a.rows, loginFailureRow{KeyHash: k, At: now, Pending: true})
	}
	err = db.store.InTx(ctx, func(tx *storage.Tx) error {
		if db.store.Dialect() == storage.Postgres {
			// An attempt waits only for those ahead of it, by id. On
			// PostgreSQL ids are drawn at insert and transactions commit
			// in any order, so a later attempt could commit first and not
			// see an earlier one, nor be seen as ahead of it: the two would
			// both go on. Taking the account's lock first draws ids in
			// commit order. (On SQLite the write lock does the same.)
			if err := tx.Gorm().Exec("SELECT pg_advisory_xact_lock(?, ?)", signInLockClass, lockKeyOf(a.keys.email)).Error; err != nil {
				return err
			}
		}
		return tx.Gorm().Create(&a.rows).Error
	})
	if err != nil {
		return nil, err
	}
	settled := false
	defer func() {
		if !settled {
			db.dropAttempt(ctx, a)
		}
	}()
	if err := db.awaitTurn(ctx, a, lim); err != nil {
		return nil, err
	}

	var row userRow
	err = db.store.Gorm(ctx).Where("email = ? AND NOT disabled", email).Take(&row).Error
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
	// The password has been checked: its outcome is recorded even if the
	// client has gone, or a wrong guess would not count; and should that
	// fail, a wrong guess's rows stay, to count once stale.
	settled = true
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), db.store.LockTimeout()+5*time.Second)
	defer cancel()
	since := db.store.Now().Unix() - int64(lim.Window/time.Second)
	err = db.store.InTx(sctx, func(tx *storage.Tx) error {
		if !ok {
			if err := tx.Gorm().Model(&loginFailureRow{}).Where("id IN ?", a.ids()).Update("pending", false).Error; err != nil {
				return err
			}
			if err := tx.Gorm().Where("at <= ?", since).Delete(&loginFailureRow{}).Error; err != nil {
				return err
			}
			e := ateval.AuditEntry{Action: ateval.ActionLoginFailed}
			if found {
				e.UserID, e.UserEmail = row.ID, row.Email
			} else {
				e.UserEmail = "-"
			}
			return tx.Audit(e)
		}
		// A success clears the account's failures, everywhere and from
		// this address, but not the address's: one account's password
		// must not buy more guesses at others. Attempts still pending are
		// left to settle.
		stale := db.store.Now().Add(-pendingStale).Unix()
		if err := tx.Gorm().Where("id IN ? OR (key_hash IN ? AND (NOT pending OR at <= ?))", a.ids(), []string{a.keys.email, a.keys.pair}, stale).
			Delete(&loginFailureRow{}).Error; err != nil {
			return err
		}
		u := row.domain()
		return tx.Audit(ateval.AuditEntry{UserID: u.ID, UserEmail: u.Email, Action: ateval.ActionLogin, BoroughID: u.BoroughID})
	})
	if err != nil {
		if ok {
			db.dropAttempt(ctx, a)
		}
		return nil, err
	}
	if !ok {
		return nil, errBadLogin
	}
	return row.domain(), nil
}

// dropAttempt deletes an attempt that was refused, abandoned before its
// password was checked, or right but answered busy: it is not a failure.
// Should that fail for good, the rows count as a failure once stale, which
// errs on the safe side.
func (db *DB) dropAttempt(ctx context.Context, a *attempt) {
	ctx = context.WithoutCancel(ctx)
	drop := func() error {
		ctx, cancel := context.WithTimeout(ctx, db.store.LockTimeout()+5*time.Second)
		defer cancel()
		return db.store.InTx(ctx, func(tx *storage.Tx) error {
			return tx.Gorm().Where("id IN ?", a.ids()).Delete(&loginFailureRow{}).Error
		})
	}
	if ateval.ErrorCode(drop()) != ateval.EUNAVAILABLE {
		return
	}
	// The database is busy (an import holds it): keep trying, after the
	// request has been answered, while the rows are not yet stale.
	go func() {
		give := time.Now().Add(pendingStale / 2)
		for time.Now().Before(give) {
			time.Sleep(time.Second)
			if ateval.ErrorCode(drop()) != ateval.EUNAVAILABLE {
				return
			}
		}
	}()
}

// keyCount is what awaitTurn reads of one key: failures in the window
// (stale pending attempts included), the newest of them, and the pending
// attempts recorded before this one.
type keyCount struct {
	KeyHash  string
	Failures int64
	Newest   *int64
	Ahead    int64
}

// awaitTurn returns nil once the attempt may check its password, or
// ERATELIMITED if the failures already recorded refuse it. While only
// attempts in progress stand in its way it waits, polling, for them to
// settle, and gives up with EUNAVAILABLE after passwordWait.
func (db *DB) awaitTurn(ctx context.Context, a *attempt, lim LoginLimits) error {
	give := time.Now().Add(db.passwordWait)
	pause := 5 * time.Millisecond
	for {
		counts, err := db.countAttempts(ctx, a, lim)
		if err != nil {
			return err
		}
		refusal, wait := judge(counts, a.keys, lim, db.store.Now().Unix())
		if refusal != nil || !wait {
			return refusal
		}
		if time.Now().After(give) {
			return errSignInBusy
		}
		// Those ahead take a password check each (tens of milliseconds);
		// back off, with jitter so waiters do not poll in step.
		t := time.NewTimer(pause/2 + rand.N(pause))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
		pause = min(2*pause, 200*time.Millisecond)
	}
}

// countAttempts counts, for each of the attempt's keys, the failures in
// the window and the pending attempts ahead of this one.
func (db *DB) countAttempts(ctx context.Context, a *attempt, lim LoginLimits) (map[string]keyCount, error) {
	now := db.store.Now().Unix()
	since, stale := now-int64(lim.Window/time.Second), db.store.Now().Add(-pendingStale).Unix()
	const failure = "(NOT pending OR at <= @stale)"
	var rows []keyCount
	err := db.store.Gorm(ctx).Raw(`SELECT key_hash,
			SUM(CASE WHEN `+failure+` THEN 1 ELSE 0 END) AS failures,
			MAX(CASE WHEN `+failure+` THEN at END) AS newest,
			SUM(CASE WHEN NOT `+failure+` AND id < CASE key_hash WHEN @email THEN CAST(@emailID AS BIGINT)
				WHEN @addr THEN CAST(@addrID AS BIGINT) ELSE CAST(@pairID AS BIGINT) END THEN 1 ELSE 0 END) AS ahead
		FROM login_failures
		WHERE key_hash IN (@email, @addr, @pair) AND at > @since AND id NOT IN (@emailID, @addrID, @pairID)
		GROUP BY key_hash`,
		map[string]any{"stale": stale, "since": since,
			"email": a.keys.email, "addr": a.keys.addr, "pair": a.keys.pair,
			"emailID": a.rows[0].ID, "addrID": a.rows[1].ID, "pairID": a.rows[2].ID}).
		Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make(map[string]keyCount, len(rows))
	for _, r := range rows {
		out[r.KeyHash] = r
	}
	return out, nil
}

// judge applies the limits to the counts: a refusal if the failures alone
// reach a limit, else wait if the failures with the attempts ahead do.
func judge(counts map[string]keyCount, keys loginKeys, lim LoginLimits, now int64) (refusal error, wait bool) {
	window := int64(lim.Window / time.Second)
	until := func(c keyCount) time.Duration {
		if c.Newest == nil {
			return lim.Window
		}
		return time.Duration(*c.Newest+window-now) * time.Second
	}
	account := counts[keys.email]
	if account.Failures >= int64(lim.PerEmail) {
		return tooMany("There have been too many failed attempts to sign in to this account.", until(account)), false
	}
	wait = account.Failures+account.Ahead >= int64(lim.PerEmail)
	// An address over its limit may try only accounts with no failure,
	// and no attempt in progress, from it.
	if counts[keys.addr].Failures >= int64(lim.PerAddr) {
		pair := counts[keys.pair]
		if pair.Failures > 0 {
			return tooMany("Too many sign-ins have failed from your network, this account's among them.", until(pair)), false
		}
		wait = wait || pair.Ahead > 0
	}
	return nil, wait
}

// checkPasswordBounded checks a password while holding one of a bounded
// number of slots: each argon2id check takes 19 MiB, so unbounded
// concurrent sign-ins could take the server's memory. A sign-in waits for
// a slot as long as its request lasts, up to passwordWait; then it is
// refused as busy (EUNAVAILABLE), the password unchecked.
func (db *DB) checkPasswordBounded(ctx context.Context, hash, password string) (bool, error) {
	t := time.NewTimer(db.passwordWait)
	defer t.Stop()
	select {
	case db.passwordSlots <- struct{}{}:
		defer func() { <-db.passwordSlots }()
		return checkPassword(hash, password), nil
	case <-t.C:
		return false, errSignInBusy
	case <-ctx.Done():
		return false, ctx.Err()
	}
}
