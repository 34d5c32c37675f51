package gototrainingtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ControlOperation is the operation name the log lines of the control
// origin carry (see [Fake.ControlHandler]).
const ControlOperation = "control"

// ControlHandler returns the control origin: a small JSON API that lets a
// client outside the Go process (a test in another language, against the
// gototraining-fake command) do what the GoToTraining API cannot, and read
// the fake's state to compare with what it got over the API. It is served on
// its own origin, never under the API's paths, so the API origin stays
// exactly the spec and its validation is untouched.
//
// Every request needs a bearer token the API accepts (401 without one, 403
// with a wrong one): a web page the browser opens cannot drive it
// (the header makes a cross-origin request preflighted), and neither can a
// stray client. Bodies are JSON, at most 1 MiB, and unknown members are
// refused. Keys are decimal strings in paths and bodies, both ways, so a
// JavaScript client reads them exactly. Times are RFC 3339. Errors, unknown
// paths (404) and methods (405) included, are JSON: {"error": "..."}.
//
//	GET  /organizers                          the account's organizers
//	POST /organizers                          {"email","givenName","surname"} -> 201 {"organizerKey"}; see [Fake.AddOrganizer]
//	GET  /trainings                           every training not cancelled, as GET /trainings/{trainingKey}
//	GET  /trainings/{trainingKey}             one training: {"trainingKey","trainingId","name","description","timeZone",
//	                                          "times":[{"startDate","endDate"}],"organizerKey","organizers":[...],
//	                                          "settings":{...},"completed","registrants":[...],"sessionKeys":[...],
//	                                          "recordingIds":[...]} (see [TrainingState]); 404 when cancelled or unknown
//	POST /trainings/{trainingKey}/sessions    {"startTime","endTime","attendees":[{"givenName","surname","email",
//	                                          "periods":[{"joinTime","leaveTime"}]}]} -> 201 {"sessionKey"}; see [Fake.CompleteSession]
//	POST /trainings/{trainingKey}/recordings  {"name","content"} -> 201 {"recordingId"}; see [Fake.AddRecording]
//	POST /trainings/{trainingKey}/complete    -> 204; see [Fake.CompleteTraining]
//
// The gototraining-fake command serves it on a third loopback port and
// prints its URL as control_url in its ready line.
func (f *Fake) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /organizers", f.controlOrganizers)
	mux.HandleFunc("POST /organizers", f.controlAddOrganizer)
	mux.HandleFunc("GET /trainings", f.controlTrainings)
	mux.HandleFunc("GET /trainings/{trainingKey}", f.controlTraining)
	mux.HandleFunc("POST /trainings/{trainingKey}/sessions", f.controlCompleteSession)
	mux.HandleFunc("POST /trainings/{trainingKey}/recordings", f.controlAddRecording)
	mux.HandleFunc("POST /trainings/{trainingKey}/complete", f.controlCompleteTraining)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, op: ControlOperation}
		defer f.logRequest(r, sw, start)
		// As the API reads it (see authenticate): the scheme in any case.
		auth := strings.TrimSpace(r.Header.Get("Authorization"))
		if auth == "" {
			sw.Header().Set("WWW-Authenticate", "Bearer")
			writeControlError(sw, http.StatusUnauthorized, "no Authorization header; send the fake's token as Bearer")
			return
		}
		scheme, token, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(scheme, "Bearer") || !f.tokenOK(strings.TrimSpace(token)) {
			writeControlError(sw, http.StatusForbidden, "wrong bearer token")
			return
		}
		h, pattern := mux.Handler(r)
		if pattern == "" {
			// An unknown path (404) or method (405, with Allow): the mux
			// would answer in plain text; keep its status and headers, answer JSON.
			probe := &headerProbe{header: http.Header{}}
			h.ServeHTTP(probe, r)
			if probe.status < 400 {
				probe.status = http.StatusNotFound
			}
			if allow := probe.header.Get("Allow"); allow != "" {
				sw.Header().Set("Allow", allow)
			}
			writeControlError(sw, probe.status, r.Method+" "+r.URL.Path+": "+http.StatusText(probe.status))
			return
		}
		mux.ServeHTTP(sw, r)
	})
}

// headerProbe keeps the status and headers a handler writes, and drops its body.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header { return p.header }

func (p *headerProbe) WriteHeader(status int) {
	if p.status == 0 {
		p.status = status
	}
}

func (p *headerProbe) Write(b []byte) (int, error) {
	p.WriteHeader(http.StatusOK)
	return len(b), nil
}

