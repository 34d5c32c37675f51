package gototrainingtest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gototraining-go/gototraining/internal/specdrift"
)

// TestEveryAnswerPropertyIsWritten is the fake's field drift gate: a
// property added to a response schema of api/openapi.yaml that the fake's
// answer structs never write fails here, naming schema and property. (The
// fake validates its answers against the spec too, but an optional property
// left out passes validation.)
func TestEveryAnswerPropertyIsWritten(t *testing.T) {
	t.Parallel()
	s, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	// What each handler writes, as its route says.
	types := specdrift.Types{}
	for id, r := range handlers {
		types[id] = r.answer
	}
	if problems := specdrift.Missing(s.doc, types, reflect.TypeOf(errorOut{}), nil); len(problems) > 0 {
		t.Errorf("the fake's answer structs drift from api/openapi.yaml:\n%s", strings.Join(problems, "\n"))
	}
}
