//go:build soak

package gototraining_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gototraining-go/gototraining/gototraining"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// The soak: workers call the fake over loopback for a while with 5% of the
// calls hit by a random fault, then every Schedule and Register is checked
// against the fake's state. Run it with
//
//	go test -tags soak -run TestSoak -count=1 -v ./gototraining/
//
// and set SOAK_DURATION (a Go duration, default 30s) to run longer or shorter.

const (
	soakWorkers   = 8
	soakFaultRate = 0.05
	soakDeadline  = time.Second // each call's deadline
)

func soakDuration(t *testing.T) time.Duration {
	t.Helper()
	v := os.Getenv("SOAK_DURATION")
	if v == "" {
		return 30 * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("SOAK_DURATION=%q: want a positive Go duration such as 30s or 5m", v)
	}
	return d
}

// randomFault is one of the faults the fake can inject.
func randomFault(rng *rand.Rand) (string, gototrainingtest.Fault) {
	switch rng.IntN(9) {
	case 0:
		return "503", gototrainingtest.Fault{Status: http.StatusServiceUnavailable}
	case 1:
		return "502", gototrainingtest.Fault{Status: http.StatusBadGateway}
	case 2:
		return "504", gototrainingtest.Fault{Status: http.StatusGatewayTimeout}
	case 3:
		return "500", gototrainingtest.Fault{Status: http.StatusInternalServerError}
	case 4:
		return "429", gototrainingtest.Fault{Status: http.StatusTooManyRequests}
	case 5:
		return "cut mid-body", gototrainingtest.Fault{CutMidBody: true}
	case 6:
		return "malformed JSON", gototrainingtest.Fault{MalformedJSON: true}
	case 7:
		return "latency past the deadline", gototrainingtest.Fault{Latency: soakDeadline + time.Duration(rng.IntN(500))*time.Millisecond}
	default:
		return "latency", gototrainingtest.Fault{Latency: time.Duration(rng.IntN(200)) * time.Millisecond}
	}
}

// creation is what a Schedule or Register call returned.
type creation struct {
	label string // outcome(err)
	key   int64  // on success
	err   error
}

type soakTraining struct {
	key     gototraining.TrainingKey
	name    string
	learner int // emails registered so far
}

// soakLedger is every creating call's outcome, by name or email.
type soakLedger struct {
	mu         sync.Mutex
	trainings  map[string]creation // by training name
	registered map[string]creation // by training key + email
	cancelled  map[string]string   // registrant (training key + email) -> Cancel's outcome
	ops        map[string]int
	outcomes   map[string]int // "op: label"
	faults     map[string]int
	scheduleN  int
	registerN  int
	reconciled int // Register calls that succeeded after looking the registrant up
}

func (l *soakLedger) count(op, label string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ops[op]++
	l.outcomes[op+": "+label]++
}

func regID(training gototraining.TrainingKey, email string) string {
	return fmt.Sprintf("%d/%s", training, email)
}

