package gototraining_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/gototraining"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// The fault matrix: every fault below, against every class of operation,
// through the real client and a real socket to the fake. Each cell checks
// that the call ends within the caller's deadline with the outcome the row
// promises (recovered, or a typed error; ErrOutcomeUnknown for a creating
// call that may have acted), that the fake holds no duplicate training or
// registrant, and, for the whole matrix, that no goroutine is left behind
// and no error string, log line or panic carries the token.

// matrixRetry keeps backoffs short so the matrix is fast.
var matrixRetry = gototraining.RetryPolicy{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

const (
	cellDeadline  = 10 * time.Second // the caller's deadline, unless the row sets one
	shortDeadline = time.Second      // rows whose server stalls past any deadline
	// deadlineSlack is how long past its deadline a call may take to return
	// on a loaded 2-core machine under -race; the stalls it guards against
	// are 10 s and more.
	deadlineSlack = 2 * time.Second
)

// frontDoor stands between the client and the fake: requests pass through to
// the fake, except the next n requests of the operation under test, which
// get the armed fault.
type frontDoor struct {
	fake http.Handler

	mu     sync.Mutex
	match  func(*http.Request) bool // the operation under test; nil before arming
	left   int
	fault  doorFault
	hits   int // requests of the operation under test seen since arming
	cutOff bool
	wrote  int64 // bytes a fault handler managed to write
}

// doorFault answers a request instead of (or after) the fake.
type doorFault func(d *frontDoor, w http.ResponseWriter, r *http.Request)

func (d *frontDoor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	var fault doorFault
	if d.match != nil && d.match(r) {
		d.hits++
		if d.left > 0 {
			d.left--
			fault = d.fault
		}
	}
	d.mu.Unlock()
	if fault != nil {
		fault(d, w, r)
		return
	}
	d.fake.ServeHTTP(w, r)
}

func (d *frontDoor) arm(match func(*http.Request) bool, n int, fault doorFault) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.match, d.left, d.fault, d.hits = match, n, fault, 0
}

func (d *frontDoor) seen() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.hits
}

func (d *frontDoor) wrote1(n int, err error) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.wrote += int64(n)
	if err != nil {
		d.cutOff = true
	}
	return err == nil
}

// handle lets the fake answer r, and returns its answer instead of sending it.
func (d *frontDoor) handle(r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	d.fake.ServeHTTP(rec, r)
	return rec
}

// Door faults.

// reset drops the connection with a TCP reset, without an answer.
func reset(_ *frontDoor, w http.ResponseWriter, _ *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func handledThenReset(d *frontDoor, w http.ResponseWriter, r *http.Request) {
	d.handle(r)
	reset(d, w, r)
}

func proxyErrorPage(_ *frontDoor, w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusBadGateway)
	_, _ = io.WriteString(w, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
}

func wrongContentType(d *frontDoor, w http.ResponseWriter, r *http.Request) {
	rec := d.handle(r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

const fiftyMB = 50 << 20

var megabyte = []byte(strings.Repeat("a", 1<<20))

// bigBody sends status and a 50 MB body that starts like JSON and never ends
// (an unclosed string), until the client stops reading.
func bigBody(d *frontDoor, w http.ResponseWriter, r *http.Request, status int, contentType, prefix string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(fiftyMB))
	w.WriteHeader(status)
	n, err := io.WriteString(w, prefix)
	if !d.wrote1(n, err) {
		return
	}
	for left := fiftyMB - n; left > 0; {
		n, err := w.Write(megabyte[:min(left, len(megabyte))])
		if err == nil {
			err = r.Context().Err()
		}
		if !d.wrote1(n, err) {
			return
		}
		left -= n
	}
}

// fiftyMBSuccess lets the fake act, then answers its success status (200
// for a 204) with 50 MB.
func fiftyMBSuccess(d *frontDoor, w http.ResponseWriter, r *http.Request) {
	status := d.handle(r).Code
	if status == http.StatusNoContent {
		status = http.StatusOK
	}
	bigBody(d, w, r, status, "application/json", `[{"email":"`)
}

func fiftyMBError(d *frontDoor, w http.ResponseWriter, r *http.Request) {
	bigBody(d, w, r, http.StatusInternalServerError, "text/html", "<html><body><pre>")
}

// trickle lets the fake act, then sends its answer's headers at once and the
// body one byte every 100 ms: far slower than the caller's deadline. An
// answer without a body becomes a 200 with one.
func trickle(d *frontDoor, w http.ResponseWriter, r *http.Request) {
	rec := d.handle(r)
	body, status := rec.Body.Bytes(), rec.Code
	if len(body) == 0 {
		body, status = []byte(`{"trickle":"a body that takes a long time to arrive"}`), http.StatusOK
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	rc := http.NewResponseController(w)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for i := range body {
		n, err := w.Write(body[i : i+1])
		if err == nil {
			err = rc.Flush()
		}
		if !d.wrote1(n, err) {
			return
		}
		select {
		case <-r.Context().Done():
			d.wrote1(0, r.Context().Err())
			return
		case <-tick.C:
		}
	}
}

// rawAnswer hijacks the connection and writes head as the whole answer's
// status line and headers, bytes net/http's server would never send.
func rawAnswer(w http.ResponseWriter, head string) net.Conn {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	_, _ = buf.WriteString(head)
	_ = buf.Flush()
	return conn
}

// switchingProtocols answers 101 and then holds the connection open without
// a byte more, until the client closes it (or 10 s pass): what a client
// reads as the body of a 101 is the raw connection, which no deadline bounds.
func switchingProtocols(_ *frontDoor, w http.ResponseWriter, _ *http.Request) {
	conn := rawAnswer(w, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.Copy(io.Discard, conn)
}

// tokenInStatusLine answers with the request's token as the status code:
// net/http quotes it in its "malformed HTTP status code" error.
func tokenInStatusLine(_ *frontDoor, w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	_ = rawAnswer(w, "HTTP/1.1 "+tok+" OK\r\n\r\n").Close()
}

// tokenInHeaderLine answers with a header line that is the token alone:
// net/http quotes it in its "malformed MIME header line" error.
func tokenInHeaderLine(_ *frontDoor, w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	_ = rawAnswer(w, "HTTP/1.1 200 OK\r\n"+tok+"\r\n\r\n").Close()
}

func redirectLoop(_ *frontDoor, w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, r.URL.RequestURI(), http.StatusFound)
}

// elsewhere is another host, which no API request may ever reach. The
// matrix starts and closes it.
var elsewhere struct {
	url  string
	hits atomic.Int64
	auth atomic.Int64
}

func startElsewhere(t *testing.T) (stop func()) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.hits.Add(1)
		if r.Header.Get("Authorization") != "" {
			elsewhere.auth.Add(1)
		}
		w.WriteHeader(http.StatusTeapot)
	}))
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	elsewhere.url = "http://localhost:" + u.Port() // another host name than the API's 127.0.0.1
	return srv.Close
}

