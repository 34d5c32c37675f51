package gototrainingtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// The tests drive the fake over raw HTTP with net/http and encoding/json, so
// they check the wire itself, not a client's reading of it.

// Wire shapes as the spec describes them. Keys that must be JSON strings are
// Go strings (a JSON number would fail to decode); keys that must be JSON
// numbers are json.RawMessage, checked with number().
type organizerW struct {
	OrganizerKey string `json:"organizerKey"`
	Email        string `json:"email"`
	GivenName    string `json:"givenName"`
	Surname      string `json:"surname"`
}

type rangeW struct {
	StartDate string `json:"startDate"`
	EndDate   string `json:"endDate"`
}

type settingsW struct {
	DisableConfirmationEmail bool `json:"disableConfirmationEmail"`
	DisableWebRegistration   bool `json:"disableWebRegistration"`
}

type trainingW struct {
	TrainingKey          string       `json:"trainingKey"`
	TrainingID           string       `json:"trainingId"`
	Name                 string       `json:"name"`
	Description          string       `json:"description"`
	TimeZone             string       `json:"timeZone"`
	Times                []rangeW     `json:"times"`
	Organizers           []organizerW `json:"organizers"`
	RegistrationSettings settingsW    `json:"registrationSettings"`
}

type registrantW struct {
	RegistrantKey    string `json:"registrantKey"`
	Email            string `json:"email"`
	GivenName        string `json:"givenName"`
	Surname          string `json:"surname"`
	Status           string `json:"status"`
	RegistrationDate string `json:"registrationDate"`
	JoinURL          string `json:"joinUrl"`
	ConfirmationURL  string `json:"confirmationUrl"`
}

type registrantCreatedW struct {
	RegistrantKey   json.RawMessage `json:"registrantKey"`
	JoinURL         string          `json:"joinUrl"`
	ConfirmationURL string          `json:"confirmationUrl"`
}

type sessionW struct {
	SessionKey       string       `json:"sessionKey"`
	TrainingName     string       `json:"trainingName"`
	SessionStartTime string       `json:"sessionStartTime"`
	SessionEndTime   string       `json:"sessionEndTime"`
	AttendanceCount  int          `json:"attendanceCount"`
	Duration         int          `json:"duration"`
	Organizers       []organizerW `json:"organizers"`
}

type attendanceW struct {
	JoinTime            string `json:"joinTime"`
	LeaveTime           string `json:"leaveTime"`
	TimeInPartOfSession int    `json:"timeInPartOfSession"`
}

type attendeeW struct {
	GivenName      string        `json:"givenName"`
	Surname        string        `json:"surname"`
	Email          string        `json:"email"`
	TimeInSession  int           `json:"timeInSession"`
	InSessionTimes []attendanceW `json:"inSessionTimes"`
}

type recordingW struct {
	RecordingID     json.RawMessage `json:"recordingId"`
	Name            string          `json:"name"`
	RegistrationURL string          `json:"registrationUrl"`
	DownloadURL     string          `json:"downloadUrl"`
	StartDate       string          `json:"startDate"`
	EndDate         string          `json:"endDate"`
}

type recordingsW struct {
	TrainingKey   json.RawMessage `json:"trainingKey"`
	RecordingList []recordingW    `json:"recordingList"`
}

type errorW struct {
	IntErrCode  string `json:"int_err_code,omitempty"`
	Msg         string `json:"msg,omitempty"`
	ErrorCode   string `json:"errorCode,omitempty"`
	Description string `json:"description,omitempty"`
	Message     string `json:"message,omitempty"`
	Incident    string `json:"incident,omitempty"`
}

// tc is a raw HTTP client of one fake.
type tc struct {
	t  *testing.T
	s  *gototrainingtest.Server
	hc *http.Client
}

func newFake(t *testing.T, opts ...gototrainingtest.Option) (*gototrainingtest.Server, *tc) {
	t.Helper()
	s := gototrainingtest.NewServer(t, opts...)
	hc := &http.Client{
		Timeout:       20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{},
	}
	t.Cleanup(hc.CloseIdleConnections)
	return s, &tc{t: t, s: s, hc: hc}
}

type result struct {
	Status int
	Header http.Header
	Body   []byte
}

