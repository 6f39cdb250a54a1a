package disclosure_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// summaryMethods are the methods of storage/summaries that return numbers
// derived from residents, for the report to pass through the gate.
var summaryMethods = map[string]bool{"ChangeSummaries": true, "ChangeSummariesOf": true, "EventSummaries": true, "EventSummariesOf": true,
	"ProportionSummaries": true, "Enrolments": true, "Taken": true, "Costs": true, "Issues": true, "ImportedCells": true}

// allowedSummary are the parts of package summary that are a query, not
// numbers.
var allowedSummary = map[string]bool{"Filter": true, "Intervention": true, "Comparison": true}

// TestOneGate fails when a number derived from residents could leave by a
// path other than the gate: only package reports may read the summaries
// of storage/summaries (and it passes each through Gate.Release), only
// storage/summaries and reports may use the summaries' types (others may
// name a filter; storage's CRUD none at all), and both reports and
// storage's catalogue must import this package.
func TestOneGate(t *testing.T) {
	root := ".."
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		dir := filepath.ToSlash(filepath.Dir(rel))
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		if dir == "storage/summaries" || dir == "reports" {
			return nil
		}
		alias := ""
		for _, imp := range f.Imports {
			if strings.Trim(imp.Path.Value, `"`) == "github.com/ateval/ateval/reports/summary" {
				alias = "summary"
				if imp.Name != nil {
					alias = imp.Name.Name
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			// The filter and the group names are a query, not numbers.
			if sel, ok := n.(*ast.SelectorExpr); ok && alias != "" {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == alias && !allowedSummary[sel.Sel.Name] {
					t.Errorf("%s: uses summary.%s, numbers of residents, outside storage and reports", fset.Position(sel.Pos()), sel.Sel.Name)
				}
			}
			if call, ok := n.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && summaryMethods[sel.Sel.Name] {
					t.Errorf("%s: calls %s, a summary of residents, outside reports: publish it through reports.Build and the gate", fset.Position(call.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"../reports", "../storage"} {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		if !strings.Contains(string(out), "github.com/ateval/ateval/disclosure") {
			t.Errorf("%s does not import the disclosure gate", pkg)
		}
	}
	// Numbers of residents leave the database through storage/summaries
	// alone: storage's CRUD does not compute the report's summaries.
	out, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, "../storage").Output()
	if err != nil {
		t.Fatalf("go list ../storage: %v", err)
	}
	if strings.Contains(string(out), "github.com/ateval/ateval/reports/summary") {
		t.Error("storage imports reports/summary: the summaries' SQL belongs in storage/summaries")
	}
}