func redirectAway(_ *frontDoor, w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, elsewhere.url+"/steal"+r.URL.RequestURI(), http.StatusTemporaryRedirect)
}

// echoError answers 500 with a page that shows the request's headers, as
// some proxies' error pages do.
func echoError(_ *frontDoor, w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, "<html><body><h1>Internal error</h1><pre>")
	_ = r.Header.Write(w)
	fmt.Fprintf(w, "</pre></body></html>")
}

// echoSuccess lets the fake act, then answers its success status (200 for
// a 204) with a JSON string holding the token where a value should be.
func echoSuccess(d *frontDoor, w http.ResponseWriter, r *http.Request) {
	status := d.handle(r).Code
	if status == http.StatusNoContent {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, "%q", strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
}

// faultRow is one fault. Exactly one of fake, door and refuse is set.
type faultRow struct {
	name     string
	fake     *gototrainingtest.Fault // injected with FailNext, n times
	door     doorFault               // answered by the front door, n times
	refuse   bool                    // the first connection attempt is refused
	n        int
	deadline time.Duration // the caller's deadline; cellDeadline when 0
	// acts says whether the fake carries out the faulted request (the fault
	// hits its answer, not the request).
	acts bool
	// want is the outcome per column (see outcome), in the order of columns.
	want [8]string
}

// Outcome labels. "×N" is how many requests of the operation the server got.
const (
	ok1 = "ok ×1"
)

var faultRows = []faultRow{
	{name: "connection refused (first dial)", refuse: true,
		want: [8]string{ok1, ok1, ok1, ok1, ok1, "transport error ×0", "transport error ×0", "transport error ×0"}},
	{name: "reset before the response, request not handled", door: reset, n: 1,
		want: [8]string{"ok ×2", "ok ×2", "ok ×2", "ok ×2", "ok ×2", "transport error +unknown ×1", "transport error +unknown ×1", "transport error +unknown ×1"}},
	{name: "reset before the response, request handled", door: handledThenReset, n: 1, acts: true,
		want: [8]string{"ok ×2", "ok ×2", "ok ×2", "ok ×2", "ok ×2", "transport error +unknown ×1", "transport error +unknown ×1", ok1}},
	{name: "reset mid-body", fake: &gototrainingtest.Fault{CutMidBody: true}, n: 1, acts: true,
		want: [8]string{"*DecodeError ×1", "*DecodeError ×1", "*DecodeError ×1", "ok ×2", "ok ×2", "*DecodeError +unknown ×1", "*DecodeError +unknown ×1", ok1}},
	{name: "timeout (server stalls 10 s)", fake: &gototrainingtest.Fault{Latency: 10 * time.Second}, n: 1, deadline: shortDeadline,
		want: [8]string{"transport error +deadline ×1", "transport error +deadline ×1", "transport error +deadline ×1", "transport error +deadline ×1", "transport error +deadline ×1", "transport error +deadline +unknown ×1", "transport error +deadline +unknown ×1", "transport error +deadline +unknown ×1"}},
	{name: "429 with Retry-After: 1", fake: &gototrainingtest.Fault{Status: 429, RetryAfter: "1"}, n: 1,
		want: [8]string{"ok ×2", "ok ×2", "ok ×2", "ok ×2", "ok ×2", "*APIError 429 ×1", "*APIError 429 ×1", "*APIError 429 ×1"}},
	{name: "429 without Retry-After, twice", fake: &gototrainingtest.Fault{Status: 429}, n: 2,
		want: [8]string{"ok ×3", "ok ×3", "ok ×3", "ok ×3", "ok ×3", "*APIError 429 ×1", "*APIError 429 ×1", "*APIError 429 ×1"}},
	{name: "429 with Retry-After: 3600 (over MaxRetryAfter)", fake: &gototrainingtest.Fault{Status: 429, RetryAfter: "3600"}, n: 1,
		want: [8]string{"*APIError 429 ×1", "*APIError 429 ×1", "*APIError 429 ×1", "*APIError 429 ×1", "*APIError 429 ×1", "*APIError 429 ×1", "*APIError 429 ×1", "*APIError 429 ×1"}},
	{name: "500 ×3", fake: &gototrainingtest.Fault{Status: 500}, n: 3,
		want: [8]string{"*APIError 500 ×1", "*APIError 500 ×1", "*APIError 500 ×1", "*APIError 500 ×1", "*APIError 500 ×1", "*APIError 500 +unknown ×1", "*APIError 500 +unknown ×1", "*APIError 500 +unknown ×1"}},
	{name: "502 ×3", fake: &gototrainingtest.Fault{Status: 502}, n: 3,
		want: [8]string{"ok ×4", "ok ×4", "ok ×4", "ok ×4", "ok ×4", "*APIError 502 +unknown ×1", "*APIError 502 +unknown ×1", "*APIError 502 +unknown ×1"}},
	{name: "503 ×3", fake: &gototrainingtest.Fault{Status: 503}, n: 3,
		want: [8]string{"ok ×4", "ok ×4", "ok ×4", "ok ×4", "ok ×4", "*APIError 503 ×1", "*APIError 503 ×1", "*APIError 503 ×1"}},
	{name: "504 ×3", fake: &gototrainingtest.Fault{Status: 504}, n: 3,
		want: [8]string{"ok ×4", "ok ×4", "ok ×4", "ok ×4", "ok ×4", "*APIError 504 +unknown ×1", "*APIError 504 +unknown ×1", "*APIError 504 +unknown ×1"}},
	{name: "503 without end", fake: &gototrainingtest.Fault{Status: 503}, n: 100,
		want: [8]string{"*APIError 503 ×4", "*APIError 503 ×4", "*APIError 503 ×4", "*APIError 503 ×4", "*APIError 503 ×4", "*APIError 503 ×1", "*APIError 503 ×1", "*APIError 503 ×1"}},
	{name: "malformed JSON", fake: &gototrainingtest.Fault{MalformedJSON: true}, n: 1, acts: true,
		want: [8]string{"*DecodeError ×1", "*DecodeError ×1", "*DecodeError ×1", ok1, ok1, "*DecodeError +unknown ×1", "*DecodeError +unknown ×1", ok1}},
	{name: "JSON with Content-Type text/html", door: wrongContentType, n: 1, acts: true,
		want: [8]string{ok1, ok1, ok1, ok1, ok1, ok1, ok1, ok1}},
	{name: "HTML error page (502 from a proxy)", door: proxyErrorPage, n: 1,
		want: [8]string{"ok ×2", "ok ×2", "ok ×2", "ok ×2", "ok ×2", "*APIError 502 +unknown ×1", "*APIError 502 +unknown ×1", "*APIError 502 +unknown ×1"}},
	{name: "50 MB success body", door: fiftyMBSuccess, n: 1, acts: true,
		want: [8]string{"*DecodeError ×1", "*DecodeError ×1", "*DecodeError ×1", ok1, ok1, "*DecodeError +unknown ×1", "*DecodeError +unknown ×1", ok1}},
	{name: "50 MB error body (500)", door: fiftyMBError, n: 1,
		want: [8]string{"*APIError 500 ×1", "*APIError 500 ×1", "*APIError 500 ×1", "*APIError 500 ×1", "*APIError 500 ×1", "*APIError 500 +unknown ×1", "*APIError 500 +unknown ×1", "*APIError 500 +unknown ×1"}},
	{name: "body trickling past the deadline", door: trickle, n: 1, acts: true, deadline: shortDeadline,
		want: [8]string{"*DecodeError +deadline ×1", "*DecodeError +deadline ×1", "*DecodeError +deadline ×1", ok1, ok1, "*DecodeError +deadline +unknown ×1", "*DecodeError +deadline +unknown ×1", "*DecodeError +deadline +unknown ×1"}},
	{name: "redirect loop (302 to itself)", door: redirectLoop, n: 100,
		want: [8]string{"*APIError 302 ×1", "*APIError 302 ×1", "*APIError 302 ×1", "*APIError 302 ×1", "*APIError 302 ×1", "*APIError 302 ×1", "*APIError 302 ×1", "*APIError 302 ×1"}},
	{name: "redirect to another host (307)", door: redirectAway, n: 1,
		want: [8]string{"*APIError 307 ×1", "*APIError 307 ×1", "*APIError 307 ×1", "*APIError 307 ×1", "*APIError 307 ×1", "*APIError 307 ×1", "*APIError 307 ×1", "*APIError 307 ×1"}},
	{name: "error page echoing the request headers (500)", door: echoError, n: 1,
		want: [8]string{"*APIError 500 ×1", "*APIError 500 ×1", "*APIError 500 ×1", "*APIError 500 ×1", "*APIError 500 ×1", "*APIError 500 +unknown ×1", "*APIError 500 +unknown ×1", "*APIError 500 +unknown ×1"}},
	{name: "101 Switching Protocols, connection held open", door: switchingProtocols, n: 1, deadline: shortDeadline,
		want: [8]string{"*APIError 101 ×1", "*APIError 101 ×1", "*APIError 101 ×1", "*APIError 101 ×1", "*APIError 101 ×1", "*APIError 101 ×1", "*APIError 101 ×1", "*APIError 101 ×1"}},
	{name: "token echoed in the status line", door: tokenInStatusLine, n: 100,
		want: [8]string{"transport error ×4", "transport error ×4", "transport error ×4", "transport error ×4", "transport error ×4", "transport error +unknown ×1", "transport error +unknown ×1", "transport error +unknown ×1"}},
	{name: "token echoed in a header line", door: tokenInHeaderLine, n: 100,
		want: [8]string{"transport error ×4", "transport error ×4", "transport error ×4", "transport error ×4", "transport error ×4", "transport error +unknown ×1", "transport error +unknown ×1", "transport error +unknown ×1"}},
	{name: "success body echoing the token", door: echoSuccess, n: 1, acts: true,
		want: [8]string{"*DecodeError ×1", "*DecodeError ×1", "*DecodeError ×1", ok1, ok1, "*DecodeError +unknown ×1", "*DecodeError +unknown ×1", ok1}},
}

// outcome labels an error by its type and what it matches.
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	var (
		apiErr *gototraining.APIError
		decErr *gototraining.DecodeError
		urlErr *url.Error
		netErr net.Error
		label  string
	)
	switch {
	case errors.As(err, &apiErr):
		label = fmt.Sprintf("*APIError %d", apiErr.StatusCode)
	case errors.As(err, &decErr):
		label = "*DecodeError"
	case errors.As(err, &urlErr), errors.As(err, &netErr):
		label = "transport error"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		label = "context error"
	default:
		return "UNTYPED " + fmt.Sprintf("%T", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		label += " +deadline"
	}
	if errors.Is(err, gototraining.ErrOutcomeUnknown) {
		label += " +unknown"
	}
	return label
}

// cellEnv is one cell's world: a fake behind a front door, and a client.
type cellEnv struct {
	fake     *gototrainingtest.Fake
	door     *frontDoor
	client   *gototraining.Client
	org      gototraining.OrganizerKey
	training gototraining.TrainingKey
	learners []gototraining.Registration // registered during setup
}

const (
	setupName   = "Reliability, session one"
	newName     = "Reliability, renamed"
	matrixEmail = "matrix.learner@example.com"
)

var setupLearners = []string{"ada@example.com", "alan@example.com", "grace@example.com"}

// column is one operation under test.
type column struct {
	name      string
	class     string // "safe read", "PUT/DELETE", "creating POST"
	op        string // operationId, for FailNext
	method    string
	reconcile bool
	training  bool // setup schedules a training
	learners  int  // setup registers this many learners
	path      func(e *cellEnv) string
	call      func(ctx context.Context, e *cellEnv) (any, error)
	check     func(t *testing.T, e *cellEnv, row faultRow, got any, err error)
}

var columns = []column{
	{
		name: "Trainings.Get", class: "safe read", op: "getTraining", method: http.MethodGet, training: true,
		path: func(e *cellEnv) string { return fmt.Sprintf("/organizers/%d/trainings/%d", e.org, e.training) },
		call: func(ctx context.Context, e *cellEnv) (any, error) {
			return e.client.Trainings.Get(ctx, e.org, e.training)
		},
		check: func(t *testing.T, e *cellEnv, _ faultRow, got any, err error) {
			t.Helper()
			if err == nil {
				tr, _ := got.(gototraining.Training)
				if tr.Key != e.training || tr.Name != setupName {
					t.Errorf("Get returned %d %q", tr.Key, tr.Name)
				}
			}
			checkTrainings(t, e, setupName)
		},
	},
	{
		name: "Registrants.List", class: "safe read", op: "getRegistrants", method: http.MethodGet, training: true, learners: 3,
		path: matrixRegistrantsPath,
		call: func(ctx context.Context, e *cellEnv) (any, error) {
			rs, err := e.client.Registrants.List(ctx, e.org, e.training)
			return emails(rs), err
		},
		check: checkRegistrantList,
	},
	{
		name: "Registrants.All", class: "safe read", op: "getRegistrants", method: http.MethodGet, training: true, learners: 3,
		path: matrixRegistrantsPath,
		call: func(ctx context.Context, e *cellEnv) (any, error) {
			var got []string
			var errs []error
			for r, err := range e.client.Registrants.All(ctx, e.org, e.training) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if len(errs) > 0 {
					return got, fmt.Errorf("All yielded a registrant after an error")
				}
				got = append(got, r.Email)
			}
			if len(errs) > 1 {
				return got, fmt.Errorf("All yielded %d errors", len(errs))
			}
			if len(errs) == 1 {
				return got, errs[0]
			}
			return got, nil
		},
		check: checkRegistrantList,
	},
	{
		name: "Trainings.UpdateNameDescription", class: "PUT/DELETE", op: "updateTrainingNameDescription", method: http.MethodPut, training: true,
		path: func(e *cellEnv) string {
			return fmt.Sprintf("/organizers/%d/trainings/%d/nameDescription", e.org, e.training)
		},
		call: func(ctx context.Context, e *cellEnv) (any, error) {
			return nil, e.client.Trainings.UpdateNameDescription(ctx, e.org, e.training, gototraining.UpdateTrainingNameDescriptionRequest{Name: newName, Description: "after a fault"})
		},
		check: func(t *testing.T, e *cellEnv, row faultRow, _ any, err error) {
			t.Helper()
			switch {
			case err == nil:
				checkTrainings(t, e, newName)
			case !row.acts:
				checkTrainings(t, e, setupName)
			default:
				checkTrainings(t, e, "")
			}
		},
	},
	{
		name: "Registrants.Cancel", class: "PUT/DELETE", op: "cancelRegistration", method: http.MethodDelete, training: true, learners: 1,
		path: func(e *cellEnv) string {
			return fmt.Sprintf("/organizers/%d/trainings/%d/registrants/%d", e.org, e.training, e.learners[0].Key)
		},
		call: func(ctx context.Context, e *cellEnv) (any, error) {
			return nil, e.client.Registrants.Cancel(ctx, e.org, e.training, e.learners[0].Key)
		},
		check: func(t *testing.T, e *cellEnv, row faultRow, _ any, err error) {
			t.Helper()
			left := len(e.fake.Registrants(int64(e.training)))
			switch {
			case err == nil || errors.Is(err, gototraining.ErrNotFound):
				if left != 0 {
					t.Errorf("Cancel returned %v, but the registrant is still there", err)
				}
				if err != nil && !row.acts {
					t.Errorf("ErrNotFound, though no attempt reached the fake's model")
				}
			case !row.acts && left != 1:
				t.Errorf("Cancel failed with %v, but %d registrants are left, want 1", err, left)
			}
		},
	},
	{
		name: "Trainings.Schedule", class: "creating POST", op: "scheduleTraining", method: http.MethodPost,
		path: func(e *cellEnv) string { return fmt.Sprintf("/organizers/%d/trainings", e.org) },
		call: func(ctx context.Context, e *cellEnv) (any, error) {
			req := twoSessions()
			req.Name = "Scheduled in the matrix"
			return e.client.Trainings.Schedule(ctx, e.org, req)
		},
		check: func(t *testing.T, e *cellEnv, row faultRow, got any, err error) {
			t.Helper()
			var keys []gototraining.TrainingKey
			for _, tr := range e.fake.Trainings() {
				if tr.Name == "Scheduled in the matrix" {
					keys = append(keys, gototraining.TrainingKey(tr.Key))
				}
			}
			checkCreated(t, row, err, len(keys))
			if key, _ := got.(gototraining.TrainingKey); err == nil && len(keys) == 1 && keys[0] != key {
				t.Errorf("Schedule returned %v, the fake made %v", got, keys[0])
			}
		},
	},
	{
		name: "Registrants.Register", class: "creating POST", op: "registerForTraining", method: http.MethodPost, training: true,
		path: matrixRegistrantsPath,
		call: register,
		check: func(t *testing.T, e *cellEnv, row faultRow, got any, err error) {
			t.Helper()
			checkRegistered(t, e, row, got, err)
		},
	},
	{
		name: "Registrants.Register +reconciliation", class: "creating POST", op: "registerForTraining", method: http.MethodPost, training: true, reconcile: true,
		path: matrixRegistrantsPath,
		call: register,
		check: func(t *testing.T, e *cellEnv, row faultRow, got any, err error) {
			t.Helper()
			checkRegistered(t, e, row, got, err)
		},
	},
}

