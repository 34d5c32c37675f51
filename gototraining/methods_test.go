package gototraining

import (
	"context"
	"errors"
	"io"
	"iter"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// methodCase is the test of one wrapped method: a call with valid input,
// the operation's documented success answer, and what the call decodes
// from it.
type methodCase struct {
	call   func(context.Context, *Client) (any, error)
	answer func(http.ResponseWriter, *http.Request) // nil: tested elsewhere
	want   any
}

// methodCases has one case per operation, by operationId; that it has one
// for each operation of the table is TestEveryMethodIsInTheTable. Lists are
// called through their lazy form where they have one, so that both forms
// share the pager's error path (List is tested elsewhere).
func methodCases() map[string]methodCase {
	start := time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC)
	times := []TimeRange{{Start: start, End: start.Add(time.Hour)}}
	json := func(status int, body string) func(http.ResponseWriter, *http.Request) {
		return answer(status, "application/json", body)
	}
	noContent := answer(204, "", "")
	registrantJSON := `{"registrantKey":"5646167387902096129","email":"a@example.com","givenName":"A","surname":"B","status":"APPROVED","registrationDate":"2026-03-07T22:48:19Z","joinUrl":"j","confirmationUrl":"c"}`
	registrant := Registrant{
		Key: regKey, Email: "a@example.com", GivenName: "A", Surname: "B", Status: RegistrantApproved,
		RegistrationDate: time.Date(2026, 3, 7, 22, 48, 19, 0, time.UTC), JoinURL: "j", ConfirmationURL: "c",
	}
	sessionJSON := `{"sessionKey":"6581094230817947905","trainingName":"n","sessionStartTime":"2026-03-26T15:02:11Z","sessionEndTime":"2026-03-26T22:58:40Z","attendanceCount":2,"duration":476,"organizers":[]}`
	session := Session{
		Key: 6581094230817947905, TrainingName: "n",
		Start: time.Date(2026, 3, 26, 15, 2, 11, 0, time.UTC), End: time.Date(2026, 3, 26, 22, 58, 40, 0, time.UTC),
		AttendanceCount: 2, Duration: 476 * time.Minute, Organizers: []Organizer{},
	}
	training := Training{
		Key: trainingKey, ID: "264712031", Name: "Intro", Description: "d", TimeZone: "America/New_York",
		Times:                []TimeRange{{Start: time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 26, 23, 0, 0, 0, time.UTC)}},
		Organizers:           []Organizer{{Key: orgKey, Email: "c@example.com", GivenName: "C", Surname: "W"}},
		RegistrationSettings: RegistrationSettings{DisableWebRegistration: true},
	}
	return map[string]methodCase{
		"getAllOrganisers": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return collect(c.Organizers.All(ctx, 6504139721386715397))
			},
			answer: json(200, `[{"organizerKey":"8439885694023994630","email":"e","givenName":"g","surname":"s"}]`),
			want:   []Organizer{{Key: orgKey, Email: "e", GivenName: "g", Surname: "s"}},
		},
		"getAllTrainings": {
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Trainings.List(ctx, orgKey) },
			answer: json(200, "["+trainingJSON+"]"),
			want:   []Training{training},
		},
		"scheduleTraining": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Trainings.Schedule(ctx, orgKey, ScheduleTrainingRequest{Name: "n", TimeZone: "UTC", Times: times})
			},
			answer: json(201, `"8178251407424893697"`),
			want:   trainingKey,
		},
		"cancelTraining": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.Trainings.Cancel(ctx, orgKey, trainingKey)
			},
			answer: noContent,
		},
		"getTraining": {
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Trainings.Get(ctx, orgKey, trainingKey) },
			answer: json(200, trainingJSON),
			want:   training,
		},
		"getManageTrainingURL": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Trainings.ManageURL(ctx, orgKey, trainingKey)
			},
			answer: json(200, `"https://app.example.com/m"`),
			want:   "https://app.example.com/m",
		},
		"updateTrainingNameDescription": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.Trainings.UpdateNameDescription(ctx, orgKey, trainingKey, UpdateTrainingNameDescriptionRequest{Name: "n", Description: "d"})
			},
			answer: noContent,
		},
		"getOrganisersForTraining": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Trainings.Organizers(ctx, orgKey, trainingKey)
			},
			answer: json(200, `[]`),
			want:   []Organizer{},
		},
		"updateOrganisersForTraining": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.Trainings.ReplaceOrganizers(ctx, orgKey, trainingKey, ReplaceTrainingOrganizersRequest{CoOrganizers: []OrganizerKey{7014338517301284865}})
			},
			answer: noContent,
		},
		"getRegistrants": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return collect(c.Registrants.All(ctx, orgKey, trainingKey))
			},
			answer: json(200, "["+registrantJSON+"]"),
			want:   []Registrant{registrant},
		},
		"registerForTraining": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Registrants.Register(ctx, orgKey, trainingKey, RegisterForTrainingRequest{Email: "a@example.com", GivenName: "A", Surname: "B"})
			},
			answer: json(201, `{"registrantKey":2121396992126760705,"joinUrl":"j","confirmationUrl":"c"}`),
			want:   Registration{Key: 2121396992126760705, JoinURL: "j", ConfirmationURL: "c"},
		},
		"cancelRegistration": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.Registrants.Cancel(ctx, orgKey, trainingKey, regKey)
			},
			answer: noContent,
		},
		"getRegistrant": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Registrants.Get(ctx, orgKey, trainingKey, regKey)
			},
			answer: json(200, registrantJSON),
			want:   registrant,
		},
		"updateRegistrationSettingsForTraining": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.Trainings.UpdateRegistrationSettings(ctx, orgKey, trainingKey, RegistrationSettings{})
			},
			answer: noContent,
		},
		"getStartUrl": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Trainings.StartURL(ctx, orgKey, trainingKey)
			},
			answer: json(200, `"https://app.example.com/s"`),
			want:   "https://app.example.com/s",
		},
		"updateTrainingTimes": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Trainings.UpdateTimes(ctx, orgKey, trainingKey, UpdateTrainingTimesRequest{TimeZone: "UTC", Times: times})
			},
			answer: json(200, `{"notifiedRegistrants":1,"notifiedTrainers":2}`),
			want:   NotifiedParties{Registrants: 1, Trainers: 2},
		},
		"getSessionDetailsForDateRange": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Reports.Sessions(ctx, orgKey, start, start.Add(time.Hour))
			},
			answer: json(200, "["+sessionJSON+"]"),
			want:   []Session{session},
		},
		"getAttendanceDetails": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Reports.Attendance(ctx, orgKey, 6581094230817947905)
			},
			answer: json(200, `[{"givenName":"g","surname":"s","email":"e","timeInSession":0,"inSessionTimes":[]}]`),
			want:   []Attendee{{GivenName: "g", Surname: "s", Email: "e"}},
		},
		"getSessionDetailsForTraining": {
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Reports.TrainingSessions(ctx, orgKey, trainingKey)
			},
			answer: json(200, "["+sessionJSON+"]"),
			want:   []Session{session},
		},
		"getRecordingsForTraining": {
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Recordings.List(ctx, trainingKey) },
			answer: json(200, `{"trainingKey":8178251407424893697,"recordingList":[]}`),
			want:   []Recording{},
		},
		"getRecordingDownloadById": {
			// The happy path needs a second host: TestReportsAndRecordings.
			call: func(ctx context.Context, c *Client) (any, error) {
				body, err := c.Recordings.Download(ctx, trainingKey, 4120372934872616449)
				if err == nil {
					_, _ = io.Copy(io.Discard, body)
					_ = body.Close()
				}
				return nil, err
			},
		},
		"startTraining": {
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Trainings.HostURL(ctx, trainingKey) },
			answer: json(200, `{"hostURL":"https://app.example.com/h"}`),
			want:   "https://app.example.com/h",
		},
	}
}

