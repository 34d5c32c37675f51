package gototraining_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"

	"github.com/gototraining-go/gototraining/gototraining"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// unpaced lets a test's RegisterAll run as fast as the fake answers.
var unpaced = gototraining.RegisterAllOptions{Limiter: rate.NewLimiter(rate.Inf, 1)}

// cohort makes n valid learners learner0@example.com, learner1@...
func cohort(n int) []gototraining.RegisterForTrainingRequest {
	out := make([]gototraining.RegisterForTrainingRequest, n)
	for i := range out {
		out[i] = gototraining.RegisterForTrainingRequest{Email: fmt.Sprintf("learner%d@example.com", i), GivenName: "Given", Surname: fmt.Sprintf("Surname%d", i)}
	}
	return out
}

// collect ranges over a run and returns its results by learner index,
// failing the test on an index seen twice.
func collect(t *testing.T, seq func(func(gototraining.RegisterAllResult) bool)) map[int]gototraining.RegisterAllResult {
	t.Helper()
	out := map[int]gototraining.RegisterAllResult{}
	for res := range seq {
		if _, dup := out[res.Index]; dup {
			t.Errorf("learner %d has two results", res.Index)
		}
		out[res.Index] = res
	}
	return out
}

// outcomes summarizes results as index -> outcome.
func outcomes(results map[int]gototraining.RegisterAllResult) map[int]string {
	out := map[int]string{}
	for i, r := range results {
		out[i] = r.Outcome.String()
	}
	return out
}

func TestRegisterAllReportsEveryLearner(t *testing.T) {
	t.Parallel()
	srv, c, org := newFake(t)
	ctx := t.Context()
	training, err := c.Trainings.Schedule(ctx, org, twoSessions())
	if err != nil {
		t.Fatal(err)
	}
	learners := cohort(6)
	already, err := c.Registrants.Register(ctx, org, training, learners[2])
	if err != nil {
		t.Fatal(err)
	}
	learners = append(learners,
		gototraining.RegisterForTrainingRequest{Email: "not an email", GivenName: "A", Surname: "B"},         // 6
		gototraining.RegisterForTrainingRequest{Email: "LEARNER0@example.com", GivenName: "A", Surname: "B"}, // 7: learner 0 again
		gototraining.RegisterForTrainingRequest{Email: "noname@example.com", Surname: "B"},                   // 8
	)
	sentBefore := srv.Calls("registerForTraining")

	var order []gototraining.RegistrationOutcome
	var sentAtFirstRefusal int
	results := map[int]gototraining.RegisterAllResult{}
	for res := range c.Registrants.RegisterAll(ctx, org, training, learners, unpaced) {
		if len(order) == 0 {
			sentAtFirstRefusal = srv.Calls("registerForTraining") - sentBefore
		}
		order = append(order, res.Outcome)
		results[res.Index] = res
	}

	want := map[int]string{0: "registered", 1: "registered", 2: "already registered", 3: "registered", 4: "registered", 5: "registered", 6: "invalid", 7: "duplicate", 8: "invalid"}
	if diff := cmp.Diff(want, outcomes(results)); diff != "" {
		t.Fatalf("outcomes (-want +got):\n%s", diff)
	}
	// The refusals come first, before anything is sent.
	if sentAtFirstRefusal != 0 || order[0] == gototraining.OutcomeRegistered || order[1] == gototraining.OutcomeRegistered || order[2] == gototraining.OutcomeRegistered {
		t.Errorf("results in the order %v, %d requests sent before the first: want the 3 refusals first, before any request", order, sentAtFirstRefusal)
	}
	var ve *gototraining.ValidationError
	if !errors.As(results[6].Err, &ve) || ve.Field != "Email" || !errors.As(results[8].Err, &ve) || ve.Field != "GivenName" {
		t.Errorf("invalid learners: %v; %v", results[6].Err, results[8].Err)
	}
	if results[7].DuplicateOf != 0 || results[7].Err != nil {
		t.Errorf("duplicate: DuplicateOf %d, Err %v; want 0, nil", results[7].DuplicateOf, results[7].Err)
	}
	if r := results[2]; r.Err != nil || r.Registration != already {
		t.Errorf("already registered: %+v, %v; want %+v", r.Registration, r.Err, already)
	}
	// On the fake: each email once, with the key the result gave; one
	// request per learner sent, and one list for the 409.
	byEmail := map[string]int64{}
	for _, r := range srv.Registrants(int64(training)) {
		if _, dup := byEmail[strings.ToLower(r.Email)]; dup {
			t.Errorf("the fake holds %s twice", r.Email)
		}
		byEmail[strings.ToLower(r.Email)] = r.Key
	}
	for i := range 6 {
		if got, want := results[i].Registration.Key, byEmail[learners[i].Email]; int64(got) != want || want == 0 {
			t.Errorf("learner %d: key %d, the fake holds %d", i, got, want)
		}
	}
	if n := srv.Calls("registerForTraining") - sentBefore; n != 6 {
		t.Errorf("%d registration requests for 6 valid learners", n)
	}
	if n := srv.Calls("getRegistrants"); n != 1 {
		t.Errorf("%d registrant lists read, want 1", n)
	}
}