func matrixRegistrantsPath(e *cellEnv) string {
	return fmt.Sprintf("/organizers/%d/trainings/%d/registrants", e.org, e.training)
}

func register(ctx context.Context, e *cellEnv) (any, error) {
	return e.client.Registrants.Register(ctx, e.org, e.training, gototraining.RegisterForTrainingRequest{Email: matrixEmail, GivenName: "Matrix", Surname: "Learner"})
}

func emails(rs []gototraining.Registrant) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Email)
	}
	return out
}

// checkTrainings: the fake holds the one training of the setup, named name
// (any name when name is "").
func checkTrainings(t *testing.T, e *cellEnv, name string) {
	t.Helper()
	all := e.fake.Trainings()
	if len(all) != 1 {
		t.Errorf("the fake holds %d trainings, want 1", len(all))
		return
	}
	if name != "" && all[0].Name != name {
		t.Errorf("training named %q, want %q", all[0].Name, name)
	}
}

func checkRegistrantList(t *testing.T, e *cellEnv, _ faultRow, got any, err error) {
	t.Helper()
	if err == nil {
		list, _ := got.([]string)
		if diff := cmp.Diff(setupLearners, list); diff != "" {
			t.Errorf("registrants (-want +got):\n%s", diff)
		}
	}
	if n := len(e.fake.Registrants(int64(e.training))); n != len(setupLearners) {
		t.Errorf("the fake holds %d registrants, want %d", n, len(setupLearners))
	}
	checkTrainings(t, e, setupName)
}

