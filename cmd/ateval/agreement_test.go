package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/importer"
	sampledata "github.com/ateval/ateval/sample-data"
	"github.com/ateval/ateval/storage/storagetest"
)

// loadSample migrates the database at dsn and imports the committed sample.
func loadSample(t testing.TB, dsn string) {
	t.Helper()
	db := storagetest.Open(t, dsn)
	srcs, err := importer.FromFS(sampledata.Committed())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Import(ateval.SystemContext(context.Background()), db, srcs, importer.Options{}); err != nil {
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
			if code, _, errs := runCLI(t, "agreement", "add", "--db", d.URL, "--name", "strict", "--purpose", "falls",
				"--boroughs", "camden", "--expires", "2099-01-01", "--min-k", "10"); code != 0 {
				t.Fatalf("agreement add --min-k 10: exit %d: %s", code, errs)
			}
			code, out, _ = runCLI(t, "agreement", "list", "--db", d.URL)
			if lines := strings.Split(out, "\n"); code != 0 || len(lines) < 3 || !strings.Contains(lines[0], "MIN K") ||
				!regexp.MustCompile(`strict +2099-01-01 +10 `).MatchString(lines[1]) || !regexp.MustCompile(`UCL study +2099-01-01 +5 `).MatchString(lines[2]) {
				t.Errorf("agreement list: exit %d, want each agreement's minimum k:\n%s", code, out)
			}
			code, out, _ = runCLI(t, "agreement", "list", "--db", d.URL, "--json")
			if code != 0 || !strings.Contains(out, `"min_k": 10`) || !strings.Contains(out, `"min_k": 5`) {
				t.Errorf("agreement list --json: exit %d, want min_k 10 and 5:\n%s", code, out)
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
				{[]string{"--name", "f", "--purpose", "p", "--boroughs", "camden", "--expires", "2099-01-01", "--min-k", "1"}, 1, "min_k: must be a whole number from 2"},
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

// TestAgreementMembers names evaluators on agreements from the command
// line, at creation and after, and lists the register.
func TestAgreementMembers(t *testing.T) {
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			loadSample(t, d.URL)
			for _, u := range []string{"ann@ucl.example", "bob@lse.example"} {
				if code, _, errs := runCLIStdin(t, "a long enough password\n", "user", "add", "--db", d.URL, "--email", u, "--role", "evaluator"); code != 0 {
					t.Fatalf("user add %s: %s", u, errs)
				}
			}
			code, out, errs := runCLI(t, "agreement", "add", "--db", d.URL, "--name", "UCL study", "--purpose", "falls",
				"--boroughs", "camden", "--expires", "2099-01-01", "--evaluators", "ann@ucl.example")
			if code != 0 {
				t.Fatalf("agreement add --evaluators: exit %d: %s", code, errs)
			}
			id := strings.TrimSpace(out)
			if code, _, errs := runCLI(t, "agreement", "member", "add", "--db", d.URL, "--agreement", id, "--evaluators", "BOB@lse.example"); code != 0 {
				t.Fatalf("agreement member add: exit %d: %s", code, errs)
			}
			code, out, _ = runCLI(t, "agreement", "list", "--db", d.URL)
			if code != 0 || !strings.Contains(out, "UCL study") || !strings.Contains(out, "ann@ucl.example,bob@lse.example") {
				t.Errorf("agreement list: exit %d:\n%s", code, out)
			}
			for _, tc := range []struct {
				args []string
				code int
				msg  string
			}{
				{[]string{"member", "add", "--db", d.URL, "--agreement", id, "--evaluators", "nobody@x.example"}, 1, "there is no user nobody@x.example"},
				{[]string{"member", "add", "--db", d.URL, "--agreement", "999", "--evaluators", "ann@ucl.example"}, 1, "no data sharing agreement 999"},
				{[]string{"member", "add", "--db", d.URL, "--agreement", id}, 2, "--evaluators"},
				{[]string{"add", "--db", d.URL, "--name", "x", "--purpose", "p", "--boroughs", "camden", "--expires", "2099-01-01", "--evaluators", "nobody@x.example"}, 1, "there is no user"},
				{[]string{"member"}, 2, "Usage"},
			} {
				code, _, errs := runCLI(t, append([]string{"agreement"}, tc.args...)...)
				if code != tc.code || !strings.Contains(errs, tc.msg) {
					t.Errorf("agreement %q: exit %d, %q; want exit %d mentioning %q", tc.args, code, errs, tc.code, tc.msg)
				}
			}
		})
	}
}
