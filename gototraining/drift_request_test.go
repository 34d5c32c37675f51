package gototraining

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gototraining-go/gototraining/api"
	"github.com/gototraining-go/gototraining/internal/specdrift"
)

// fullRequests sends each operation that has a request body with every
// field of its domain input set, by operationId.
func fullRequests() map[string]func(context.Context, *Client) error {
	start := time.Date(2027, 3, 9, 16, 0, 0, 0, time.UTC)
	times := []TimeRange{{Start: start, End: start.Add(time.Hour)}}
	settings := RegistrationSettings{DisableConfirmationEmail: true, DisableWebRegistration: true}
	return map[string]func(context.Context, *Client) error{
		"scheduleTraining": func(ctx context.Context, c *Client) error {
			_, err := c.Trainings.Schedule(ctx, orgKey, ScheduleTrainingRequest{
				Name: "n", Description: "d", TimeZone: "UTC", Times: times,
				RegistrationSettings: &settings, CoOrganizers: []OrganizerKey{orgKey + 1},
			})
			return err
		},
		"updateTrainingNameDescription": func(ctx context.Context, c *Client) error {
			return c.Trainings.UpdateNameDescription(ctx, orgKey, trainingKey, UpdateTrainingNameDescriptionRequest{Name: "n", Description: "d"})
		},
		"updateOrganisersForTraining": func(ctx context.Context, c *Client) error {
			return c.Trainings.ReplaceOrganizers(ctx, orgKey, trainingKey, ReplaceTrainingOrganizersRequest{CoOrganizers: []OrganizerKey{orgKey + 1}, Notify: true})
		},
		"registerForTraining": func(ctx context.Context, c *Client) error {
			_, err := c.Registrants.Register(ctx, orgKey, trainingKey, RegisterForTrainingRequest{Email: "a@example.com", GivenName: "A", Surname: "B"})
			return err
		},
		"updateRegistrationSettingsForTraining": func(ctx context.Context, c *Client) error {
			return c.Trainings.UpdateRegistrationSettings(ctx, orgKey, trainingKey, settings)
		},
		"updateTrainingTimes": func(ctx context.Context, c *Client) error {
			_, err := c.Trainings.UpdateTimes(ctx, orgKey, trainingKey, UpdateTrainingTimesRequest{
				TimeZone: "UTC", Times: times, SkipRegistrantNotification: true, SkipTrainerNotification: true,
			})
			return err
		},
		"getSessionDetailsForDateRange": func(ctx context.Context, c *Client) error {
			_, err := c.Reports.Sessions(ctx, orgKey, start, start.Add(time.Hour))
			return err
		},
	}
}

// TestEveryRequestPropertyCanBeSet is the request side of the field drift
// gate: every property of every request schema must reach the wire when the
// domain input has every field set. The operations checked are the spec's,
// so a new request body must get a row in fullRequests.
func TestEveryRequestPropertyCanBeSet(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	sent := map[string]any{}
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var v any
		if json.Unmarshal(body, &v) == nil {
			mu.Lock()
			sent[r.Method+" "+r.URL.Path] = v
			mu.Unlock()
		}
		w.WriteHeader(http.StatusTeapot) // the answer does not matter here
	})
	c, _ := newClient(t, srv.URL, WithRetry(NoRetries()))
	calls := fullRequests()
	var problems []string
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			schema := specdrift.RequestSchema(op)
			if schema == nil {
				continue
			}
			call, ok := calls[op.OperationID]
			if !ok {
				problems = append(problems, op.OperationID+": has a request body but no row in fullRequests")
				continue
			}
			clear(sent)
			_ = call(t.Context(), c)
			mu.Lock()
			var body any
			found := false
			for k, v := range sent {
				if strings.HasPrefix(k, method+" ") {
					body, found = v, true
				}
			}
			mu.Unlock()
			if !found {
				problems = append(problems, op.OperationID+": sent no JSON body")
				continue
			}
			problems = append(problems, specdrift.Unsent(op.OperationID, schema, body, nil)...)
		}
	}
	slices.Sort(problems)
	if len(problems) > 0 {
		t.Errorf("request properties the client cannot send:\n%s", strings.Join(problems, "\n"))
	}
}
