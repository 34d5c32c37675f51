package gototraining

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSafeCallsRecoverFrom503And429(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	srv, hits := serve(t,
		answer(503, "application/json", `{"errorCode":"Unavailable"}`),
		answer(429, "application/json", `{}`, "Retry-After", "3"),
		answer(429, "", ``, "Retry-After", now.Add(5*time.Second).Format(http.TimeFormat)),
		answer(200, "application/json", trainingJSON),
	)
	c, s := newClient(t, srv.URL, withNow(func() time.Time { return now }))
	got, err := c.Trainings.Get(t.Context(), orgKey, trainingKey)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.Key != trainingKey {
		t.Errorf("key %d", got.Key)
	}
	if n := hits.n.Load(); n != 4 {
		t.Errorf("server saw %d requests, want 4", n)
	}
	waits := s.all()
	if len(waits) != 3 {
		t.Fatalf("waits %v, want 3", waits)
	}
	if waits[0] <= 0 || waits[0] > DefaultRetryPolicy().MinBackoff {
		t.Errorf("first backoff %v, want within (0, %v]", waits[0], DefaultRetryPolicy().MinBackoff)
	}
	if diff := cmp.Diff([]time.Duration{3 * time.Second, 5 * time.Second}, waits[1:]); diff != "" {
		t.Errorf("Retry-After waits (-want +got):\n%s", diff)
	}
}

func TestRetryAfterBeyondTheCapIsNotWaitedFor(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, answer(429, "application/json", `{"errorCode":"TooManyRequests"}`, "Retry-After", "3600"))
	c, s := newClient(t, srv.URL)
	_, err := c.Trainings.Get(t.Context(), orgKey, trainingKey)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("got %v", err)
	}
	if apiErr.RetryAfter != time.Hour {
		t.Errorf("RetryAfter %v, want 1h", apiErr.RetryAfter)
	}
	if n, w := hits.n.Load(), len(s.all()); n != 1 || w != 0 {
		t.Errorf("%d requests and %d waits, want 1 and 0", n, w)
	}
}

func TestRetriesGiveUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, answer(502, "text/html", "<html>bad gateway</html>"))
	c, s := newClient(t, srv.URL, WithRetry(RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}))
	err := c.Trainings.Cancel(t.Context(), orgKey, trainingKey)
	if !errors.Is(err, ErrServer) {
		t.Fatalf("got %v", err)
	}
	if n := hits.n.Load(); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
	for i, w := range s.all() {
		if ceiling := time.Millisecond << i; w <= 0 || w > ceiling {
			t.Errorf("wait %d = %v, want within (0, %v]", i, w, ceiling)
		}
	}
}

func TestRetriesRewindTheBody(t *testing.T) {
	t.Parallel()
	var bodies []string
	record := func(status int) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			b := make([]byte, 512)
			n, _ := r.Body.Read(b)
			bodies = append(bodies, string(b[:n]))
			w.WriteHeader(status)
		}
	}
	srv, _ := serve(t, record(503), record(204))
	c, _ := newClient(t, srv.URL)
	if err := c.Trainings.UpdateNameDescription(t.Context(), orgKey, trainingKey, UpdateTrainingNameDescriptionRequest{Name: "New name", Description: "d"}); err != nil {
		t.Fatal(err)
	}
	want := `{"description":"d","name":"New name"}`
	if diff := cmp.Diff([]string{want, want}, bodies); diff != "" {
		t.Errorf("bodies (-want +got):\n%s", diff)
	}
}