// TestRegisterAllTwice: a second run over the same cohort finds everyone
// registered, with the keys of the first run, from one list and (at
// concurrency 1) a single registration request.
func TestRegisterAllTwice(t *testing.T) {
	t.Parallel()
	srv, c, org := newFake(t)
	ctx := t.Context()
	training, err := c.Trainings.Schedule(ctx, org, twoSessions())
	if err != nil {
		t.Fatal(err)
	}
	learners := cohort(20)
	first := collect(t, c.Registrants.RegisterAll(ctx, org, training, learners, unpaced))
	opts := unpaced
	opts.Concurrency = 1
	sent := srv.Calls("registerForTraining")
	second := collect(t, c.Registrants.RegisterAll(ctx, org, training, learners, opts))
	for i := range learners {
		a, b := first[i], second[i]
		if a.Outcome != gototraining.OutcomeRegistered || b.Outcome != gototraining.OutcomeAlreadyRegistered || b.Err != nil || a.Registration != b.Registration {
			t.Errorf("learner %d: first run %v %+v, second %v %+v %v", i, a.Outcome, a.Registration, b.Outcome, b.Registration, b.Err)
		}
	}
	if n := srv.Calls("registerForTraining") - sent; n != 1 {
		t.Errorf("the second run sent %d registrations, want 1 (its 409 reads the list, which settles the rest)", n)
	}
	if n := srv.Calls("getRegistrants"); n != 1 {
		t.Errorf("%d registrant lists read, want 1", n)
	}
	if n := len(srv.Registrants(int64(training))); n != len(learners) {
		t.Errorf("the fake holds %d registrants for %d learners", n, len(learners))
	}
}

