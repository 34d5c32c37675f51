package gototraining

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEveryExampleRenders parses the package as pkg.go.dev does (go/doc,
// test files included) and fails on an Example that no documentation page
// would show: go/doc attaches an example only to the package, a function, a
// type or a method it names, so ExampleErrConflict, named for a variable,
// ran as a test but was never rendered.
func TestEveryExampleRenders(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files, tests []*ast.File
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, p, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		if strings.HasSuffix(p, "_test.go") {
			tests = append(tests, f)
		}
	}
	pkg, err := doc.NewFromFiles(fset, files, "github.com/gototraining-go/gototraining/gototraining")
	if err != nil {
		t.Fatal(err)
	}
	var rendered []string
	add := func(exs []*doc.Example, prefix string) {
		for _, e := range exs {
			name := prefix
			if e.Suffix != "" {
				name += "_" + e.Suffix
			}
			rendered = append(rendered, name)
		}
	}
	add(pkg.Examples, "Example")
	for _, f := range pkg.Funcs {
		add(f.Examples, "Example"+f.Name)
	}
	for _, ty := range pkg.Types {
		add(ty.Examples, "Example"+ty.Name)
		for _, f := range ty.Funcs {
			add(f.Examples, "Example"+f.Name)
		}
		for _, m := range ty.Methods {
			add(m.Examples, "Example"+ty.Name+"_"+m.Name)
		}
	}
	var all []string
	for _, e := range doc.Examples(tests...) {
		name := "Example" + e.Name
		if e.Name == "" {
			name = "Example"
		}
		all = append(all, name)
	}
	slices.Sort(all)
	slices.Sort(rendered)
	if diff := cmp.Diff(all, rendered); diff != "" {
		t.Errorf("examples that run (-) but that go doc would not render (+ means rendered twice):\n%s", diff)
	}
	for _, want := range []string{"ExampleNewClient_tokenSource", "ExampleTrainingsService_Schedule", "ExampleReportsService_Attendance", "Example_outcomeUnknown"} {
		if !slices.Contains(rendered, want) {
			t.Errorf("%s is missing from the documentation", want)
		}
	}
}
