package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
	"github.com/ateval/ateval/storage/storagetest"
)

var sys = ateval.SystemContext(context.Background())

// as and addUser are storagetest's, shared with storage/auth's tests.
var (
	as      = storagetest.As
	addUser = storagetest.AddUser
)

// twoBoroughs stores Camden (from fixture) and Sutton, each with one
// resident, and returns Camden's resident and Sutton's.
func twoBoroughs(t *testing.T, db *storage.DB) (camden, sutton ateval.Borough, camRes, sutRes devices.Resident) {
	t.Helper()
	camden, _, camRes = fixture(t, db)
	sutton = ateval.Borough{Slug: "sutton", Name: "Sutton"}
	sutRes = devices.Resident{Reference: "SUT-1", YearOfBirth: 1950, Sex: devices.Male, EthnicGroup: devices.EthnicAsian,
		PrimarySupportReason: devices.SupportSocial, RegisteredOn: ateval.NewDate(2025, 3, 1)}
	err := db.InTx(sys, func(tx *storage.Tx) error {
		if err := tx.CreateBorough(&sutton); err != nil {
			return err
		}
		sutRes.BoroughID = sutton.ID
		rs := []devices.Resident{sutRes}
		if err := tx.CreateResidents(rs, nil); err != nil {
			return err
		}
		sutRes = rs[0]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return camden, sutton, camRes, sutRes
}

func TestResidentScoping(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		camden, sutton, camRes, sutRes := twoBoroughs(t, db)
		prac := addUser(t, db, "Prac@Camden.example", ateval.RolePractitioner, camden.ID)
		lead := addUser(t, db, "lead@sutton.example", ateval.RoleBoroughLead, sutton.ID)
		comm := addUser(t, db, "comm@example.org", ateval.RoleCommissioner, 0)
		admin := addUser(t, db, "admin@example.org", ateval.RoleAdmin, 0)
		eval := addUser(t, db, "eval@example.ac.uk", ateval.RoleEvaluator, 0)
		if prac.Email != "prac@camden.example" {
			t.Errorf("email stored as %q, want it lower-cased", prac.Email)
		}
		tests := []struct {
			name     string
			ctx      context.Context
			id       int64
			wantCode string
		}{
			{"practitioner, own borough", as(prac), camRes.ID, ""},
			{"practitioner, other borough", as(prac), sutRes.ID, ateval.ENOTFOUND},
			{"practitioner, no such resident", as(prac), 99999, ateval.ENOTFOUND},
			{"lead, own borough", as(lead), sutRes.ID, ""},
			{"lead, other borough", as(lead), camRes.ID, ateval.ENOTFOUND},
			{"commissioner", as(comm), camRes.ID, ateval.EFORBIDDEN},
			{"evaluator", as(eval), camRes.ID, ateval.EFORBIDDEN},
			{"admin", as(admin), camRes.ID, ateval.EFORBIDDEN},
			{"no user", context.Background(), camRes.ID, ateval.EUNAUTHORIZED},
			{"system", sys, sutRes.ID, ""},
		}
		for _, tt := range tests {
			rec, err := db.ResidentRecord(tt.ctx, tt.id)
			if got := ateval.ErrorCode(err); got != tt.wantCode {
				t.Errorf("%s: ResidentRecord(%d) code %q (%v), want %q", tt.name, tt.id, got, err, tt.wantCode)
				continue
			}
			if err == nil && rec.Resident.ID != tt.id {
				t.Errorf("%s: got resident %d, want %d", tt.name, rec.Resident.ID, tt.id)
			}
			_, _, err = db.Residents(tt.ctx, storage.ResidentQuery{})
			if code := ateval.ErrorCode(err); (code == ateval.EFORBIDDEN || code == ateval.EUNAUTHORIZED) != (tt.wantCode == ateval.EFORBIDDEN || tt.wantCode == ateval.EUNAUTHORIZED) {
				t.Errorf("%s: Residents code %q, want the same refusal as the record (%q)", tt.name, code, tt.wantCode)
			}
		}
		rec, _ := db.ResidentRecord(as(prac), camRes.ID)
		if rec.Identity == nil || rec.Identity.NHSNumber != "9434765919" {
			t.Errorf("record identity = %+v, want the NHS number stored", rec.Identity)
		}
		list, total, err := db.Residents(as(prac), storage.ResidentQuery{})
		if err != nil || total != 1 || len(list) != 1 || list[0].ID != camRes.ID {
			t.Errorf("practitioner's list = %v (total %d, %v), want Camden's one resident", list, total, err)
		}
		list, total, _ = db.Residents(sys, storage.ResidentQuery{})
		if total != 2 || len(list) != 2 {
			t.Errorf("system's list holds %d (total %d), want both residents", len(list), total)
		}
		// Typed search is literal: SQL metacharacters and LIKE wildcards
		// match nothing rather than everything.
		for _, ref := range []string{"%", "_AM-1", "' OR '1'='1", `CAM-1'; DROP TABLE residents; --`, `\`} {
			list, _, err := db.Residents(as(prac), storage.ResidentQuery{Reference: ref})
			if err != nil || len(list) != 0 {
				t.Errorf("search %q = %v, %v; want nothing", ref, list, err)
			}
		}
		if list, _, _ := db.Residents(as(prac), storage.ResidentQuery{Reference: "cam"}); len(list) != 1 {
			t.Errorf("search \"cam\" found %d, want Camden's resident by prefix, ignoring case", len(list))
		}
	})
}

func TestAuditLog(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		camden, _, camRes, sutRes := twoBoroughs(t, db)
		prac := addUser(t, db, "prac@camden.example", ateval.RolePractitioner, camden.ID)
		admin := addUser(t, db, "admin@example.org", ateval.RoleAdmin, 0)
		if _, err := db.ResidentRecord(as(prac), camRes.ID); err != nil {
			t.Fatal(err)
		}
		db.ResidentRecord(as(prac), sutRes.ID)
		if _, _, err := db.AuditLog(as(prac), storage.AuditFilter{}); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("practitioner reading the audit log: %v, want forbidden", err)
		}
		entries, total, err := db.AuditLog(as(admin), storage.AuditFilter{UserEmail: "PRAC@camden.example"})
		if err != nil {
			t.Fatal(err)
		}
		if total != 3 || len(entries) != 3 {
			t.Fatalf("practitioner's audit entries: %d (total %d), want 3: %+v", len(entries), total, entries)
		}
		if e := entries[0]; e.Action != ateval.ActionAccessDenied || e.Detail != "read_audit_log as practitioner" {
			t.Errorf("refused entry = %+v, want access_denied of read_audit_log", e)
		}
		entries = entries[1:]
		got, want := entries[1], ateval.AuditEntry{UserID: prac.ID, UserEmail: prac.Email, Action: ateval.ActionReadResident,
			ObjectType: "resident", ObjectID: camRes.ID, ResidentID: camRes.ID, BoroughID: camden.ID, RemoteAddr: "192.0.2.1"}
		got.ID, got.At = 0, time.Time{}
		if got != want {
			t.Errorf("read entry = %+v, want %+v", got, want)
		}
		if e := entries[0]; e.Action != ateval.ActionDeniedResident || e.ObjectID != sutRes.ID || e.ResidentID != 0 {
			t.Errorf("denied entry = %+v, want read_resident_denied of id %d with no resident link", e, sutRes.ID)
		}
		today := ateval.DateOf(time.Now().UTC())
		for _, f := range []struct {
			f    storage.AuditFilter
			want int64
		}{
			{storage.AuditFilter{Action: ateval.ActionReadResident}, 1},
			{storage.AuditFilter{From: today, To: today, Action: ateval.ActionCreateUser}, 2},
			{storage.AuditFilter{To: today.AddDays(-1)}, 0},
			{storage.AuditFilter{UserEmail: "' OR 1=1 --"}, 0},
		} {
			_, n, err := db.AuditLog(as(admin), f.f)
			if err != nil || n != f.want {
				t.Errorf("AuditLog(%+v) total %d (%v), want %d", f.f, n, err, f.want)
			}
		}
	})
}

func TestLoginAndSessions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		camden, _, _, _ := twoBoroughs(t, db)
		prac := addUser(t, db, "prac@camden.example", ateval.RolePractitioner, camden.ID)
		ctx := ateval.NewContextWithClient(context.Background(), "198.51.100.7")
		lim := auth.LoginLimits{Window: 15 * time.Minute, PerEmail: 3, PerAddr: 100}
		u, err := auth.New(db).Authenticate(ctx, " PRAC@camden.example ", "correct horse battery", lim)
		if err != nil || u.ID != prac.ID || u.BoroughID != camden.ID || u.Role != ateval.RolePractitioner {
			t.Fatalf("Authenticate = %+v, %v; want the practitioner", u, err)
		}
		if _, err := auth.New(db).Authenticate(ctx, "nobody@camden.example", "correct horse battery", lim); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
			t.Errorf("unknown email: %v, want unauthorized", err)
		}
		for i := 0; i < 3; i++ {
			if _, err := auth.New(db).Authenticate(ctx, prac.Email, "wrong password!", lim); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
				t.Errorf("wrong password %d: %v, want unauthorized", i, err)
			}
		}
		if _, err := auth.New(db).Authenticate(ctx, prac.Email, "correct horse battery", lim); ateval.ErrorCode(err) != ateval.ERATELIMITED {
			t.Errorf("right password after 3 failures: %v, want rate limited", err)
		}
		// The window passes.
		db.Now = func() time.Time { return time.Now().Add(16 * time.Minute) }
		if _, err := auth.New(db).Authenticate(ctx, prac.Email, "correct horse battery", lim); err != nil {
			t.Errorf("after the window: %v", err)
		}

		to := auth.SessionTimeouts{Idle: 30 * time.Minute, Absolute: 8 * time.Hour}
		start := time.Now()
		db.Now = func() time.Time { return start }
		token, s, err := auth.New(db).CreateSession(ctx, prac.ID, auth.CookieSession, to)
		if err != nil || s.CSRFToken == "" || s.User.ID != prac.ID {
			t.Fatalf("CreateSession = %+v, %v", s, err)
		}
		if got, err := auth.New(db).SessionByToken(ctx, token, auth.CookieSession, to); err != nil || got.User.ID != prac.ID || got.CSRFToken != s.CSRFToken {
			t.Errorf("SessionByToken = %+v, %v", got, err)
		}
		if _, err := auth.New(db).SessionByToken(ctx, token, auth.BearerSession, to); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
			t.Errorf("cookie token as bearer: %v, want unauthorized", err)
		}
		if _, err := auth.New(db).SessionByToken(ctx, token+"x", auth.CookieSession, to); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
			t.Errorf("forged token: %v, want unauthorized", err)
		}
		// Used every 20 minutes it lives past the idle timeout, but not past
		// the absolute one.
		for m := 20; m < 8*60; m += 20 {
			db.Now = func() time.Time { return start.Add(time.Duration(m) * time.Minute) }
			if _, err := auth.New(db).SessionByToken(ctx, token, auth.CookieSession, to); err != nil {
				t.Fatalf("at %d minutes: %v", m, err)
			}
		}
		db.Now = func() time.Time { return start.Add(8*time.Hour + time.Second) }
		if _, err := auth.New(db).SessionByToken(ctx, token, auth.CookieSession, to); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
			t.Errorf("past the absolute timeout: %v, want unauthorized", err)
		}
		db.Now = func() time.Time { return start }
		token, _, _ = auth.New(db).CreateSession(ctx, prac.ID, auth.BearerSession, to)
		db.Now = func() time.Time { return start.Add(31 * time.Minute) }
		if _, err := auth.New(db).SessionByToken(ctx, token, auth.BearerSession, to); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
			t.Errorf("idle 31 minutes: %v, want unauthorized", err)
		}
		db.Now = time.Now
		token, _, _ = auth.New(db).CreateSession(ctx, prac.ID, auth.BearerSession, to)
		if err := auth.New(db).EndSession(ateval.NewContextWithUser(ctx, prac), token); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.New(db).SessionByToken(ctx, token, auth.BearerSession, to); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
			t.Errorf("after EndSession: %v, want unauthorized", err)
		}
	})
}

func TestCreateUserRules(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		camden, _, _, _ := twoBoroughs(t, db)
		prac := addUser(t, db, "prac@camden.example", ateval.RolePractitioner, camden.ID)
		tests := []struct {
			name string
			ctx  context.Context
			u    ateval.User
			want string
		}{
			{"practitioner without borough", sys, ateval.User{Email: "a@x.org", Role: ateval.RolePractitioner}, ateval.EINVALID},
			{"commissioner with borough", sys, ateval.User{Email: "b@x.org", Role: ateval.RoleCommissioner, BoroughID: camden.ID}, ateval.EINVALID},
			{"unknown borough", sys, ateval.User{Email: "c@x.org", Role: ateval.RoleBoroughLead, BoroughID: 9999}, ateval.EINVALID},
			{"unknown role", sys, ateval.User{Email: "d@x.org", Role: "superuser"}, ateval.EINVALID},
			{"duplicate email", sys, ateval.User{Email: "PRAC@camden.example", Role: ateval.RoleAdmin}, ateval.ECONFLICT},
			{"added by a practitioner", as(prac), ateval.User{Email: "e@x.org", Role: ateval.RoleAdmin}, ateval.EFORBIDDEN},
			{"fine", sys, ateval.User{Email: "f@x.org", Role: ateval.RoleEvaluator}, ""},
		}
		for _, tt := range tests {
			if got := ateval.ErrorCode(auth.New(db).CreateUser(tt.ctx, &tt.u, "correct horse battery")); got != tt.want {
				t.Errorf("%s: code %q, want %q", tt.name, got, tt.want)
			}
		}
	})
}
