package gototraining

import (
	"net/http"
	"reflect"
)

// This file is the table of the API's operations, and the one place that
// says when each may be sent again. Everything else points here: the
// package documentation's Retries section and each method's "Retries:" line
// are checked against this table (retrydoc_test.go), the retry decision in
// retry.go reads op.retry, and the tests derive their lists of operations
// from operations below, which a test checks against the spec both ways.

// operation describes one API operation: its name for errors and logs, when
// repeating it is safe, the status of its documented success, and the wire
// type its success answer is decoded into.
type operation struct {
	id     string
	retry  retryClass
	want   int          // another code of the same class is accepted too (see call)
	answer reflect.Type // the field drift gate (drift_test.go) checks it against the spec
}

// decodesInto is the wire type W an operation's success answer decodes into: a
// struct of wire.go, or a slice of one for an array answer.
func decodesInto[W any]() reflect.Type { return reflect.TypeFor[W]() }

// noAnswer says an operation has no JSON object to decode: no body (204), a
// bare URL string, or a redirect.
var noAnswer reflect.Type

// listIn is the answer of an operation whose list sits under a property of
// an object (a lister with field set): the object, as far as it is decoded.
func listIn[W any](field string) reflect.Type {
	return reflect.StructOf([]reflect.StructField{{
		Name: "List", Type: reflect.TypeFor[[]W](), Tag: reflect.StructTag(`json:"` + field + `"`),
	}})
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

// The operations, by operationId. Each is one line: its id, its retry class,
// its documented success and its answer's wire type.
var (
	opGetAllOrganisers                      = newOperation("getAllOrganisers", retryAlways, http.StatusOK, decodesInto[[]wireOrganizer]())
	opGetAllTrainings                       = newOperation("getAllTrainings", retryAlways, http.StatusOK, decodesInto[[]wireTraining]())
	opScheduleTraining                      = newOperation("scheduleTraining", retryNever, http.StatusCreated, noAnswer)
	opCancelTraining                        = newOperation("cancelTraining", retryAlways, http.StatusNoContent, noAnswer)
	opGetTraining                           = newOperation("getTraining", retryAlways, http.StatusOK, decodesInto[wireTraining]())
	opGetManageTrainingURL                  = newOperation("getManageTrainingURL", retryAlways, http.StatusOK, noAnswer)
	opUpdateTrainingNameDescription         = newOperation("updateTrainingNameDescription", retryAlways, http.StatusNoContent, noAnswer)
	opGetOrganisersForTraining              = newOperation("getOrganisersForTraining", retryAlways, http.StatusOK, decodesInto[[]wireOrganizer]())
	opUpdateOrganisersForTraining           = newOperation("updateOrganisersForTraining", retryUnhandled, http.StatusNoContent, noAnswer)
	opGetRegistrants                        = newOperation("getRegistrants", retryAlways, http.StatusOK, decodesInto[[]wireRegistrant]())
	opRegisterForTraining                   = newOperation("registerForTraining", retryNever, http.StatusCreated, decodesInto[wireRegistration]())
	opCancelRegistration                    = newOperation("cancelRegistration", retryAlways, http.StatusNoContent, noAnswer)
	opGetRegistrant                         = newOperation("getRegistrant", retryAlways, http.StatusOK, decodesInto[wireRegistrant]())
	opUpdateRegistrationSettingsForTraining = newOperation("updateRegistrationSettingsForTraining", retryAlways, http.StatusNoContent, noAnswer)
	opGetStartURL                           = newOperation("getStartUrl", retryAlways, http.StatusOK, noAnswer)
	opUpdateTrainingTimes                   = newOperation("updateTrainingTimes", retryUnhandled, http.StatusOK, decodesInto[wireNotified]())
	opGetSessionDetailsForDateRange         = newOperation("getSessionDetailsForDateRange", retryAlways, http.StatusOK, decodesInto[[]wireSession]())
	opGetAttendanceDetails                  = newOperation("getAttendanceDetails", retryAlways, http.StatusOK, decodesInto[[]wireAttendee]())
	opGetSessionDetailsForTraining          = newOperation("getSessionDetailsForTraining", retryAlways, http.StatusOK, decodesInto[[]wireSession]())
	opGetRecordingsForTraining              = newOperation("getRecordingsForTraining", retryAlways, http.StatusOK, listIn[wireRecording](recordingListField))
	opGetRecordingDownloadByID              = newOperation("getRecordingDownloadById", retryAlways, http.StatusFound, noAnswer)
	opStartTraining                         = newOperation("startTraining", retryAlways, http.StatusOK, decodesInto[wireHostURL]())
)

// operations is every operation above, in the order declared: the table the
// tests derive their lists from. TestOperationTableMatchesSpec checks it
// against the spec.
var operations []*operation

// newOperation adds one operation to the table, so that declaring it is
// the only step.
func newOperation(id string, retry retryClass, want int, answer reflect.Type) *operation {
	op := &operation{id: id, retry: retry, want: want, answer: answer}
	operations = append(operations, op)
	return op
}
