package storage

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
)

type auditRow struct {
	ID         int64 `gorm:"primaryKey"`
	At         string
	UserID     int64
	UserEmail  string
	Action     string
	ObjectType string
	ObjectID   int64
	ResidentID int64
	BoroughID  int64
	RemoteAddr string
	Detail     string
}

func (auditRow) TableName() string { return "audit_log" }

// auditTimeLayout is fixed-width, so text order is time order on both
// databases.
const auditTimeLayout = "2006-01-02T15:04:05.000000Z"

func (r *auditRow) domain() ateval.AuditEntry {
	at, _ := time.Parse(auditTimeLayout, r.At)
	return ateval.AuditEntry{ID: r.ID, At: at, UserID: r.UserID, UserEmail: r.UserEmail, Action: r.Action,
		ObjectType: r.ObjectType, ObjectID: r.ObjectID, ResidentID: r.ResidentID, BoroughID: r.BoroughID,
		RemoteAddr: r.RemoteAddr, Detail: r.Detail}
}

// audit appends e to the audit log within g (a transaction, so the record
// of a read or change commits or rolls back with it), filling in who and
// from where from ctx. There is no method to change or delete an audit
// row: the log is append-only through the application.
func (db *DB) audit(ctx context.Context, g *gorm.DB, e ateval.AuditEntry) error {
	if u := ateval.UserFromContext(ctx); u != nil && e.UserID == 0 && e.UserEmail == "" {
		e.UserID, e.UserEmail = u.ID, u.Email
	}
	row := auditRow{At: db.Now().UTC().Format(auditTimeLayout), UserID: e.UserID, UserEmail: e.UserEmail, Action: e.Action,
		ObjectType: e.ObjectType, ObjectID: e.ObjectID, ResidentID: e.ResidentID, BoroughID: e.BoroughID,
		RemoteAddr: ateval.ClientFromContext(ctx), Detail: e.Detail}
	return g.Create(&row).Error
}

// Audit appends one entry on its own, for events that are not a storage
// read or change (a logout, an export written by the server).
func (db *DB) Audit(ctx context.Context, e ateval.AuditEntry) error {
	return db.InTx(ctx, func(tx *Tx) error { return db.audit(ctx, tx.g, e) })
}

// AuditFilter selects audit entries; zero fields select everything.
type AuditFilter struct {
	UserEmail string
	Action    string
	From, To  ateval.Date // inclusive calendar dates, UTC
	Limit     int         // default 100, at most 1000
	Offset    int
}

// AuditLog returns audit entries, newest first, and how many match in all.
// Only administrators (and the command-line operator) may read it, and the
// reading is itself recorded.
func (db *DB) AuditLog(ctx context.Context, f AuditFilter) (_ []ateval.AuditEntry, total int64, err error) {
	defer ateval.Wrap(&err, "AuditLog")
	defer db.denied(ctx, &err, ateval.ActionReadAuditLog, ateval.AuditEntry{})
	u := ateval.UserFromContext(ctx)
	if u == nil {
		return nil, 0, errSignIn
	}
	if u.Role != ateval.RoleAdmin && !u.IsSystem() {
		return nil, 0, ateval.Errorf(ateval.EFORBIDDEN, "Only administrators may read the audit log.")
	}
	f.Limit = clampLimit(f.Limit, 100, 1000)
	var out []ateval.AuditEntry
	err = db.InTx(ctx, func(tx *Tx) error {
		q := tx.g.Model(&auditRow{})
		if f.UserEmail != "" {
			q = q.Where("user_email = ?", ateval.NormalizeEmail(f.UserEmail))
		}
		if f.Action != "" {
			q = q.Where("action = ?", f.Action)
		}
		if !f.From.IsZero() {
			q = q.Where("at >= ?", f.From.String())
		}
		if !f.To.IsZero() {
			q = q.Where("at < ?", f.To.AddDays(1).String())
		}
		if err := q.Count(&total).Error; err != nil {
			return err
		}
		var rows []auditRow
		if err := q.Order("at DESC, id DESC").Limit(f.Limit).Offset(max(f.Offset, 0)).Find(&rows).Error; err != nil {
			return err
		}
		for i := range rows {
			out = append(out, rows[i].domain())
		}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionReadAuditLog, Detail: strconv.Itoa(len(rows)) + " entries"})
	})
	return out, total, err
}

func clampLimit(n, def, most int) int {
	switch {
	case n <= 0:
		return def
	case n > most:
		return most
	}
	return n
}

var errSignIn = ateval.Errorf(ateval.EUNAUTHORIZED, "Sign in to continue.")
