package storage_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestIssueDeviceOnce sends device issues with request keys: a repeat
// stores nothing and answers the issue stored, even after the issue has
// been installed since; another issue under the same key is refused; a
// key is the resident's own; and two requests with one key at once store
// one issue, on SQLite and PostgreSQL alike.
func TestIssueDeviceOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		second := devices.Resident{Reference: "CAM-9", YearOfBirth: 1939, Sex: devices.Female, EthnicGroup: devices.EthnicMixed,
			PrimarySupportReason: devices.SupportPhysical, RegisteredOn: ateval.NewDate(2026, 1, 1)}
		if err := db.CreateResident(p.cam, &second, nil); err != nil {
			t.Fatal(err)
		}
		ask := func() devices.DeviceIssue {
			return devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: ateval.NewDate(2026, 2, 1), AssetTag: "FD-7", Need: "falls"}
		}
		count := func(residentID int64) int {
			t.Helper()
			rec, err := db.ResidentRecord(sys, residentID)
			if err != nil {
				t.Fatal(err)
			}
			return len(rec.DeviceIssues)
		}

		first := ask()
		if repeated, err := db.IssueDeviceOnce(p.cam, p.camRes.ID, "key-1", &first); err != nil || repeated {
			t.Fatalf("first request: repeated %v, %v", repeated, err)
		}
		again := ask()
		repeated, err := db.IssueDeviceOnce(p.cam, p.camRes.ID, "key-1", &again)
		if err != nil || !repeated || again.ID != first.ID || again.IssuedBy != "prac@camden.example" {
			t.Errorf("the same request again: %+v repeated %v, %v; want issue %d, repeated", again, repeated, err, first.ID)
		}
		// Installed since: a repeat of the first request is still known.
		inst := ateval.NewDate(2026, 2, 3)
		if _, err := db.UpdateDeviceIssue(p.cam, first.ID, devices.DeviceIssuePatch{InstalledOn: &inst}); err != nil {
			t.Fatal(err)
		}
		again = ask()
		if repeated, err := db.IssueDeviceOnce(p.cam, p.camRes.ID, "key-1", &again); err != nil || !repeated || again.InstalledOn != inst {
			t.Errorf("the request again after installation: %+v repeated %v, %v; want the issue as it stands", again, repeated, err)
		}
		// Another issue under the same key.
		other := ask()
		other.Need = "wandering"
		if _, err := db.IssueDeviceOnce(p.cam, p.camRes.ID, "key-1", &other); ateval.ErrorCode(err) != ateval.ECONFLICT {
			t.Errorf("another issue under a used key: %v, want conflict", err)
		}
		lead := addUser(t, db, "lead@camden.example", ateval.RoleBoroughLead, p.camden.ID)
		byLead := ask()
		byLead.IssuedByID = lead.ID
		if _, err := db.IssueDeviceOnce(p.cam, p.camRes.ID, "key-1", &byLead); ateval.ErrorCode(err) != ateval.ECONFLICT {
			t.Errorf("the same issue by another issuer under a used key: %v, want conflict", err)
		}
		if n := count(p.camRes.ID); n != 1 {
			t.Errorf("%d issues after four requests with one key, want 1", n)
		}
		// The key is the resident's own: another resident's issue with it
		// is another issue.
		theirs := ask()
		theirs.AssetTag = "FD-8"
		if repeated, err := db.IssueDeviceOnce(p.cam, second.ID, "key-1", &theirs); err != nil || repeated || theirs.ID == first.ID {
			t.Errorf("another resident's issue with the same key: %+v repeated %v, %v", theirs, repeated, err)
		}
		// No key: every request is an issue.
		for range 2 {
			di := ask()
			di.AssetTag = ""
			if repeated, err := db.IssueDeviceOnce(p.cam, p.camRes.ID, "", &di); err != nil || repeated {
				t.Fatalf("without a key: repeated %v, %v", repeated, err)
			}
		}
		if n := count(p.camRes.ID); n != 3 {
			t.Errorf("%d issues, want 3", n)
		}
		// Keys that are not tokens.
		for _, key := range []string{"has space", "tab\t", "é", strings.Repeat("k", 256)} {
			di := ask()
			if _, err := db.IssueDeviceOnce(p.cam, p.camRes.ID, key, &di); ateval.ErrorCode(err) != ateval.EINVALID {
				t.Errorf("key %.20q: %v, want invalid", key, err)
			}
		}
		// Two at once, with one key: one issue, one repeat.
		var wg sync.WaitGroup
		start := make(chan struct{})
		got := make([]devices.DeviceIssue, 8)
		reps := make([]bool, len(got))
		errs := make([]error, len(got))
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i] = devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: ateval.NewDate(2026, 3, 1)}
				<-start
				reps[i], errs[i] = db.IssueDeviceOnce(p.cam, second.ID, "at-once", &got[i])
			}()
		}
		close(start)
		wg.Wait()
		fresh := 0
		for i := range got {
			if errs[i] != nil {
				t.Fatalf("request %d at once: %v", i, errs[i])
			}
			if !reps[i] {
				fresh++
			}
			if got[i].ID != got[0].ID {
				t.Errorf("requests at once answered issues %d and %d, want one", got[0].ID, got[i].ID)
			}
		}
		if fresh != 1 || count(second.ID) != 2 {
			t.Errorf("%d of %d requests at once stored an issue (the resident has %d), want 1", fresh, len(got), count(second.ID))
		}
		acts := auditActions(t, db)
		if acts[ateval.ActionIssueDevice] != 5 {
			t.Errorf("%d issue_device rows, want 5, one an issue stored", acts[ateval.ActionIssueDevice])
		}
	})
}

