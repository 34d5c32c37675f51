package gototraining

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gototraining-go/gototraining/gen"
)

// This file is the one place where the API's JSON meets the domain types.
// Responses are decoded into the wire structs below rather than into gen's
// models: gen types keys as a string-or-number union held in a RawMessage,
// which costs an allocation per key and a second parse; these structs decode
// keys and times in one pass and then convert field by field. Requests are
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

func minutes(n int64) time.Duration { return time.Duration(n) * time.Minute }

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
	TrainingKey          TrainingKey     `json:"trainingKey"`
	TrainingID           string          `json:"trainingId"`
	Name                 string          `json:"name"`
	Description          string          `json:"description"`
	TimeZone             string          `json:"timeZone"`
	Times                []wireRange     `json:"times"`
	Organizers           []wireOrganizer `json:"organizers"`
	RegistrationSettings wireSettings    `json:"registrationSettings"`
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

type wireSession struct {
	SessionKey       SessionKey      `json:"sessionKey"`
	TrainingName     string          `json:"trainingName"`
	SessionStartTime wireTime        `json:"sessionStartTime"`
	SessionEndTime   wireTime        `json:"sessionEndTime"`
	AttendanceCount  int             `json:"attendanceCount"`
	Duration         int64           `json:"duration"`
	Organizers       []wireOrganizer `json:"organizers"`
}

func (w *wireSession) domain() Session {
	return Session{
		Key:             w.SessionKey,
		TrainingName:    w.TrainingName,
		Start:           time.Time(w.SessionStartTime),
		End:             time.Time(w.SessionEndTime),
		AttendanceCount: w.AttendanceCount,
		Duration:        minutes(w.Duration),
		Organizers:      organizers(w.Organizers),
	}
}

type wireAttendance struct {
	JoinTime            wireTime `json:"joinTime"`
	LeaveTime           wireTime `json:"leaveTime"`
	TimeInPartOfSession int64    `json:"timeInPartOfSession"`
}

type wireAttendee struct {
	GivenName      string           `json:"givenName"`
	Surname        string           `json:"surname"`
	Email          string           `json:"email"`
	TimeInSession  int64            `json:"timeInSession"`
	InSessionTimes []wireAttendance `json:"inSessionTimes"`
}

func (w *wireAttendee) domain() Attendee {
	a := Attendee{
		GivenName:     w.GivenName,
		Surname:       w.Surname,
		Email:         w.Email,
		TimeInSession: minutes(w.TimeInSession),
	}
	if len(w.InSessionTimes) > 0 {
		a.Periods = make([]AttendancePeriod, len(w.InSessionTimes))
		for i, p := range w.InSessionTimes {
			a.Periods[i] = AttendancePeriod{
				Join:     time.Time(p.JoinTime),
				Leave:    time.Time(p.LeaveTime),
				Duration: minutes(p.TimeInPartOfSession),
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
	NotifiedRegistrants int `json:"notifiedRegistrants"`
	NotifiedTrainers    int `json:"notifiedTrainers"`
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

func genTimesBody(r UpdateTimesRequest) gen.TrainingTimes {
	notifyRegistrants, notifyTrainers := !r.SkipRegistrantNotification, !r.SkipTrainerNotification
	return gen.TrainingTimes{
		TimeZone:          r.TimeZone,
		Times:             genRanges(r.Times),
		NotifyRegistrants: &notifyRegistrants,
		NotifyTrainers:    &notifyTrainers,
	}
}

// decodeJSON decodes one JSON value and insists that nothing but white space
// follows it, which json.Unmarshal does by itself. A json.Decoder would copy
// the bytes into a buffer of its own first, for nothing: they are all here.
func decodeJSON(data []byte, v any) error {
	return json.Unmarshal(data, v)
}
