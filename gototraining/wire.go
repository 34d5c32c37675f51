package gototraining

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unsafe"

	"github.com/gototraining-go/gototraining/gen"
)

// This file is the one place where the API's JSON meets the domain types.
// Responses are decoded into the wire structs below rather than into gen's
// models: gen types keys as a string-or-number union held in a RawMessage,
// which costs an allocation per key and a second parse; these structs decode
// keys and times in one pass and then convert field by field. Their json
// tags are what the drift gate (drift_test.go) checks against the spec; the
// token walks of wiredecode.go read the same names, and the fuzz targets
// check that they agree with reflection over these tags. Requests are
// built from gen's models, so the bodies we send are the spec's.

// wireTime decodes GoTo's date-times: RFC 3339 as the spec says, and, to be
// lenient with what servers really send, a numeric zone without a colon
// ("+0000") and a zone-less time taken as UTC.
type wireTime time.Time

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
}

func (t *wireTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("gototraining: date-time %s is not a JSON string", quoteShort(b))
	}
	s := string(b[1 : len(b)-1])
	if s == "" {
		*t = wireTime{}
		return nil
	}
	for _, layout := range timeLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			*t = wireTime(v)
			return nil
		}
	}
	return fmt.Errorf("gototraining: date-time %s is not RFC 3339", quoteShort(b))
}

// wireMinutes is one of GoTo's counts of whole minutes (a session's length,
// time attended). Multiplied into a time.Duration unchecked, 153722867281
// minutes would wrap to 5.2 s and MaxInt64 to -1m0s; a count that is
// negative or does not fit a Duration (about 292 years) is refused instead.
type wireMinutes time.Duration

// maxMinutes is the largest minute count a time.Duration holds.
const maxMinutes = math.MaxInt64 / int64(time.Minute)

func (m *wireMinutes) UnmarshalJSON(b []byte) error {
	n, err := parseCount(b, "minute count")
	if err != nil || n < 0 {
		return err // n < 0: null, which leaves the value alone
	}
	if n > maxMinutes {
		return fmt.Errorf("gototraining: minute count %s does not fit a time.Duration (at most %d)", quoteShort(b), maxMinutes)
	}
	*m = wireMinutes(time.Duration(n) * time.Minute)
	return nil
}

// wireCount is a count of people (attendees, notified parties): never
// negative, and at most what an int32 holds, as the spec types it.
type wireCount int

func (c *wireCount) UnmarshalJSON(b []byte) error {
	n, err := parseCount(b, "count")
	if err != nil || n < 0 {
		return err
	}
	if n > math.MaxInt32 {
		return fmt.Errorf("gototraining: count %s is larger than %d", quoteShort(b), math.MaxInt32)
	}
	*c = wireCount(n)
	return nil
}

// parseCount reads a JSON number that must be a whole, non-negative count
// in plain decimal. It returns -1 for null.
func parseCount(b []byte, what string) (int64, error) {
	if bytes.Equal(b, []byte("null")) {
		return -1, nil
	}
	if len(b) > 0 && b[0] == '-' {
		return 0, fmt.Errorf("gototraining: %s %s is negative", what, quoteShort(b))
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, fmt.Errorf("gototraining: %s %s is not a whole number that fits 64 bits", what, quoteShort(b))
	}
	for _, d := range b {
		if d < '0' || d > '9' {
			return 0, fmt.Errorf("gototraining: %s %s is not a whole number", what, quoteShort(b))
		}
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("gototraining: %s %s is not a whole number that fits 64 bits", what, quoteShort(b))
	}
	return n, nil
}

// wireList is a list nested in an answer: a training's times, the
// organizers of a training or session, an attendee's periods. The caps on
// an answer's bytes do not bound its memory: "{}," is 3 bytes of JSON but a
// 48-byte TimeRange, and 4 MiB of empty times grew the heap by 266 MiB. So
// every nested list is counted as it is decoded (decodeFrom, in
// wiredecode.go), and one longer than maxNestedList is a decode error with
// no more than maxNestedList elements ever allocated.
type wireList[T any] []T

// maxNestedList is far beyond any real training's sessions, organizers or
// an attendee's join and leave periods (GoTo's own examples have a handful),
// and keeps one nested list under a megabyte however it is padded.
const maxNestedList = 10_000

// nestedSize is what a nested list keeps beyond its JSON bytes, for List's
// memory cap: its domain copy, whose elements are the size of the wire
// ones (the wire copy is dropped after the conversion).
func nestedSize[T any](l wireList[T]) int64 {
	var zero T
	return int64(len(l)) * int64(unsafe.Sizeof(zero))
}

type wireRange struct {
	StartDate wireTime `json:"startDate"`
	EndDate   wireTime `json:"endDate"`
}

