package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestHubKeyRotation: through the command line, Camden shares a bundle
// with its first key, makes a second, and shares again: the sequence runs
// on from the borough's database, not the key file. The hub trusts the
// new key with --retire-old: the new bundle imports, the old key's bundle
// (even one it had not yet seen) is refused as signed with a retired key,
// and hub retire of the new key refuses its bundles in turn.
func TestHubKeyRotation(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the sample")
	}
	dsn := sampleDB(t)
	dir := t.TempDir()
	hub := filepath.Join(dir, "hub.db")
	k1 := keygen(t, dir, "camden-2025.key")
	b1 := share(t, dsn, k1, "camden", filepath.Join(dir, "b1.json"))
	if code, _, stderr := runCLI(t, "hub", "trust", "--db", hub, "--borough", "camden", "--public-key", k1+".pub"); code != 0 {
		t.Fatalf("hub trust: %s", stderr)
	}
	if code, _, stderr := runCLI(t, "hub", "import", "--db", hub, b1); code != 0 {
		t.Fatalf("hub import: %s", stderr)
	}
	b2old := share(t, dsn, k1, "camden", filepath.Join(dir, "b2-old-key.json"))
	k2 := keygen(t, dir, "camden-2026.key")
	b3 := share(t, dsn, k2, "camden", filepath.Join(dir, "b3.json"))
	code, out, stderr := runCLI(t, "hub", "trust", "--db", hub, "--borough", "camden", "--public-key", k2+".pub", "--retire-old")
	if code != 0 || strings.Count(out, "key ") != 3 || !strings.Contains(out, "retired") || !strings.Contains(out, "in use") {
		t.Fatalf("hub trust --retire-old: exit %d, %q %s", code, out, stderr)
	}
	if code, out, stderr := runCLI(t, "hub", "import", "--db", hub, b3); code != 0 || !strings.Contains(out, "imported bundle 3 of camden") {
		t.Errorf("the new key's bundle 3: exit %d, %q %s", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, "hub", "import", "--db", hub, b2old); code != 1 || !strings.Contains(stderr, "retired") {
		t.Errorf("the retired key's bundle: exit %d, %q; want refused as signed with a retired key", code, stderr)
	}
	if code, _, stderr := runCLI(t, "hub", "retire", "--db", hub, "--borough", "camden", "--public-key", k2+".pub"); code != 0 {
		t.Fatalf("hub retire: %s", stderr)
	}
	b4 := share(t, dsn, k2, "camden", filepath.Join(dir, "b4.json"))
	if code, _, stderr := runCLI(t, "hub", "import", "--db", hub, b4); code != 1 || !strings.Contains(stderr, "retired") {
		t.Errorf("a bundle after its key was retired: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, "hub", "retire", "--db", hub, "--borough", "sutton", "--public-key", k2+".pub"); code == 0 || !strings.Contains(stderr, "not trusted") {
		t.Errorf("retiring a key not trusted for the borough: exit %d, %q", code, stderr)
	}
}