// The control origin's JSON. Keys are strings of decimal digits.
type (
	controlOrganizer struct {
		OrganizerKey string `json:"organizerKey"`
		Email        string `json:"email"`
		GivenName    string `json:"givenName"`
		Surname      string `json:"surname"`
	}
	controlNewOrganizer struct {
		Email     string `json:"email"`
		GivenName string `json:"givenName"`
		Surname   string `json:"surname"`
	}
	controlTimes struct {
		StartDate time.Time `json:"startDate"`
		EndDate   time.Time `json:"endDate"`
	}
	controlSettings struct {
		DisableConfirmationEmail bool `json:"disableConfirmationEmail"`
		DisableWebRegistration   bool `json:"disableWebRegistration"`
	}
	controlRegistrant struct {
		RegistrantKey    string    `json:"registrantKey"`
		Email            string    `json:"email"`
		GivenName        string    `json:"givenName"`
		Surname          string    `json:"surname"`
		Status           string    `json:"status"`
		RegistrationDate time.Time `json:"registrationDate"`
		JoinURL          string    `json:"joinUrl"`
		ConfirmationURL  string    `json:"confirmationUrl"`
	}
	controlTraining struct {
		TrainingKey  string              `json:"trainingKey"`
		TrainingID   string              `json:"trainingId"`
		Name         string              `json:"name"`
		Description  string              `json:"description"`
		TimeZone     string              `json:"timeZone"`
		Times        []controlTimes      `json:"times"`
		OrganizerKey string              `json:"organizerKey"`
		Organizers   []string            `json:"organizers"`
		Settings     controlSettings     `json:"settings"`
		Completed    bool                `json:"completed"`
		Registrants  []controlRegistrant `json:"registrants"`
		SessionKeys  []string            `json:"sessionKeys"`
		RecordingIDs []string            `json:"recordingIds"`
	}
	controlPeriod struct {
		JoinTime  time.Time `json:"joinTime"`
		LeaveTime time.Time `json:"leaveTime"`
	}
	controlAttendee struct {
		GivenName string          `json:"givenName"`
		Surname   string          `json:"surname"`
		Email     string          `json:"email"`
		Periods   []controlPeriod `json:"periods"`
	}
	controlSession struct {
		StartTime time.Time         `json:"startTime"`
		EndTime   time.Time         `json:"endTime"`
		Attendees []controlAttendee `json:"attendees"`
	}
	controlRecording struct {
		Name    string `json:"name"`
		Content string `json:"content"`
	}
)

func (f *Fake) controlOrganizers(w http.ResponseWriter, _ *http.Request) {
	orgs := f.Organizers()
	out := make([]controlOrganizer, len(orgs))
	for i, o := range orgs {
		out[i] = controlOrganizer{OrganizerKey: keyString(o.Key), Email: o.Email, GivenName: o.GivenName, Surname: o.Surname}
	}
	writeControlJSON(w, http.StatusOK, out)
}

func (f *Fake) controlAddOrganizer(w http.ResponseWriter, r *http.Request) {
	var in controlNewOrganizer
	if !readControlJSON(w, r, &in) {
		return
	}
	if in.Email == "" || in.GivenName == "" || in.Surname == "" {
		writeControlError(w, http.StatusBadRequest, "email, givenName and surname must not be empty")
		return
	}
	key := f.AddOrganizer(in.Email, in.GivenName, in.Surname)
	writeControlJSON(w, http.StatusCreated, map[string]string{"organizerKey": keyString(key)})
}

func (f *Fake) controlTrainings(w http.ResponseWriter, _ *http.Request) {
	states := f.Trainings()
	out := make([]controlTraining, len(states))
	for i, s := range states {
		out[i] = controlTrainingOf(s)
	}
	writeControlJSON(w, http.StatusOK, out)
}

func (f *Fake) controlTraining(w http.ResponseWriter, r *http.Request) {
	s, ok := f.controlTrainingOf(w, r)
	if !ok {
		return
	}
	writeControlJSON(w, http.StatusOK, controlTrainingOf(s))
}

