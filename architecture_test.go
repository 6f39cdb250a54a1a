package ateval_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/ateval/ateval"

// libraries maps the outside libraries ARCHITECTURE.md names to the
// import-path prefixes they stand for.
var libraries = map[string][]string{
	"gonum":      {"gonum.org/"},
	"gorm":       {"gorm.io/", "github.com/mattn/go-sqlite3", "github.com/jackc/pgx", "golang.org/x/crypto/"},
	"gin":        {"github.com/gin-gonic/"},
	"go-chart":   {"github.com/wcharczuk/go-chart", "github.com/golang/freetype"}, // and the font rasteriser it draws with
	"fpdf":       {"github.com/go-pdf/fpdf"},
	"chromedp":   {"github.com/chromedp/"},
	"prometheus": {"github.com/prometheus/"},
}

// TestArchitecture checks ARCHITECTURE.md's table of packages and what
// each may import against what `go list` says they do import, both ways:
// a package importing what its row does not name fails, and so does a
// row naming what its package does not import. So the document cannot
// drift from the code.
func TestArchitecture(t *testing.T) {
	doc, err := os.ReadFile("ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string][]string{}          // package path -> allowed prefixes; nil slice with key: everything
	named := map[string]map[string][]string{} // package path -> each name in its row -> the prefixes it stands for
	for _, line := range strings.Split(string(doc), "\n") {
		cols := strings.Split(line, " | ")
		if !strings.HasPrefix(line, "| `") || len(cols) != 3 {
			continue
		}
		name := strings.Trim(strings.Fields(strings.TrimPrefix(cols[0], "| "))[0], "`")
		pkg := module
		if name != "ateval" {
			pkg += "/" + name
		}
		may := strings.TrimSuffix(cols[2], " |")
		if may == "everything" {
			allowed[pkg] = nil
			continue
		}
		prefixes := []string{}
		named[pkg] = map[string][]string{}
		if may != "standard library only" {
			for _, tok := range strings.Split(may, ", ") {
				tok = strings.Trim(tok, "`")
				var stands []string
				switch {
				case tok == "root":
					stands = []string{module + "$"}
				case libraries[tok] != nil:
					stands = libraries[tok]
				default:
					stands = []string{module + "/" + tok + "$"}
				}
				prefixes = append(prefixes, stands...)
				named[pkg][tok] = stands
			}
		}
		allowed[pkg] = prefixes
	}
	if len(allowed) < 10 {
		t.Fatalf("read %d rows from ARCHITECTURE.md's table: the test proves nothing", len(allowed))
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg, imports := f[0], f[1:]
		may, ok := allowed[pkg]
		if !ok {
			t.Errorf("%s has no row in ARCHITECTURE.md's table", pkg)
			continue
		}
		if may == nil {
			continue // "everything"
		}
		for _, imp := range imports {
			if !strings.Contains(imp, ".") { // the standard library
				continue
			}
			if !permitted(imp, may) {
				t.Errorf("%s imports %s, which its row in ARCHITECTURE.md does not name", pkg, imp)
			}
		}
		// The row names what the package imports, no more: a name that
		// stands for nothing it imports is a row that has drifted.
		for tok, stands := range named[pkg] {
			used := false
			for _, imp := range imports {
				used = used || permitted(imp, stands)
			}
			if !used {
				t.Errorf("%s's row in ARCHITECTURE.md names %s, which it does not import", pkg, tok)
			}
		}
	}
}

func permitted(imp string, prefixes []string) bool {
	for _, p := range prefixes {
		if exact, ok := strings.CutSuffix(p, "$"); ok {
			if imp == exact {
				return true
			}
		} else if strings.HasPrefix(imp, p) {
			return true
		}
	}
	return false
}
