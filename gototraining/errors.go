package gototraining

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Sentinel errors. An *APIError matches one of them with errors.Is, so callers
// can branch on the kind of failure without looking at status codes.
var (
	// ErrBadRequest: GoTo rejected the request as malformed (400).
	ErrBadRequest = errors.New("gototraining: bad request")
	// ErrUnauthorized: the access token is missing, invalid or expired. GoTo
	// reports a bad token as 403 with int_err_code InvalidToken, and that
	// matches here too, not ErrForbidden.
	ErrUnauthorized = errors.New("gototraining: unauthorized")
	// ErrForbidden: the token is valid but may not act on the resource (403).
	ErrForbidden = errors.New("gototraining: forbidden")
	// ErrNotFound: no such organizer, training, registrant, session or recording (404).
	ErrNotFound = errors.New("gototraining: not found")
	// ErrConflict: the email address is already registered for the training (409).
	ErrConflict = errors.New("gototraining: conflict")
	// ErrRateLimited: GoTo's rate limit was hit and retries did not help (429).
	ErrRateLimited = errors.New("gototraining: rate limited")
	// ErrServer: GoTo failed (5xx) and retries, where allowed, did not help.
	ErrServer = errors.New("gototraining: server error")
	// ErrOutcomeUnknown: a call whose retry class is never (see Retries in
	// the package documentation) may have reached GoTo, but no answer came back:
	// the connection broke after the request was written, the deadline passed
	// while waiting, GoTo answered 500, or a gateway answered 502 or 504
	// (such an error also matches ErrServer). The training or
	// registration may or may not exist; look it up before trying again.
	// A *DecodeError of a creating call matches too: GoTo answered success,
	// so it exists, but the answer with its key was cut off or unreadable.
	ErrOutcomeUnknown = errors.New("gototraining: outcome unknown")
	// ErrListTooLong: a List answer would take more memory than the
	// client's list limit (see WithListLimit). All streams the same list
	// with flat memory. The error is a *ListTooLongError.
	ErrListTooLong = errors.New("gototraining: list too long")
	// ErrReauthorizationRequired: GoTo refused the grant behind the token
	// source (invalid_grant: the refresh token or personal access token was
	// revoked, expired or rotated away), or a store holds no token yet. No
	// retry can mend it: the user must authorize again (LoginWithBrowser) or
	// make a new personal access token. The error is a *TokenError, or
	// wraps this sentinel.
	ErrReauthorizationRequired = errors.New("gototraining: the user must authorize again")
)

// maxErrorBody caps how much of an error body is read; the rest is discarded
// so a hostile or broken server cannot make the client hold a huge body.
const maxErrorBody = 1 << 20

// keptErrorBody caps how much of that the APIError keeps for the caller.
const keptErrorBody = 8 << 10

// APIError is a non-2xx answer from GoTo (or a 3xx where none was expected).
type APIError struct {
	StatusCode int    // HTTP status code
	Operation  string // operationId of the call, e.g. "getTraining"
	Method     string // HTTP method
	URL        string // request URL without query, user info or fragment

	// GoTo's error fields, when the body was a GoTo JSON error. GoTo has two
	// envelopes: int_err_code/msg (authentication) and errorCode/description
	// (or message).
	IntErrCode  string
	Msg         string
	ErrorCode   string
	Description string
	Incident    string // incident id to quote to GoTo support

	// Body is the start of the response body (at most 8 KiB), for logging.
	Body []byte
	// RetryAfter is the wait the server asked for with Retry-After, or zero.
	RetryAfter time.Duration

	// outcomeUnknown marks a 500, 502 or 504 answer to a creating call.
	outcomeUnknown bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "gototraining: %s %s %s: %d %s", e.Operation, e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	code, msg := e.Code(), e.Message()
	switch {
	case code != "" && msg != "":
		fmt.Fprintf(&b, ": %s: %s", code, msg)
	case code != "" || msg != "":
		fmt.Fprintf(&b, ": %s%s", code, msg)
	}
	if e.Incident != "" {
		fmt.Fprintf(&b, " (incident %s)", e.Incident)
	}
	return b.String()
}

// Code is GoTo's error code from whichever envelope the body used.
func (e *APIError) Code() string {
	if e.IntErrCode != "" {
		return e.IntErrCode
	}
	return e.ErrorCode
}

// Message is GoTo's error message from whichever envelope the body used.
func (e *APIError) Message() string {
	switch {
	case e.Msg != "":
		return e.Msg
	default:
		return e.Description
	}
}

// Is maps the status (and GoTo's InvalidToken code) to the sentinel errors.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.invalidToken()
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden && !e.invalidToken()
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	case ErrOutcomeUnknown:
		return e.outcomeUnknown
	}
	return false
}

// invalidToken is GoTo's way of saying 401: a 403 whose int_err_code names a
// token problem.
func (e *APIError) invalidToken() bool {
	if e.StatusCode != http.StatusForbidden {
		return false
	}
	switch e.IntErrCode {
	case "InvalidToken", "ExpiredToken", "MissingToken", "InvalidAccessToken":
		return true
	}
	return false
}

// DecodeError is a 2xx answer whose body could not be decoded. The request
// did succeed on GoTo's side; only its answer is unreadable.
type DecodeError struct {
	StatusCode int
	Operation  string
	Err        error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("gototraining: %s: decoding the %d answer: %v", e.Operation, e.StatusCode, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Is matches ErrOutcomeUnknown for the creating calls: the training or
// registration was made, but its key is lost, and a caller who took the
// error for a failure and tried again would make a second one.
func (e *DecodeError) Is(target error) bool {
	return target == ErrOutcomeUnknown && (e.Operation == opScheduleTraining.id || e.Operation == opRegisterForTraining.id)
}

// ListTooLongError is a List whose answer grew past the client's list
// limit: the elements read so far are dropped. The call itself succeeded;
// range over the service's All method to read the list one element at a time.
type ListTooLongError struct {
	Operation string // operationId, e.g. "getRegistrants"
	Limit     int64  // the limit in bytes of decoded data (WithListLimit)
}

func (e *ListTooLongError) Error() string {
	return fmt.Sprintf("gototraining: %s: the list takes more than the %d bytes List may hold (WithListLimit); use All to stream it", e.Operation, e.Limit)
}

// Is matches ErrListTooLong.
func (e *ListTooLongError) Is(target error) bool { return target == ErrListTooLong }

// ValidationError is an input the client refused before sending anything.
type ValidationError struct {
	Operation string // operationId of the call that was refused
	Field     string // the offending input, e.g. "Times[1].End" or "trainingKey"
	Problem   string // what is wrong with it
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("gototraining: %s: invalid %s: %s", e.Operation, e.Field, e.Problem)
}

// outcomeUnknownError wraps the transport error of a creating call that may
// have reached GoTo. It matches ErrOutcomeUnknown and still unwraps to the
// cause, so errors.Is(err, context.DeadlineExceeded) keeps working.
type outcomeUnknownError struct {
	op  string
	err error
}

func (e *outcomeUnknownError) Error() string {
	return fmt.Sprintf("gototraining: %s: request may have reached GoTo, but no answer came back: %v", e.op, e.err)
}

func (e *outcomeUnknownError) Unwrap() []error { return []error{ErrOutcomeUnknown, e.err} }
