package hub_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/federation"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/hub"
	"github.com/ateval/ateval/storage/storagetest"
)

func signedBundle(t *testing.T, k ed25519.PrivateKey, borough string, seq int64) federation.Bundle {
	t.Helper()
	return federation.Sign(federation.Body{Borough: borough, FrameworkVersion: forms.CurrentVersion, PeriodFrom: 2025, PeriodTo: 2025,
		Made: time.Now(), Sequence: seq, Statistics: []federation.Statistic{{Outcome: "ucla3", Timepoint: "m3", Kind: "change", Reference: &federation.Reference{Baseline: 4, Change: 3, Slope: 0.5, Residual: 2},
			Cells: []federation.Cell{{Arm: "comparison", Periods: []int{2025}, N: 12, Key: 1400, Values: []float64{5, -0.4}}}}}}, k)
}

// TestImportBundle: on both databases, a trusted borough's bundles import
// in sequence, and a replay, an untrusted key, another framework and a
// reader who is not an administrator are refused, leaving the hub as it
// was.
func TestImportBundle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		sys := ateval.SystemContext(context.Background())
		pub, k, _ := ed25519.GenerateKey(rand.Reader)
		_, stray, _ := ed25519.GenerateKey(rand.Reader)
		if err := hub.Of(db).TrustKey(sys, "camden", pub); err != nil {
			t.Fatal(err)
		}
		if err := hub.Of(db).TrustKey(sys, "camden", pub); err != nil {
			t.Fatalf("trusting a key again: %v", err)
		}
		other := signedBundle(t, k, "camden", 9)
		other.FrameworkVersion = "1999.1"
		lead := ateval.NewContextWithUser(context.Background(), &ateval.User{ID: 7, Email: "lead@camden", Role: ateval.RoleBoroughLead})
		for _, s := range []struct {
			name string
			ctx  context.Context
			b    federation.Bundle
			code string
		}{
			{"first", sys, signedBundle(t, k, "camden", 2), ""},
			{"replay", sys, signedBundle(t, k, "camden", 1), ateval.ECONFLICT},
			{"same sequence", sys, signedBundle(t, k, "camden", 2), ateval.ECONFLICT},
			{"untrusted", sys, signedBundle(t, stray, "camden", 3), ateval.EUNAUTHORIZED},
			{"other borough", sys, signedBundle(t, k, "sutton", 1), ateval.EUNAUTHORIZED},
			{"framework", sys, other, ateval.EINVALID},
			{"not an administrator", lead, signedBundle(t, k, "camden", 4), ateval.EFORBIDDEN},
			{"next", sys, signedBundle(t, k, "camden", 3), ""},
		} {
			_, err := hub.Of(db).ImportBundle(s.ctx, s.b)
			if got := ateval.ErrorCode(err); (err == nil) != (s.code == "") || err != nil && got != s.code {
				t.Errorf("%s: %v (%s), want %q", s.name, err, got, s.code)
			}
		}
		bs, err := hub.Of(db).LatestBundles(sys)
		if err != nil {
			t.Fatal(err)
		}
		if len(bs) != 1 || bs[0].Borough != "camden" || bs[0].Sequence != 3 || bs[0].Cells != 1 || bs[0].PeriodFrom != 2025 {
			t.Errorf("LatestBundles = %+v, want camden's bundle 3 of one cell", bs)
		}
	})
}
