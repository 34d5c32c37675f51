package gototrainingtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// JSON shapes on the wire. Keys are int64 throughout: encoding/json writes an
// int64 exactly (",string" makes it a JSON string) and reads one without a
// float, so 19-digit keys survive both ways.

// Requests.

type dateTimeRangeIn struct {
	StartDate time.Time `json:"startDate"`
	EndDate   time.Time `json:"endDate"`
}

// registrationSettingsJSON travels both ways.
type registrationSettingsJSON struct {
	DisableConfirmationEmail bool `json:"disableConfirmationEmail"`
	DisableWebRegistration   bool `json:"disableWebRegistration"`
}

type trainingReqCreate struct {
	Name                 string                    `json:"name"`
	Description          string                    `json:"description"`
	TimeZone             string                    `json:"timeZone"`
	Times                []dateTimeRangeIn         `json:"times"`
	RegistrationSettings *registrationSettingsJSON `json:"registrationSettings"`
	Organizers           []int64                   `json:"organizers"`
}

type trainingNameDescription struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

type trainingTimes struct {
	TimeZone          string            `json:"timeZone"`
	Times             []dateTimeRangeIn `json:"times"`
	NotifyRegistrants *bool             `json:"notifyRegistrants"`
	NotifyTrainers    *bool             `json:"notifyTrainers"`
}

type trainingOrganizers struct {
	Organizers       []int64 `json:"organizers"`
	NotifyOrganizers bool    `json:"notifyOrganizers"`
}

type registrantReqCreate struct {
	Email     string `json:"email"`
	GivenName string `json:"givenName"`
	Surname   string `json:"surname"`
}

// Responses.

type organizerOut struct {
	OrganizerKey int64  `json:"organizerKey,string"`
	Email        string `json:"email"`
	GivenName    string `json:"givenName"`
	Surname      string `json:"surname"`
}

type dateTimeRangeOut struct {
	StartDate string `json:"startDate"`
	EndDate   string `json:"endDate"`
}

type trainingOut struct {
	TrainingKey          int64                    `json:"trainingKey,string"`
	TrainingID           string                   `json:"trainingId"`
	Name                 string                   `json:"name"`
	Description          string                   `json:"description"`
	TimeZone             string                   `json:"timeZone"`
	Times                []dateTimeRangeOut       `json:"times"`
	Organizers           []organizerOut           `json:"organizers"`
	RegistrationSettings registrationSettingsJSON `json:"registrationSettings"`
}

type registrantOut struct {
	RegistrantKey    int64  `json:"registrantKey,string"`
	Email            string `json:"email"`
	GivenName        string `json:"givenName"`
	Surname          string `json:"surname"`
	Status           string `json:"status"`
	RegistrationDate string `json:"registrationDate"`
	JoinURL          string `json:"joinUrl"`
	ConfirmationURL  string `json:"confirmationUrl"`
}

// registrantCreatedOut carries the key as a JSON number, as GoTo does here.
type registrantCreatedOut struct {
	RegistrantKey   int64  `json:"registrantKey"`
	JoinURL         string `json:"joinUrl"`
	ConfirmationURL string `json:"confirmationUrl"`
}

type notifiedPartiesOut struct {
	NotifiedRegistrants int `json:"notifiedRegistrants"`
	NotifiedTrainers    int `json:"notifiedTrainers"`
}

type hostURLOut struct {
	HostURL string `json:"hostURL"`
}

type sessionOut struct {
	SessionKey       int64          `json:"sessionKey,string"`
	TrainingName     string         `json:"trainingName"`
	SessionStartTime string         `json:"sessionStartTime"`
	SessionEndTime   string         `json:"sessionEndTime"`
	AttendanceCount  int            `json:"attendanceCount"`
	Duration         int            `json:"duration"`
	Organizers       []organizerOut `json:"organizers"`
}

type attendanceOut struct {
	JoinTime            string `json:"joinTime"`
	LeaveTime           string `json:"leaveTime"`
	TimeInPartOfSession int    `json:"timeInPartOfSession"`
}

