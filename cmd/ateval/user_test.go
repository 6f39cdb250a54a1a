package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
)

// runCLIStdin is runCLI with standard input.
func runCLIStdin(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func TestUserAdd(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "sample", "--out", dir, "--seed", "3", "--residents", "50"); code != 0 {
		t.Fatalf("sample: exit %d: %s", code, errs)
	}
	dsn := filepath.Join(t.TempDir(), "ateval.db")
	if code, _, errs := runCLI(t, append([]string{"import", "--db", dsn}, csvFiles(t, dir)...)...); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string
	}{
		{"practitioner", "a long enough password\n", []string{"--email", "Ann@Camden.example", "--role", "practitioner", "--borough", "camden"}, 0, ""},
		{"admin, no newline", "another long password", []string{"--email", "root@example.org", "--role", "admin"}, 0, ""},
		{"short password", "short\n", []string{"--email", "b@example.org", "--role", "admin"}, 1, "at least 12 characters"},
		{"no password", "", []string{"--email", "c@example.org", "--role", "admin"}, 1, "standard input"},
		{"unknown borough", "a long enough password\n", []string{"--email", "d@example.org", "--role", "practitioner", "--borough", "atlantis"}, 1, `"atlantis" is not the slug`},
		{"lead without borough", "a long enough password\n", []string{"--email", "e@example.org", "--role", "borough_lead"}, 1, "borough: is required"},
		{"unknown role", "a long enough password\n", []string{"--email", "f@example.org", "--role", "root"}, 1, "role: must be one of"},
		{"same email again", "a long enough password\n", []string{"--email", "ann@camden.example", "--role", "admin"}, 1, "already exists"},
	}
	for _, tt := range tests {
		code, _, errs := runCLIStdin(t, tt.stdin, append([]string{"user", "add", "--db", dsn}, tt.args...)...)
		if code != tt.code || !strings.Contains(errs, tt.stderr) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tt.name, code, errs, tt.code, tt.stderr)
		}
	}
	if code, _, _ := runCLIStdin(t, "", "user", "remove"); code != 2 {
		t.Errorf("user remove: exit %d, want 2", code)
	}
	db, err := storage.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := auth.New(db).Authenticate(context.Background(), "ann@camden.example", "a long enough password", auth.DefaultLoginLimits())
	if err != nil || u.Role != ateval.RolePractitioner || u.BoroughID == 0 {
		t.Errorf("signing in as the added user: %+v, %v", u, err)
	}
}

// TestDemoAccounts creates the demo's accounts and signs in as some.
func TestDemoAccounts(t *testing.T) {
	dir := t.TempDir()
	runCLI(t, "sample", "--out", dir, "--seed", "3", "--residents", "50")
	dsn := filepath.Join(t.TempDir(), "ateval.db")
	if code, _, errs := runCLI(t, append([]string{"import", "--db", dsn}, csvFiles(t, dir)...)...); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	ctx := context.Background()
	db, err := openDB(ctx, dsn, mustExist)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out bytes.Buffer
	if err := createDemoAccounts(ctx, db, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"demo-password", "admin@demo.ateval", "commissioner@demo.ateval", "evaluator@demo.ateval",
		"lead.camden@demo.ateval", "practitioner.camden@demo.ateval", "practitioner.SLUG@demo.ateval", "tower-hamlets",
		"borough lead", "administrator", "Data sharing agreement 1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo's account guide lacks %q:\n%s", want, out.String())
		}
	}
	// The demo's agreement names the evaluator, so an export works at once.
	sys := ateval.SystemContext(ctx)
	as, err := db.Agreements(sys)
	if err != nil || len(as) != 1 || len(as[0].Evaluators) != 1 || as[0].Evaluators[0] != "evaluator@demo.ateval" ||
		!ateval.DateOf(db.Now()).Before(as[0].ExpiresOn) || len(as[0].Boroughs) != 16 {
		t.Errorf("the demo's agreement: %+v %v", as, err)
	}
	for email, role := range map[string]ateval.Role{"admin@demo.ateval": ateval.RoleAdmin, "lead.tower-hamlets@demo.ateval": ateval.RoleBoroughLead,
		"practitioner.tower-hamlets@demo.ateval": ateval.RolePractitioner} {
		u, err := auth.New(db).Authenticate(ctx, email, demoPassword, auth.DefaultLoginLimits())
		if err != nil || u.Role != role {
			t.Errorf("sign in as %s: %+v, %v", email, u, err)
		}
	}
}
