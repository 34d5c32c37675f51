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
// into: the wire structs of wire.go, by operation. A nil type: no JSON
// object to decode (no body, a bare key or URL string, a redirect).
func answerTypes() specdrift.Types {
	of := reflect.TypeOf
	// The recordings answer is an object; the pager reads the list under
	// lister.field, one wireRecording at a time.
	rec := (&RecordingsService{}).lister(1)
	recordings := reflect.StructOf([]reflect.StructField{{
		Name: "List", Type: of([]wireRecording(nil)), Tag: reflect.StructTag(`json:"` + rec.field + `"`),
	}})
	return specdrift.Types{
		"getAllOrganisers":                      of([]wireOrganizer(nil)),
		"getAllTrainings":                       of([]wireTraining(nil)),
		"scheduleTraining":                      nil,
		"getTraining":                           of(wireTraining{}),
		"cancelTraining":                        nil,
		"getManageTrainingURL":                  nil,
		"updateTrainingNameDescription":         nil,
		"getOrganisersForTraining":              of([]wireOrganizer(nil)),
		"updateOrganisersForTraining":           nil,
		"getRegistrants":                        of([]wireRegistrant(nil)),
		"registerForTraining":                   of(wireRegistration{}),
		"getRegistrant":                         of(wireRegistrant{}),
		"cancelRegistration":                    nil,
		"updateRegistrationSettingsForTraining": nil,
		"getStartUrl":                           nil,
		"updateTrainingTimes":                   of(wireNotified{}),
		"getSessionDetailsForDateRange":         of([]wireSession(nil)),
		"getAttendanceDetails":                  of([]wireAttendee(nil)),
		"getSessionDetailsForTraining":          of([]wireSession(nil)),
		"getRecordingsForTraining":              recordings,
		"getRecordingDownloadById":              nil,
		"startTraining":                         of(wireHostURL{}),
	}
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
