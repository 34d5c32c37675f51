package gototraining

// The API's 22 operations, by operationId, with when each may be repeated
// (see retryClass): every read, the report POST that only reads, plain
// updates and deletes always; the two updates that email people only when
// GoTo provably did not act; scheduleTraining and registerForTraining, which
// create something and have no idempotency key, never.
var (
	opGetAllOrganisers                      = &operation{id: "getAllOrganisers", retry: retryAlways}
	opGetAllTrainings                       = &operation{id: "getAllTrainings", retry: retryAlways}
	opScheduleTraining                      = &operation{id: "scheduleTraining", retry: retryNever}
	opCancelTraining                        = &operation{id: "cancelTraining", retry: retryAlways}
	opGetTraining                           = &operation{id: "getTraining", retry: retryAlways}
	opGetManageTrainingURL                  = &operation{id: "getManageTrainingURL", retry: retryAlways}
	opUpdateTrainingNameDescription         = &operation{id: "updateTrainingNameDescription", retry: retryAlways}
	opGetOrganisersForTraining              = &operation{id: "getOrganisersForTraining", retry: retryAlways}
	opUpdateOrganisersForTraining           = &operation{id: "updateOrganisersForTraining", retry: retryUnhandled}
	opGetRegistrants                        = &operation{id: "getRegistrants", retry: retryAlways}
	opRegisterForTraining                   = &operation{id: "registerForTraining", retry: retryNever}
	opCancelRegistration                    = &operation{id: "cancelRegistration", retry: retryAlways}
	opGetRegistrant                         = &operation{id: "getRegistrant", retry: retryAlways}
	opUpdateRegistrationSettingsForTraining = &operation{id: "updateRegistrationSettingsForTraining", retry: retryAlways}
	opGetStartURL                           = &operation{id: "getStartUrl", retry: retryAlways}
	opUpdateTrainingTimes                   = &operation{id: "updateTrainingTimes", retry: retryUnhandled}
	opGetSessionDetailsForDateRange         = &operation{id: "getSessionDetailsForDateRange", retry: retryAlways}
	opGetAttendanceDetails                  = &operation{id: "getAttendanceDetails", retry: retryAlways}
	opGetSessionDetailsForTraining          = &operation{id: "getSessionDetailsForTraining", retry: retryAlways}
	opGetRecordingsForTraining              = &operation{id: "getRecordingsForTraining", retry: retryAlways}
	opGetRecordingDownloadByID              = &operation{id: "getRecordingDownloadById", retry: retryAlways}
	opStartTraining                         = &operation{id: "startTraining", retry: retryAlways}
)