// checkCreated is the no-duplicate rule for a creating call: exactly one
// after success, none after a definite failure, and after an unknown
// outcome exactly what the fake did.
func checkCreated(t *testing.T, row faultRow, err error, n int) {
	t.Helper()
	switch {
	case n > 1:
		t.Errorf("DUPLICATE: the fake made %d", n)
	case err == nil && n != 1:
		t.Errorf("success, but the fake made %d", n)
	case err != nil && !errors.Is(err, gototraining.ErrOutcomeUnknown) && n != 0:
		t.Errorf("a definite failure (%v), but the fake made %d", err, n)
	case errors.Is(err, gototraining.ErrOutcomeUnknown) && n != boolInt(row.acts):
		t.Errorf("unknown outcome: the fake made %d, the row says it acts=%v", n, row.acts)
	}
}

func checkRegistered(t *testing.T, e *cellEnv, row faultRow, got any, err error) {
	t.Helper()
	var keys []gototraining.RegistrantKey
	for _, r := range e.fake.Registrants(int64(e.training)) {
		if r.Email == matrixEmail {
			keys = append(keys, gototraining.RegistrantKey(r.Key))
		}
	}
	checkCreated(t, row, err, len(keys))
	if reg, _ := got.(gototraining.Registration); err == nil && len(keys) == 1 && reg.Key != keys[0] {
		t.Errorf("Register returned %v, the fake made %v", reg.Key, keys[0])
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// matrixResult is one cell's outcome, for the table.
type matrixResult struct {
	row, col int
	got      string
	took     time.Duration
}

// overshoot is how long past its deadline a call of the row took to return.
func (r matrixResult) overshoot() time.Duration {
	if d := faultRows[r.row].deadline; d > 0 {
		return max(r.took-d, 0)
	}
	return 0
}

func TestFaultMatrix(t *testing.T) {
	// Not parallel: the goroutine check needs the process to itself, and
	// parallel top-level tests wait until the sequential ones are done.
	verifyNoLeaks := checkGoroutines(t, 10*time.Second)
	stopElsewhere := startElsewhere(t)
	start := time.Now()
	sink := &textSink{}
	var mu sync.Mutex
	var results []matrixResult
	t.Run("cells", func(t *testing.T) {
		// The cells run side by side, more of them than -parallel (the
		// number of CPUs) would allow: most of their time is spent waiting
		// on a deadline, a Retry-After or a slow body, not computing.
		var wg sync.WaitGroup
		slots := make(chan struct{}, 8)
		for ri, row := range faultRows {
			for ci, col := range columns {
				wg.Go(func() {
					slots <- struct{}{}
					defer func() { <-slots }()
					t.Run(row.name+"/"+col.name, func(t *testing.T) {
						got, took := runCell(t, sink, row, col)
						mu.Lock()
						results = append(results, matrixResult{ri, ci, got, took})
						mu.Unlock()
						if want := row.want[ci]; got != want {
							t.Errorf("outcome %q, want %q", got, want)
						}
					})
				})
			}
		}
		wg.Wait()
	})
	stopElsewhere()
	verifyNoLeaks()
	sink.assertNoSecret(t)
	if n := sink.count("log"); n < len(faultRows)*len(columns) {
		t.Errorf("only %d log lines were captured", n)
	}
	if h, a := elsewhere.hits.Load(), elsewhere.auth.Load(); h != 0 || a != 0 {
		t.Errorf("the other host got %d requests, %d with Authorization", h, a)
	}
	t.Logf("%d cells in %v; %d error strings, %d log lines and %d panics checked for the token",
		len(results), time.Since(start).Round(time.Millisecond), sink.count("error"), sink.count("log"), sink.count("panic"))
	t.Log("\n" + matrixTable(results))
}

// runCell sets up a fake, a front door and a client, arms the fault, makes
// the call and checks it. It returns the outcome label and how long the call took.
//
//nolint:thelper // the body of a subtest, not a helper: its failures name their own lines
func runCell(t *testing.T, sink *textSink, row faultRow, col column) (string, time.Duration) {
	where := row.name + "/" + col.name
	defer func() {
		if p := recover(); p != nil {
			sink.add("panic", where, fmt.Sprint(p))
			t.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	fake, err := gototrainingtest.New(
		gototrainingtest.WithToken(secretToken),
		gototrainingtest.WithViolationHandler(func(err error) { t.Errorf("the fake broke the spec: %v", err) }),
		gototrainingtest.WithRequestViolationHandler(func(err error) { t.Errorf("the client sent an invalid request: %v", err) }),
	)
	if err != nil {
		t.Fatal(err)
	}
	door := &frontDoor{fake: fake}
	srv := httptest.NewServer(door)
	t.Cleanup(srv.Close)

	// The client's own transport: the first dial can be refused, and its
	// idle connections are closed before the fault and at the end.
	var refuse atomic.Bool
	dead := deadAddress(t)
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr := newTransport()
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if refuse.CompareAndSwap(true, false) {
			addr = dead
		}
		return dialer.DialContext(ctx, network, addr)
	}
	t.Cleanup(tr.CloseIdleConnections)
	opts := []gototraining.Option{
		gototraining.WithBaseURL(srv.URL),
		gototraining.WithAccessToken(secretToken),
		gototraining.WithHTTPClient(&http.Client{Transport: tr}),
		gototraining.WithRetry(matrixRetry),
		gototraining.WithLogger(sink.logger(where)),
	}
	if col.reconcile {
		opts = append(opts, gototraining.WithRegistrationReconciliation())
	}
	c, err := gototraining.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	e := &cellEnv{fake: fake, door: door, client: c, org: gototraining.OrganizerKey(fake.OrganizerKey())}

	// Setup, before any fault.
	ctx := t.Context()
	if col.training {
		req := twoSessions()
		req.Name = setupName
		if e.training, err = c.Trainings.Schedule(ctx, e.org, req); err != nil {
			t.Fatal(err)
		}
	}
	for i := range col.learners {
		email := setupLearners[i]
		name, _, _ := strings.Cut(email, "@")
		reg, err := c.Registrants.Register(ctx, e.org, e.training, gototraining.RegisterForTrainingRequest{Email: email, GivenName: name, Surname: "Setup"})
		if err != nil {
			t.Fatal(err)
		}
		e.learners = append(e.learners, reg)
	}

	// Arm the fault on the operation under test only.
	path := col.path(e)
	match := func(r *http.Request) bool { return r.Method == col.method && r.URL.Path == path }
	switch {
	case row.fake != nil:
		door.arm(match, 0, nil)
		fake.FailNext(col.op, row.n, *row.fake)
	case row.door != nil:
		door.arm(match, row.n, row.door)
	case row.refuse:
		door.arm(match, 0, nil)
		refuse.Store(true)
	}
	tr.CloseIdleConnections() // the faulted request opens a connection of its own

	deadline := row.deadline
	if deadline == 0 {
		deadline = cellDeadline
	}
	callCtx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	began := time.Now()
	got, err := col.call(callCtx, e)
	took := time.Since(began)
	sink.addError(where, err)

	if took > deadline+deadlineSlack {
		t.Errorf("the call took %v, past its deadline of %v", took, deadline)
	}
	col.check(t, e, row, got, err)
	label := outcome(err)
	if strings.HasPrefix(label, "UNTYPED") {
		t.Errorf("untyped error %T: %v", err, err)
	}
	if strings.HasPrefix(row.name, "50 MB") {
		// The server stops writing once the client closes: only what the
		// socket buffers held on top of what the client read got out.
		srv.Close()
		door.mu.Lock()
		wrote := door.wrote
		door.mu.Unlock()
		t.Logf("the server got %d bytes of 50 MB out before the client closed", wrote)
		bounded := col.class != "safe read" || col.name == "Trainings.Get"
		if bounded && wrote >= fiftyMB {
			t.Errorf("the client read all 50 MB")
		}
	}
	return fmt.Sprintf("%s ×%d", label, door.seen()), took
}

// deadAddress is a loopback address where nothing listens.
func deadAddress(t *testing.T) string {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// matrixTable renders the outcomes as the Markdown table of RELIABILITY.md.
func matrixTable(results []matrixResult) string {
	cells := make([][]string, len(faultRows))
	for i := range cells {
		cells[i] = make([]string, len(columns))
	}
	var slowest, overshoot time.Duration
	for _, r := range results {
		cells[r.row][r.col] = r.got
		slowest = max(slowest, r.took)
		overshoot = max(overshoot, r.overshoot())
	}
	var b strings.Builder
	b.WriteString("| fault |")
	for _, c := range columns {
		fmt.Fprintf(&b, " %s |", c.name)
	}
	b.WriteString("\n|---|")
	b.WriteString(strings.Repeat("---|", len(columns)))
	b.WriteString("\n")
	for i, row := range faultRows {
		fmt.Fprintf(&b, "| %s |", row.name)
		for _, c := range cells[i] {
			fmt.Fprintf(&b, " %s |", c)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\nslowest call: %v; largest overshoot past a %v deadline: %v\n",
		slowest.Round(time.Millisecond), shortDeadline, overshoot.Round(time.Millisecond))
	return b.String()
}

// generatedBody is a response body made up as it is read: prefix, then the
// byte 'a' up to size bytes. It counts what the client read.
type generatedBody struct {
	prefix string
	size   int64
	read   atomic.Int64
	closed atomic.Bool
}

func (b *generatedBody) Read(p []byte) (int, error) {
	off := b.read.Load()
	if off >= b.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), b.size-off))
	for i := range n {
		if at := off + int64(i); at < int64(len(b.prefix)) {
			p[i] = b.prefix[at]
		} else {
			p[i] = 'a'
		}
	}
	b.read.Add(int64(n))
	return n, nil
}

func (b *generatedBody) Close() error {
	b.closed.Store(true)
	return nil
}

// bodyTransport answers every request with status and body.
type bodyTransport struct {
	status int
	body   *generatedBody
}

func (bt bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode:    bt.status,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          bt.body,
		ContentLength: bt.body.size,
		Request:       r,
	}, nil
}

// TestBodyReadsAreBounded counts exactly how much of a 50 MB answer the
// client reads: 1 MiB of an error body, 16 MiB of a single object, and
// 64 KiB of a body nobody needs, each plus what is drained for connection
// reuse (64 KiB) and what the token redaction reads ahead (64 KiB at most).
func TestBodyReadsAreBounded(t *testing.T) {
	t.Parallel()
	const slack = 64<<10 + 64<<10
	cases := []struct {
		name   string
		status int
		call   func(context.Context, *gototraining.Client) error
		min    int64
		max    int64
	}{
		{"error body", http.StatusInternalServerError, func(ctx context.Context, c *gototraining.Client) error {
			_, err := c.Trainings.Get(ctx, 1, 2)
			return err
		}, 1 << 20, 1<<20 + slack},
		{"single object", http.StatusOK, func(ctx context.Context, c *gototraining.Client) error {
			_, err := c.Trainings.Get(ctx, 1, 2)
			return err
		}, 16 << 20, 16<<20 + 1 + slack},
		{"created key", http.StatusCreated, func(ctx context.Context, c *gototraining.Client) error {
			_, err := c.Trainings.Schedule(ctx, 1, twoSessions())
			return err
		}, 16 << 20, 16<<20 + 1 + slack},
		{"no content expected", http.StatusOK, func(ctx context.Context, c *gototraining.Client) error {
			return c.Trainings.UpdateNameDescription(ctx, 1, 2, gototraining.UpdateTrainingNameDescriptionRequest{Name: "n", Description: "d"})
		}, 0, slack},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := &generatedBody{prefix: `{"name":"`, size: fiftyMB}
			c, err := gototraining.NewClient(gototraining.WithAccessToken(secretToken),
				gototraining.WithHTTPClient(&http.Client{Transport: bodyTransport{tc.status, body}}),
				gototraining.WithRetry(gototraining.NoRetries()))
			if err != nil {
				t.Fatal(err)
			}
			err = tc.call(t.Context(), c)
			read := body.read.Load()
			t.Logf("read %d bytes of %d; error: %v", read, body.size, err)
			if read < tc.min || read > tc.max {
				t.Errorf("read %d bytes, want %d to %d", read, tc.min, tc.max)
			}
			if !body.closed.Load() {
				t.Error("the body was not closed")
			}
			if tc.status >= 300 && err == nil {
				t.Error("no error")
			}
		})
	}
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
}

