package gototraining

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
)

func TestLoggerLogsEachAttemptWithoutTheToken(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, _ := serve(t, answer(503, "application/json", `{"msg":"`+testToken+`"}`), answer(200, "application/json", trainingJSON))
	c, _ := newClient(t, srv.URL, WithLogger(logger))
	if _, err := c.Trainings.Get(t.Context(), orgKey, trainingKey); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, testToken) {
		t.Errorf("log carries the token:\n%s", out)
	}
	for _, want := range []string{"operation=getTraining", "status=503", "status=200", "attempt=2", "gototraining: retrying"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

type countingLimiter struct {
	n   atomic.Int64
	err error
}

func (l *countingLimiter) Wait(context.Context) error {
	l.n.Add(1)
	return l.err
}

func TestRateLimiterPacesEveryAttempt(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, answer(503, "", ""), answer(200, "application/json", trainingJSON))
	l := &countingLimiter{}
	c, _ := newClient(t, srv.URL, WithRateLimiter(l))
	if _, err := c.Trainings.Get(t.Context(), orgKey, trainingKey); err != nil {
		t.Fatal(err)
	}
	if l.n.Load() != 2 || hits.n.Load() != 2 {
		t.Errorf("limiter waited %d times for %d attempts", l.n.Load(), hits.n.Load())
	}
	refusing := &countingLimiter{err: errors.New("limiter closed")}
	c2, _ := newClient(t, srv.URL, WithRateLimiter(refusing), WithRetry(NoRetries()))
	if _, err := c2.Trainings.Schedule(t.Context(), orgKey, validSchedule()); err == nil || !strings.Contains(err.Error(), "limiter closed") {
		t.Errorf("limiter error: %v", err)
	}
	if hits.n.Load() != 2 {
		t.Errorf("a refused limiter still sent")
	}
	if _, err := NewClient(WithAccessToken("x"), WithRateLimit(10)); err != nil {
		t.Error(err)
	}
}

type tokenSeq struct {
	n      atomic.Int64
	tokens []string
	err    error
}

func (s *tokenSeq) Token() (*oauth2.Token, error) {
	if s.err != nil {
		return nil, s.err
	}
	i := int(s.n.Add(1)) - 1
	return &oauth2.Token{AccessToken: s.tokens[min(i, len(s.tokens)-1)]}, nil
}

func TestTokenSourceIsAskedOnEveryAttempt(t *testing.T) {
	t.Parallel()
	var seen []string
	record := func(status int) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			seen = append(seen, r.Header.Get("Authorization"))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			if status == 200 {
				_, _ = w.Write([]byte(trainingJSON))
			}
		}
	}
	srv, _ := serve(t, record(503), record(200))
	ts := &tokenSeq{tokens: []string{"first", "refreshed"}}
	c, err := NewClient(WithTokenSource(ts), WithBaseURL(srv.URL), withSleep((&sleeps{}).sleep), WithUserAgent("lms-sync/1.4"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Trainings.Get(t.Context(), orgKey, trainingKey); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Bearer first", "Bearer refreshed"}, seen); diff != "" {
		t.Errorf("Authorization headers (-want +got):\n%s", diff)
	}
	if !strings.Contains(c.String(), "token source") {
		t.Errorf("String: %s", c)
	}

	broken, _ := NewClient(WithTokenSource(&tokenSeq{err: errors.New("refresh token expired")}), WithBaseURL(srv.URL))
	if _, err := broken.Trainings.Get(t.Context(), orgKey, trainingKey); err == nil || !strings.Contains(err.Error(), "refresh token expired") {
		t.Errorf("token source error: %v", err)
	}
	empty, _ := NewClient(WithTokenSource(&tokenSeq{tokens: []string{""}}), WithBaseURL(srv.URL))
	if _, err := empty.Trainings.Get(t.Context(), orgKey, trainingKey); err == nil {
		t.Error("an empty token was sent")
	}
}

