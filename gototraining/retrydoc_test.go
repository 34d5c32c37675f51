package gototraining

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wrappedMethod is an exported method that names its operation with a
// //meta:operation line.
type wrappedMethod struct {
	name string // as the docs write it: "Trainings.Get"
	op   string
	doc  string
}

// wrappedMethods parses this package's non-test files for wrappedMethod.
func wrappedMethods(t *testing.T) []wrappedMethod {
	t.Helper()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var out []wrappedMethod
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
			name := fn.Name.Name
			if fn.Recv != nil {
				recv := fn.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				if id, ok := recv.(*ast.Ident); ok {
					name = strings.TrimSuffix(id.Name, "Service") + "." + name
				}
			}
			for _, c := range fn.Doc.List {
				if id, ok := strings.CutPrefix(c.Text, "//meta:operation "); ok {
					out = append(out, wrappedMethod{name: name, op: strings.TrimSpace(id), doc: fn.Doc.Text()})
				}
			}
		}
	}
	return out
}

func operationByID() map[string]*operation {
	out := map[string]*operation{}
	for _, op := range operations {
		out[op.id] = op
	}
	return out
}

// TestMethodDocsNameTheirRetryClass: each wrapped method's documentation
// says "Retries: <class>." as the operation table has it, so the docs
// cannot drift from the rule the transport applies.
func TestMethodDocsNameTheirRetryClass(t *testing.T) {
	t.Parallel()
	ops := operationByID()
	for _, m := range wrappedMethods(t) {
		op, ok := ops[m.op]
		if !ok {
			t.Errorf("%s: operation %s is not in the table", m.name, m.op)
			continue
		}
		want := "Retries: " + op.retry.doc() + "."
		if n := strings.Count(m.doc, "Retries: "); n != 1 || !strings.Contains(m.doc, want) {
			t.Errorf("%s: its doc should say %q once; it says:\n%s", m.name, want, m.doc)
		}
	}
}

// TestPackageDocRetriesFollowTheTable: the package documentation's list
// for each class that is not "always" names methods of exactly the
// operations the table puts in that class.
func TestPackageDocRetriesFollowTheTable(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	start := strings.Index(text, "// # Retries")
	end := strings.Index(text[start+1:], "// # ")
	if start < 0 || end < 0 {
		t.Fatal("doc.go has no Retries section")
	}
	section := strings.ReplaceAll(text[start:start+1+end], "\n//    ", "")
	bullets := map[string]string{}
	for _, line := range strings.Split(section, "\n//   - ") {
		bullets[strings.SplitN(line, "\n", 2)[0]] = line
	}
	opOf := map[string]string{}
	for _, m := range wrappedMethods(t) {
		opOf[m.name] = m.op
	}
	methodName := regexp.MustCompile(`\b[A-Z]\w+\.[A-Z]\w+\b`)
	for _, class := range []retryClass{retryNever, retryUnhandled} {
		var bullet string
		for head, b := range bullets {
			if strings.HasPrefix(head, class.doc()) {
				bullet = b
			}
		}
		if bullet == "" {
			t.Errorf("doc.go's Retries section has no item for %q", class.doc())
			continue
		}
		named := map[string]bool{}
		for _, name := range methodName.FindAllString(bullet, -1) {
			if op, ok := opOf[name]; ok {
				named[op] = true
			}
		}
		want := map[string]bool{}
		for _, op := range operations {
			if op.retry == class {
				want[op.id] = true
			}
		}
		if diff := cmp.Diff(slices.Sorted(maps.Keys(want)), slices.Sorted(maps.Keys(named))); diff != "" {
			t.Errorf("%q: operations in the table (-) and named in doc.go (+):\n%s", class.doc(), diff)
		}
	}
}
