package server

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/importer"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage/storagetest"
)

// evidenceResidents is the size of the generated sample the evidence
// tests run on: big enough for pooled findings and an "Other boroughs"
// row, small enough to build a report in about a second.
const evidenceResidents = 900

// newEvidenceWorld is a server over a generated sixteen-borough sample,
// in which Sutton has only six residents in the evaluation, with a
// commissioner, an evaluator, a second evaluator, an administrator
// and a practitioner and borough lead of Camden. It returns the CSV of the
// residents, identifiers and all, so tests can look for them in what the
// server publishes.
func newEvidenceWorld(t *testing.T) (*world, []byte) {
	t.Helper()
	var bufs [5]bytes.Buffer
	cfg := sampledata.Config{Seed: 7, Residents: evidenceResidents, Boroughs: 16}
	if _, err := sampledata.Generate(cfg, sampledata.Writers{Boroughs: &bufs[0], Devices: &bufs[1], Residents: &bufs[2], DeviceIssues: &bufs[3], Assessments: &bufs[4]}); err != nil {
		t.Fatal(err)
	}
	residents := append([]byte(nil), bufs[2].Bytes()...)
	var srcs []importer.Source
	for i, name := range sampledata.Files() {
		srcs = append(srcs, importer.Source{Name: name, R: bytes.NewReader(bufs[i].Bytes())})
	}
	w := &world{t: t, logs: &bytes.Buffer{}, users: map[string]*ateval.User{}}
	w.db = storagetest.Open(t, filepath.Join(t.TempDir(), "ateval.db"))
	sys := ateval.SystemContext(context.Background())
	if _, err := importer.Import(sys, w.db, srcs, importer.Options{}); err != nil {
		t.Fatal(err)
	}
	bs, err := w.db.View(sys).Boroughs()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		switch b.Slug {
		case "camden":
			w.camden = b
		case "sutton":
			w.sutton = b
		}
	}
	// Sutton's residents all object but six, so that one borough is too
	// small to be named anywhere.
	sqlDB, err := w.db.SQL()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlDB.Exec(`UPDATE residents SET objected_on = '2026-01-01' WHERE borough_id = $1 AND enrolled_on IS NOT NULL
		AND id NOT IN (SELECT id FROM residents WHERE borough_id = $1 AND enrolled_on IS NOT NULL ORDER BY id LIMIT 6)`, w.sutton.ID); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		key     string
		role    ateval.Role
		borough int64
	}{
		{"practitioner", ateval.RolePractitioner, w.camden.ID},
		{"borough_lead", ateval.RoleBoroughLead, w.camden.ID},
		{"commissioner", ateval.RoleCommissioner, 0},
		{"evaluator", ateval.RoleEvaluator, 0},
		{"other_evaluator", ateval.RoleEvaluator, 0},
		{"admin", ateval.RoleAdmin, 0},
	} {
		w.addUser(u.key, u.role, u.borough)
	}
	w.srv = w.newServer(Config{})
	w.srv.log = slog.New(slog.NewJSONHandler(w.logs, nil))
	return w, residents
}
