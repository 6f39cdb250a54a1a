package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/ateval/ateval/importer"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage/storagetest"
)

// loadSample migrates the database at dsn and imports the committed sample.
func loadSample(t testing.TB, dsn string) {
	t.Helper()
	db := storagetest.Open(t, dsn)
	srcs, err := sampledata.Sources()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Import(context.Background(), db, srcs, importer.Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestAgreementAdd(t *testing.T) {
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			loadSample(t, d.URL)
			code, out, errs := runCLI(t, "agreement", "add", "--db", d.URL, "--name", "UCL study", "--purpose", "falls",
				"--boroughs", "camden,sutton", "--expires", "2099-01-01", "--parties", "Camden Council; UCL")
			if code != 0 {
				t.Fatalf("agreement add: exit %d: %s", code, errs)
			}
			if id, err := strconv.Atoi(strings.TrimSpace(out)); err != nil || id <= 0 {
				t.Errorf("agreement add printed %q, want the new id", out)
			}
			for _, tc := range []struct {
				args []string
				code int
				msg  string
			}{
				{[]string{"--name", "b", "--purpose", "p", "--boroughs", "atlantis", "--expires", "2099-01-01"}, 1, "no borough atlantis"},
				{[]string{"--name", "c", "--purpose", "p", "--boroughs", "camden;sutton", "--expires", "2099-01-01"}, 1, "not a code"},
				{[]string{"--name", "d", "--purpose", "p", "--boroughs", "camden", "--expires", "1 Jan 2099"}, 1, "YYYY-MM-DD"},
				{[]string{"--name", "e", "--boroughs", "camden", "--expires", "2099-01-01"}, 1, "purpose"},
				{[]string{"--bogus"}, 2, ""},
			} {
				code, _, errs := runCLI(t, append([]string{"agreement", "add", "--db", d.URL}, tc.args...)...)
				if code != tc.code || !strings.Contains(errs, tc.msg) {
					t.Errorf("agreement add %q: exit %d, %q; want exit %d mentioning %q", tc.args, code, errs, tc.code, tc.msg)
				}
			}
		})
	}
}