// TestCreatingCallsAreSentExactlyOnce: whatever the server answers, Schedule
// and Register reach it once. A duplicate would be a second training.
func TestCreatingCallsAreSentExactlyOnce(t *testing.T) {
	t.Parallel()
	failures := []struct {
		name    string
		fail    func(http.ResponseWriter, *http.Request)
		unknown bool // the outcome is unknown: GoTo may have acted
	}{
		{"503", answer(503, "application/json", `{}`), false},
		{"500", answer(500, "application/json", `{}`), true}, // may have failed after the write
		{"429", answer(429, "application/json", `{}`, "Retry-After", "1"), false},
		{"502", answer(502, "", ""), true},
		{"504", answer(504, "text/html", "<html>timeout</html>"), true},
		{"reset after reading", hangUp, true},
	}
	calls := map[string]func(*Client) error{
		"Schedule": func(c *Client) error {
			_, err := c.Trainings.Schedule(t.Context(), orgKey, validSchedule())
			return err
		},
		"Register": func(c *Client) error {
			_, err := c.Registrants.Register(t.Context(), orgKey, trainingKey, RegisterForTrainingRequest{Email: "a@example.com", GivenName: "A", Surname: "B"})
			return err
		},
	}
	for _, f := range failures {
		for name, call := range calls {
			t.Run(f.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				// The second answer would be a success: only a retry could get it.
				srv, hits := serve(t, f.fail, answer(201, "application/json", `{"registrantKey":1,"joinUrl":"j","confirmationUrl":"c"}`))
				c, s := newClient(t, srv.URL)
				err := call(c)
				if err == nil {
					t.Fatal("succeeded: the call was repeated")
				}
				if n := hits.n.Load(); n != 1 {
					t.Errorf("the server saw %d requests, want 1", n)
				}
				if w := s.all(); len(w) != 0 {
					t.Errorf("waited to retry: %v", w)
				}
				if got := errors.Is(err, ErrOutcomeUnknown); got != f.unknown {
					t.Errorf("errors.Is(err, ErrOutcomeUnknown) = %v, want %v: %v", got, f.unknown, err)
				}
			})
		}
	}
}

// hangUp reads the request, then drops the connection without answering.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("the test server cannot hijack connections")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // a reset, not a clean close
	}
	_ = conn.Close()
}

func TestNothingSentIsNotAnUnknownOutcome(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, answer(201, "application/json", `"1"`))
	url := srv.URL
	srv.Close()
	c, _ := newClient(t, url)
	_, err := c.Trainings.Schedule(t.Context(), orgKey, validSchedule())
	if err == nil || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("connection refused: want a plain transport error, got %v", err)
	}
}

func TestCancelledContextStopsABackoffAtOnce(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, answer(503, "application/json", `{}`))
	ctx, cancel := context.WithCancel(t.Context())
	// The real sleep, with a backoff far longer than any test may take: only
	// the cancellation can end it.
	sleeping := make(chan struct{})
	realSleep := func(ctx context.Context, d time.Duration) error {
		close(sleeping)
		return sleepContext(ctx, d)
	}
	c, err := NewClient(WithAccessToken(testToken), WithBaseURL(srv.URL), withSleep(realSleep),
		WithRetry(RetryPolicy{MaxAttempts: 5, MinBackoff: time.Hour, MaxBackoff: time.Hour}))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Trainings.Get(ctx, orgKey, trainingKey)
		done <- err
	}()
	<-sleeping
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if n := hits.n.Load(); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"0", 0},
		{"12", 12 * time.Second},
		{" 5 ", 5 * time.Second}, // white space around the value is tolerated
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-90 * time.Second).Format(http.TimeFormat), 0},
		{"99999999999999", 24 * time.Hour},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if !ok || got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v", tc.in, got, ok, tc.want)
		}
	}
	for _, bad := range []string{"", "-1", "soon", "1.5"} {
		if _, ok := parseRetryAfter(bad, now); ok {
			t.Errorf("parseRetryAfter(%q) accepted", bad)
		}
	}
}

func validSchedule() ScheduleTrainingRequest {
	start := time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC)
	return ScheduleTrainingRequest{
		Name:     "Intro",
		TimeZone: "America/New_York",
		Times:    []TimeRange{{Start: start, End: start.Add(2 * time.Hour)}},
	}
}