// TestRegisterAllConflictsReadOneList: however many learners GoTo answers
// 409, the run reads the registrant list once; a learner the list does not
// hold (GoTo's cache lags) is still already registered, with its error
// saying the key is unknown.
func TestRegisterAllConflictsReadOneList(t *testing.T) {
	t.Parallel()
	var posts, lists atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("POST /organizers/{org}/trainings/{t}/registrants", func(w http.ResponseWriter, _ *http.Request) {
		posts.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(`{"errorCode":"DuplicateRegistrant","description":"already registered"}`))
	})
	mux.HandleFunc("GET /organizers/{org}/trainings/{t}/registrants", func(w http.ResponseWriter, _ *http.Request) {
		lists.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"registrantKey":"5646167387902096129","email":"Learner0@example.com","givenName":"G","surname":"S","status":"APPROVED","joinUrl":"https://global.gototraining.com/join/1"},
			{"registrantKey":"5646167387902096130","email":"learner1@example.com","givenName":"G","surname":"S","status":"APPROVED"}]`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := gototraining.NewClient(gototraining.WithAccessToken("conflict-token"), gototraining.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	opts := unpaced
	opts.Concurrency = 1
	results := collect(t, c.Registrants.RegisterAll(t.Context(), 8439885694023994630, 8178251407424893697, cohort(3), opts))
	keys := map[int]gototraining.RegistrantKey{}
	for i, r := range results {
		if r.Outcome != gototraining.OutcomeAlreadyRegistered {
			t.Errorf("learner %d: %v, want already registered", i, r.Outcome)
		}
		keys[i] = r.Registration.Key
	}
	if diff := cmp.Diff(map[int]gototraining.RegistrantKey{0: 5646167387902096129, 1: 5646167387902096130, 2: 0}, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if results[0].Registration.JoinURL != "https://global.gototraining.com/join/1" || results[0].Err != nil || results[1].Err != nil {
		t.Errorf("found learners: %+v %v; %v", results[0].Registration, results[0].Err, results[1].Err)
	}
	if err := results[2].Err; !errors.Is(err, gototraining.ErrConflict) || !strings.Contains(err.Error(), "not in the training's registrant list") {
		t.Errorf("unlisted learner: err = %v, want ErrConflict and the reason the key is unknown", err)
	}
	// Learner 0's 409 read the list. It holds learner 1, who is then not
	// sent; learner 2, not in it, is sent, and its 409 reads no second list.
	if lists.Load() != 1 || posts.Load() != 2 {
		t.Errorf("%d lists read for %d requests, want 1 list and 2 requests", lists.Load(), posts.Load())
	}
}

// TestRegisterAllResendsOnlyRefusals: a 429 or 503 says GoTo did nothing,
// so the learner is sent again; a 500 may have registered them, so it is
// not; a 400 is a failure.
func TestRegisterAllResendsOnlyRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		want   gototraining.RegistrationOutcome
		sent   int
		is     error
	}{
		{http.StatusTooManyRequests, gototraining.OutcomeRegistered, 2, nil},
		{http.StatusServiceUnavailable, gototraining.OutcomeRegistered, 2, nil},
		{http.StatusInternalServerError, gototraining.OutcomeUnknown, 1, gototraining.ErrOutcomeUnknown},
		{http.StatusBadRequest, gototraining.OutcomeFailed, 1, gototraining.ErrBadRequest},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			t.Parallel()
			srv, c, org := newFake(t)
			training, err := c.Trainings.Schedule(t.Context(), org, twoSessions())
			if err != nil {
				t.Fatal(err)
			}
			srv.FailNext("registerForTraining", 1, gototrainingtest.Fault{Status: tc.status, RetryAfter: "0"})
			results := collect(t, c.Registrants.RegisterAll(t.Context(), org, training, cohort(1), unpaced))
			if r := results[0]; r.Outcome != tc.want || (tc.is == nil) != (r.Err == nil) || (tc.is != nil && !errors.Is(r.Err, tc.is)) {
				t.Errorf("outcome %v, err %v; want %v, %v", r.Outcome, r.Err, tc.want, tc.is)
			}
			if n := srv.Calls("registerForTraining"); n != tc.sent {
				t.Errorf("sent %d times, want %d", n, tc.sent)
			}
		})
	}
}

// TestRegisterAllStopsOnCancel: once the context ends, nothing more is
// sent, and every learner still gets a result.
func TestRegisterAllStopsOnCancel(t *testing.T) {
	t.Parallel()
	srv, c, org := newFake(t)
	training, err := c.Trainings.Schedule(t.Context(), org, twoSessions())
	if err != nil {
		t.Fatal(err)
	}
	learners := cohort(30)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// 2 at a time, one request per 20 ms: the run is far from done when
	// its first result cancels it.
	opts := gototraining.RegisterAllOptions{Concurrency: 2, Limiter: rate.NewLimiter(50, 1)}
	results := map[int]gototraining.RegisterAllResult{}
	for res := range c.Registrants.RegisterAll(ctx, org, training, learners, opts) {
		cancel()
		results[res.Index] = res
	}
	if len(results) != len(learners) {
		t.Fatalf("%d results for %d learners", len(results), len(learners))
	}
	onFake := map[string]bool{}
	for _, r := range srv.Registrants(int64(training)) {
		onFake[r.Email] = true
	}
	notAttempted := 0
	for i, r := range results {
		switch r.Outcome {
		case gototraining.OutcomeNotAttempted:
			notAttempted++
			if !errors.Is(r.Err, context.Canceled) {
				t.Errorf("learner %d: not attempted with %v, want context.Canceled", i, r.Err)
			}
			if onFake[learners[i].Email] {
				t.Errorf("learner %d is not attempted but registered on the fake", i)
			}
		case gototraining.OutcomeRegistered, gototraining.OutcomeUnknown:
		default:
			t.Errorf("learner %d: %v (%v)", i, r.Outcome, r.Err)
		}
	}
	if notAttempted < len(learners)-4 {
		t.Errorf("%d of %d learners not attempted after a cancel at the first result", notAttempted, len(learners))
	}
	if sent := srv.Calls("registerForTraining"); sent > len(learners)-notAttempted {
		t.Errorf("the fake saw %d registrations, but only %d learners were sent", sent, len(learners)-notAttempted)
	}
}

// TestRegisterAllBreak: a loop that breaks gets no more results, nothing
// more is sent, and no goroutine of the run outlives it.
func TestRegisterAllBreak(t *testing.T) {
	verifyNoLeaks := checkGoroutines(t, 10*time.Second)
	srv := gototrainingtest.NewServer(t, fakeOptions()...)
	tr := newTransport()
	c, err := gototraining.NewClient(gototraining.WithBaseURL(srv.URL), gototraining.WithAccessToken(srv.Token()),
		gototraining.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	org := gototraining.OrganizerKey(srv.OrganizerKey())
	training, err := c.Trainings.Schedule(t.Context(), org, twoSessions())
	if err != nil {
		t.Fatal(err)
	}
	opts := gototraining.RegisterAllOptions{Concurrency: 3, Limiter: rate.NewLimiter(100, 1)}
	n := 0
	for range c.Registrants.RegisterAll(t.Context(), org, training, cohort(40), opts) {
		n++
		break
	}
	sent := srv.Calls("registerForTraining")
	if n != 1 || sent > 1+3 {
		t.Errorf("%d results seen, %d learners sent after a break at the first result, want 1 and at most 1+3", n, sent)
	}
	tr.CloseIdleConnections()
	srv.Close()
	verifyNoLeaks()
	if later := srv.Calls("registerForTraining"); later != sent {
		t.Errorf("%d registrations sent after the loop ended", later-sent)
	}
}

// TestRegisterAllRefusesBadRunInput: bad keys or options refuse every
// learner, and nothing is sent.
func TestRegisterAllRefusesBadRunInput(t *testing.T) {
	t.Parallel()
	srv, c, org := newFake(t)
	for name, tc := range map[string]struct {
		org      gototraining.OrganizerKey
		training gototraining.TrainingKey
		opts     gototraining.RegisterAllOptions
		field    string
	}{
		"training key": {org, 0, unpaced, "trainingKey"},
		"concurrency":  {org, 1, gototraining.RegisterAllOptions{Concurrency: -1}, "RegisterAllOptions.Concurrency"},
	} {
		for res := range c.Registrants.RegisterAll(t.Context(), tc.org, tc.training, cohort(3), tc.opts) {
			var ve *gototraining.ValidationError
			if res.Outcome != gototraining.OutcomeInvalid || !errors.As(res.Err, &ve) || ve.Field != tc.field {
				t.Errorf("%s: learner %d: %v, %v; want invalid %s", name, res.Index, res.Outcome, res.Err, tc.field)
			}
		}
	}
	if n := srv.Calls("registerForTraining"); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestRegisterAllPacesEveryRequest: the run's limiter is waited once per
// request: each registration and the one list.
func TestRegisterAllPacesEveryRequest(t *testing.T) {
	t.Parallel()
	srv, c, org := newFake(t)
	training, err := c.Trainings.Schedule(t.Context(), org, twoSessions())
	if err != nil {
		t.Fatal(err)
	}
	learners := cohort(5)
	if _, err := c.Registrants.Register(t.Context(), org, training, learners[4]); err != nil {
		t.Fatal(err)
	}
	l := &countingWaits{}
	collect(t, c.Registrants.RegisterAll(t.Context(), org, training, learners, gototraining.RegisterAllOptions{Concurrency: 1, Limiter: l}))
	if got, want := l.n.Load(), int64(srv.Calls("registerForTraining")-1+srv.Calls("getRegistrants")); got != want || got != 6 {
		t.Errorf("the limiter was waited %d times for %d requests, want 6", got, want)
	}
}

type countingWaits struct{ n atomic.Int64 }

func (l *countingWaits) Wait(ctx context.Context) error {
	l.n.Add(1)
	return ctx.Err()
}

// TestRegisterAllPacesAfterTheList: learners whose turn came while the
// run's registrant list was being read take a new turn after it, rather
// than all going at once when it arrives. Found against the fake at 10
// requests per second: after the first 409, the 7 other workers sent
// within 1 ms of the list's answer and drew 7 429s.
func TestRegisterAllPacesAfterTheList(t *testing.T) {
	t.Parallel()
	const every = 100 * time.Millisecond
	var (
		listed   atomic.Int64 // when the list was answered, in UnixNano
		mu       sync.Mutex
		arrivals []time.Time
	)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /organizers/{org}/trainings/{t}/registrants", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(readAll(r), "learner0@") {
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(`{"errorCode":"DuplicateRegistrant","description":"already registered"}`))
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"registrantKey":5646167387902096129,"joinUrl":"https://global.gototraining.com/join/1"}`))
	})
	mux.HandleFunc("GET /organizers/{org}/trainings/{t}/registrants", func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(3 * every) // the other workers reach their turn meanwhile
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"registrantKey":"5646167387902096128","email":"learner0@example.com","givenName":"G","surname":"S","status":"APPROVED"}]`))
		listed.Store(time.Now().UnixNano())
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := gototraining.NewClient(gototraining.WithAccessToken("pace-token"), gototraining.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	opts := gototraining.RegisterAllOptions{Limiter: rate.NewLimiter(rate.Every(every), 1), Concurrency: 8}
	for _, r := range collect(t, c.Registrants.RegisterAll(t.Context(), 8439885694023994630, 8178251407424893697, cohort(10), opts)) {
		if r.Err != nil {
			t.Errorf("learner %d: %v %v", r.Index, r.Outcome, r.Err)
		}
	}
	// The limiter lets one request go per interval: within a fifth of an
	// interval after the list, at most one registration may arrive.
	after := time.Unix(0, listed.Load())
	burst := 0
	mu.Lock()
	for _, at := range arrivals {
		if !at.Before(after) && at.Sub(after) < every/5 {
			burst++
		}
	}
	mu.Unlock()
	if burst > 1 {
		t.Errorf("%d registrations arrived within %v of the list's answer, want at most 1", burst, every/5)
	}
}

func readAll(r *http.Request) string {
	b, _ := io.ReadAll(r.Body)
	return string(b)
}