func TestCallersHTTPClientIsNotChanged(t *testing.T) {
	t.Parallel()
	var ua string
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		ua = r.Header.Get("User-Agent")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(trainingJSON))
	})
	mine := &http.Client{Timeout: 5 * time.Second}
	c, _ := newClient(t, srv.URL, WithHTTPClient(mine), WithUserAgent("lms-sync/1.4"))
	if _, err := c.Trainings.Get(t.Context(), orgKey, trainingKey); err != nil {
		t.Fatal(err)
	}
	if mine.Transport != nil || mine.CheckRedirect != nil || mine.Timeout != 5*time.Second {
		t.Errorf("the caller's client was changed: %+v", mine)
	}
	if !strings.HasPrefix(ua, "lms-sync/1.4 gototraining-go/") {
		t.Errorf("User-Agent %q", ua)
	}
}

func TestRawSendsThroughThePolicyChain(t *testing.T) {
	t.Parallel()
	var auth string
	srv, hits := serve(t, answer(503, "", ""), func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(trainingJSON))
	})
	c, _ := newClient(t, srv.URL)
	resp, err := c.Raw().GetTraining(t.Context(), int64(orgKey), int64(trainingKey))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || auth != "Bearer "+testToken || hits.n.Load() != 2 {
		t.Errorf("status %d, auth %q, %d attempts", resp.StatusCode, auth, hits.n.Load())
	}
	// A raw POST is never retried: the client cannot know it is safe.
	srv2, hits2 := serve(t, answer(503, "", ""))
	c2, _ := newClient(t, srv2.URL)
	resp, err = c2.Raw().GetSessionDetailsForDateRangeWithBody(t.Context(), int64(orgKey), "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if hits2.n.Load() != 1 {
		t.Errorf("raw POST sent %d times", hits2.n.Load())
	}
}

func TestErrorTexts(t *testing.T) {
	t.Parallel()
	cases := map[error]string{
		&ValidationError{Operation: "scheduleTraining", Field: "Times[0].End", Problem: "is missing"}:                       "gototraining: scheduleTraining: invalid Times[0].End: is missing",
		&DecodeError{StatusCode: 200, Operation: "getTraining", Err: errors.New("eof")}:                                     "gototraining: getTraining: decoding the 200 answer: eof",
		&outcomeUnknownError{op: "registerForTraining", err: context.DeadlineExceeded}:                                      "gototraining: registerForTraining: request may have reached GoTo, but no answer came back: context deadline exceeded",
		&APIError{StatusCode: 404, Operation: "getTraining", Method: "GET", URL: "u", ErrorCode: "NotFound", Incident: "i"}: "gototraining: getTraining GET u: 404 Not Found: NotFound (incident i)",
		&APIError{StatusCode: 500, Operation: "x", Method: "GET", URL: "u"}:                                                 "gototraining: x GET u: 500 Internal Server Error",
	}
	for err, want := range cases {
		if got := err.Error(); got != want {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	}
	de := &DecodeError{Err: io.EOF}
	if !errors.Is(de, io.EOF) {
		t.Error("DecodeError does not unwrap")
	}
}

func TestAllKeyTypesMarshal(t *testing.T) {
	t.Parallel()
	type marshaler interface{ MarshalText() ([]byte, error) }
	for _, k := range []marshaler{AccountKey(1), OrganizerKey(2), TrainingKey(3), RegistrantKey(4), SessionKey(5), RecordingID(6)} {
		if b, err := k.MarshalText(); err != nil || len(b) != 1 {
			t.Errorf("%T: %s %v", k, b, err)
		}
	}
	var (
		a  AccountKey
		r  RegistrantKey
		s  SessionKey
		c  RecordingID
		tk TrainingKey
	)
	for _, u := range []interface{ UnmarshalText([]byte) error }{&a, &r, &s, &c, &tk} {
		if err := u.UnmarshalText([]byte("9223372036854775807")); err != nil {
			t.Errorf("%T: %v", u, err)
		}
	}
	if a.String() != "9223372036854775807" || int64(tk) != int64(maxKey) {
		t.Errorf("got %s %d", a, tk)
	}
}
