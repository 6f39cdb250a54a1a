package storage_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestRandomisedTrials: an administrator records and removes a borough's
// randomised trial, each audited; anyone signed in reads them; no one else
// may write one (and the refusal is audited); a trial must name a borough
// and category that exist and may not overlap another of the same pair.
func TestRandomisedTrials(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		fixture(t, db)
		admin := ateval.NewContextWithUser(context.Background(), &ateval.User{ID: 1, Email: "admin@example.org", Role: ateval.RoleAdmin})
		commissioner := ateval.NewContextWithUser(context.Background(), &ateval.User{ID: 2, Email: "c@example.org", Role: ateval.RoleCommissioner})
		tr := ateval.RandomisedTrial{Borough: "camden", DeviceCategory: "fall-detector", From: ateval.NewDate(2024, 4, 1)}
		if err := db.RecordRandomisedTrial(admin, &tr); err != nil || tr.ID == 0 {
			t.Fatalf("RecordRandomisedTrial: %v, id %d", err, tr.ID)
		}
		got, err := db.RandomisedTrials(commissioner)
		if err != nil || len(got) != 1 || got[0] != tr {
			t.Fatalf("RandomisedTrials = %+v (%v), want %+v", got, err, tr)
		}
		for _, c := range []struct {
			name  string
			tr    ateval.RandomisedTrial
			field string
		}{
			{"unknown borough", ateval.RandomisedTrial{Borough: "atlantis", DeviceCategory: "fall-detector", From: ateval.NewDate(2024, 4, 1)}, "borough"},
			{"unknown category", ateval.RandomisedTrial{Borough: "camden", DeviceCategory: "teleporter", From: ateval.NewDate(2024, 4, 1)}, "device_category"},
			{"overlapping", ateval.RandomisedTrial{Borough: "camden", DeviceCategory: "fall-detector", From: ateval.NewDate(2026, 4, 1)}, "from"},
			{"ends before it starts", ateval.RandomisedTrial{Borough: "camden", DeviceCategory: "gps-location", From: ateval.NewDate(2026, 4, 1), To: ateval.NewDate(2025, 4, 1)}, "to"},
		} {
			err := db.RecordRandomisedTrial(admin, &c.tr)
			fields := ateval.ErrorFields(err)
			if ateval.ErrorCode(err) != ateval.EINVALID || len(fields) != 1 || fields[0].Field != c.field {
				t.Errorf("%s: %v %+v, want invalid %s", c.name, err, fields, c.field)
			}
		}
		// A commissioner may not record or remove one, and is recorded trying.
		other := ateval.RandomisedTrial{Borough: "camden", DeviceCategory: "gps-location", From: ateval.NewDate(2024, 4, 1)}
		if err := db.RecordRandomisedTrial(commissioner, &other); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("a commissioner recorded a trial: %v", err)
		}
		if err := db.RemoveRandomisedTrial(commissioner, tr.ID); ateval.ErrorCode(err) != ateval.EFORBIDDEN {
			t.Errorf("a commissioner removed a trial: %v", err)
		}
		if _, err := db.RandomisedTrials(context.Background()); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
			t.Errorf("read signed out: %v", err)
		}
		if err := db.RemoveRandomisedTrial(admin, tr.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveRandomisedTrial(admin, tr.ID); ateval.ErrorCode(err) != ateval.ENOTFOUND {
			t.Errorf("removed twice: %v", err)
		}
		if got, err := db.RandomisedTrials(admin); err != nil || len(got) != 0 {
			t.Errorf("after removal: %+v %v", got, err)
		}
		log, _, err := db.AuditLog(sys, storage.AuditFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log {
			if e.ObjectType == "randomised_trial" {
				actions = append(actions, e.Action+" "+e.UserEmail+" "+e.Detail)
			}
		}
		all := strings.Join(actions, "\n")
		for _, want := range []string{
			"record_randomised_trial admin@example.org camden fall-detector from 2024-04-01 still running",
			"remove_randomised_trial admin@example.org camden fall-detector from 2024-04-01 still running",
			"access_denied c@example.org record_randomised_trial as commissioner",
			"access_denied c@example.org remove_randomised_trial as commissioner",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("audit log lacks %q:\n%s", want, all)
			}
		}
	})
}