// TestIssueDeviceOnceLosingTheRace stores a request's issue in a
// transaction of its own that commits only after IssueDeviceOnce has
// begun with the same key, as a request arriving a moment before would:
// on PostgreSQL IssueDeviceOnce finds no issue, waits on the unique index
// and fails there, and must try again and answer the issue stored; on
// SQLite it waits for the write lock and finds it at once. Either way one
// issue, answered as a repeat.
func TestIssueDeviceOnceLosingTheRace(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		p := newPractice(t, db)
		prac := ateval.UserFromContext(p.cam)
		di := devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: ateval.NewDate(2026, 2, 1), IssuedByID: prac.ID}
		sqlDB, err := db.SQL()
		if err != nil {
			t.Fatal(err)
		}
		other, err := sqlDB.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer other.Rollback()
		if _, err := other.Exec(fmt.Sprintf(`INSERT INTO device_issues (resident_id, device_id, issued_on, issued_by_user_id, idempotency_key, request_digest)
			VALUES (%d, %d, '2026-02-01', %d, 'race', '%s')`, p.camRes.ID, p.device.ID, prac.ID, storage.RequestDigest(&di))); err != nil {
			t.Fatal(err)
		}
		type answer struct {
			repeated bool
			err      error
		}
		done := make(chan answer)
		mine := devices.DeviceIssue{DeviceID: p.device.ID, IssuedOn: ateval.NewDate(2026, 2, 1)}
		go func() {
			repeated, err := db.IssueDeviceOnce(p.cam, p.camRes.ID, "race", &mine)
			done <- answer{repeated, err}
		}()
		time.Sleep(300 * time.Millisecond) // for IssueDeviceOnce to reach the other's lock or row
		if err := other.Commit(); err != nil {
			t.Fatal(err)
		}
		got := <-done
		if got.err != nil || !got.repeated || mine.ID == 0 {
			t.Fatalf("the request that lost the race: %+v, issue %d; want the other's issue, repeated", got, mine.ID)
		}
		rec, err := db.ResidentRecord(sys, p.camRes.ID)
		if err != nil || len(rec.DeviceIssues) != 1 || rec.DeviceIssues[0].ID != mine.ID {
			t.Errorf("issues %+v (%v), want the one", rec.DeviceIssues, err)
		}
	})
}
