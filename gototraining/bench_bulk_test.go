package gototraining_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gototraining-go/gototraining/gototraining"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// BenchmarkBulkRegister registers a cohort against the fake at GoTo's rate
// limit (10 requests per second, 429 past it) with 150 ms of latency per
// call: RegisterAll with the defaults, RegisterAll again over the same
// cohort, RegisterAll through a client made WithRateLimit(10), and a
// sequential Register loop. It reports registrations per second
// (reg/s), the 429s the fake answered, the requests beyond one per learner
// (resent), registrants the fake holds twice (dups), and the learners found
// already registered. 1,000 learners take minutes, so it runs only when
// -bench names it: go test -run '^$' -bench BulkRegister -benchtime 1x
// ./gototraining. GOTOTRAINING_BULK_COHORT sets another cohort size.
func BenchmarkBulkRegister(b *testing.B) {
	if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), "Bulk") {
		b.Skip("minutes long: run with -bench BulkRegister -benchtime 1x")
	}
	n := 1000
	if v := os.Getenv("GOTOTRAINING_BULK_COHORT"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("GOTOTRAINING_BULK_COHORT=%q: want a positive number", v)
		}
	}
	fake, err := gototrainingtest.New(gototrainingtest.WithRateLimit(10),
		gototrainingtest.WithViolationHandler(func(err error) { b.Errorf("the fake's answer breaks the spec: %v", err) }))
	if err != nil {
		b.Fatal(err)
	}
	var limited atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusRecorder{ResponseWriter: w}
		fake.ServeHTTP(sw, r)
		if sw.status == http.StatusTooManyRequests {
			limited.Add(1)
		}
	}))
	b.Cleanup(srv.Close)
	newClient := func(opts ...gototraining.Option) *gototraining.Client {
		c, err := gototraining.NewClient(append([]gototraining.Option{
			gototraining.WithAccessToken(fake.Token()), gototraining.WithBaseURL(srv.URL),
		}, opts...)...)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	c := newClient()
	org := gototraining.OrganizerKey(fake.OrganizerKey())
	learners := make([]gototraining.RegisterForTrainingRequest, n)
	for i := range learners {
		learners[i] = gototraining.RegisterForTrainingRequest{Email: fmt.Sprintf("learner%05d@example.com", i), GivenName: "Given", Surname: fmt.Sprintf("Surname%d", i)}
	}
	newTraining := func(b *testing.B) gototraining.TrainingKey {
		b.Helper()
		k, err := c.Trainings.Schedule(b.Context(), org, gototraining.ScheduleTrainingRequest{
			Name: "Cohort", TimeZone: "Europe/Berlin",
			Times: []gototraining.TimeRange{{Start: time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC), End: time.Date(2027, 3, 1, 11, 0, 0, 0, time.UTC)}},
		})
		if err != nil {
			b.Fatal(err)
		}
		return k
	}
	fake.SetLatency(150 * time.Millisecond)

	// measure runs one pass and reports what the fake saw during it. The
	// fake's window is one second: a second's pause before each pass lets
	// the setup's requests leave it.
	measure := func(b *testing.B, training gototraining.TrainingKey, pass func(context.Context) map[gototraining.RegistrationOutcome]int) {
		b.Helper()
		time.Sleep(1100 * time.Millisecond)
		limitedBefore := limited.Load()
		sentBefore := fake.Calls("registerForTraining")
		start := time.Now()
		got := pass(b.Context())
		took := time.Since(start)
		sent := fake.Calls("registerForTraining") - sentBefore
		seen := map[string]int{}
		dups := 0
		for _, r := range fake.Registrants(int64(training)) {
			if seen[strings.ToLower(r.Email)]++; seen[strings.ToLower(r.Email)] > 1 {
				dups++
			}
		}
		b.ReportMetric(float64(got[gototraining.OutcomeRegistered])/took.Seconds(), "reg/s")
		b.ReportMetric(float64(limited.Load()-limitedBefore), "429s")
		b.ReportMetric(float64(max(sent-got[gototraining.OutcomeRegistered]-got[gototraining.OutcomeAlreadyRegistered]-got[gototraining.OutcomeFailed]-got[gototraining.OutcomeUnknown], 0)), "resent")
		b.ReportMetric(float64(sent), "posts")
		b.ReportMetric(float64(dups), "dups")
		b.ReportMetric(float64(got[gototraining.OutcomeAlreadyRegistered]), "already")
		b.ReportMetric(took.Seconds(), "s")
		if other := n - got[gototraining.OutcomeRegistered] - got[gototraining.OutcomeAlreadyRegistered]; other != 0 {
			b.Logf("%d learners neither registered nor already registered: %v", other, got)
		}
	}
	bulk := func(c *gototraining.Client, training gototraining.TrainingKey) func(context.Context) map[gototraining.RegistrationOutcome]int {
		return func(ctx context.Context) map[gototraining.RegistrationOutcome]int {
			got := map[gototraining.RegistrationOutcome]int{}
			for res := range c.Registrants.RegisterAll(ctx, org, training, learners, gototraining.RegisterAllOptions{}) {
				got[res.Outcome]++
			}
			return got
		}
	}

	first := newTraining(b)
	b.Run("bulk", func(b *testing.B) {
		for range b.N {
			measure(b, first, bulk(c, first))
		}
	})
	b.Run("bulk-again", func(b *testing.B) {
		for range b.N {
			measure(b, first, bulk(c, first))
		}
	})
	b.Run("bulk-client-WithRateLimit10", func(b *testing.B) {
		limitedClient := newClient(gototraining.WithRateLimit(10))
		for range b.N {
			training := newTraining(b)
			measure(b, training, bulk(limitedClient, training))
		}
	})
	b.Run("sequential", func(b *testing.B) {
		for range b.N {
			training := newTraining(b)
			measure(b, training, func(ctx context.Context) map[gototraining.RegistrationOutcome]int {
				got := map[gototraining.RegistrationOutcome]int{}
				for _, l := range learners {
					if _, err := c.Registrants.Register(ctx, org, training, l); err != nil {
						got[gototraining.OutcomeFailed]++
						continue
					}
					got[gototraining.OutcomeRegistered]++
				}
				return got
			})
		}
	})
}

// statusRecorder remembers the status a handler answered.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