type attendeeOut struct {
	GivenName      string          `json:"givenName"`
	Surname        string          `json:"surname"`
	Email          string          `json:"email"`
	TimeInSession  int             `json:"timeInSession"`
	InSessionTimes []attendanceOut `json:"inSessionTimes"`
}

// recordingsListOut and recordingOut carry keys as JSON numbers, as GoTo does.
type recordingsListOut struct {
	TrainingKey   int64          `json:"trainingKey"`
	RecordingList []recordingOut `json:"recordingList"`
}

type recordingOut struct {
	RecordingID     int64  `json:"recordingId"`
	Name            string `json:"name"`
	Description     string `json:"description,omitempty"`
	RegistrationURL string `json:"registrationUrl,omitempty"`
	DownloadURL     string `json:"downloadUrl,omitempty"`
	StartDate       string `json:"startDate"`
	EndDate         string `json:"endDate"`
}

// errorOut is GoTo's error body; GoTo uses several envelopes, so every field
// is optional.
type errorOut struct {
	IntErrCode  string `json:"int_err_code,omitempty"`
	Msg         string `json:"msg,omitempty"`
	ErrorCode   string `json:"errorCode,omitempty"`
	Description string `json:"description,omitempty"`
	Message     string `json:"message,omitempty"`
	Incident    string `json:"incident,omitempty"`
}

// response is an answer built in memory, checked against the spec, then sent.
type response struct {
	status int
	header http.Header
	body   []byte
}

func jsonResponse(status int, v any) response {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only the fake's own wire types are encoded here; they always encode.
		return errorResponse(http.StatusInternalServerError, errorOut{ErrorCode: "InternalError", Description: "encoding the response failed"})
	}
	return response{
		status: status,
		header: http.Header{"Content-Type": {"application/json"}},
		body:   bytes.TrimSuffix(buf.Bytes(), []byte("\n")),
	}
}

func noContent() response { return response{status: http.StatusNoContent, header: http.Header{}} }

func errorResponse(status int, e errorOut) response {
	b, _ := json.Marshal(e) // strings only: cannot fail
	return response{status: status, header: http.Header{"Content-Type": {"application/json"}}, body: b}
}

func badRequest(description string) response {
	return errorResponse(http.StatusBadRequest, errorOut{ErrorCode: "InvalidRequest", Description: description})
}

func notFound(what string) response {
	return errorResponse(http.StatusNotFound, errorOut{ErrorCode: "NotFound", Description: what + " not found"})
}

func accessDenied(description string) response {
	return errorResponse(http.StatusForbidden, errorOut{ErrorCode: "AccessDenied", Description: description})
}

// GoTo's exact answers to a missing and to a bad token.
var (
	missingTokenBody = errorOut{IntErrCode: "MissingToken", Msg: "No access token passed"}
	invalidTokenBody = errorOut{IntErrCode: "InvalidToken", Msg: "Invalid token passed"}
)

// defaultErrorBody is the body of an injected fault that brings none.
func defaultErrorBody(status int, incident string) []byte {
	e := errorOut{Description: http.StatusText(status)}
	switch status {
	case http.StatusBadRequest:
		e.ErrorCode = "InvalidRequest"
	case http.StatusUnauthorized:
		e = missingTokenBody
	case http.StatusForbidden:
		e.ErrorCode = "AccessDenied"
	case http.StatusNotFound:
		e.ErrorCode = "NotFound"
	case http.StatusConflict:
		e.ErrorCode = "Conflict"
	case http.StatusTooManyRequests:
		e.ErrorCode, e.Description = "TooManyRequests", "Rate limit exceeded"
	case http.StatusInternalServerError:
		e.ErrorCode = "InternalError"
	case http.StatusBadGateway:
		e.ErrorCode = "BadGateway"
	case http.StatusServiceUnavailable:
		e.ErrorCode = "ServiceUnavailable"
	case http.StatusGatewayTimeout:
		e.ErrorCode = "GatewayTimeout"
	default:
		e.ErrorCode = "Error" + strconv.Itoa(status)
	}
	if status >= 500 {
		e.Incident = incident
	}
	b, _ := json.Marshal(e)
	return b
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// minutes is the whole number of minutes in d, rounded down, as GoTo reports.
func minutes(d time.Duration) int { return int(d / time.Minute) }
