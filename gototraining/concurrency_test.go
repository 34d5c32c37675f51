package gototraining_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/gototraining"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// TestSharedClientUnderConcurrency: 64 goroutines share one Client and make
// 200 calls each against the fake, reads and writes mixed. Each schedules
// its own training, registers its own learners, renames its training, and
// reads all of it back; every result is checked against what that goroutine
// did, and the fake's state against all of it at the end. Run it with -race.
func TestSharedClientUnderConcurrency(t *testing.T) {
	t.Parallel()
	const (
		workers = 64
		calls   = 200
	)
	// The fake in process, without a socket: the calls exercise the
	// client's own machinery (transport chain, token, logger, decoding) at
	// the pace the race detector allows, not the loopback's.
	srv, err := gototrainingtest.New(fakeOptions(
		gototrainingtest.WithToken(secretToken),
		gototrainingtest.WithViolationHandler(func(err error) { t.Errorf("the fake broke the spec: %v", err) }),
		gototrainingtest.WithRequestViolationHandler(func(err error) { t.Errorf("invalid request: %v", err) }))...)
	if err != nil {
		t.Fatal(err)
	}
	sink := &textSink{}
	c, err := gototraining.NewClient(
		gototraining.WithHTTPClient(&http.Client{Transport: inProcess{srv}}),
		gototraining.WithBaseURL("http://127.0.0.1"),
		gototraining.WithAccessToken(secretToken),
		gototraining.WithRetry(matrixRetry),
		gototraining.WithLogger(sink.logger("concurrency")),
	)
	if err != nil {
		t.Fatal(err)
	}
	org := gototraining.OrganizerKey(srv.OrganizerKey())
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	type worker struct {
		training gototraining.TrainingKey
		name     string
		emails   []string
		keys     []gototraining.RegistrantKey
		calls    int
	}
	ws := make([]*worker, workers)
	var total atomic.Int64
	var wg sync.WaitGroup
	for g := range workers {
		w := &worker{}
		ws[g] = w
		wg.Go(func() {
			fail := func(format string, args ...any) {
				t.Errorf("worker %d, call %d: %s", g, w.calls, fmt.Sprintf(format, args...))
			}
			count := func() { w.calls++; total.Add(1) }

			req := twoSessions()
			w.name = fmt.Sprintf("Concurrency %02d", g)
			req.Name = w.name
			key, err := c.Trainings.Schedule(ctx, org, req)
			count()
			if err != nil || key <= 0 {
				fail("Schedule: %v %v", key, err)
				return
			}
			w.training = key
			for w.calls < calls {
				switch w.calls % 25 {
				case 0, 5, 10, 15, 20: // a write that creates
					email := fmt.Sprintf("w%02d-%03d@example.com", g, w.calls)
					reg, err := c.Registrants.Register(ctx, org, w.training, gototraining.RegisterForTrainingRequest{Email: email, GivenName: "W", Surname: fmt.Sprint(g)})
					count()
					if err != nil || reg.Key <= 0 || reg.JoinURL == "" {
						fail("Register: %+v %v", reg, err)
						return
					}
					w.emails, w.keys = append(w.emails, email), append(w.keys, reg.Key)
				case 1, 3, 6, 11, 13, 16, 21, 23: // read back a registrant: the last one, or an earlier one
					if len(w.keys) == 0 {
						count()
						continue
					}
					i := len(w.keys) - 1
					if w.calls%2 == 0 {
						i = w.calls % len(w.keys)
					}
					r, err := c.Registrants.Get(ctx, org, w.training, w.keys[i])
					count()
					if err != nil || r.Email != w.emails[i] || r.Key != w.keys[i] {
						fail("Registrants.Get: %+v %v, want %s", r, err, w.emails[i])
					}
				case 2, 7, 9, 12, 17, 19, 22: // read the training
					tr, err := c.Trainings.Get(ctx, org, w.training)
					count()
					if err != nil || tr.Key != w.training || tr.Name != w.name {
						fail("Trainings.Get: %d %q %v, want %q", tr.Key, tr.Name, err, w.name)
					}
				case 4, 14, 24: // an idempotent write
					name := fmt.Sprintf("Concurrency %02d, rev %03d", g, w.calls)
					err := c.Trainings.UpdateNameDescription(ctx, org, w.training, gototraining.UpdateTrainingNameDescriptionRequest{Name: name})
					count()
					if err != nil {
						fail("UpdateNameDescription: %v", err)
						continue
					}
					w.name = name
				case 8: // list the registrants
					rs, err := c.Registrants.List(ctx, org, w.training)
					count()
					if err != nil {
						fail("List: %v", err)
						continue
					}
					if diff := cmp.Diff(w.emails, emails(rs)); diff != "" {
						fail("List (-want +got):\n%s", diff)
					}
				case 18: // the lazy list, stopped halfway
					want := (len(w.emails) + 1) / 2
					var got []string
					for r, err := range c.Registrants.All(ctx, org, w.training) {
						if err != nil {
							fail("All: %v", err)
							break
						}
						if len(got) == want {
							break
						}
						got = append(got, r.Email)
					}
					count()
					if diff := cmp.Diff(w.emails[:want], got); diff != "" {
						fail("All, first half (-want +got):\n%s", diff)
					}
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	// The fake holds exactly what the workers made: no more, no less.
	if n := total.Load(); n != workers*calls {
		t.Errorf("%d calls made, want %d", n, workers*calls)
	}
	trainings := srv.Trainings()
	if len(trainings) != workers {
		t.Fatalf("the fake holds %d trainings, want %d", len(trainings), workers)
	}
	byKey := map[gototraining.TrainingKey]gototrainingtest.TrainingState{}
	for _, tr := range trainings {
		byKey[gototraining.TrainingKey(tr.Key)] = tr
	}
	registrations := 0
	for g, w := range ws {
		tr, ok := byKey[w.training]
		if !ok || tr.Name != w.name {
			t.Errorf("worker %d: training %d is %q in the fake, want %q", g, w.training, tr.Name, w.name)
			continue
		}
		var keys []gototraining.RegistrantKey
		var mails []string
		for _, r := range srv.Registrants(int64(w.training)) {
			keys, mails = append(keys, gototraining.RegistrantKey(r.Key)), append(mails, r.Email)
		}
		if diff := cmp.Diff(w.emails, mails); diff != "" {
			t.Errorf("worker %d: registrants in the fake (-want +got):\n%s", g, diff)
		}
		if !slices.Equal(w.keys, keys) {
			t.Errorf("worker %d: registrant keys differ", g)
		}
		registrations += len(w.keys)
	}
	if n := srv.Calls("scheduleTraining"); n != workers {
		t.Errorf("the fake saw %d scheduleTraining, want %d", n, workers)
	}
	if n := srv.Calls("registerForTraining"); n != registrations {
		t.Errorf("the fake saw %d registerForTraining, want %d", n, registrations)
	}
	sink.assertNoSecret(t)
	t.Logf("%d goroutines × %d calls: %d trainings, %d registrations, all checked", workers, calls, len(trainings), registrations)
}

// inProcess is an http.RoundTripper that hands requests straight to a
// handler, as a server would, without a socket.
type inProcess struct{ h http.Handler }

func (p inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	in := r.Clone(r.Context()) // the handler may change its request; RoundTrip must not
	in.Body = r.Body
	if in.Body == nil {
		in.Body = http.NoBody
	}
	defer in.Body.Close()
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, in)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}
