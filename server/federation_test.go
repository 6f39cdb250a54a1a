package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/federation"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage/auth"
	"github.com/ateval/ateval/storage/hub"
)

// TestPostBundle posts bundles to the hub's API: a Camden lead's bundle of
// Camden imports; the same again is a replay; a tampered one, one signed
// with an untrusted key, and Sutton's bundle from Camden's lead are
// refused, and the hub keeps only the first.
func TestPostBundle(t *testing.T) {
	w := newWorld(t)
	sys := ateval.SystemContext(context.Background())
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	_, stray, _ := ed25519.GenerateKey(rand.Reader)
	if err := hub.Of(w.db).TrustKey(sys, "camden", pub); err != nil {
		t.Fatal(err)
	}
	if err := hub.Of(w.db).TrustKey(sys, "sutton", pub); err != nil {
		t.Fatal(err)
	}
	bundle := func(k ed25519.PrivateKey, borough string, seq int64) string {
		b := federation.Sign(federation.Body{Borough: borough, FrameworkVersion: forms.CurrentVersion, PeriodFrom: 2025, PeriodTo: 2025,
			Made: time.Now(), Sequence: seq, Statistics: []federation.Statistic{{Outcome: "ucla3", Timepoint: "m3", Kind: "change", Reference: &federation.Reference{Baseline: 4, Change: 3, Slope: 0.5, Residual: 2},
				Cells: []federation.Cell{{Arm: "comparison", Periods: []int{2025}, N: 12, Key: 1400, Values: []float64{5, -0.4}}}}}}, k)
		var buf bytes.Buffer
		if err := b.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	lead, _ := w.session("borough_lead", auth.BearerSession)
	first := bundle(key, "camden", 1)
	for _, c := range []struct {
		name, body string
		want       int
	}{
		{"first", first, http.StatusCreated},
		{"replay", first, http.StatusConflict},
		{"tampered", strings.Replace(bundle(key, "camden", 2), `"n": 12`, `"n": 13`, 1), http.StatusUnauthorized},
		{"untrusted key", bundle(stray, "camden", 3), http.StatusUnauthorized},
		{"another borough's", bundle(key, "sutton", 1), http.StatusForbidden},
		{"not a bundle", `{"format": "something"}`, http.StatusUnprocessableEntity},
	} {
		rec := w.do(request{method: "POST", path: "/api/v1/federation/bundles", bearer: lead, json: c.body})
		if rec.Code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, rec.Code, rec.Body.String(), c.want)
		}
	}
	// Sutton's bundle, made 200 days ago, imported by the operator: the
	// hub page flags it stale and Camden's current.
	var old federation.Bundle
	if b, err := federation.Parse(strings.NewReader(bundle(key, "sutton", 1))); err != nil {
		t.Fatal(err)
	} else {
		body := b.Body
		body.Made = time.Now().Add(-200 * 24 * time.Hour)
		old = federation.Sign(body, key)
	}
	if _, err := hub.Of(w.db).ImportBundle(sys, old); err != nil {
		t.Fatal(err)
	}
	admin, _ := w.session("admin", auth.CookieSession)
	rec := w.do(request{path: "/admin/hub", cookie: admin})
	page := rec.Body.String()
	if rec.Code != http.StatusOK || !regexp.MustCompile(`(?s)Camden.*Current.*Sutton.*Stale`).MatchString(page) {
		t.Errorf("hub page: %d, want Camden current and Sutton stale:\n%s", rec.Code, page)
	}
	bs, err := hub.Of(w.db).LatestBundles(sys)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 2 || bs[0].Borough != "camden" || bs[0].Sequence != 1 || bs[1].Borough != "sutton" {
		t.Errorf("the hub holds %+v, want Camden's bundle 1 and Sutton's", bs)
	}
	// Migration 22 deletes the cells of bundles of format 1 and keeps the
	// bundles: the page asks for them again.
	if err := w.db.Gorm(sys).Exec("DELETE FROM federation_cells WHERE bundle_id IN (SELECT id FROM federation_bundles WHERE borough = 'camden')").Error; err != nil {
		t.Fatal(err)
	}
	rec = w.do(request{path: "/admin/hub", cookie: admin})
	if page := rec.Body.String(); !regexp.MustCompile(`(?s)Camden.*Share again.*Sutton.*Stale`).MatchString(page) {
		t.Errorf("hub page after Camden's cells were deleted: want Camden marked to share again:\n%s", page)
	}
}

// TestHubPageKeys: the hub page lists each borough's keys, since when
// they are trusted, and which are retired.
func TestHubPageKeys(t *testing.T) {
	w := newWorld(t)
	sys := ateval.SystemContext(context.Background())
	oldPub, _, _ := ed25519.GenerateKey(rand.Reader)
	newPub, _, _ := ed25519.GenerateKey(rand.Reader)
	if err := hub.Of(w.db).TrustKey(sys, "camden", oldPub); err != nil {
		t.Fatal(err)
	}
	if err := hub.Of(w.db).RotateKey(sys, "camden", newPub); err != nil {
		t.Fatal(err)
	}
	admin, _ := w.session("admin", auth.CookieSession)
	rec := w.do(request{path: "/admin/hub", cookie: admin})
	page := rec.Body.String()
	want := `(?s)<h2[^>]*>Keys</h2>.*` + federation.KeyID(oldPub) + `.*Retired.*` + federation.KeyID(newPub) + `.*In use`
	if rec.Code != http.StatusOK || !regexp.MustCompile(want).MatchString(page) {
		t.Errorf("hub page: %d, want Camden's old key retired and its new key in use:\n%s", rec.Code, page)
	}
}
