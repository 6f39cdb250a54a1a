package reports

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/importer"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// CommittedSample is the committed sample imported into a new SQLite
// file of tb's: the real data the report-wide checks and attacks run on.
// Record keys are drawn afresh at each import.
func CommittedSample(tb testing.TB) *storage.DB {
	tb.Helper()
	db := storagetest.Open(tb, filepath.Join(tb.TempDir(), "ateval.db"))
	srcs, err := importer.FromFS(sampledata.Committed())
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := importer.Import(ateval.SystemContext(context.Background()), db, srcs, importer.Options{}); err != nil {
		tb.Fatal(err)
	}
	return db
}
