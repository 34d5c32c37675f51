package gototrainingtest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// control is a raw HTTP client of a fake's control origin.
type control struct {
	*tc
	url string
}

func newControl(t *testing.T) (*gototrainingtest.Server, *tc, *control) {
	t.Helper()
	s, c := newFake(t)
	ctl := httptest.NewServer(s.ControlHandler())
	t.Cleanup(ctl.Close)
	return s, c, &control{tc: c, url: ctl.URL}
}

// do sends body (a raw JSON string, or "" for none) with the fake's token
// and a JSON Content-Type; an extra header with an empty value removes it.
func (c *control) do(method, path, body string, extra ...hdr) result {
	c.t.Helper()
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.url+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatalf("building %s %s: %v", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.s.Token())
	if body != "" {
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
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return result{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

type controlTrainingW struct {
	TrainingKey string `json:"trainingKey"`
	TrainingID  string `json:"trainingId"`
	Name        string `json:"name"`
	Description string `json:"description"`
	TimeZone    string `json:"timeZone"`
	Times       []struct {
		StartDate time.Time `json:"startDate"`
		EndDate   time.Time `json:"endDate"`
	} `json:"times"`
	OrganizerKey string    `json:"organizerKey"`
	Organizers   []string  `json:"organizers"`
	Settings     settingsW `json:"settings"`
	Completed    bool      `json:"completed"`
	Registrants  []struct {
		RegistrantKey string `json:"registrantKey"`
		Email         string `json:"email"`
		Status        string `json:"status"`
	} `json:"registrants"`
	SessionKeys  []string `json:"sessionKeys"`
	RecordingIDs []string `json:"recordingIds"`
}

// TestControlLifeCycle drives everything the API cannot do through the
// control origin, and checks each step both in its answer and in the fake.
func TestControlLifeCycle(t *testing.T) {
	t.Parallel()
	s, api, ctl := newControl(t)

	created := want[map[string]string](t, ctl.do(http.MethodPost, "/organizers", `{"email":"co@example.com","givenName":"Co","surname":"Organizer"}`), http.StatusCreated)
	co := key(t, created["organizerKey"])
	orgs := want[[]organizerW](t, ctl.do(http.MethodGet, "/organizers", ""), http.StatusOK)
	wantOrgs := []organizerW{
		{ks(s.OrganizerKey()), gototrainingtest.SeedOrganizerEmail, gototrainingtest.SeedOrganizerGivenName, gototrainingtest.SeedOrganizerSurname},
		{ks(co), "co@example.com", "Co", "Organizer"},
	}
	if diff := cmp.Diff(wantOrgs, orgs); diff != "" {
		t.Errorf("GET /organizers (-want +got):\n%s", diff)
	}

	body := scheduleBody("Control")
	body["organizers"] = []json.RawMessage{json.RawMessage(ks(co))}
	tk := key(t, want[string](t, api.do(http.MethodPost, trainingsPath(s.OrganizerKey()), body), http.StatusCreated))
	rk := api.register(tk, "ada@example.com")

	path := "/trainings/" + ks(tk)
	got := want[controlTrainingW](t, ctl.do(http.MethodGet, path, ""), http.StatusOK)
	if got.TrainingKey != ks(tk) || got.OrganizerKey != ks(s.OrganizerKey()) ||
		!cmp.Equal(got.Organizers, []string{ks(s.OrganizerKey()), ks(co)}) ||
		len(got.Registrants) != 1 || got.Registrants[0].RegistrantKey != ks(rk) ||
		len(got.Times) != 1 || !got.Times[0].StartDate.Equal(t0) || got.SessionKeys == nil || got.RecordingIDs == nil {
		t.Errorf("GET %s = %+v, want training %d with organizers %d, %d, registrant %d, one session time and empty lists", path, got, tk, s.OrganizerKey(), co, rk)
	}

	session := fmt.Sprintf(`{"startTime":%q,"endTime":%q,"attendees":[
		{"givenName":"Ada","surname":"Lovelace","email":"ada@example.com","periods":[{"joinTime":%q,"leaveTime":%q}]},
		{"givenName":"Bob","surname":"Absent","email":"bob@example.com","periods":[]}]}`,
		t0.Format(time.RFC3339), t1.Format(time.RFC3339), t0.Format(time.RFC3339), t0.Add(time.Hour).Format(time.RFC3339))
	sk := key(t, want[map[string]string](t, ctl.do(http.MethodPost, path+"/sessions", session), http.StatusCreated)["sessionKey"])
	rec := key(t, want[map[string]string](t, ctl.do(http.MethodPost, path+"/recordings", `{"name":"Day 1","content":"bytes"}`), http.StatusCreated)["recordingId"])
	if res := ctl.do(http.MethodPost, path+"/complete", ""); res.Status != http.StatusNoContent {
		t.Errorf("POST %s/complete = %d %s, want 204", path, res.Status, res.Body)
	}

	state, ok := s.Training(tk)
	if !ok {
		t.Fatalf("training %d is gone", tk)
	}
	if !state.Completed || !cmp.Equal(state.SessionKeys, []int64{sk}) || !cmp.Equal(state.RecordingIDs, []int64{rec}) {
		t.Errorf("state = completed %v, sessions %v, recordings %v; want completed, [%d], [%d]", state.Completed, state.SessionKeys, state.RecordingIDs, sk, rec)
	}
	got = want[controlTrainingW](t, ctl.do(http.MethodGet, path, ""), http.StatusOK)
	if !got.Completed || !cmp.Equal(got.SessionKeys, []string{ks(sk)}) || !cmp.Equal(got.RecordingIDs, []string{ks(rec)}) {
		t.Errorf("GET %s after the session = %+v", path, got)
	}
	all := want[[]controlTrainingW](t, ctl.do(http.MethodGet, "/trainings", ""), http.StatusOK)
	if len(all) != 1 || all[0].TrainingKey != ks(tk) {
		t.Errorf("GET /trainings = %+v, want training %d only", all, tk)
	}

	// The session and the recording are visible over the API.
	att := api.do(http.MethodGet, fmt.Sprintf("/reports/organizers/%d/sessions/%d/attendees", s.OrganizerKey(), sk), nil)
	if att.Status != http.StatusOK || !strings.Contains(string(att.Body), "ada@example.com") {
		t.Errorf("attendance = %d %s, want Ada", att.Status, att.Body)
	}
	dl := api.do(http.MethodGet, fmt.Sprintf("/trainings/%d/recordings/%d", tk, rec), nil)
	if dl.Status != http.StatusFound || dl.Header.Get("Location") == "" {
		t.Errorf("recording download = %d, Location %q; want a 302", dl.Status, dl.Header.Get("Location"))
	}
}

// TestControlRejects: bad requests get a JSON error naming the problem and
// change nothing.
func TestControlRejects(t *testing.T) {
	t.Parallel()
	s, api, ctl := newControl(t)
	tk := api.schedule("Rejects")
	path := "/trainings/" + ks(tk)
	tests := []struct {
		name, method, path, body string
		extra                    hdr
		status                   int
		mention                  string
	}{
		{"no token", http.MethodGet, "/organizers", "", hdr{"Authorization": ""}, http.StatusUnauthorized, "Authorization"},
		{"wrong token", http.MethodPost, "/organizers", `{"email":"x@example.com","givenName":"X","surname":"Y"}`, hdr{"Authorization": "Bearer nope"}, http.StatusForbidden, "token"},
		{"not a key", http.MethodGet, "/trainings/12a", "", nil, http.StatusBadRequest, `"12a"`},
		{"a 20-digit key", http.MethodGet, "/trainings/12345678901234567890", "", nil, http.StatusBadRequest, "12345678901234567890"},
		{"unknown training", http.MethodPost, "/trainings/1/recordings", `{"name":"n","content":""}`, nil, http.StatusNotFound, "no training 1"},
		{"unknown member", http.MethodPost, path + "/recordings", `{"name":"n","bytes":"x"}`, nil, http.StatusBadRequest, "bytes"},
		{"two values", http.MethodPost, path + "/recordings", `{"name":"n"} {}`, nil, http.StatusBadRequest, "more than one"},
		{"not JSON", http.MethodPost, path + "/recordings", `name=n`, hdr{"Content-Type": "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType, "application/json"},
		{"empty name", http.MethodPost, path + "/recordings", `{"name":""}`, nil, http.StatusBadRequest, "name"},
		{"empty organizer", http.MethodPost, "/organizers", `{"email":"x@example.com","givenName":"","surname":"Y"}`, nil, http.StatusBadRequest, "givenName"},
		{"end before start", http.MethodPost, path + "/sessions", `{"startTime":"2026-03-26T15:00:00Z","endTime":"2026-03-26T14:00:00Z","attendees":[]}`, nil, http.StatusBadRequest, "not after start"},
		{"bad time", http.MethodPost, path + "/sessions", `{"startTime":"yesterday","endTime":"2026-03-26T14:00:00Z"}`, nil, http.StatusBadRequest, "yesterday"},
		{"too large", http.MethodPost, path + "/recordings", `{"name":"n","content":"` + strings.Repeat("x", 1<<20) + `"}`, nil, http.StatusRequestEntityTooLarge, "larger"},
		{"unknown path", http.MethodGet, "/organizers/1/trainings", "", nil, http.StatusNotFound, "Not Found"},
		{"wrong method", http.MethodDelete, path, "", nil, http.StatusMethodNotAllowed, "Method Not Allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var extra []hdr
			if tt.extra != nil {
				extra = append(extra, tt.extra)
			}
			res := ctl.do(tt.method, tt.path, tt.body, extra...)
			e := want[map[string]string](t, res, tt.status)
			if !strings.Contains(e["error"], tt.mention) {
				t.Errorf("error %q does not mention %q", e["error"], tt.mention)
			}
			if strings.Contains(e["error"], s.Token()) {
				t.Errorf("error %q shows the token", e["error"])
			}
		})
	}
	if res := ctl.do(http.MethodDelete, path, ""); res.Header.Get("Allow") == "" {
		t.Error("405 without an Allow header")
	}
	// The scheme is case-insensitive, as on the API origin.
	if res := ctl.do(http.MethodGet, "/organizers", "", hdr{"Authorization": "bearer " + s.Token()}); res.Status != http.StatusOK {
		t.Errorf("lower-case bearer scheme: %d %s, want 200", res.Status, res.Body)
	}
	state, _ := s.Training(tk)
	if len(s.Organizers()) != 1 || state.SessionKeys != nil || state.RecordingIDs != nil || state.Completed {
		t.Errorf("the rejected requests changed the fake: organizers %v, training %+v", s.Organizers(), state)
	}
}

// TestControlIsNotOnTheAPIOrigin: the API origin knows nothing of the
// control paths, and still validates every request against the spec.
func TestControlIsNotOnTheAPIOrigin(t *testing.T) {
	t.Parallel()
	s, api := newFake(t)
	tk := api.schedule("API only")
	for _, p := range []string{"/organizers", fmt.Sprintf("/trainings/%d/recordings", tk), fmt.Sprintf("/trainings/%d/complete", tk)} {
		res := api.do(http.MethodPost, p, `{"name":"n","content":""}`)
		if res.Status != http.StatusNotFound && res.Status != http.StatusMethodNotAllowed {
			t.Errorf("POST %s on the API origin = %d %s, want 404 or 405", p, res.Status, res.Body)
		}
	}
	state, _ := s.Training(tk)
	if len(s.Organizers()) != 1 || state.RecordingIDs != nil || state.Completed {
		t.Errorf("the API origin changed the fake through a control path: %+v", state)
	}
}
