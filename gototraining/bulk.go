package gototraining

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultBulkConcurrency is how many registrations RegisterAll has in
// flight at once unless RegisterAllOptions says otherwise. The rate limit,
// not the concurrency, bounds a run's speed: at GoTo's 10 requests per
// second, a call of latency L needs 10*L calls in flight to keep the pace,
// 1.5 at 150 ms. Registrations are GoTo's slow calls (each sends an email);
// 8 keeps the pace up to 800 ms a call, and each call in flight holds a
// connection, so more would only open connections that wait on the limiter.
const DefaultBulkConcurrency = 8

// DefaultBulkInterval is the pace of RegisterAll when neither the client
// (WithRateLimit, WithRateLimiter) nor RegisterAllOptions.Limiter sets one:
// on average one request every 104 ms, 9.6 per second, under GoTo's
// documented 10 per second per API. Not exactly 10: GoTo, like the fake of
// gototrainingtest, counts requests as they arrive, in one-second windows,
// and requests sent 100 ms apart arrive with some milliseconds of jitter
// (a busy machine, the network), which puts an 11th into a window now and
// then and draws a 429. Measured against the fake on a busy 2-core
// machine, exactly 10 per second drew 52 429s in 1,000 requests, and
// 102 ms spacing still 1 to 5. So the pacer keeps every 10 consecutive
// requests at least 10 intervals (1.04 s) apart as they are actually sent,
// which absorbs 40 ms of jitter per window, for 4% of the rate; see pacer.
const DefaultBulkInterval = 104 * time.Millisecond

// pacerSpan is the number of requests GoTo allows in its one-second window.
const pacerSpan = 10

// pacer lets requests go so that any pacerSpan consecutive ones span at
// least pacerSpan intervals, and any two consecutive ones at least half an
// interval, counted from when they actually went. rate.Limiter keeps to a
// schedule instead: a waiter that wakes late on a busy machine is followed
// by one that wakes on time, so ten requests can span less than ten
// intervals. Spacing each request from the previous one's actual time would
// fix that but lose the late wakes' time for good; the span rule lets the
// next requests catch up, at up to twice the pace, without ever putting
// more than pacerSpan into a window of pacerSpan intervals.
type pacer struct {
	every time.Duration
	turn  chan struct{}        // one token: its holder goes next, and alone reads and sets went and next
	went  [pacerSpan]time.Time // when the last pacerSpan requests went, a ring
	next  int                  // the slot of the oldest, overwritten by the next go
}

func newPacer(every time.Duration) *pacer {
	p := &pacer{every: every, turn: make(chan struct{}, 1)}
	p.turn <- struct{}{}
	return p
}