// streamKeyBase is the first key of registrantStream: its last 7 digits vary.
const streamKeyBase = 5646167387900000000

// registrantStream serves a list of n registrants, each with its own key,
// written as it goes from one template: the whole body is never in memory.
func registrantStream(n int) http.HandlerFunc {
	tmpl := []byte(`{"registrantKey":"` + strconv.FormatInt(streamKeyBase, 10) + `","email":"learner@example.com","givenName":"Ada","surname":"Lovelace","status":"APPROVED","registrationDate":"2026-03-07T22:48:19Z","joinUrl":"https://global.gototraining.com/join/training/8178251407424893697/5646167387902096129","confirmationUrl":"https://global.gototraining.com/registration/confirmation.tmpl?registrant=5646167387902096129"},`)
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		bw := bufio.NewWriterSize(w, 64<<10)
		_ = bw.WriteByte('[')
		el := slices.Clone(tmpl)
		d := el[len(`{"registrantKey":"`)+12 : len(`{"registrantKey":"`)+19]
		for i := range n {
			for j, v := len(d)-1, i; j >= 0; j, v = j-1, v/10 {
				d[j] = byte('0' + v%10)
			}
			out := el
			if i == n-1 {
				out = el[:len(el)-1] // no comma after the last one
			}
			if _, err := bw.Write(out); err != nil {
				return
			}
		}
		_ = bw.WriteByte(']')
		_ = bw.Flush()
	}
}

