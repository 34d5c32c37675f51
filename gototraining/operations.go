package gototraining

import "net/http"

// The API's 22 operations, by operationId, with when each may be repeated
// (see retryClass): every read, the report POST that only reads, plain
// updates and deletes always; the two updates that email people only when
// GoTo provably did not act; scheduleTraining and registerForTraining, which
// create something and have no idempotency key, never.
var (
	opGetAllOrganisers                      = &operation{id: "getAllOrganisers", retry: retryAlways, want: http.StatusOK}
	opGetAllTrainings                       = &operation{id: "getAllTrainings", retry: retryAlways, want: http.StatusOK}
	opScheduleTraining                      = &operation{id: "scheduleTraining", retry: retryNever, want: http.StatusCreated}
	opCancelTraining                        = &operation{id: "cancelTraining", retry: retryAlways, want: http.StatusNoContent}
	opGetTraining                           = &operation{id: "getTraining", retry: retryAlways, want: http.StatusOK}
	opGetManageTrainingURL                  = &operation{id: "getManageTrainingURL", retry: retryAlways, want: http.StatusOK}
	opUpdateTrainingNameDescription         = &operation{id: "updateTrainingNameDescription", retry: retryAlways, want: http.StatusNoContent}
	opGetOrganisersForTraining              = &operation{id: "getOrganisersForTraining", retry: retryAlways, want: http.StatusOK}
	opUpdateOrganisersForTraining           = &operation{id: "updateOrganisersForTraining", retry: retryUnhandled, want: http.StatusNoContent}
	opGetRegistrants                        = &operation{id: "getRegistrants", retry: retryAlways, want: http.StatusOK}
	opRegisterForTraining                   = &operation{id: "registerForTraining", retry: retryNever, want: http.StatusCreated}
	opCancelRegistration                    = &operation{id: "cancelRegistration", retry: retryAlways, want: http.StatusNoContent}
	opGetRegistrant                         = &operation{id: "getRegistrant", retry: retryAlways, want: http.StatusOK}
	opUpdateRegistrationSettingsForTraining = &operation{id: "updateRegistrationSettingsForTraining", retry: retryAlways, want: http.StatusNoContent}
	opGetStartURL                           = &operation{id: "getStartUrl", retry: retryAlways, want: http.StatusOK}
	opUpdateTrainingTimes                   = &operation{id: "updateTrainingTimes", retry: retryUnhandled, want: http.StatusOK}
	opGetSessionDetailsForDateRange         = &operation{id: "getSessionDetailsForDateRange", retry: retryAlways, want: http.StatusOK}
	opGetAttendanceDetails                  = &operation{id: "getAttendanceDetails", retry: retryAlways, want: http.StatusOK}
	opGetSessionDetailsForTraining          = &operation{id: "getSessionDetailsForTraining", retry: retryAlways, want: http.StatusOK}
	opGetRecordingsForTraining              = &operation{id: "getRecordingsForTraining", retry: retryAlways, want: http.StatusOK}
	opGetRecordingDownloadByID              = &operation{id: "getRecordingDownloadById", retry: retryAlways, want: http.StatusFound}
	opStartTraining                         = &operation{id: "startTraining", retry: retryAlways, want: http.StatusOK}
)
