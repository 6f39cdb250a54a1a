package hub_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/federation"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/hub"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestKeyRotation: on both databases, Camden rotates from one key to
// another. The old key's bundles are refused once it is retired, saying
// so; the bundle numbers run on across the keys, so a bundle numbered at
// or below one imported is a replay whichever key signed it; a retired
// key is never trusted again; retiring a key not trusted is not found;
// every trust and retirement is audited and listed, and a refused bundle
// leaves nothing.
func TestKeyRotation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		sys := ateval.SystemContext(context.Background())
		oldPub, oldKey, _ := ed25519.GenerateKey(rand.Reader)
		newPub, newKey, _ := ed25519.GenerateKey(rand.Reader)
		strayPub, _, _ := ed25519.GenerateKey(rand.Reader)
		if err := hub.Of(db).TrustKey(sys, "camden", oldPub); err != nil {
			t.Fatal(err)
		}
		if _, err := hub.Of(db).ImportBundle(sys, signedBundle(t, oldKey, "camden", 1)); err != nil {
			t.Fatal(err)
		}
		if err := hub.Of(db).RotateKey(sys, "camden", newPub); err != nil {
			t.Fatal(err)
		}
		for _, s := range []struct {
			name string
			err  error
			code string
			msg  string
		}{
			{"signed with the retired key", importErr(sys, db, signedBundle(t, oldKey, "camden", 2)), ateval.EUNAUTHORIZED, "retired"},
			{"replay under the new key", importErr(sys, db, signedBundle(t, newKey, "camden", 1)), ateval.ECONFLICT, "already imported"},
			{"next under the new key", importErr(sys, db, signedBundle(t, newKey, "camden", 2)), "", ""},
			{"trusting the retired key again", hub.Of(db).TrustKey(sys, "camden", oldPub), ateval.ECONFLICT, "never trusted again"},
			{"retiring a key never trusted", hub.Of(db).RetireKey(sys, "camden", strayPub), ateval.ENOTFOUND, "not trusted"},
			{"retiring the old key again", hub.Of(db).RetireKey(sys, "camden", oldPub), "", ""},
			{"a reader who is not an administrator", hub.Of(db).RetireKey(ateval.ReportContext(context.Background()), "camden", newPub), ateval.EFORBIDDEN, ""},
		} {
			if got := ateval.ErrorCode(s.err); (s.err == nil) != (s.code == "") || s.err != nil && (got != s.code || !strings.Contains(ateval.ErrorMessage(s.err), s.msg)) {
				t.Errorf("%s: %v (%s), want %q saying %q", s.name, s.err, got, s.code, s.msg)
			}
		}
		if err := hub.Of(db).RetireKey(sys, "camden", newPub); err != nil {
			t.Fatal(err)
		}
		if err := importErr(sys, db, signedBundle(t, newKey, "camden", 3)); ateval.ErrorCode(err) != ateval.EUNAUTHORIZED {
			t.Errorf("a bundle of a borough whose every key is retired: %v, want refused", err)
		}
		bs, err := hub.Of(db).LatestBundles(sys)
		if err != nil {
			t.Fatal(err)
		}
		if len(bs) != 1 || bs[0].Sequence != 2 {
			t.Errorf("LatestBundles = %+v, want Camden's bundle 2 only", bs)
		}
		ks, err := hub.Of(db).TrustedKeys(sys)
		if err != nil {
			t.Fatal(err)
		}
		if len(ks) != 2 || ks[0].RetiredAt.IsZero() || ks[1].RetiredAt.IsZero() || ks[0].TrustedAt.IsZero() {
			t.Errorf("TrustedKeys = %+v, want Camden's two keys, both retired", ks)
		}
		for action, want := range map[string]int64{hub.ActionTrustKey: 2, hub.ActionRetireKey: 2} {
			_, n, err := db.AuditLog(sys, storage.AuditFilter{Action: action})
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("%d audit entries of %s, want %d", n, action, want)
			}
		}
	})
}

func importErr(ctx context.Context, db *storage.DB, b federation.Bundle) error {
	_, err := hub.Of(db).ImportBundle(ctx, b)
	return err
}
