package gototraining

import "net/http"

// This file is the table of the API's operations, and the one place that
// says when each may be sent again. Everything else points here: the
// package documentation's Retries section and each method's "Retries:" line
// are checked against this table (retrydoc_test.go), the retry decision in
// retry.go reads op.retry, and the tests derive their lists of operations
// from operations below, which a test checks against the spec both ways.

// operation describes one API operation: its name for errors and logs, when
// repeating it is safe, and the status of its documented success.
type operation struct {
	id    string
	retry retryClass
	want  int // another code of the same class is accepted too (see call)
}

// retryClass says when an operation may be sent again. The transport
// retries on network errors, 429, 502, 503 and 504 (retryableStatus), after
// the RetryPolicy's backoff or the server's Retry-After; the class limits
// that further.
type retryClass int

const (
	// retryNever: creating calls, with no idempotency key. A repeat would
	// make a second training or registration; when one may have reached
	// GoTo but no answer came back, the error matches ErrOutcomeUnknown.
	retryNever retryClass = iota
	// retryUnhandled: calls that are idempotent in data but email people
	// (new times, new co-organizers). They are repeated only when GoTo
	// provably did not act: the request was never written, or the answer
	// was 429 or 503. A repeat after a lost answer would email everyone twice.
	retryUnhandled
	// retryAlways: reads, the report POST that only reads, plain updates
	// and deletes.
	retryAlways
)

// doc is how a method's documentation names its class, on a line of its own
// ("Retries: always."), and how the package documentation's Retries section
// heads the class's list.
func (r retryClass) doc() string {
	switch r {
	case retryNever:
		return "never"
	case retryUnhandled:
		return "only when GoTo provably did not act"
	}
	return "always"
}

// The operations, by operationId, in the spec's order.
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

// operations is every operation above: the table the tests derive their
// lists from. TestOperationTableMatchesSpec checks it against the spec.
var operations = []*operation{
	opGetAllOrganisers,
	opGetAllTrainings,
	opScheduleTraining,
	opCancelTraining,
	opGetTraining,
	opGetManageTrainingURL,
	opUpdateTrainingNameDescription,
	opGetOrganisersForTraining,
	opUpdateOrganisersForTraining,
	opGetRegistrants,
	opRegisterForTraining,
	opCancelRegistration,
	opGetRegistrant,
	opUpdateRegistrationSettingsForTraining,
	opGetStartURL,
	opUpdateTrainingTimes,
	opGetSessionDetailsForDateRange,
	opGetAttendanceDetails,
	opGetSessionDetailsForTraining,
	opGetRecordingsForTraining,
	opGetRecordingDownloadByID,
	opStartTraining,
}
