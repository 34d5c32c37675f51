package gototraining

import (
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gototraining-go/gototraining/api"
	"github.com/gototraining-go/gototraining/internal/specdrift"
)

// answerTypes is what the client decodes each operation's success answer
// into, as the operation table says (operation.answer). A nil type: no JSON
// object to decode (no body, a bare key or URL string, a redirect).
func answerTypes() specdrift.Types {
	types := specdrift.Types{}
	for _, op := range operations {
		types[op.id] = op.answer
	}
	return types
}

// notDecoded lists the answer properties the client leaves out on purpose.
var notDecoded = map[string]string{
	"RecordingsListForTraining.trainingKey": "the caller passed the training's key to get the list",
}

// TestEveryAnswerPropertyIsDecoded is the field drift gate: a property added
// to a response schema of api/openapi.yaml that no wire struct decodes
// fails here, naming schema and property, instead of vanishing.
func TestEveryAnswerPropertyIsDecoded(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	if problems := specdrift.Missing(doc, answerTypes(), reflect.TypeOf(wireError{}), notDecoded); len(problems) > 0 {
		t.Errorf("the client's wire structs drift from api/openapi.yaml:\n%s", strings.Join(problems, "\n"))
	}
}
