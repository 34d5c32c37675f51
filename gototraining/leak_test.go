package gototraining_test

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A goroutine checker in the spirit of go.uber.org/goleak, written out here
// so the module needs no new dependency. It compares goroutines by id: any
// goroutine alive at the end that was not alive at the start, and does not
// end within a bounded wait, is a leak.

// goroutine is one entry of a full stack dump.
type goroutine struct {
	id    int
	state string // "running", "IO wait", "select", ...
	stack string // the whole entry, header line included
}

// goroutines parses runtime.Stack(all) into its goroutines, the calling one
// left out.
func goroutines() []goroutine {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []goroutine
	for i, entry := range bytes.Split(buf, []byte("\n\n")) {
		if i == 0 {
			continue // the caller: runtime.Stack lists it first
		}
		if g, ok := parseGoroutine(string(entry)); ok {
			out = append(out, g)
		}
	}
	return out
}

// parseGoroutine reads the header "goroutine 42 [chan receive, 3 minutes]:".
func parseGoroutine(entry string) (goroutine, bool) {
	header, _, _ := strings.Cut(entry, "\n")
	rest, ok := strings.CutPrefix(header, "goroutine ")
	if !ok {
		return goroutine{}, false
	}
	idText, rest, ok := strings.Cut(rest, " [")
	if !ok {
		return goroutine{}, false
	}
	id, err := strconv.Atoi(idText)
	if err != nil {
		return goroutine{}, false
	}
	state, _, _ := strings.Cut(rest, "]")
	state, _, _ = strings.Cut(state, ",")
	return goroutine{id: id, state: state, stack: entry}, true
}

// benignGoroutine reports goroutines that belong to the runtime or the test
// framework and may start at any time without being ours.
func benignGoroutine(g goroutine) bool {
	for _, s := range []string{
		"testing.(*T).Run(",      // a test waiting for its subtests
		"testing.(*T).Parallel(", // a parallel test paused until the sequential ones finish
		"testing.tRunner.func1(", // the framework waiting for parallel subtests
		"testing.runTests(",
		"testing.(*M).",
		"os/signal.signal_recv",
		"runtime.ensureSigM",
	} {
		if strings.Contains(g.stack, s) {
			return true
		}
	}
	return false
}

// checkGoroutines records the goroutines alive now and returns a function
// that fails t if new ones are still alive after a wait of at most limit.
// Call it before the code under test starts anything, and run the returned
// function after everything it started should have ended (servers closed,
// idle connections closed): it polls, because a closed connection's reader
// goroutine takes a moment to see the close.
func checkGoroutines(t testing.TB, limit time.Duration) func() {
	t.Helper()
	before := map[int]bool{}
	for _, g := range goroutines() {
		before[g.id] = true
	}
	return func() {
		t.Helper()
		leaked := newGoroutines(before)
		deadline := time.Now().Add(limit)
		for wait := time.Millisecond; len(leaked) > 0 && time.Now().Before(deadline); wait = min(2*wait, 100*time.Millisecond) {
			time.Sleep(wait)
			leaked = newGoroutines(before)
		}
		if len(leaked) == 0 {
			return
		}
		var b strings.Builder
		for _, g := range leaked {
			b.WriteString("\n\n")
			b.WriteString(g.stack)
		}
		t.Errorf("%d goroutine(s) left behind after %v:%s", len(leaked), limit, b.String())
	}
}

func newGoroutines(before map[int]bool) []goroutine {
	var out []goroutine
	for _, g := range goroutines() {
		if !before[g.id] && !benignGoroutine(g) {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b goroutine) int { return a.id - b.id })
	return out
}

// TestGoroutineCheckerSeesALeak proves the checker is not blind: a goroutine
// blocked on purpose is reported, and once it has ended it is not.
func TestGoroutineCheckerSeesALeak(t *testing.T) {
	whileBlocked, afterEnd := &fakeTB{TB: t}, &fakeTB{TB: t}
	verifyBlocked := checkGoroutines(whileBlocked, 50*time.Millisecond)
	verifyEnded := checkGoroutines(afterEnd, time.Second)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		<-stop
	}()
	verifyBlocked()
	if !whileBlocked.failed {
		t.Error("a goroutine blocked on a channel was not reported")
	} else if !strings.Contains(whileBlocked.msg, "TestGoroutineCheckerSeesALeak") {
		t.Errorf("the report does not show the leaked goroutine's stack:\n%s", whileBlocked.msg)
	}
	close(stop)
	<-done
	verifyEnded()
	if afterEnd.failed {
		t.Errorf("a goroutine that ended was reported:\n%s", afterEnd.msg)
	}
}

// fakeTB records a failure instead of failing the real test.
type fakeTB struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.failed = true
	f.msg = fmt.Sprintf(format, args...)
}