func (w *wireRange) domain() TimeRange {
	return TimeRange{Start: time.Time(w.StartDate), End: time.Time(w.EndDate)}
}

type wireOrganizer struct {
	OrganizerKey OrganizerKey `json:"organizerKey"`
	Email        string       `json:"email"`
	GivenName    string       `json:"givenName"`
	Surname      string       `json:"surname"`
}

func (w *wireOrganizer) domain() Organizer {
	return Organizer{Key: w.OrganizerKey, Email: w.Email, GivenName: w.GivenName, Surname: w.Surname}
}

func organizers(ws []wireOrganizer) []Organizer {
	if ws == nil {
		return nil
	}
	out := make([]Organizer, len(ws))
	for i := range ws {
		out[i] = ws[i].domain()
	}
	return out
}

type wireSettings struct {
	DisableConfirmationEmail bool `json:"disableConfirmationEmail"`
	DisableWebRegistration   bool `json:"disableWebRegistration"`
}

type wireTraining struct {
	TrainingKey          TrainingKey             `json:"trainingKey"`
	TrainingID           string                  `json:"trainingId"`
	Name                 string                  `json:"name"`
	Description          string                  `json:"description"`
	TimeZone             string                  `json:"timeZone"`
	Times                wireList[wireRange]     `json:"times"`
	Organizers           wireList[wireOrganizer] `json:"organizers"`
	RegistrationSettings wireSettings            `json:"registrationSettings"`
}

func (w *wireTraining) nestedSize() int64 {
	return nestedSize(w.Times) + nestedSize(w.Organizers)
}

func (w *wireTraining) domain() Training {
	t := Training{
		Key:         w.TrainingKey,
		ID:          w.TrainingID,
		Name:        w.Name,
		Description: w.Description,
		TimeZone:    w.TimeZone,
		Organizers:  organizers(w.Organizers),
		RegistrationSettings: RegistrationSettings{
			DisableConfirmationEmail: w.RegistrationSettings.DisableConfirmationEmail,
			DisableWebRegistration:   w.RegistrationSettings.DisableWebRegistration,
		},
	}
	if w.Times != nil {
		t.Times = make([]TimeRange, len(w.Times))
		for i := range w.Times {
			t.Times[i] = w.Times[i].domain()
		}
	}
	return t
}

type wireRegistrant struct {
	RegistrantKey    RegistrantKey `json:"registrantKey"`
	Email            string        `json:"email"`
	GivenName        string        `json:"givenName"`
	Surname          string        `json:"surname"`
	Status           string        `json:"status"`
	RegistrationDate wireTime      `json:"registrationDate"`
	JoinURL          string        `json:"joinUrl"`
	ConfirmationURL  string        `json:"confirmationUrl"`
}

func (w *wireRegistrant) domain() Registrant {
	return Registrant{
		Key:              w.RegistrantKey,
		Email:            w.Email,
		GivenName:        w.GivenName,
		Surname:          w.Surname,
		Status:           RegistrantStatus(w.Status),
		RegistrationDate: time.Time(w.RegistrationDate),
		JoinURL:          w.JoinURL,
		ConfirmationURL:  w.ConfirmationURL,
	}
}

type wireRegistration struct {
	RegistrantKey   RegistrantKey `json:"registrantKey"`
	JoinURL         string        `json:"joinUrl"`
	ConfirmationURL string        `json:"confirmationUrl"`
}

func (w *wireRegistration) domain() Registration {
	return Registration{Key: w.RegistrantKey, JoinURL: w.JoinURL, ConfirmationURL: w.ConfirmationURL}
}

// checked is Register's conversion: an answer that lost the key leaves the
// registration as good as unreadable.
func (w *wireRegistration) checked() (Registration, error) {
	if w.RegistrantKey <= 0 {
		return Registration{}, errors.New("the answer has no registrantKey")
	}
	return w.domain(), nil
}

type wireSession struct {
	SessionKey       SessionKey              `json:"sessionKey"`
	TrainingName     string                  `json:"trainingName"`
	SessionStartTime wireTime                `json:"sessionStartTime"`
	SessionEndTime   wireTime                `json:"sessionEndTime"`
	AttendanceCount  wireCount               `json:"attendanceCount"`
	Duration         wireMinutes             `json:"duration"`
	Organizers       wireList[wireOrganizer] `json:"organizers"`
}

func (w *wireSession) nestedSize() int64 { return nestedSize(w.Organizers) }

func (w *wireSession) domain() Session {
	return Session{
		Key:             w.SessionKey,
		TrainingName:    w.TrainingName,
		Start:           time.Time(w.SessionStartTime),
		End:             time.Time(w.SessionEndTime),
		AttendanceCount: int(w.AttendanceCount),
		Duration:        time.Duration(w.Duration),
		Organizers:      organizers(w.Organizers),
	}
}

