package gototrainingtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

func TestFaultAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fault      gototrainingtest.Fault
		noToken    bool
		wantStatus int
		check      func(t *testing.T, res result)
	}{
		{
			name: "503 with GoTo's error body", fault: gototrainingtest.Fault{Status: 503}, wantStatus: 503,
			check: func(t *testing.T, res result) {
				t.Helper()
				e := checkError(t, res, 503, "ServiceUnavailable")
				if e.Incident == "" {
					t.Errorf("a 5xx body without incident: %s", res.Body)
				}
			},
		},
		{
			name: "raw body and content type", wantStatus: 502,
			fault: gototrainingtest.Fault{Status: 502, Body: []byte("<html>bad gateway</html>"), ContentType: "text/html"},
			check: func(t *testing.T, res result) {
				t.Helper()
				got := []string{string(res.Body), res.Header.Get("Content-Type")}
				if diff := cmp.Diff([]string{"<html>bad gateway</html>", "text/html"}, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "empty body", wantStatus: 500, fault: gototrainingtest.Fault{Status: 500, Body: []byte{}},
			check: func(t *testing.T, res result) {
				t.Helper()
				if len(res.Body) != 0 {
					t.Errorf("body %q, want none", res.Body)
				}
			},
		},
		{
			name: "429 with Retry-After", wantStatus: 429, fault: gototrainingtest.Fault{Status: 429, RetryAfter: "2"},
			check: func(t *testing.T, res result) {
				t.Helper()
				checkError(t, res, 429, "TooManyRequests")
				if got := res.Header.Get("Retry-After"); got != "2" {
					t.Errorf("Retry-After = %q, want 2", got)
				}
			},
		},
		{
			name: "Retry-After on a normal answer", wantStatus: 200, fault: gototrainingtest.Fault{RetryAfter: "7"},
			check: func(t *testing.T, res result) {
				t.Helper()
				want[[]trainingW](t, res, 200)
				if got := res.Header.Get("Retry-After"); got != "7" {
					t.Errorf("Retry-After = %q, want 7", got)
				}
			},
		},
		{
			name: "before authentication", noToken: true, wantStatus: 503, fault: gototrainingtest.Fault{Status: 503},
			check: func(t *testing.T, res result) {
				t.Helper()
				checkError(t, res, 503, "ServiceUnavailable")
			},
		},
		{
			name: "malformed JSON", wantStatus: 200, fault: gototrainingtest.Fault{MalformedJSON: true},
			check: func(t *testing.T, res result) {
				t.Helper()
				var v any
				if err := json.Unmarshal(res.Body, &v); err == nil {
					t.Errorf("body %s is valid JSON", res.Body)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := newFake(t)
			c.schedule("So the list is not empty")
			s.FailNext("getAllTrainings", 1, tt.fault)
			h := hdr{}
			if tt.noToken {
				h["Authorization"] = ""
			}
			res := c.do(http.MethodGet, trainingsPath(s.OrganizerKey()), nil, h)
			if res.Status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", res.Status, tt.wantStatus, res.Body)
			}
			tt.check(t, res)
			// One fault, one request: the next is answered normally.
			want[[]trainingW](t, c.do(http.MethodGet, trainingsPath(s.OrganizerKey()), nil), http.StatusOK)
			if n := s.Calls("getAllTrainings"); n != 2 {
				t.Errorf("Calls = %d, want 2", n)
			}
		})
	}
}

// TestFaultLeavesModel: a fault with a status does not reach the model; a
// malformed answer comes after the model changed.
func TestFaultLeavesModel(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	org := s.OrganizerKey()

	s.FailNext("scheduleTraining", 1, gototrainingtest.Fault{Status: 503})
	checkError(t, c.do(http.MethodPost, trainingsPath(org), scheduleBody("lost")), 503)
	if n := len(s.Trainings()); n != 0 {
		t.Errorf("%d trainings after a 503, want 0", n)
	}

	s.FailNext("scheduleTraining", 1, gototrainingtest.Fault{MalformedJSON: true})
	res := c.do(http.MethodPost, trainingsPath(org), scheduleBody("kept"))
	if res.Status != http.StatusCreated || json.Valid(res.Body) {
		t.Errorf("got %d %s, want 201 with broken JSON", res.Status, res.Body)
	}
	if n := len(s.Trainings()); n != 1 {
		t.Errorf("%d trainings after a malformed answer, want 1", n)
	}
	if n := s.Calls("scheduleTraining"); n != 2 {
		t.Errorf("Calls(scheduleTraining) = %d, want 2", n)
	}

	// An operation that answers 204 answers 200 with broken JSON.
	tk := s.Trainings()[0].Key
	s.FailNext("cancelTraining", 1, gototrainingtest.Fault{MalformedJSON: true})
	res = c.do(http.MethodDelete, trainingPath(org, tk), nil)
	if res.Status != http.StatusOK || len(res.Body) == 0 || json.Valid(res.Body) {
		t.Errorf("got %d %q, want 200 with broken JSON", res.Status, res.Body)
	}
}

func TestFaultQueue(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	path := trainingsPath(s.OrganizerKey())
	s.FailNext("getAllTrainings", 1, gototrainingtest.Fault{Status: 503})
	s.FailNext("getAllTrainings", 2, gototrainingtest.Fault{Status: 502})
	s.FailNext("getTraining", 1, gototrainingtest.Fault{Status: 500}) // another operation: untouched
	var got []int
	for range 4 {
		got = append(got, c.do(http.MethodGet, path, nil).Status)
	}
	if diff := cmp.Diff([]int{503, 502, 502, 200}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}

	s.FailNext("getAllTrainings", 3, gototrainingtest.Fault{Status: 503})
	s.Reset()
	if st := c.do(http.MethodGet, path, nil).Status; st != http.StatusOK {
		t.Errorf("after Reset: %d, want 200", st)
	}
}

func TestFailNextUnknownOperation(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []error
	s, c := newFake(t, gototrainingtest.WithViolationHandler(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, err)
	}))
	s.FailNext("getAllTrainingz", 1, gototrainingtest.Fault{Status: 500})
	s.FailNext("getAllTrainings", 1, gototrainingtest.Fault{Status: 42})
	mu.Lock()
	var msgs []string
	for _, err := range got {
		msgs = append(msgs, err.Error())
	}
	mu.Unlock()
	if len(msgs) != 2 || !strings.Contains(msgs[0], "getAllTrainingz") || !strings.Contains(msgs[1], "42") {
		t.Errorf("violations = %q, want one naming the operation, one the status", msgs)
	}
	// Neither was queued.
	if st := c.do(http.MethodGet, trainingsPath(s.OrganizerKey()), nil).Status; st != http.StatusOK {
		t.Errorf("status = %d, want 200", st)
	}
}