// collect ranges over a lazy list as a caller would, keeping every element
// and the first error.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	out := []T{}
	var first error
	for t, err := range seq {
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		out = append(out, t)
	}
	return out, first
}

// TestEveryMethodIsInTheTable: methodCases has a case for each operation of
// the table (which TestOperationTableMatchesSpec checks against the spec).
func TestEveryMethodIsInTheTable(t *testing.T) {
	t.Parallel()
	var want []string
	for _, op := range operations {
		want = append(want, op.id)
	}
	got := slices.Collect(maps.Keys(methodCases()))
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("methodCases (-table +cases):\n%s", diff)
	}
}

// TestEveryMethodErrorMatrix: each wrapped method maps each error answer,
// with a GoTo body and with none, to the right sentinel, and passes context
// and transport errors through.
func TestEveryMethodErrorMatrix(t *testing.T) {
	t.Parallel()
	answers := []struct {
		status   int
		body     string
		sentinel error
	}{
		{400, `{"errorCode":"InvalidRequest","description":"bad"}`, ErrBadRequest},
		{400, ``, ErrBadRequest},
		{401, ``, ErrUnauthorized},
		{403, `{"int_err_code":"InvalidToken","msg":"Invalid token passed"}`, ErrUnauthorized},
		{403, `<html>Forbidden</html>`, ErrForbidden},
		{404, `{"errorCode":"NotFound"}`, ErrNotFound},
		{404, ``, ErrNotFound},
		{409, `{"errorCode":"Conflict"}`, ErrConflict},
		{429, ``, ErrRateLimited},
		{500, `{"errorCode":"InternalError"}`, ErrServer},
		{503, ``, ErrServer},
	}
	for id, tc := range methodCases() {
		call := func(ctx context.Context, c *Client) error {
			_, err := tc.call(ctx, c)
			return err
		}
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			for _, a := range answers {
				srv, _ := serve(t, answer(a.status, "application/json", a.body))
				c, _ := newClient(t, srv.URL, WithRetry(RetryPolicy{MaxAttempts: 2, MinBackoff: time.Microsecond, MaxBackoff: time.Microsecond}))
				err := call(t.Context(), c)
				var apiErr *APIError
				if !errors.As(err, &apiErr) || apiErr.StatusCode != a.status || apiErr.Operation != id {
					t.Errorf("%d %q: got %v", a.status, a.body, err)
					continue
				}
				if !errors.Is(err, a.sentinel) {
					t.Errorf("%d %q: %v is not %v", a.status, a.body, err, a.sentinel)
				}
			}

			srv, hits := serve(t, answer(500, "", ""))
			c, _ := newClient(t, srv.URL)
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			if err := call(ctx, c); !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled context: %v", err)
			}
			if hits.n.Load() != 0 {
				t.Errorf("a cancelled call reached the server")
			}
			srv.Close()
			err := call(t.Context(), c)
			var apiErr *APIError
			if err == nil || errors.As(err, &apiErr) {
				t.Errorf("closed server: %v", err)
			}
		})
	}
}

// TestEveryMethodHappyPath: each method decodes its documented success
// answer into the value the case expects, in one request.
func TestEveryMethodHappyPath(t *testing.T) {
	t.Parallel()
	for id, tc := range methodCases() {
		if tc.answer == nil {
			continue
		}
		srv, hits := serve(t, tc.answer)
		c, _ := newClient(t, srv.URL)
		got, err := tc.call(t.Context(), c)
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: decoded (-want +got):\n%s", id, diff)
		}
		if n := hits.n.Load(); n != 1 {
			t.Errorf("%s: %d requests, want 1", id, n)
		}
	}
}
