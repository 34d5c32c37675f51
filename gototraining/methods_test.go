package gototraining

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/api"
)

// everyMethod calls each wrapped method once with valid input, by operationId.
// Lists are called through their lazy form where they have one, so that both
// forms share the pager's error path (List is tested elsewhere).
func everyMethod() map[string]func(context.Context, *Client) error {
	start := time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC)
	times := []TimeRange{{Start: start, End: start.Add(time.Hour)}}
	drain := func(seqErr func(func(error) bool)) error {
		var first error
		seqErr(func(err error) bool {
			if err != nil && first == nil {
				first = err
			}
			return true
		})
		return first
	}
	return map[string]func(context.Context, *Client) error{
		"getAllOrganisers": func(ctx context.Context, c *Client) error {
			return drain(func(f func(error) bool) {
				for _, err := range c.Organizers.All(ctx, 6504139721386715397) {
					f(err)
				}
			})
		},
		"getAllTrainings": func(ctx context.Context, c *Client) error { _, err := c.Trainings.List(ctx, orgKey); return err },
		"scheduleTraining": func(ctx context.Context, c *Client) error {
			_, err := c.Trainings.Schedule(ctx, orgKey, ScheduleTrainingRequest{Name: "n", TimeZone: "UTC", Times: times})
			return err
		},
		"cancelTraining": func(ctx context.Context, c *Client) error { return c.Trainings.Cancel(ctx, orgKey, trainingKey) },
		"getTraining": func(ctx context.Context, c *Client) error {
			_, err := c.Trainings.Get(ctx, orgKey, trainingKey)
			return err
		},
		"getManageTrainingURL": func(ctx context.Context, c *Client) error {
			_, err := c.Trainings.ManageURL(ctx, orgKey, trainingKey)
			return err
		},
		"updateTrainingNameDescription": func(ctx context.Context, c *Client) error {
			return c.Trainings.UpdateNameDescription(ctx, orgKey, trainingKey, "n", "d")
		},
		"getOrganisersForTraining": func(ctx context.Context, c *Client) error {
			_, err := c.Trainings.Organizers(ctx, orgKey, trainingKey)
			return err
		},
		"updateOrganisersForTraining": func(ctx context.Context, c *Client) error {
			return c.Trainings.ReplaceOrganizers(ctx, orgKey, trainingKey, []OrganizerKey{7014338517301284865}, false)
		},
		"getRegistrants": func(ctx context.Context, c *Client) error {
			return drain(func(f func(error) bool) {
				for _, err := range c.Registrants.All(ctx, orgKey, trainingKey) {
					f(err)
				}
			})
		},
		"registerForTraining": func(ctx context.Context, c *Client) error {
			_, err := c.Registrants.Register(ctx, orgKey, trainingKey, RegisterRequest{Email: "a@example.com", GivenName: "A", Surname: "B"})
			return err
		},
		"cancelRegistration": func(ctx context.Context, c *Client) error {
			return c.Registrants.Cancel(ctx, orgKey, trainingKey, regKey)
		},
		"getRegistrant": func(ctx context.Context, c *Client) error {
			_, err := c.Registrants.Get(ctx, orgKey, trainingKey, regKey)
			return err
		},
		"updateRegistrationSettingsForTraining": func(ctx context.Context, c *Client) error {
			return c.Trainings.UpdateRegistrationSettings(ctx, orgKey, trainingKey, RegistrationSettings{})
		},
		"getStartUrl": func(ctx context.Context, c *Client) error {
			_, err := c.Trainings.StartURL(ctx, orgKey, trainingKey)
			return err
		},
		"updateTrainingTimes": func(ctx context.Context, c *Client) error {
			_, err := c.Trainings.UpdateTimes(ctx, orgKey, trainingKey, UpdateTimesRequest{TimeZone: "UTC", Times: times})
			return err
		},
		"getSessionDetailsForDateRange": func(ctx context.Context, c *Client) error {
			_, err := c.Reports.Sessions(ctx, orgKey, start, start.Add(time.Hour))
			return err
		},
		"getAttendanceDetails": func(ctx context.Context, c *Client) error {
			_, err := c.Reports.Attendance(ctx, orgKey, 6581094230817947905)
			return err
		},
		"getSessionDetailsForTraining": func(ctx context.Context, c *Client) error {
			_, err := c.Reports.TrainingSessions(ctx, orgKey, trainingKey)
			return err
		},
		"getRecordingsForTraining": func(ctx context.Context, c *Client) error { _, err := c.Recordings.List(ctx, trainingKey); return err },
		"getRecordingDownloadById": func(ctx context.Context, c *Client) error {
			body, err := c.Recordings.Download(ctx, trainingKey, 4120372934872616449)
			if err == nil {
				_, _ = io.Copy(io.Discard, body)
				_ = body.Close()
			}
			return err
		},
		"startTraining": func(ctx context.Context, c *Client) error { _, err := c.Trainings.Start(ctx, trainingKey); return err },
	}
}

