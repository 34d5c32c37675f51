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
	of := reflect.TypeOf
	types := specdrift.Types{
		"getAllOrganisers":                      of([]organizerOut(nil)),
		"getAllTrainings":                       of([]trainingOut(nil)),
		"scheduleTraining":                      nil,
		"getTraining":                           of(trainingOut{}),
		"cancelTraining":                        nil,
		"getManageTrainingURL":                  nil,
		"updateTrainingNameDescription":         nil,
		"getOrganisersForTraining":              of([]organizerOut(nil)),
		"updateOrganisersForTraining":           nil,
		"getRegistrants":                        of([]registrantOut(nil)),
		"registerForTraining":                   of(registrantCreatedOut{}),
		"getRegistrant":                         of(registrantOut{}),
		"cancelRegistration":                    nil,
		"updateRegistrationSettingsForTraining": nil,
		"getStartUrl":                           nil,
		"updateTrainingTimes":                   of(notifiedPartiesOut{}),
		"getSessionDetailsForDateRange":         of([]sessionOut(nil)),
		"getAttendanceDetails":                  of([]attendeeOut(nil)),
		"getSessionDetailsForTraining":          of([]sessionOut(nil)),
		"getRecordingsForTraining":              of(recordingsListOut{}),
		"getRecordingDownloadById":              nil,
		"startTraining":                         of(hostURLOut{}),
	}
	if problems := specdrift.Missing(s.doc, types, of(errorOut{}), nil); len(problems) > 0 {
		t.Errorf("the fake's answer structs drift from api/openapi.yaml:\n%s", strings.Join(problems, "\n"))
	}
}