type wireAttendance struct {
	JoinTime            wireTime    `json:"joinTime"`
	LeaveTime           wireTime    `json:"leaveTime"`
	TimeInPartOfSession wireMinutes `json:"timeInPartOfSession"`
}

type wireAttendee struct {
	GivenName      string                   `json:"givenName"`
	Surname        string                   `json:"surname"`
	Email          string                   `json:"email"`
	TimeInSession  wireMinutes              `json:"timeInSession"`
	InSessionTimes wireList[wireAttendance] `json:"inSessionTimes"`
}

func (w *wireAttendee) nestedSize() int64 { return nestedSize(w.InSessionTimes) }

func (w *wireAttendee) domain() Attendee {
	a := Attendee{
		GivenName:     w.GivenName,
		Surname:       w.Surname,
		Email:         w.Email,
		TimeInSession: time.Duration(w.TimeInSession),
	}
	if len(w.InSessionTimes) > 0 {
		a.Periods = make([]AttendancePeriod, len(w.InSessionTimes))
		for i, p := range w.InSessionTimes {
			a.Periods[i] = AttendancePeriod{
				Join:     time.Time(p.JoinTime),
				Leave:    time.Time(p.LeaveTime),
				Duration: time.Duration(p.TimeInPartOfSession),
			}
		}
	}
	return a
}

type wireRecording struct {
	RecordingID     RecordingID `json:"recordingId"`
	Name            string      `json:"name"`
	Description     string      `json:"description"`
	RegistrationURL string      `json:"registrationUrl"`
	DownloadURL     string      `json:"downloadUrl"`
	StartDate       wireTime    `json:"startDate"`
	EndDate         wireTime    `json:"endDate"`
}

func (w *wireRecording) domain() Recording {
	return Recording{
		ID:              w.RecordingID,
		Name:            w.Name,
		Description:     w.Description,
		RegistrationURL: w.RegistrationURL,
		DownloadURL:     w.DownloadURL,
		Start:           time.Time(w.StartDate),
		End:             time.Time(w.EndDate),
	}
}

type wireHostURL struct {
	HostURL string `json:"hostURL"`
}

type wireNotified struct {
	NotifiedRegistrants wireCount `json:"notifiedRegistrants"`
	NotifiedTrainers    wireCount `json:"notifiedTrainers"`
}

func (w *wireNotified) domain() NotifiedParties {
	return NotifiedParties{Registrants: int(w.NotifiedRegistrants), Trainers: int(w.NotifiedTrainers)}
}

// wireError is any of GoTo's error envelopes.
type wireError struct {
	IntErrCode  string `json:"int_err_code"`
	Msg         string `json:"msg"`
	ErrorCode   string `json:"errorCode"`
	Description string `json:"description"`
	Message     string `json:"message"`
	Incident    string `json:"incident"`
}

// Requests: domain to gen.

// apiTime is how instants go to GoTo: UTC, whole seconds.
func apiTime(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

func genRanges(rs []TimeRange) []gen.DateTimeRange {
	out := make([]gen.DateTimeRange, len(rs))
	for i, r := range rs {
		out[i] = gen.DateTimeRange{StartDate: apiTime(r.Start), EndDate: apiTime(r.End)}
	}
	return out
}

func genKeys(keys []OrganizerKey) []int64 {
	out := make([]int64, len(keys))
	for i, k := range keys {
		out[i] = int64(k)
	}
	return out
}

func genScheduleBody(r ScheduleTrainingRequest) gen.TrainingReqCreate {
	body := gen.TrainingReqCreate{
		Name:     r.Name,
		TimeZone: r.TimeZone,
		Times:    genRanges(r.Times),
	}
	if r.Description != "" {
		body.Description = &r.Description
	}
	if r.RegistrationSettings != nil {
		s := gen.RegistrationSettings(*r.RegistrationSettings)
		body.RegistrationSettings = &s
	}
	if len(r.CoOrganizers) > 0 {
		keys := genKeys(r.CoOrganizers)
		body.Organizers = &keys
	}
	return body
}

func genSettingsBody(s RegistrationSettings) gen.RegistrationSettings {
	return gen.RegistrationSettings{
		DisableConfirmationEmail: s.DisableConfirmationEmail,
		DisableWebRegistration:   s.DisableWebRegistration,
	}
}

func genTimesBody(r UpdateTrainingTimesRequest) gen.TrainingTimes {
	notifyRegistrants, notifyTrainers := !r.SkipRegistrantNotification, !r.SkipTrainerNotification
	return gen.TrainingTimes{
		TimeZone:          r.TimeZone,
		Times:             genRanges(r.Times),
		NotifyRegistrants: &notifyRegistrants,
		NotifyTrainers:    &notifyTrainers,
	}
}
