package gototraining

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/time/rate"
)

// TestClientTimeoutKeepsTheUnknownOutcome: http.Client.Timeout replaces the
// transport's error with its own, so the mark must be set after it.
func TestClientTimeoutKeepsTheUnknownOutcome(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv, hits := serve(t, func(http.ResponseWriter, *http.Request) {
		<-release // read, never answered in time
	})
	t.Cleanup(func() { close(release) })
	c, _ := newClient(t, srv.URL, WithHTTPClient(&http.Client{Timeout: 100 * time.Millisecond}))
	_, err := c.Trainings.Schedule(t.Context(), orgKey, validSchedule())
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("got %v, want ErrOutcomeUnknown", err)
	}
	if n := hits.n.Load(); n != 1 {
		t.Errorf("sent %d times", n)
	}
}

// TestCallsThatEmailAreRepeatedOnlyWhenGoToDidNotAct: new times email every
// registrant, so a lost answer is not retried; a 503 or a refused
// connection, which prove nothing happened, are.
func TestCallsThatEmailAreRepeatedOnlyWhenGoToDidNotAct(t *testing.T) {
	t.Parallel()
	ok := answer(200, "application/json", `{"notifiedRegistrants":3,"notifiedTrainers":1}`)
	req := UpdateTrainingTimesRequest{TimeZone: "UTC", Times: validSchedule().Times}
	cases := []struct {
		name  string
		first func(http.ResponseWriter, *http.Request)
		sent  int64
	}{
		{"lost answer", hangUp, 1},
		{"502 from a gateway", answer(502, "", ""), 1},
		{"504 from a gateway", answer(504, "", ""), 1},
		{"503", answer(503, "", ""), 2},
		{"429", answer(429, "", "", "Retry-After", "1"), 2},
	}
	for _, tc := range cases {
		srv, hits := serve(t, tc.first, ok)
		c, _ := newClient(t, srv.URL)
		_, err := c.Trainings.UpdateTimes(t.Context(), orgKey, trainingKey, req)
		if n := hits.n.Load(); n != tc.sent {
			t.Errorf("%s: sent %d times, want %d (err %v)", tc.name, n, tc.sent, err)
		}
		if (tc.sent == 2) != (err == nil) {
			t.Errorf("%s: err %v", tc.name, err)
		}
		srv2, hits2 := serve(t, tc.first, answer(204, "", ""))
		c2, _ := newClient(t, srv2.URL)
		_ = c2.Trainings.ReplaceOrganizers(t.Context(), orgKey, trainingKey, ReplaceTrainingOrganizersRequest{Notify: true})
		if n := hits2.n.Load(); n != tc.sent {
			t.Errorf("ReplaceOrganizers %s: sent %d times, want %d", tc.name, n, tc.sent)
		}
	}
}

// TestCancelAfterALostAnswerSucceeds: the first DELETE worked but its answer
// was lost; the retry finds nothing to delete.
func TestCancelAfterALostAnswerSucceeds(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, hangUp, answer(404, "application/json", `{"errorCode":"NotFound"}`))
	c, _ := newClient(t, srv.URL)
	if err := c.Trainings.Cancel(t.Context(), orgKey, trainingKey); err != nil {
		t.Errorf("Cancel: %v", err)
	}
	if hits.n.Load() != 2 {
		t.Errorf("sent %d times", hits.n.Load())
	}
	// A plain 404, with no earlier attempt, is still ErrNotFound.
	srv2, _ := serve(t, answer(404, "application/json", `{}`))
	c2, _ := newClient(t, srv2.URL)
	if err := c2.Registrants.Cancel(t.Context(), orgKey, trainingKey, regKey); !errors.Is(err, ErrNotFound) {
		t.Errorf("plain 404: %v", err)
	}
}

type slowTokens struct{ d time.Duration }

func (s slowTokens) Token() (*oauth2.Token, error) {
	time.Sleep(s.d)
	return &oauth2.Token{AccessToken: "late"}, nil
}

func TestSlowTokenSourceDoesNotOutliveTheDeadline(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, answer(200, "application/json", trainingJSON))
	c, err := NewClient(WithTokenSource(slowTokens{d: 2 * time.Second}), WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Trainings.Get(ctx, orgKey, trainingKey); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want DeadlineExceeded", err)
	}
	if hits.n.Load() != 0 {
		t.Error("sent without a token")
	}
}

func TestRateLimiterRefusalIsADeadlineAndFinal(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, answer(200, "application/json", trainingJSON))
	// One token a minute: the second call cannot get one within its deadline.
	c, s := newClient(t, srv.URL, WithRateLimiter(rate.NewLimiter(rate.Every(time.Minute), 1)))
	if _, err := c.Trainings.Get(t.Context(), orgKey, trainingKey); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	_, err := c.Trainings.Get(ctx, orgKey, trainingKey)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want DeadlineExceeded", err)
	}
	if len(s.all()) != 0 || hits.n.Load() != 1 {
		t.Errorf("a limiter refusal was retried (%d waits) or sent", len(s.all()))
	}
}

func TestRetryAfterPastTheDeadlineAnswersAtOnce(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, answer(429, "application/json", `{}`, "Retry-After", "20"))
	c, s := newClient(t, srv.URL)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err := c.Trainings.Get(ctx, orgKey, trainingKey)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.RetryAfter != 20*time.Second {
		t.Errorf("got %v, want the 429 with its RetryAfter", err)
	}
	if len(s.all()) != 0 || hits.n.Load() != 1 {
		t.Errorf("waited %v for a retry that could not happen in time", s.all())
	}
}

func TestShortTokensDoNotRewriteData(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, answer(200, "application/json", strings.Replace(trainingJSON, `"name":"Intro"`, `"name":"Intro to Go"`, 1)))
	c, err := NewClient(WithAccessToken("Go"), WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := c.Trainings.Get(t.Context(), orgKey, trainingKey)
	if err != nil || tr.Name != "Intro to Go" {
		t.Errorf("name %q, %v", tr.Name, err)
	}
}