// Wait returns when the caller may send, or with ctx's error.
func (p *pacer) Wait(ctx context.Context) error {
	select {
	case <-p.turn:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { p.turn <- struct{}{} }()
	oldest, last := p.went[p.next], p.went[(p.next+pacerSpan-1)%pacerSpan]
	at := oldest.Add(pacerSpan * p.every)
	if soonest := last.Add(p.every / 2); soonest.After(at) {
		at = soonest
	}
	if err := sleepContext(ctx, time.Until(at)); err != nil {
		return err
	}
	p.went[p.next] = time.Now()
	p.next = (p.next + 1) % pacerSpan
	return nil
}

// RegisterAllOptions tunes Registrants.RegisterAll. The zero value is the
// defaults.
type RegisterAllOptions struct {
	// Concurrency is how many registrations may be in flight at once;
	// 0 means DefaultBulkConcurrency.
	Concurrency int
	// Limiter paces the run's requests (the one registrant list included),
	// in addition to the client's own limiter. When nil, a client with a
	// limiter of its own is paced by that alone, and a client without one
	// paces its RegisterAll runs at DefaultBulkInterval, one pacer shared by
	// all the runs of the client. Calls made outside RegisterAll are not
	// paced by it: a program that makes other calls alongside a run, or
	// runs in several processes on one GoTo account, should give the
	// client a limiter (WithRateLimit, WithRateLimiter) instead.
	Limiter Limiter
}

// RegistrationOutcome is what became of one learner of a RegisterAll run.
type RegistrationOutcome int

const (
	// OutcomeRegistered means GoTo registered the learner; Registration holds
	// the new key and URLs.
	OutcomeRegistered RegistrationOutcome = iota + 1
	// OutcomeAlreadyRegistered means the email was registered for the training
	// before (GoTo answered 409, or the run's registrant list holds it, in
	// which case nothing was sent). Registration holds the key and URLs
	// from that list; if the list could not be read or does not hold the
	// email yet (GoTo's registrant cache can lag), Registration is zero and
	// Err, which matches ErrConflict, says why.
	OutcomeAlreadyRegistered
	// OutcomeDuplicate means an earlier learner of the same run has the same
	// email (compared without case); nothing was sent for this one.
	// DuplicateOf is that learner's index.
	OutcomeDuplicate
	// OutcomeInvalid means the learner (or the keys or options of the run) was
	// refused before anything was sent; Err is a *ValidationError.
	OutcomeInvalid
	// OutcomeFailed means GoTo refused the registration or it could not be
	// sent; Err says why (an *APIError, a network error).
	OutcomeFailed
	// OutcomeUnknown means the request may have reached GoTo but no answer came
	// back; Err matches ErrOutcomeUnknown. A client with
	// WithRegistrationReconciliation has already looked and not found the
	// learner. Running the cohort again is safe: a learner who was
	// registered comes back as OutcomeAlreadyRegistered.
	OutcomeUnknown
	// OutcomeNotAttempted means the run's context ended before the learner's
	// request was sent; Err is the context's error.
	OutcomeNotAttempted
)

var outcomeNames = [...]string{
	OutcomeRegistered:        "registered",
	OutcomeAlreadyRegistered: "already registered",
	OutcomeDuplicate:         "duplicate",
	OutcomeInvalid:           "invalid",
	OutcomeFailed:            "failed",
	OutcomeUnknown:           "outcome unknown",
	OutcomeNotAttempted:      "not attempted",
}

func (o RegistrationOutcome) String() string {
	if o > 0 && int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return fmt.Sprintf("RegistrationOutcome(%d)", int(o))
}

// RegisterAllResult is what became of one learner of a RegisterAll run.
type RegisterAllResult struct {
	Index        int                        // the learner's position in the slice given to RegisterAll
	Learner      RegisterForTrainingRequest // the learner as given
	Outcome      RegistrationOutcome
	Registration Registration // OutcomeRegistered, and OutcomeAlreadyRegistered when the key was found
	DuplicateOf  int          // OutcomeDuplicate: the index of the learner with the same email; else 0
	Err          error        // nil for OutcomeRegistered, and for OutcomeAlreadyRegistered with the key found
}

// RegisterAll registers a cohort for a training and yields one result per
// learner, in the order they complete (Index says whose it is), so that
// ranging over it shows the run's progress. Nothing is sent until it is
// ranged over.
//
// Every learner is validated first, as Register does; invalid ones and
// repeated emails are yielded before the first request, and the others go
// on. Each remaining learner is then sent through Register (so its
// validation, errors, logging and reconciliation apply), at most
// Concurrency at a time and paced as RegisterAllOptions.Limiter says.
//
// A learner's request is sent once. It is sent again only when GoTo
// answered 429 or 503, answers that say GoTo did nothing; then after
// Retry-After or the client's backoff, within the client's
// RetryPolicy.MaxAttempts. A 409 (already registered) is resolved from one
// read of the training's registrant list for the whole run; once that list
// is read, learners it holds are reported already registered without a
// request, so running a cohort again costs one list and the few
// registrations (at most Concurrency) sent before it was read.
//
// When ctx ends, or the loop breaks, no new request is sent and the calls
// in flight are cancelled (their learners may then be OutcomeUnknown); on
// ctx's end every learner not yet sent is yielded as OutcomeNotAttempted.
// The iterator returns only once every goroutine it started has ended.
func (s *RegistrantsService) RegisterAll(ctx context.Context, org OrganizerKey, training TrainingKey, learners []RegisterForTrainingRequest, opts RegisterAllOptions) iter.Seq[RegisterAllResult] {
	learners = slices.Clone(learners) // the caller may change its slice while the run goes on
	return func(yield func(RegisterAllResult) bool) {
		run := &bulkRun{s: s, org: org, training: training, learners: learners, pace: opts.Limiter}
		if run.pace == nil && s.c.cfg.limiter == nil {
			run.pace = s.c.bulkLimiter
		}
		queue, ok := run.screen(opts, yield)
		if !ok || len(queue) == 0 {
			return
		}
		run.send(ctx, queue, cmp.Or(opts.Concurrency, DefaultBulkConcurrency), yield)
	}
}

// bulkRun is one RegisterAll run.
type bulkRun struct {
	s        *RegistrantsService
	org      OrganizerKey
	training TrainingKey
	learners []RegisterForTrainingRequest
	pace     Limiter // nil: the client's limiter paces, in the transport
	known    registeredEmails
}

// screen yields the learners refused before any request: invalid ones, and
// the second and later of each email. It returns the indexes of the rest,
// and false if the consumer stopped.
func (r *bulkRun) screen(opts RegisterAllOptions, yield func(RegisterAllResult) bool) ([]int, bool) {
	var runErr error
	if opts.Concurrency < 0 {
		runErr = invalid(opRegisterForTraining, "RegisterAllOptions.Concurrency", fmt.Sprintf("must not be negative, got %d", opts.Concurrency))
	}
	queue := make([]int, 0, len(r.learners))
	first := make(map[string]int, len(r.learners))
	for i, l := range r.learners {
		res := RegisterAllResult{Index: i, Learner: l}
		err := runErr
		if err == nil {
			err = checkRegister(r.org, r.training, l)
		}
		if err != nil {
			res.Outcome, res.Err = OutcomeInvalid, err
			if !yield(res) {
				return nil, false
			}
			continue
		}
		email := strings.ToLower(l.Email)
		if j, seen := first[email]; seen {
			res.Outcome, res.DuplicateOf = OutcomeDuplicate, j
			if !yield(res) {
				return nil, false
			}
			continue
		}
		first[email] = i
		queue = append(queue, i)
	}
	return queue, true
}

// send registers the learners of queue with workers goroutines and yields
// their results as they come.
func (r *bulkRun) send(ctx context.Context, queue []int, workers int, yield func(RegisterAllResult) bool) {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan RegisterAllResult)
	stopped := make(chan struct{}) // the consumer broke its loop
	var next atomic.Int64          // queue[next] is the next learner to take
	var wg sync.WaitGroup
	for range min(workers, len(queue)) {
		wg.Go(func() {
			for runCtx.Err() == nil {
				j := int(next.Add(1)) - 1
				if j >= len(queue) {
					return
				}
				res := r.register(runCtx, queue[j])
				select {
				case results <- res:
				case <-stopped:
					return
				}
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	done := false
	defer func() {
		if !done { // the consumer broke its loop (or panicked in it)
			close(stopped)
			cancel()
			for range results { // wait for the workers: no goroutine outlives the loop
			}
		}
	}()
	for res := range results {
		if !yield(res) {
			return
		}
	}
	done = true
	// The context ended: the learners no worker took were never sent.
	for _, i := range queue[min(int(next.Load()), len(queue)):] {
		if !yield(RegisterAllResult{Index: i, Learner: r.learners[i], Outcome: OutcomeNotAttempted, Err: ctx.Err()}) {
			return
		}
	}
}

// register sends one learner, again only after a 429 or 503, and says what
// became of it.
func (r *bulkRun) register(ctx context.Context, i int) RegisterAllResult {
	l := r.learners[i]
	res := RegisterAllResult{Index: i, Learner: l}
	email := strings.ToLower(l.Email)
	policy := r.s.c.cfg.retry
	for attempt := 1; ; attempt++ {
		if reg, ok, _ := r.known.lookup(ctx, email); ok {
			res.Outcome, res.Registration = OutcomeAlreadyRegistered, reg
			return res
		}
		for {
			if err := r.wait(ctx); err != nil {
				res.Outcome, res.Err = OutcomeNotAttempted, err
				return res
			}
			// Again: the other workers' 409s may have started the list
			// while this one waited for its turn. If it had to wait for
			// the list too, its turn went by meanwhile: it takes a new
			// one, or every such learner would go at once when the list
			// arrives, past the rate limit.
			reg, ok, waited := r.known.lookup(ctx, email)
			if ok {
				res.Outcome, res.Registration = OutcomeAlreadyRegistered, reg
				return res
			}
			if !waited {
				break
			}
		}
		reg, err := r.s.Register(ctx, r.org, r.training, l)
		var apiErr *APIError
		switch {
		case err == nil:
			res.Outcome, res.Registration = OutcomeRegistered, reg
			return res
		case errors.Is(err, ErrConflict):
			res.Outcome = OutcomeAlreadyRegistered
			reg, lookErr := r.known.resolve(ctx, email, r.readList)
			if lookErr != nil {
				res.Err = fmt.Errorf("%w; the registrant's key is unknown: %w", err, lookErr)
			}
			res.Registration = reg
			return res
		case errors.Is(err, ErrOutcomeUnknown):
			res.Outcome, res.Err = OutcomeUnknown, err
			return res
		case ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
			res.Outcome, res.Err = OutcomeNotAttempted, err // not written: else it would be ErrOutcomeUnknown
			return res
		case errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusTooManyRequests || apiErr.StatusCode == http.StatusServiceUnavailable) &&
			attempt < policy.MaxAttempts && apiErr.RetryAfter <= policy.MaxRetryAfter:
			wait := apiErr.RetryAfter
			if wait <= 0 {
				wait = policy.backoff(attempt)
			}
			if err := r.s.c.cfg.sleep(ctx, wait); err != nil {
				res.Outcome, res.Err = OutcomeNotAttempted, err
				return res
			}
		default:
			res.Outcome, res.Err = OutcomeFailed, err
			return res
		}
	}
}

// wait paces one request of the run.
func (r *bulkRun) wait(ctx context.Context) error {
	if r.pace == nil {
		return nil
	}
	if err := r.pace.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("gototraining: registerForTraining: waiting for the rate limiter: %w", err)
	}
	return nil
}

// readList reads the training's registrants by email, for the run's 409s.
func (r *bulkRun) readList(ctx context.Context) (map[string]Registration, error) {
	if err := r.wait(ctx); err != nil {
		return nil, err
	}
	byEmail := map[string]Registration{}
	for reg, err := range r.s.All(ctx, r.org, r.training) {
		if err != nil {
			return nil, err
		}
		byEmail[strings.ToLower(reg.Email)] = Registration{Key: reg.Key, JoinURL: reg.JoinURL, ConfirmationURL: reg.ConfirmationURL}
	}
	return byEmail, nil
}

// errNotListed: a 409's email that the run's registrant list does not hold.
var errNotListed = errors.New("the email is not in the training's registrant list (GoTo's registrant cache can lag by up to two hours)")

// registeredEmails is the registrant list of a run, read at most once, at
// the first 409, and shared by every learner after it.
type registeredEmails struct {
	mu      sync.Mutex
	started bool
	ready   chan struct{} // closed once byEmail and err are set
	byEmail map[string]Registration
	err     error
}

// lookup reports the learner's registration if the list has been read or
// is being read (it then waits for it, and reports that it waited); it
// never starts the read.
func (k *registeredEmails) lookup(ctx context.Context, email string) (reg Registration, ok, waited bool) {
	k.mu.Lock()
	started, ready := k.started, k.ready
	k.mu.Unlock()
	if !started {
		return Registration{}, false, false
	}
	select {
	case <-ready:
	default:
		waited = true
		select {
		case <-ready:
		case <-ctx.Done():
			return Registration{}, false, true
		}
	}
	reg, ok = k.byEmail[email]
	return reg, ok && k.err == nil, waited
}

// resolve returns the registration of an email GoTo said is registered,
// reading the list if no learner of the run has yet.
func (k *registeredEmails) resolve(ctx context.Context, email string, read func(context.Context) (map[string]Registration, error)) (Registration, error) {
	k.mu.Lock()
	first := !k.started
	if first {
		k.started, k.ready = true, make(chan struct{})
	}
	ready := k.ready
	k.mu.Unlock()
	if first {
		k.byEmail, k.err = read(ctx)
		close(ready)
	} else {
		select {
		case <-ready:
		case <-ctx.Done():
			return Registration{}, ctx.Err()
		}
	}
	if k.err != nil {
		return Registration{}, k.err
	}
	if reg, ok := k.byEmail[email]; ok {
		return reg, nil
	}
	return Registration{}, errNotListed
}
