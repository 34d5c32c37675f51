package gototraining

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestRegisterAllDefaultPace: a client without a limiter paces its runs at
// DefaultBulkInterval with no burst, through one pacer for all its runs; a
// client with a limiter is paced by that alone, once per request.
func TestRegisterAllDefaultPace(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, answer(http.StatusCreated, "application/json", `{"registrantKey":5646167387902096129,"joinUrl":"https://global.gototraining.com/join/1"}`))
	learners := []RegisterForTrainingRequest{{Email: "a@example.com", GivenName: "A", Surname: "B"}, {Email: "b@example.com", GivenName: "A", Surname: "B"}}

	c, _ := newClient(t, srv.URL)
	if p, ok := c.bulkLimiter.(*pacer); !ok || p.every != DefaultBulkInterval {
		t.Fatalf("the default pacer is %#v, want a pacer of one request per %v", c.bulkLimiter, DefaultBulkInterval)
	}
	pacer := &countingLimiter{}
	c.bulkLimiter = pacer
	for res := range c.Registrants.RegisterAll(t.Context(), orgKey, trainingKey, learners, RegisterAllOptions{}) {
		if res.Outcome != OutcomeRegistered {
			t.Fatalf("learner %d: %v %v", res.Index, res.Outcome, res.Err)
		}
	}
	if pacer.n.Load() != 2 {
		t.Errorf("the client's pacer was waited %d times for 2 learners", pacer.n.Load())
	}

	own := &countingLimiter{}
	limited, _ := newClient(t, srv.URL, WithRateLimiter(own))
	if limited.bulkLimiter != nil {
		t.Errorf("a client with a limiter has a bulk pacer too: %#v", limited.bulkLimiter)
	}
	for res := range limited.Registrants.RegisterAll(t.Context(), orgKey, trainingKey, learners, RegisterAllOptions{}) {
		if res.Outcome != OutcomeRegistered {
			t.Fatalf("learner %d: %v %v", res.Index, res.Outcome, res.Err)
		}
	}
	if own.n.Load() != 2 {
		t.Errorf("the client's own limiter was waited %d times for 2 learners, want 2 (once each, not twice)", own.n.Load())
	}
}

// TestPacerKeepsTheSpan: any pacerSpan consecutive goes span at least
// pacerSpan intervals and any two at least half an interval, counted from
// when they went, also after a late one; concurrent waiters take turns.
func TestPacerKeepsTheSpan(t *testing.T) {
	t.Parallel()
	const every = 2 * time.Millisecond
	p := newPacer(every)
	var went []time.Time
	for i := range 3 * pacerSpan {
		if err := p.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		went = append(went, p.went[(p.next+pacerSpan-1)%pacerSpan]) // no other waiter: this one's
		if i == pacerSpan+3 {
			time.Sleep(5 * every) // a late caller: the next ones may catch up, within the rules
		}
	}
	for i := 1; i < len(went); i++ {
		if gap := went[i].Sub(went[i-1]); gap < every/2 {
			t.Errorf("go %d came %v after the one before, want at least %v", i, gap, every/2)
		}
		if i >= pacerSpan {
			if span := went[i].Sub(went[i-pacerSpan]); span < pacerSpan*every {
				t.Errorf("goes %d to %d span %v, want at least %v", i-pacerSpan, i, span, pacerSpan*every)
			}
		}
	}

	shared := newPacer(every)
	start := time.Now()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 10 {
				if err := shared.Wait(t.Context()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if took := time.Since(start); took < 3*pacerSpan*every {
		t.Errorf("40 concurrent goes took %v, less than the %v their spans need", took, 3*pacerSpan*every)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := newPacer(time.Hour).Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait with a cancelled context: %v", err)
	}
}
