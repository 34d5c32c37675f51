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

// The operations, by operationId. Each is one line: its id, its retry class
// and its documented success.
var (
	opGetAllOrganisers                      = newOperation("getAllOrganisers", retryAlways, http.StatusOK)
	opGetAllTrainings                       = newOperation("getAllTrainings", retryAlways, http.StatusOK)
	opScheduleTraining                      = newOperation("scheduleTraining", retryNever, http.StatusCreated)
	opCancelTraining                        = newOperation("cancelTraining", retryAlways, http.StatusNoContent)
	opGetTraining                           = newOperation("getTraining", retryAlways, http.StatusOK)
	opGetManageTrainingURL                  = newOperation("getManageTrainingURL", retryAlways, http.StatusOK)
	opUpdateTrainingNameDescription         = newOperation("updateTrainingNameDescription", retryAlways, http.StatusNoContent)
	opGetOrganisersForTraining              = newOperation("getOrganisersForTraining", retryAlways, http.StatusOK)
	opUpdateOrganisersForTraining           = newOperation("updateOrganisersForTraining", retryUnhandled, http.StatusNoContent)
	opGetRegistrants                        = newOperation("getRegistrants", retryAlways, http.StatusOK)
	opRegisterForTraining                   = newOperation("registerForTraining", retryNever, http.StatusCreated)
	opCancelRegistration                    = newOperation("cancelRegistration", retryAlways, http.StatusNoContent)
	opGetRegistrant                         = newOperation("getRegistrant", retryAlways, http.StatusOK)
	opUpdateRegistrationSettingsForTraining = newOperation("updateRegistrationSettingsForTraining", retryAlways, http.StatusNoContent)
	opGetStartURL                           = newOperation("getStartUrl", retryAlways, http.StatusOK)
	opUpdateTrainingTimes                   = newOperation("updateTrainingTimes", retryUnhandled, http.StatusOK)
	opGetSessionDetailsForDateRange         = newOperation("getSessionDetailsForDateRange", retryAlways, http.StatusOK)
	opGetAttendanceDetails                  = newOperation("getAttendanceDetails", retryAlways, http.StatusOK)
	opGetSessionDetailsForTraining          = newOperation("getSessionDetailsForTraining", retryAlways, http.StatusOK)
	opGetRecordingsForTraining              = newOperation("getRecordingsForTraining", retryAlways, http.StatusOK)
	opGetRecordingDownloadByID              = newOperation("getRecordingDownloadById", retryAlways, http.StatusFound)
	opStartTraining                         = newOperation("startTraining", retryAlways, http.StatusOK)
)

// operations is every operation above, in the order declared: the table the
// tests derive their lists from. TestOperationTableMatchesSpec checks it
// against the spec.
var operations []*operation

// newOperation adds one operation to the table, so that declaring it is
// the only step.
func newOperation(id string, retry retryClass, want int) *operation {
	op := &operation{id: id, retry: retry, want: want}
	operations = append(operations, op)
	return op
}