func TestCutMidBody(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	org := s.OrganizerKey()
	tk := c.schedule("A training with a long enough body")

	s.FailNext("getAllTrainings", 1, gototrainingtest.Fault{CutMidBody: true})
	res, err := c.try(t.Context(), http.MethodGet, trainingsPath(org), nil)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading a cut body: err = %v, want unexpected EOF", err)
	}
	if res.Status != http.StatusOK || len(res.Body) == 0 {
		t.Errorf("got %d with %d bytes, want the 200 headers and part of the body", res.Status, len(res.Body))
	}

	// A fault's own answer can be cut.
	s.FailNext("getAllTrainings", 1, gototrainingtest.Fault{Status: http.StatusServiceUnavailable, CutMidBody: true})
	res, err = c.try(t.Context(), http.MethodGet, trainingsPath(org), nil)
	if !errors.Is(err, io.ErrUnexpectedEOF) || res.Status != http.StatusServiceUnavailable {
		t.Errorf("a cut 503: status %d, err = %v, want 503 and unexpected EOF", res.Status, err)
	}

	// An answer without a body is cut before its headers.
	s.FailNext("cancelTraining", 1, gototrainingtest.Fault{CutMidBody: true})
	if _, err := c.try(t.Context(), http.MethodDelete, trainingPath(org, tk), nil); err == nil {
		t.Error("a cut 204 answer arrived")
	}
	// The request was handled all the same.
	if n := len(s.Trainings()); n != 0 {
		t.Errorf("%d trainings, want the cut cancel to have happened", n)
	}

	// The storage origin can be cut too.
	tk = c.schedule("Recorded")
	id, err := s.AddRecording(tk, "r", []byte(strings.Repeat("x", 4096)))
	if err != nil {
		t.Fatal(err)
	}
	s.FailNext(gototrainingtest.StorageOperation, 1, gototrainingtest.Fault{CutMidBody: true})
	loc := c.do(http.MethodGet, fmt.Sprintf("/trainings/%d/recordings/%d", tk, id), nil).Header.Get("Location")
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, loc, nil)
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading a cut download: err = %v, want unexpected EOF", err)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	path := trainingsPath(s.OrganizerKey())
	slow := func() error {
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err := c.try(ctx, http.MethodGet, path, nil)
		return err
	}

	s.FailNext("getAllTrainings", 1, gototrainingtest.Fault{Latency: time.Minute})
	if err := slow(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a request delayed a minute, with a 50ms deadline: err = %v", err)
	}
	want[[]trainingW](t, c.do(http.MethodGet, path, nil), http.StatusOK)

	// A POST too: its body is read before the wait, so the wait ends with
	// the client.
	s.SetLatency(time.Minute)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.try(ctx, http.MethodPost, path, scheduleBody("late")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a POST under a minute's latency, with a 50ms deadline: err = %v", err)
	}
	s.SetLatency(0)
	want[[]trainingW](t, c.do(http.MethodGet, path, nil), http.StatusOK)

	s.SetLatency(time.Minute)
	s.Reset()
	want[[]trainingW](t, c.do(http.MethodGet, path, nil), http.StatusOK)
	// Close returns at once although a request would wait a minute.
	s.SetLatency(time.Minute)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = c.try(context.Background(), http.MethodGet, path, nil)
	}()
	for i := 0; i < 10_000 && s.Calls("getAllTrainings") < 5; i++ {
		time.Sleep(time.Millisecond)
	}
	s.Close()
	<-done
}