// TestMillionRegistrantsKeepTheHeapFlat ranges over a list of one million
// registrants with All and samples the heap in use (after a GC) every 100,000:
// it must not grow with the list. Under -race, which makes decoding some 15
// times slower, the list has 100,000 registrants, sampled every 10,000.
// Not parallel: the heap is the process's, and other tests would move it.
func TestMillionRegistrantsKeepTheHeapFlat(t *testing.T) {
	n, every := 1_000_000, 100_000
	if raceEnabled() {
		n, every = 100_000, 10_000
	}
	srv := httptest.NewServer(registrantStream(n))
	t.Cleanup(srv.Close)
	c, err := gototraining.NewClient(gototraining.WithAccessToken(secretToken), gototraining.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	inUse := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	start := time.Now()
	baseline := inUse()
	peak := baseline
	count := 0
	var last gototraining.Registrant
	for r, err := range c.Registrants.All(t.Context(), 1, 2) {
		if err != nil {
			t.Fatal(err)
		}
		count++
		last = r
		if count%every == 0 {
			peak = max(peak, inUse())
		}
	}
	growth := int64(peak) - int64(baseline)
	t.Logf("%d registrants in %v: heap in use %.1f MiB before, peak %.1f MiB, growth %.2f MiB",
		count, time.Since(start).Round(time.Millisecond), mib(baseline), mib(peak), float64(growth)/(1<<20))
	if count != n {
		t.Fatalf("All yielded %d registrants, want %d", count, n)
	}
	wantLast := gototraining.Registrant{
		Key: gototraining.RegistrantKey(streamKeyBase + int64(n-1)), Email: "learner@example.com", GivenName: "Ada", Surname: "Lovelace",
		Status: gototraining.RegistrantApproved, RegistrationDate: time.Date(2026, 3, 7, 22, 48, 19, 0, time.UTC),
		JoinURL:         "https://global.gototraining.com/join/training/8178251407424893697/5646167387902096129",
		ConfirmationURL: "https://global.gototraining.com/registration/confirmation.tmpl?registrant=5646167387902096129",
	}
	if diff := cmp.Diff(wantLast, last, sameInstant); diff != "" {
		t.Errorf("last registrant (-want +got):\n%s", diff)
	}
	if growth > 32<<20 {
		t.Errorf("the heap grew by %.1f MiB while ranging over the list, want < 32 MiB", float64(growth)/(1<<20))
	}
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// TestDownloadRedirectLoopEnds: Recordings.Download follows the storage's
// redirects with the caller's HTTP client, which gives up after 10; the
// error is typed, comes at once, and no hop ever saw the access token.
func TestDownloadRedirectLoopEnds(t *testing.T) {
	t.Parallel()
	var hops, withAuth atomic.Int64
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hops.Add(1)
		if r.Header.Get("Authorization") != "" {
			withAuth.Add(1)
		}
		http.Redirect(w, r, "/loop?n="+strconv.FormatInt(hops.Load(), 10), http.StatusFound)
	}))
	t.Cleanup(storage.Close)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, storage.URL+"/recordings/1?token=t", http.StatusFound)
	}))
	t.Cleanup(api.Close)
	sink := &textSink{}
	c, err := gototraining.NewClient(gototraining.WithBaseURL(api.URL), gototraining.WithAccessToken(secretToken),
		gototraining.WithLogger(sink.logger("download")))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	body, err := c.Recordings.Download(ctx, 1, 2)
	if err == nil {
		_ = body.Close()
		t.Fatal("a redirect loop was downloaded")
	}
	var urlErr *url.Error
	if !errors.As(err, &urlErr) || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("got %T %v, want the HTTP client's redirect limit", err, err)
	}
	if n := hops.Load(); n != 10 {
		t.Errorf("%d requests to the storage, want 10", n)
	}
	if n := withAuth.Load(); n != 0 {
		t.Errorf("%d storage requests carried Authorization", n)
	}
	sink.addError("download", err)
	sink.assertNoSecret(t)
}

// newTransport is a transport of the test's own, whose idle connections it
// can close.
func newTransport() *http.Transport {
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		return dt.Clone()
	}
	return &http.Transport{}
}