// hdr holds extra request headers; an empty value removes the header
// (Authorization defaults to the fake's bearer token, Content-Type to JSON
// when there is a body).
type hdr map[string]string

// do sends one request. body is nil, raw []byte or string, or a value to
// encode as JSON. It fails the test on a transport error.
func (c *tc) do(method, path string, body any, extra ...hdr) result {
	c.t.Helper()
	res, err := c.try(c.t.Context(), method, path, body, extra...)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

// try is do that returns transport and body-reading errors.
func (c *tc) try(ctx context.Context, method, path string, body any, extra ...hdr) (result, error) {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.t.Fatalf("encoding the request body: %v", err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.s.URL+path, r)
	if err != nil {
		c.t.Fatalf("building %s %s: %v", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.s.Token())
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range extra {
		for k, v := range h {
			if v == "" {
				req.Header.Del(k)
			} else {
				req.Header.Set(k, v)
			}
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return result{Status: resp.StatusCode, Header: resp.Header, Body: data}, err
}

// want checks the status and decodes the JSON body into a T.
func want[T any](t *testing.T, res result, status int) T {
	t.Helper()
	var v T
	if res.Status != status {
		t.Fatalf("status = %d, want %d; body %s", res.Status, status, res.Body)
	}
	if len(res.Body) > 0 {
		if ct := res.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q, want application/json", ct)
		}
		if err := json.Unmarshal(res.Body, &v); err != nil {
			t.Fatalf("decoding %s: %v", res.Body, err)
		}
	}
	return v
}

// number checks that raw is an unquoted JSON number and returns it exactly.
func number(t *testing.T, raw json.RawMessage) int64 {
	t.Helper()
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		t.Fatalf("%s is not a JSON integer: %v", raw, err)
	}
	return n
}

// key parses a key sent as a JSON string and checks it is a 19-digit key
// beyond 2^53.
func key(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("key %q: %v", s, err)
	}
	if len(s) != 19 || n <= 1<<53 {
		t.Errorf("key %s is not a 19-digit key above 2^53", s)
	}
	return n
}

func ks(k int64) string { return strconv.FormatInt(k, 10) }

// Paths of the API.
func trainingsPath(org int64) string { return fmt.Sprintf("/organizers/%d/trainings", org) }
func trainingPath(org, tk int64) string {
	return fmt.Sprintf("/organizers/%d/trainings/%d", org, tk)
}

// Fixed instants: the sessions of the trainings the tests schedule.
var (
	t0 = time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC)
	t1 = t0.Add(8 * time.Hour)
)

func scheduleBody(name string) map[string]any {
	return map[string]any{
		"name":        name,
		"description": "About " + name,
		"timeZone":    "America/New_York",
		"times":       []map[string]string{{"startDate": t0.Format(time.RFC3339), "endDate": t1.Format(time.RFC3339)}},
	}
}

// schedule schedules a training for the seeded organizer and returns its key.
func (c *tc) schedule(name string) int64 {
	c.t.Helper()
	res := c.do(http.MethodPost, trainingsPath(c.s.OrganizerKey()), scheduleBody(name))
	return key(c.t, want[string](c.t, res, http.StatusCreated))
}

// register registers a person and returns the registrant key.
func (c *tc) register(tk int64, email string) int64 {
	c.t.Helper()
	res := c.do(http.MethodPost, trainingPath(c.s.OrganizerKey(), tk)+"/registrants",
		map[string]string{"email": email, "givenName": "Given " + email, "surname": "Surname"})
	return number(c.t, want[registrantCreatedW](c.t, res, http.StatusCreated).RegistrantKey)
}

// checkError checks a JSON Error body: its status, and that its fields
// contain each of the substrings.
func checkError(t *testing.T, res result, status int, contains ...string) errorW {
	t.Helper()
	e := want[errorW](t, res, status)
	if e == (errorW{}) {
		t.Errorf("empty error body %s", res.Body)
	}
	all := strings.Join([]string{e.IntErrCode, e.Msg, e.ErrorCode, e.Description, e.Message}, " ")
	for _, s := range contains {
		if !strings.Contains(all, s) {
			t.Errorf("error body %s does not mention %q", res.Body, s)
		}
	}
	return e
}
