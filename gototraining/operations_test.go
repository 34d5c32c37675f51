package gototraining

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/api"
)

// specOperation is what the spec says of one operation that the table
// repeats.
type specOperation struct {
	method  string
	success []int // the 2xx and 3xx statuses it declares
}

func specOperations(t *testing.T) map[string]specOperation {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]specOperation{}
	for _, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			s := specOperation{method: method}
			for code := range op.Responses.Map() {
				if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 400 {
					s.success = append(s.success, n)
				}
			}
			out[op.OperationID] = s
		}
	}
	return out
}

// TestOperationTableMatchesSpec checks the table of operations.go against
// api/openapi.yaml both ways: the same operations, each once, each
// expecting a success the spec declares, and every POST that the table
// retries is one that only reads.
func TestOperationTableMatchesSpec(t *testing.T) {
	t.Parallel()
	spec := specOperations(t)
	var ids []string
	for _, op := range operations {
		ids = append(ids, op.id)
		s, ok := spec[op.id]
		if !ok {
			continue // reported by the diff below
		}
		if !slices.Contains(s.success, op.want) {
			t.Errorf("%s: the table expects %d, the spec declares %v", op.id, op.want, s.success)
		}
		readOnlyPOST := op == opGetSessionDetailsForDateRange
		if s.method == http.MethodPost && op.retry != retryNever && !readOnlyPOST {
			t.Errorf("%s: a POST that creates must be retryNever", op.id)
		}
	}
	slices.Sort(ids)
	if diff := cmp.Diff(slices.Sorted(maps.Keys(spec)), ids); diff != "" {
		t.Errorf("operations in the spec (-) and in the table (+):\n%s", diff)
	}
}

// TestEveryOperationIsWrapped reads the //meta:operation lines of this
// package's exported methods and checks them against the table, both ways.
func TestEveryOperationIsWrapped(t *testing.T) {
	t.Parallel()
	wrapped := map[string]bool{}
	for _, m := range wrappedMethods(t) {
		wrapped[m.op] = true
	}
	var want []string
	for _, op := range operations {
		want = append(want, op.id)
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, slices.Sorted(maps.Keys(wrapped))); diff != "" {
		t.Errorf("operations in the table (-) and wrapped (+):\n%s", diff)
	}
}