func (f *Fake) controlCompleteSession(w http.ResponseWriter, r *http.Request) {
	t, ok := f.controlTrainingOf(w, r)
	if !ok {
		return
	}
	var in controlSession
	if !readControlJSON(w, r, &in) {
		return
	}
	attendees := make([]AttendeeRecord, len(in.Attendees))
	for i, a := range in.Attendees {
		rec := AttendeeRecord{GivenName: a.GivenName, Surname: a.Surname, Email: a.Email}
		for _, p := range a.Periods {
			rec.Periods = append(rec.Periods, Period{Join: p.JoinTime, Leave: p.LeaveTime})
		}
		attendees[i] = rec
	}
	key, err := f.CompleteSession(t.Key, in.StartTime, in.EndTime, attendees)
	if err != nil {
		writeControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeControlJSON(w, http.StatusCreated, map[string]string{"sessionKey": keyString(key)})
}

func (f *Fake) controlAddRecording(w http.ResponseWriter, r *http.Request) {
	t, ok := f.controlTrainingOf(w, r)
	if !ok {
		return
	}
	var in controlRecording
	if !readControlJSON(w, r, &in) {
		return
	}
	if in.Name == "" {
		writeControlError(w, http.StatusBadRequest, "name must not be empty")
		return
	}
	id, err := f.AddRecording(t.Key, in.Name, []byte(in.Content))
	if err != nil {
		writeControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeControlJSON(w, http.StatusCreated, map[string]string{"recordingId": keyString(id)})
}

func (f *Fake) controlCompleteTraining(w http.ResponseWriter, r *http.Request) {
	t, ok := f.controlTrainingOf(w, r)
	if !ok {
		return
	}
	if err := f.CompleteTraining(t.Key); err != nil {
		writeControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// controlKeyPattern is the spec's pattern of a key in a path.
var controlKeyPattern = regexp.MustCompile(`^[0-9]{1,19}$`)

// controlTrainingOf returns the training named by the path, or answers 400
// (not a key) or 404 (no such training, or cancelled).
func (f *Fake) controlTrainingOf(w http.ResponseWriter, r *http.Request) (TrainingState, bool) {
	text := r.PathValue("trainingKey")
	key, err := strconv.ParseInt(text, 10, 64)
	if !controlKeyPattern.MatchString(text) || err != nil {
		writeControlError(w, http.StatusBadRequest, fmt.Sprintf("trainingKey %q is not a 64-bit key of decimal digits", text))
		return TrainingState{}, false
	}
	s, ok := f.Training(key)
	if !ok {
		writeControlError(w, http.StatusNotFound, fmt.Sprintf("no training %d (never scheduled, or cancelled)", key))
		return TrainingState{}, false
	}
	return s, true
}

func controlTrainingOf(s TrainingState) controlTraining {
	out := controlTraining{
		TrainingKey:  keyString(s.Key),
		TrainingID:   s.TrainingID,
		Name:         s.Name,
		Description:  s.Description,
		TimeZone:     s.TimeZone,
		Times:        make([]controlTimes, len(s.Times)),
		OrganizerKey: keyString(s.OrganizerKey),
		Organizers:   keyStrings(s.Organizers),
		Settings:     controlSettings(s.Settings),
		Completed:    s.Completed,
		Registrants:  make([]controlRegistrant, len(s.Registrants)),
		SessionKeys:  keyStrings(s.SessionKeys),
		RecordingIDs: keyStrings(s.RecordingIDs),
	}
	for i, t := range s.Times {
		out.Times[i] = controlTimes{StartDate: t[0], EndDate: t[1]}
	}
	for i, r := range s.Registrants {
		out.Registrants[i] = controlRegistrant{
			RegistrantKey:    keyString(r.Key),
			Email:            r.Email,
			GivenName:        r.GivenName,
			Surname:          r.Surname,
			Status:           r.Status,
			RegistrationDate: r.RegistrationDate,
			JoinURL:          r.JoinURL,
			ConfirmationURL:  r.ConfirmationURL,
		}
	}
	return out
}

func keyString(k int64) string { return strconv.FormatInt(k, 10) }

// keyStrings never returns nil, so lists are [] rather than null in JSON.
func keyStrings(keys []int64) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = keyString(k)
	}
	return out
}

// readControlJSON decodes exactly one JSON value of at most maxBody bytes,
// with no unknown members, or answers 400 (415 for another media type).
func readControlJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "application/json" && !strings.HasPrefix(ct, "application/json;") {
		writeControlError(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type %q, want application/json", ct))
		return false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		writeControlError(w, http.StatusBadRequest, "reading the body: "+err.Error())
		return false
	}
	if len(body) > maxBody {
		writeControlError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", maxBody))
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeControlError(w, http.StatusBadRequest, "body: "+err.Error())
		return false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		writeControlError(w, http.StatusBadRequest, "body: more than one JSON value")
		return false
	}
	return true
}

func writeControlJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // the control types always marshal; keep the answer well-formed anyway
		status, b = http.StatusInternalServerError, []byte(`{"error":"encoding the answer"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func writeControlError(w http.ResponseWriter, status int, msg string) {
	writeControlJSON(w, status, map[string]string{"error": msg})
}