func TestSoak(t *testing.T) {
	duration := soakDuration(t)
	verifyNoLeaks := checkGoroutines(t, 10*time.Second)
	srv := gototrainingtest.NewServer(t,
		gototrainingtest.WithToken(secretToken),
		gototrainingtest.WithRequestViolationHandler(func(err error) { t.Errorf("invalid request: %v", err) }))
	tokenSeen := &tokenWatch{}
	tr := newTransport()
	tr.MaxIdleConnsPerHost = 2 * soakWorkers
	newClient := func(extra ...gototraining.Option) *gototraining.Client {
		c, err := gototraining.NewClient(append([]gototraining.Option{
			gototraining.WithBaseURL(srv.URL),
			gototraining.WithAccessToken(secretToken),
			gototraining.WithHTTPClient(&http.Client{Transport: tr}),
			gototraining.WithRetry(matrixRetry),
			gototraining.WithLogger(tokenSeen.logger()),
		}, extra...)...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	plain, reconciling := newClient(), newClient(gototraining.WithRegistrationReconciliation())
	org := gototraining.OrganizerKey(srv.OrganizerKey())
	ledger := &soakLedger{
		trainings: map[string]creation{}, registered: map[string]creation{}, cancelled: map[string]string{},
		ops: map[string]int{}, outcomes: map[string]int{}, faults: map[string]int{},
	}
	var untyped atomic.Int64
	var calls atomic.Int64

	start := time.Now()
	stop := start.Add(duration)
	var wg sync.WaitGroup
	for w := range soakWorkers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			var mine []*soakTraining // trainings this worker scheduled and knows the key of
			seq := 0
			for time.Now().Before(stop) {
				seq++
				op := pickSoakOp(rng, len(mine))
				if rng.Float64() < soakFaultRate {
					name, fault := randomFault(rng)
					srv.FailNext(op, 1, fault)
					ledger.mu.Lock()
					ledger.faults[name]++
					ledger.mu.Unlock()
				}
				ctx, cancel := context.WithTimeout(t.Context(), soakDeadline)
				label := soakCall(ctx, rng, op, w, seq, org, plain, reconciling, &mine, ledger)
				cancel()
				calls.Add(1)
				if strings.HasPrefix(label, "UNTYPED") {
					untyped.Add(1)
					t.Errorf("%s: %s", op, label)
				}
				ledger.count(op, label)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	srv.Reset() // faults left in the queues would hit the checks below

	// The checks: every success exists exactly once, every definite failure
	// does not exist, every unknown outcome exists at most once.
	problems := 0
	problem := func(format string, args ...any) {
		problems++
		if problems <= 20 {
			t.Errorf(format, args...)
		}
	}
	inFake := map[string][]int64{}
	for _, tr := range srv.Trainings() {
		inFake[tr.Name] = append(inFake[tr.Name], tr.Key)
	}
	var sched struct{ ok, failed, unknownMade, unknownNot int }
	for name, c := range ledger.trainings {
		keys := inFake[name]
		switch {
		case len(keys) > 1:
			problem("DUPLICATE training %q: %d in the fake", name, len(keys))
		case c.err == nil:
			sched.ok++
			if len(keys) != 1 || keys[0] != c.key {
				problem("Schedule %q succeeded with key %d, the fake holds %v", name, c.key, keys)
			}
		case errors.Is(c.err, gototraining.ErrOutcomeUnknown):
			if len(keys) == 1 {
				sched.unknownMade++
			} else {
				sched.unknownNot++
			}
		default:
			sched.failed++
			if len(keys) != 0 {
				problem("Schedule %q failed (%v), but the fake holds %v", name, c.err, keys)
			}
		}
	}
	for name := range inFake {
		if _, ok := ledger.trainings[name]; !ok && strings.HasPrefix(name, "Soak ") {
			problem("the fake holds training %q that no Schedule call made", name)
		}
	}
	regsInFake := map[string][]int64{}
	for _, tr := range srv.Trainings() {
		for _, r := range tr.Registrants {
			id := regID(gototraining.TrainingKey(tr.Key), r.Email)
			regsInFake[id] = append(regsInFake[id], r.Key)
		}
	}
	var reg struct{ ok, failed, unknownMade, unknownNot, cancelled int }
	for id, c := range ledger.registered {
		keys := regsInFake[id]
		cancelOutcome, cancelled := ledger.cancelled[id]
		if cancelled {
			reg.cancelled++
		}
		switch {
		case len(keys) > 1:
			problem("DUPLICATE registrant %s: %d in the fake", id, len(keys))
		case c.err == nil:
			reg.ok++
			switch {
			case cancelled && cancelOutcome == "ok" && len(keys) != 0:
				problem("registrant %s was cancelled, but the fake still holds it", id)
			case !cancelled && (len(keys) != 1 || keys[0] != c.key):
				problem("Register %s succeeded with key %d, the fake holds %v", id, c.key, keys)
			}
		case errors.Is(c.err, gototraining.ErrOutcomeUnknown):
			if len(keys) == 1 {
				reg.unknownMade++
			} else {
				reg.unknownNot++
			}
		default:
			reg.failed++
			if len(keys) != 0 {
				problem("Register %s failed (%v), but the fake holds %v", id, c.err, keys)
			}
		}
	}
	for id := range regsInFake {
		if _, ok := ledger.registered[id]; !ok {
			problem("the fake holds registrant %s that no Register call made", id)
		}
	}
	// Sent exactly once: the fake never saw more creating requests than the
	// client made calls.
	if n := srv.Calls("scheduleTraining"); n > ledger.scheduleN {
		problem("the fake saw %d scheduleTraining requests for %d Schedule calls", n, ledger.scheduleN)
	}
	if n := srv.Calls("registerForTraining"); n > ledger.registerN {
		problem("the fake saw %d registerForTraining requests for %d Register calls", n, ledger.registerN)
	}
	tr.CloseIdleConnections()
	srv.Close()
	verifyNoLeaks()
	if n := tokenSeen.leaks.Load(); n != 0 {
		t.Errorf("%d log lines carried the token", n)
	}

	// The figures.
	var b strings.Builder
	total := calls.Load()
	faults := 0
	for _, n := range ledger.faults {
		faults += n
	}
	fmt.Fprintf(&b, "soak: %v, %d workers, %d calls (%.0f/s), %d faults injected (%.1f%%), %d log lines, %d problems\n",
		elapsed.Round(time.Millisecond), soakWorkers, total, float64(total)/elapsed.Seconds(), faults, 100*float64(faults)/float64(total), tokenSeen.lines.Load(), problems)
	fmt.Fprintf(&b, "Schedule: %d calls: %d ok (each exists once), %d failed (none exists), %d unknown outcome (%d exist once, %d do not)\n",
		len(ledger.trainings), sched.ok, sched.failed, sched.unknownMade+sched.unknownNot, sched.unknownMade, sched.unknownNot)
	fmt.Fprintf(&b, "Register (half with reconciliation): %d calls: %d ok (each exists once, or is gone after a later Cancel), %d of them recovered by reconciliation; %d failed (none exists), %d unknown outcome (%d exist once, %d do not); %d later cancelled\n",
		len(ledger.registered), reg.ok, ledger.reconciled, reg.failed, reg.unknownMade+reg.unknownNot, reg.unknownMade, reg.unknownNot, reg.cancelled)
	fmt.Fprintf(&b, "fake: %d scheduleTraining and %d registerForTraining requests for %d and %d calls\n",
		srv.Calls("scheduleTraining"), srv.Calls("registerForTraining"), ledger.scheduleN, ledger.registerN)
	b.WriteString("faults:")
	for _, k := range sortedKeys(ledger.faults) {
		fmt.Fprintf(&b, " %s %d,", k, ledger.faults[k])
	}
	b.WriteString("\noutcomes:\n")
	for _, k := range sortedKeys(ledger.outcomes) {
		fmt.Fprintf(&b, "  %-60s %7d\n", k, ledger.outcomes[k])
	}
	t.Log("\n" + b.String())
	fmt.Print(b.String())
	if untyped.Load() > 0 {
		t.Errorf("%d untyped errors", untyped.Load())
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// pickSoakOp chooses the next operation: creations and reads mostly, some
// renames and cancellations.
func pickSoakOp(rng *rand.Rand, trainings int) string {
	if trainings == 0 {
		return "scheduleTraining"
	}
	switch p := rng.IntN(100); {
	case p < 8:
		return "scheduleTraining"
	case p < 38:
		return "registerForTraining"
	case p < 53:
		return "getTraining"
	case p < 68:
		return "getRegistrant"
	case p < 80:
		return "getRegistrants"
	case p < 90:
		return "updateTrainingNameDescription"
	default:
		return "cancelRegistration"
	}
}

// soakCall makes one call of op and records it; it returns its outcome label.
func soakCall(ctx context.Context, rng *rand.Rand, op string, w, seq int, org gototraining.OrganizerKey,
	plain, reconciling *gototraining.Client, mine *[]*soakTraining, l *soakLedger) string {
	c := plain
	if rng.IntN(2) == 0 {
		c = reconciling
	}
	pick := func() *soakTraining {
		// Recent trainings mostly, so registrant lists stay short.
		ts := *mine
		return ts[max(len(ts)-1-rng.IntN(min(len(ts), 8)), 0)]
	}
	switch op {
	case "scheduleTraining":
		req := twoSessions()
		req.Name = fmt.Sprintf("Soak %d-%d", w, seq)
		key, err := c.Trainings.Schedule(ctx, org, req)
		l.mu.Lock()
		l.scheduleN++
		l.trainings[req.Name] = creation{label: outcome(err), key: int64(key), err: err}
		l.mu.Unlock()
		if err == nil {
			*mine = append(*mine, &soakTraining{key: key, name: req.Name})
		}
		return outcome(err)
	case "registerForTraining":
		tr := pick()
		tr.learner++
		email := fmt.Sprintf("w%d-%d@example.com", w, tr.learner)
		var lookedUp atomic.Bool
		ctx = context.WithValue(ctx, reconcileMarker{}, &lookedUp)
		r, err := c.Registrants.Register(ctx, org, tr.key, gototraining.RegisterForTrainingRequest{Email: email, GivenName: "Soak", Surname: "Learner"})
		l.mu.Lock()
		l.registerN++
		if err == nil && lookedUp.Load() {
			l.reconciled++
		}
		l.registered[regID(tr.key, email)] = creation{label: outcome(err), key: int64(r.Key), err: err}
		l.mu.Unlock()
		return outcome(err)
	case "getTraining":
		tr := pick()
		got, err := c.Trainings.Get(ctx, org, tr.key)
		if err == nil && got.Key != tr.key {
			return "WRONG training"
		}
		return outcome(err)
	case "getRegistrant":
		tr := pick()
		if tr.learner == 0 {
			_, err := c.Trainings.Get(ctx, org, tr.key)
			return outcome(err)
		}
		email := fmt.Sprintf("w%d-%d@example.com", w, 1+rng.IntN(tr.learner))
		l.mu.Lock()
		cr, ok := l.registered[regID(tr.key, email)]
		_, cancelled := l.cancelled[regID(tr.key, email)]
		l.mu.Unlock()
		if !ok || cr.err != nil || cancelled {
			_, err := c.Registrants.List(ctx, org, tr.key)
			return outcome(err)
		}
		got, err := c.Registrants.Get(ctx, org, tr.key, gototraining.RegistrantKey(cr.key))
		if err == nil && got.Email != email {
			return "WRONG registrant"
		}
		return outcome(err)
	case "getRegistrants":
		tr := pick()
		if rng.IntN(2) == 0 {
			_, err := c.Registrants.List(ctx, org, tr.key)
			return outcome(err)
		}
		var last error
		for _, err := range c.Registrants.All(ctx, org, tr.key) {
			last = err
		}
		return outcome(last)
	case "updateTrainingNameDescription":
		tr := pick()
		// The name stays: it is how the checks find the training.
		err := c.Trainings.UpdateNameDescription(ctx, org, tr.key, gototraining.UpdateTrainingNameDescriptionRequest{Name: tr.name, Description: fmt.Sprintf("rev %d", seq)})
		return outcome(err)
	case "cancelRegistration":
		tr := pick()
		if tr.learner == 0 {
			_, err := c.Trainings.Get(ctx, org, tr.key)
			return outcome(err)
		}
		email := fmt.Sprintf("w%d-%d@example.com", w, 1+rng.IntN(tr.learner))
		id := regID(tr.key, email)
		l.mu.Lock()
		cr, ok := l.registered[id]
		_, done := l.cancelled[id]
		l.mu.Unlock()
		if !ok || cr.err != nil || done {
			_, err := c.Trainings.Get(ctx, org, tr.key)
			return outcome(err)
		}
		err := c.Registrants.Cancel(ctx, org, tr.key, gototraining.RegistrantKey(cr.key))
		label := outcome(err)
		if errors.Is(err, gototraining.ErrNotFound) {
			label = "ok" // a retried DELETE whose first attempt did it
		}
		l.mu.Lock()
		l.cancelled[id] = label
		l.mu.Unlock()
		return outcome(err)
	}
	return "UNTYPED unknown op " + op
}

// tokenWatch is a Debug-level log sink that checks each line for the token
// as it comes and keeps only counts.
type tokenWatch struct {
	lines atomic.Int64
	leaks atomic.Int64
}

func (w *tokenWatch) Write(p []byte) (int, error) {
	w.lines.Add(1)
	if _, leaked := leaks(string(p), secretToken); leaked {
		w.leaks.Add(1)
	}
	return len(p), nil
}

func (w *tokenWatch) logger() *slog.Logger {
	return slog.New(markingHandler{slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})})
}

// reconcileMarker is a context key: a Register call puts an *atomic.Bool
// under it, which markingHandler sets when the call lists registrants,
// which only reconciliation does.
type reconcileMarker struct{}

type markingHandler struct{ slog.Handler }

func (h markingHandler) Handle(ctx context.Context, r slog.Record) error {
	if m, ok := ctx.Value(reconcileMarker{}).(*atomic.Bool); ok {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "operation" && a.Value.String() == "getRegistrants" {
				m.Store(true)
				return false
			}
			return true
		})
	}
	return h.Handler.Handle(ctx, r)
}

func (h markingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return markingHandler{h.Handler.WithAttrs(as)}
}

func (h markingHandler) WithGroup(name string) slog.Handler {
	return markingHandler{h.Handler.WithGroup(name)}
}
