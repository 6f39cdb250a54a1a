package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestTrialCommand: the operator records, lists and removes a borough's
// randomised trial; bad input names its field and writes nothing.
func TestTrialCommand(t *testing.T) {
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			db := storagetest.Open(t, d.URL)
			if err := db.InTx(ateval.SystemContext(t.Context()), func(tx *storage.Tx) error {
				return tx.CreateBorough(&ateval.Borough{Slug: "croydon", Name: "Croydon"})
			}); err != nil {
				t.Fatal(err)
			}
			code, out, errs := runCLI(t, "trial", "add", "--db", d.URL, "--borough", "croydon", "--device-category", "fall-detector", "--from", "2024-04-01")
			id, err := strconv.Atoi(strings.TrimSpace(out))
			if code != 0 || err != nil || id <= 0 {
				t.Fatalf("trial add: exit %d, printed %q: %s", code, out, errs)
			}
			for _, tc := range []struct {
				args []string
				msg  string
			}{
				{[]string{"--borough", "atlantis", "--device-category", "fall-detector", "--from", "2024-04-01"}, `borough: There is no borough "atlantis"`},
				{[]string{"--borough", "croydon", "--device-category", "fall-detector", "--from", "1 April 2024"}, "from: "},
				{[]string{"--borough", "croydon", "--device-category", "fall-detector", "--from", "2025-04-01"}, "already has a randomised trial"},
			} {
				code, _, errs := runCLI(t, append([]string{"trial", "add", "--db", d.URL}, tc.args...)...)
				if code != 1 || !strings.Contains(errs, tc.msg) {
					t.Errorf("trial add %v: exit %d, %q; want 1 and %q", tc.args, code, errs, tc.msg)
				}
			}
			code, out, _ = runCLI(t, "trial", "list", "--db", d.URL)
			if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 2 ||
				!strings.Contains(lines[1], "croydon") || !strings.Contains(lines[1], "From April 2024") {
				t.Errorf("trial list: exit %d:\n%s", code, out)
			}
			if code, _, errs := runCLI(t, "trial", "remove", "--db", d.URL, "--id", strconv.Itoa(id)); code != 0 {
				t.Fatalf("trial remove: exit %d: %s", code, errs)
			}
			if code, out, _ := runCLI(t, "trial", "list", "--db", d.URL, "--json"); code != 0 || strings.TrimSpace(out) != "[]" {
				t.Errorf("after remove: exit %d: %s", code, out)
			}
		})
	}
}
