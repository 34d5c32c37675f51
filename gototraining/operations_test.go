package gototraining

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/api"
)

// TestEveryOperationIsWrapped reads the //meta:operation lines of this
// package's exported methods and checks them against the spec, both ways.
func TestEveryOperationIsWrapped(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	var inSpec []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			inSpec = append(inSpec, op.OperationID)
		}
	}
	slices.Sort(inSpec)

	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	wrapped := map[string][]string{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Doc == nil || !fn.Name.IsExported() {
				continue
			}
			for _, c := range fn.Doc.List {
				if id, ok := strings.CutPrefix(c.Text, "//meta:operation "); ok {
					id = strings.TrimSpace(id)
					wrapped[id] = append(wrapped[id], fn.Name.Name)
				}
			}
		}
	}
	var got []string
	for id := range wrapped {
		got = append(got, id)
	}
	slices.Sort(got)
	if diff := cmp.Diff(inSpec, got); diff != "" {
		t.Errorf("operations in the spec (-) and wrapped (+):\n%s", diff)
	}
	// How many operations there are is the spec's to say; that it still
	// has the seed's operations is api's TestSpecHasTheSeedOperations.
}