func TestEveryMethodIsInTheTable(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			want = append(want, op.OperationID)
		}
	}
	for id := range everyMethod() {
		got = append(got, id)
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table (-spec +table):\n%s", diff)
	}
}

// TestEveryMethodErrorMatrix: each of the 22 methods maps each error answer,
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
	for id, call := range everyMethod() {
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

// TestEveryMethodHappyPath: each method decodes its documented success answer.
func TestEveryMethodHappyPath(t *testing.T) {
	t.Parallel()
	registrant := `{"registrantKey":"5646167387902096129","email":"a@example.com","givenName":"A","surname":"B","status":"APPROVED","registrationDate":"2026-03-07T22:48:19Z","joinUrl":"j","confirmationUrl":"c"}`
	session := `{"sessionKey":"6581094230817947905","trainingName":"n","sessionStartTime":"2026-03-26T15:02:11Z","sessionEndTime":"2026-03-26T22:58:40Z","attendanceCount":2,"duration":476,"organizers":[]}`
	successes := map[string]func(http.ResponseWriter, *http.Request){
		"getAllOrganisers":                      answer(200, "application/json", `[{"organizerKey":"8439885694023994630","email":"e","givenName":"g","surname":"s"}]`),
		"getAllTrainings":                       answer(200, "application/json", "["+trainingJSON+"]"),
		"scheduleTraining":                      answer(201, "application/json", `"8178251407424893697"`),
		"cancelTraining":                        answer(204, "", ""),
		"getTraining":                           answer(200, "application/json", trainingJSON),
		"getManageTrainingURL":                  answer(200, "application/json", `"https://app.example.com/m"`),
		"updateTrainingNameDescription":         answer(204, "", ""),
		"getOrganisersForTraining":              answer(200, "application/json", `[]`),
		"updateOrganisersForTraining":           answer(204, "", ""),
		"getRegistrants":                        answer(200, "application/json", "["+registrant+"]"),
		"registerForTraining":                   answer(201, "application/json", `{"registrantKey":2121396992126760705,"joinUrl":"j","confirmationUrl":"c"}`),
		"cancelRegistration":                    answer(204, "", ""),
		"getRegistrant":                         answer(200, "application/json", registrant),
		"updateRegistrationSettingsForTraining": answer(204, "", ""),
		"getStartUrl":                           answer(200, "application/json", `"https://app.example.com/s"`),
		"updateTrainingTimes":                   answer(200, "application/json", `{"notifiedRegistrants":1,"notifiedTrainers":1}`),
		"getSessionDetailsForDateRange":         answer(200, "application/json", "["+session+"]"),
		"getAttendanceDetails":                  answer(200, "application/json", `[{"givenName":"g","surname":"s","email":"e","timeInSession":0,"inSessionTimes":[]}]`),
		"getSessionDetailsForTraining":          answer(200, "application/json", "["+session+"]"),
		"getRecordingsForTraining":              answer(200, "application/json", `{"trainingKey":8178251407424893697,"recordingList":[]}`),
		"startTraining":                         answer(200, "application/json", `{"hostURL":"https://app.example.com/h"}`),
	}
	for id, call := range everyMethod() {
		if id == "getRecordingDownloadById" {
			continue // needs a second host: TestReportsAndRecordings
		}
		ok, found := successes[id]
		if !found {
			t.Errorf("%s: no success answer in the table", id)
			continue
		}
		srv, hits := serve(t, ok)
		c, _ := newClient(t, srv.URL)
		if err := call(t.Context(), c); err != nil {
			t.Errorf("%s: %v", id, err)
		}
		if n := hits.n.Load(); n != 1 {
			t.Errorf("%s: %d requests, want 1", id, n)
		}
	}
}
