package gototraining

// The API's 22 operations, by operationId. safe says whether a call may be
// repeated: every read, PUT and DELETE, and the report POST that only reads.
// scheduleTraining and registerForTraining create something and have no
// idempotency key, so they are sent exactly once.
var (
	opGetAllOrganisers                      = &operation{id: "getAllOrganisers", safe: true}
	opGetAllTrainings                       = &operation{id: "getAllTrainings", safe: true}
	opScheduleTraining                      = &operation{id: "scheduleTraining", safe: false}
	opCancelTraining                        = &operation{id: "cancelTraining", safe: true}
	opGetTraining                           = &operation{id: "getTraining", safe: true}
	opGetManageTrainingURL                  = &operation{id: "getManageTrainingURL", safe: true}
	opUpdateTrainingNameDescription         = &operation{id: "updateTrainingNameDescription", safe: true}
	opGetOrganisersForTraining              = &operation{id: "getOrganisersForTraining", safe: true}
	opUpdateOrganisersForTraining           = &operation{id: "updateOrganisersForTraining", safe: true}
	opGetRegistrants                        = &operation{id: "getRegistrants", safe: true}
	opRegisterForTraining                   = &operation{id: "registerForTraining", safe: false}
	opCancelRegistration                    = &operation{id: "cancelRegistration", safe: true}
	opGetRegistrant                         = &operation{id: "getRegistrant", safe: true}
	opUpdateRegistrationSettingsForTraining = &operation{id: "updateRegistrationSettingsForTraining", safe: true}
	opGetStartURL                           = &operation{id: "getStartUrl", safe: true}
	opUpdateTrainingTimes                   = &operation{id: "updateTrainingTimes", safe: true}
	opGetSessionDetailsForDateRange         = &operation{id: "getSessionDetailsForDateRange", safe: true}
	opGetAttendanceDetails                  = &operation{id: "getAttendanceDetails", safe: true}
	opGetSessionDetailsForTraining          = &operation{id: "getSessionDetailsForTraining", safe: true}
	opGetRecordingsForTraining              = &operation{id: "getRecordingsForTraining", safe: true}
	opGetRecordingDownloadByID              = &operation{id: "getRecordingDownloadById", safe: true}
	opStartTraining                         = &operation{id: "startTraining", safe: true}
)
