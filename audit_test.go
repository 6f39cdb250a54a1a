package ateval_test

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"

	"github.com/ateval/ateval"
)

// TestAuditActionsListsEvery reads the Action constants of audit.go and
// checks the viewer's list holds each once, so that an action added
// there cannot be missing from the filter.
func TestAuditActionsListsEvery(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "audit.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := ateval.AuditActions()
	n := 0
	for _, decl := range f.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !strings.HasPrefix(name.Name, "Action") || !ok {
					continue
				}
				n++
				action := constant.StringVal(constant.MakeFromLiteral(lit.Value, lit.Kind, 0))
				if c := count(listed, action); c != 1 {
					t.Errorf("%s (%q) is in AuditActions %d times, want once", name.Name, action, c)
				}
			}
		}
	}
	if n != len(listed) {
		t.Errorf("audit.go has %d actions, AuditActions lists %d", n, len(listed))
	}
}

func count(xs []string, x string) int {
	return len(slices.DeleteFunc(slices.Clone(xs), func(y string) bool { return y != x }))
}

// TestActionLabels: every action the viewer offers has words of its own.
func TestActionLabels(t *testing.T) {
	for _, a := range ateval.AuditActions() {
		if l := ateval.ActionLabel(a); l == a || l == "" {
			t.Errorf("action %q has no label", a)
		}
	}
}
