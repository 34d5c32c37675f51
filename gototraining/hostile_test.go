package gototraining

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
)

// Hostile servers and hostile bytes (issue 9): each test here failed on the
// code before its fix.

// hijack takes the connection over and writes head as the whole answer.
func hijack(w http.ResponseWriter, head string) net.Conn {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	_, _ = buf.WriteString(head)
	_ = buf.Flush()
	return conn
}

// upgradeAndHold answers 101 and keeps the connection open until the client
// closes it: the test server never hangs up by itself.
func upgradeAndHold(w http.ResponseWriter, _ *http.Request) {
	conn := hijack(w, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
	_, _ = io.Copy(io.Discard, conn)
}

// returns runs call and fails the test if it has not returned within a
// minute: it would have been held by the server, which never lets go.
func returns(t *testing.T, call func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatal("the call is still held by the server")
		return nil
	}
}

// TestUpgradeAnswerKeepsTheDeadline: a 101 answer's body is the raw
// connection, which neither the context nor http.Client.Timeout bounds.
// Before the fix, a 300 ms deadline was held until the server hung up.
func TestUpgradeAnswerKeepsTheDeadline(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(upgradeAndHold))
	t.Cleanup(srv.Close)
	storage := httptest.NewServer(http.HandlerFunc(upgradeAndHold))
	t.Cleanup(storage.Close)
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, storage.URL+"/rec/1.mp4", http.StatusFound)
	}))
	t.Cleanup(redirect.Close)

	deadline := func(t *testing.T) context.Context {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		t.Cleanup(cancel)
		return ctx
	}
	cases := map[string]func(t *testing.T) error{
		"context deadline": func(t *testing.T) error {
			t.Helper()
			c, _ := newClient(t, srv.URL)
			_, err := c.Trainings.Get(deadline(t), orgKey, trainingKey)
			return err
		},
		"http.Client.Timeout": func(t *testing.T) error {
			t.Helper()
			c, _ := newClient(t, srv.URL, WithHTTPClient(&http.Client{Timeout: 300 * time.Millisecond}))
			_, err := c.Trainings.Get(t.Context(), orgKey, trainingKey)
			return err
		},
		"Download": func(t *testing.T) error {
			t.Helper()
			c, _ := newClient(t, redirect.URL)
			body, err := c.Recordings.Download(deadline(t), trainingKey, 1)
			if body != nil {
				_ = body.Close()
			}
			return err
		},
	}
	for name, call := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := returns(t, func() error { return call(t) })
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusSwitchingProtocols {
				t.Errorf("got %v; want an *APIError 101", err)
			}
		})
	}
}

// emptyElements serves a JSON array of n empty objects, gzip-compressed
// when asked: 3 bytes of JSON each, but a whole struct once decoded.
func emptyElements(n int, compressed bool) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		var out io.Writer = w
		if compressed {
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			defer zw.Close()
			out = zw
		}
		chunk := bytes.Repeat([]byte("{},"), 4096)
		_, _ = io.WriteString(out, "[")
		for left := n; left > 0; left -= 4096 {
			k := min(left, 4096)
			if k == left {
				_, _ = out.Write(chunk[:3*k-1])
				break
			}
			if _, err := out.Write(chunk); err != nil {
				return
			}
		}
		_, _ = io.WriteString(out, "]")
	}
}

// allocated runs f and returns how many bytes it allocated. It bounds the
// peak heap f can have reached, whatever the GC did meanwhile.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestListStopsAtItsLimit: 8 MiB of empty registrants grew the heap by
// 347 MiB before List had a limit. With an 8 MiB limit it now stops with a
// *ListTooLongError pointing to All, having allocated (garbage included) a
// small multiple of the limit. Not parallel: it measures the process's allocations.
func TestListStopsAtItsLimit(t *testing.T) {
	const limit = 8 << 20
	srv := httptest.NewServer(emptyElements(8<<20/3, false))
	t.Cleanup(srv.Close)
	c, _ := newClient(t, srv.URL, WithListLimit(limit))
	var got []Registrant
	var err error
	used := allocated(func() { got, err = c.Registrants.List(t.Context(), orgKey, trainingKey) })
	var tooLong *ListTooLongError
	if !errors.As(err, &tooLong) || !errors.Is(err, ErrListTooLong) || got != nil {
		t.Fatalf("got %d registrants, %v; want a *ListTooLongError", len(got), err)
	}
	if want := (&ListTooLongError{Operation: "getRegistrants", Limit: limit}); !cmp.Equal(want, tooLong) || !strings.Contains(err.Error(), "use All") {
		t.Errorf("error %#v (%v), want %#v naming All", tooLong, err, want)
	}
	// The kept elements, the slice's growth and encoding/json's per-element
	// garbage: about 38 MiB measured, against 347 MiB of live heap before.
	if used > 6*limit {
		t.Errorf("List allocated %.1f MiB under a %d MiB limit", float64(used)/(1<<20), limit>>20)
	}
	t.Logf("List allocated %.1f MiB before stopping at its %d MiB limit", float64(used)/(1<<20), limit>>20)

	// All streams the same answer with nothing held.
	n := 0
	for _, err := range c.Registrants.All(t.Context(), orgKey, trainingKey) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 8<<20/3 {
		t.Errorf("All yielded %d registrants, want %d", n, 8<<20/3)
	}
}

// TestAllChecksTheContextBetweenElements: a compressed answer arrives whole
// in the first read, so nothing in net/http sees the context again; before
// the fix All went on yielding after the caller's cancellation.
func TestAllChecksTheContextBetweenElements(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(emptyElements(200_000, true))
	t.Cleanup(srv.Close)
	c, _ := newClient(t, srv.URL)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var after int
	var last error
	for _, err := range c.Registrants.All(ctx, orgKey, trainingKey) {
		if err != nil {
			last = err
			break
		}
		if ctx.Err() != nil {
			after++
		}
		cancel()
	}
	if after != 0 || !errors.Is(last, context.Canceled) {
		t.Errorf("after the cancellation All yielded %d more registrants and then %v; want none and context.Canceled", after, last)
	}
}

// TestNestedListsAreBounded: 4 MiB of empty times, organizers or periods
// grew the heap by 195-266 MiB. Each nested list is now counted before it
// is allocated. Not parallel: it measures the process's allocations.
func TestNestedListsAreBounded(t *testing.T) {
	padding := strings.Repeat("{},", 4<<20/3) + "{}"
	cases := map[string]struct {
		body string
		call func(c *Client) error
	}{
		"training times": {`{"trainingKey":"1","name":"n","times":[` + padding + `]}`, func(c *Client) error {
			_, err := c.Trainings.Get(t.Context(), orgKey, trainingKey)
			return err
		}},
		"training organizers": {`{"trainingKey":"1","name":"n","organizers":[` + padding + `]}`, func(c *Client) error {
			_, err := c.Trainings.Get(t.Context(), orgKey, trainingKey)
			return err
		}},
		"attendance periods": {`[{"email":"a@example.com","inSessionTimes":[` + padding + `]}]`, func(c *Client) error {
			_, err := c.Reports.Attendance(t.Context(), orgKey, 1)
			return err
		}},
		"session organizers": {`[{"sessionKey":"1","organizers":[` + padding + `]}]`, func(c *Client) error {
			_, err := c.Reports.TrainingSessions(t.Context(), orgKey, trainingKey)
			return err
		}},
	}
	for name, tc := range cases {
		srv, _ := serve(t, answer(http.StatusOK, "application/json", tc.body))
		c, _ := newClient(t, srv.URL)
		var err error
		used := allocated(func() { err = tc.call(c) })
		var de *DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), "nested list") {
			t.Errorf("%s: got %v; want a *DecodeError about the nested list", name, err)
		}
		// The 4 MiB answer is read and scanned (up to three copies of it
		// through encoding/json's buffers); nothing is allocated per element.
		if used > 32<<20 {
			t.Errorf("%s: decoding allocated %.1f MiB for a 4 MiB answer", name, float64(used)/(1<<20))
		}
		t.Logf("%s: %.1f MiB allocated for a %.1f MiB answer", name, float64(used)/(1<<20), float64(len(tc.body))/(1<<20))
	}

	// A list within the bound decodes whole.
	var l wireList[wireRange]
	in := "[" + strings.Repeat(`{"startDate":"2026-03-26T15:00:00Z"},`, maxNestedList-1) + `{}]`
	if err := decodeJSON([]byte(in), &l); err != nil || len(l) != maxNestedList {
		t.Errorf("%d elements: got %d, %v", maxNestedList, len(l), err)
	}
}

// TestMinuteCountsDoNotWrap: 153722867281 minutes decoded as 5.2 s and
// MaxInt64 as -1m0s; negative counts were taken as they came.
func TestMinuteCountsDoNotWrap(t *testing.T) {
	t.Parallel()
	bad := []string{
		`{"duration":153722867281}`,
		`{"duration":9223372036854775807}`,
		`{"duration":-5}`,
		`{"duration":99999999999999999999}`,
		`{"duration":1.5}`,
		`{"attendanceCount":-1}`,
	}
	for _, in := range bad {
		var w wireSession
		if err := decodeJSON([]byte(in), &w); err == nil {
			t.Errorf("%s decoded to %v, %d", in, time.Duration(w.Duration), w.AttendanceCount)
		}
	}
	for _, in := range []string{`{"timeInSession":153722867281}`, `{"inSessionTimes":[{"timeInPartOfSession":-1}]}`} {
		var w wireAttendee
		if err := decodeJSON([]byte(in), &w); err == nil {
			t.Errorf("%s decoded", in)
		}
	}
	for _, in := range []string{`{"notifiedRegistrants":-3,"notifiedTrainers":1}`, `{"notifiedRegistrants":1,"notifiedTrainers":2147483648}`} {
		var w wireNotified
		if err := decodeJSON([]byte(in), &w); err == nil {
			t.Errorf("%s decoded to %+v", in, w)
		}
	}
	var w wireSession
	in := fmt.Sprintf(`{"duration":%d,"attendanceCount":0}`, maxMinutes)
	if err := decodeJSON([]byte(in), &w); err != nil || time.Duration(w.Duration) != time.Duration(maxMinutes)*time.Minute {
		t.Errorf("the largest count: %v, %v", time.Duration(w.Duration), err)
	}

	// Through a call, the error is a *DecodeError.
	srv, _ := serve(t, answer(http.StatusOK, "application/json", `{"notifiedRegistrants":-1,"notifiedTrainers":0}`))
	c, _ := newClient(t, srv.URL)
	_, err := c.Trainings.UpdateTimes(t.Context(), orgKey, trainingKey, UpdateTrainingTimesRequest{TimeZone: "UTC", Times: []TimeRange{{Start: time.Unix(1e9, 0), End: time.Unix(1e9+3600, 0)}}})
	var de *DecodeError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "negative") {
		t.Errorf("UpdateTimes with a negative count: %v", err)
	}
}

func FuzzMinuteDecoding(f *testing.F) {
	for _, s := range []string{`0`, `90`, `153722867`, `153722867281`, `-1`, `1.5`, `null`, `"5"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var m wireMinutes
		if err := decodeJSON([]byte(in), &m); err != nil {
			return
		}
		var n int64
		if decodeJSON([]byte(in), &n) != nil {
			if in != "null" {
				t.Fatalf("%q: accepted as minutes but not as an integer", in)
			}
			return
		}
		if n < 0 || n > maxMinutes || time.Duration(m) != time.Duration(n)*time.Minute {
			t.Fatalf("%q: %v from %d", in, time.Duration(m), n)
		}
	})
}

// TestHeaderUnsafeOptionsAreRefused: a token with a trailing newline, a NUL
// or control characters in the user agent passed NewClient, and every call
// then failed in the transport and was retried four times.
func TestHeaderUnsafeOptionsAreRefused(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, answer(http.StatusOK, "application/json", trainingJSON))

	// A token read from a file: the newline is trimmed, and it works.
	c, err := NewClient(WithAccessToken(testToken+"\n"), WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Trainings.Get(t.Context(), orgKey, trainingKey); err != nil {
		t.Fatalf("a token with a trailing newline: %v", err)
	}

	for name, opt := range map[string]Option{
		"WithAccessToken": WithAccessToken("tok\x00en"),
		"WithUserAgent":   WithUserAgent("lms\x00sync/1.4"),
	} {
		_, err := NewClient(WithAccessToken(testToken), opt, WithBaseURL(srv.URL))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: NewClient: %v; want an error naming the option", name, err)
		}
	}
	for _, bad := range []string{"tok\nen", "tok\ten", "tok en", "tök"} {
		if _, err := NewClient(WithAccessToken(bad)); err == nil {
			t.Errorf("WithAccessToken(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"a\x7fb", "a\x1bb", "a\r\nX: y"} {
		if _, err := NewClient(WithAccessToken(testToken), WithUserAgent(bad)); err == nil {
			t.Errorf("WithUserAgent(%q) accepted", bad)
		}
	}

	// A token source's token is checked once, and the call is not retried.
	before := hits.n.Load()
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken + "\n"})
	c, s := newClient(t, srv.URL, WithTokenSourceForTest(ts))
	_, err = c.Trainings.Get(t.Context(), orgKey, trainingKey)
	if err == nil || strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), "not allowed in an HTTP header") {
		t.Errorf("a token source's token with a newline: %v", err)
	}
	if n := hits.n.Load() - before; n != 0 || len(s.all()) != 0 {
		t.Errorf("the server saw %d requests and the client waited %v; want none", n, s.all())
	}
}

// WithTokenSourceForTest swaps newClient's static token for ts.
func WithTokenSourceForTest(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		c.tokenSource, c.staticToken, c.sawTokenTwice = ts, false, false
		return nil
	}
}

// TestLinksAreChecked: a Location that echoed the token sent it to another
// origin, "https:" (no host) was accepted, and ManageURL returned "string".
func TestLinksAreChecked(t *testing.T) {
	t.Parallel()
	elsewhere, elsewhereHits := serve(t, answer(http.StatusOK, "video/mp4", "file"))
	echo := func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		http.Redirect(w, r, elsewhere.URL+"/rec/1.mp4?sig="+tok, http.StatusFound)
	}
	for name, a := range map[string]func(http.ResponseWriter, *http.Request){
		"token in the query":   echo,
		"token percent-coded":  answer(http.StatusFound, "", "", "Location", elsewhere.URL+"/rec/"+strings.ReplaceAll(testToken, "-", "%2D")),
		"no host":              answer(http.StatusFound, "", "", "Location", "https:"),
		"relative":             answer(http.StatusFound, "", "", "Location", "/rec/1.mp4"),
		"user info":            answer(http.StatusFound, "", "", "Location", "https://u:p@storage.example.com/rec/1.mp4"),
		"javascript":           answer(http.StatusFound, "", "", "Location", "javascript:alert(1)"),
		"plain http elsewhere": answer(http.StatusFound, "", "", "Location", "http://storage.example.com/rec/1.mp4"),
	} {
		srv, _ := serve(t, a)
		c, _ := newClient(t, srv.URL)
		if u, err := c.Recordings.DownloadURL(t.Context(), trainingKey, 1); err == nil {
			t.Errorf("%s: DownloadURL accepted %v", name, u)
		} else if strings.Contains(err.Error(), testToken) {
			t.Errorf("%s: the error shows the token: %v", name, err)
		}
		if body, err := c.Recordings.Download(t.Context(), trainingKey, 1); err == nil {
			_ = body.Close()
			t.Errorf("%s: Download fetched it", name)
		}
	}
	if n := elsewhereHits.n.Load(); n != 0 {
		t.Errorf("the other origin got %d requests", n)
	}

	// An https API may not send the client to plain http, even on loopback.
	tlsAPI := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/rec/1.mp4", http.StatusFound)
	}))
	t.Cleanup(tlsAPI.Close)
	c, _ := newClient(t, tlsAPI.URL, WithHTTPClient(tlsAPI.Client()))
	if u, err := c.Recordings.DownloadURL(t.Context(), trainingKey, 1); err == nil {
		t.Errorf("an https API's redirect to %v was accepted", u)
	}

	for _, body := range []string{`"string"`, `"/relative/start"`, `"https:"`, `"ftp://files.example.com/x"`} {
		srv, _ := serve(t, answer(http.StatusOK, "application/json", body))
		c, _ := newClient(t, srv.URL)
		if got, err := c.Trainings.ManageURL(t.Context(), orgKey, trainingKey); err == nil {
			t.Errorf("ManageURL %s: accepted %q", body, got)
		}
		if got, err := c.Trainings.StartURL(t.Context(), orgKey, trainingKey); err == nil {
			t.Errorf("StartURL %s: accepted %q", body, got)
		}
		srv2, _ := serve(t, answer(http.StatusOK, "application/json", `{"hostURL":`+body+`}`))
		c2, _ := newClient(t, srv2.URL)
		if got, err := c2.Trainings.HostURL(t.Context(), trainingKey); err == nil {
			t.Errorf("Start %s: accepted %q", body, got)
		}
	}
}

// TestReplaysCountAsAttempts: a read whose reused keep-alive connection
// keeps breaking reached the server 5 times, not MaxAttempts' 4, because
// net/http replays such a GET once by itself.
func TestReplaysCountAsAttempts(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			answer(http.StatusOK, "application/json", trainingJSON)(w, r) // opens the keep-alive connection
			return
		}
		hangUp(w, r)
	}))
	t.Cleanup(srv.Close)
	c, _ := newClient(t, srv.URL)
	if _, err := c.Trainings.Get(t.Context(), orgKey, trainingKey); err != nil {
		t.Fatal(err)
	}
	_, err := c.Trainings.Get(t.Context(), orgKey, trainingKey)
	if err == nil {
		t.Fatal("succeeded against a server that hangs up")
	}
	if got, want := hits.Load()-1, int64(DefaultRetryPolicy().MaxAttempts); got != want {
		t.Errorf("the failing read reached the server %d times, want MaxAttempts = %d", got, want)
	}
}

// TestTokenNeverReachesReturnedErrors: a server that echoes the token into
// its status line or a header line made net/http quote it into the error.
func TestTokenNeverReachesReturnedErrors(t *testing.T) {
	t.Parallel()
	heads := map[string]func(tok string) string{
		"status line": func(tok string) string { return "HTTP/1.1 " + tok + " OK\r\n\r\n" },
		"header line": func(tok string) string { return "HTTP/1.1 200 OK\r\n" + tok + "\r\n\r\n" },
		"header name": func(tok string) string { return "HTTP/1.1 200 OK\r\n" + tok + "\x01: x\r\n\r\n" },
		"proto":       func(tok string) string { return tok + " 200 OK\r\n\r\n" },
	}
	for name, head := range heads {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = hijack(w, head(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))).Close()
		}))
		t.Cleanup(srv.Close)
		c, _ := newClient(t, srv.URL)
		_, getErr := c.Trainings.Get(t.Context(), orgKey, trainingKey)
		_, schedErr := c.Trainings.Schedule(t.Context(), orgKey, validSchedule())
		for call, err := range map[string]error{"Get": getErr, "Schedule": schedErr} {
			if err == nil {
				t.Fatalf("%s %s: no error", name, call)
			}
			for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
				if strings.Contains(text, testToken) {
					t.Errorf("%s %s: the error shows the token: %s", name, call, text)
				}
			}
		}
		if !errors.Is(schedErr, ErrOutcomeUnknown) {
			t.Errorf("%s: Schedule's error %v no longer matches ErrOutcomeUnknown", name, schedErr)
		}
	}

	// The scrubbed error still answers errors.Is and Timeout as its cause.
	tr := &transport{}
	tok := testToken
	tr.lastToken.Store(&tok)
	cause := &net.OpError{Op: "read", Err: &timeoutError{msg: "i/o timeout near " + testToken}}
	err := tr.scrub(fmt.Errorf("wrapped: %w", cause))
	var ne net.Error
	te, ok := err.(interface{ Timeout() bool })
	if strings.Contains(err.Error(), testToken) || !errors.As(err, &ne) || !ne.Timeout() || !ok || !te.Timeout() {
		t.Errorf("scrubbed %v: lost what its cause matches", err)
	}
	if !errors.Is(tr.scrub(fmt.Errorf("%s: %w", testToken, context.DeadlineExceeded)), context.DeadlineExceeded) {
		t.Error("a scrubbed deadline no longer matches context.DeadlineExceeded")
	}
}

type timeoutError struct{ msg string }

func (e *timeoutError) Error() string   { return e.msg }
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }

// stalledSource is a token endpoint that never answers until released.
type stalledSource struct {
	inside  atomic.Int64 // Token calls started and not returned
	calls   atomic.Int64
	release chan struct{}
}

func (s *stalledSource) Token() (*oauth2.Token, error) {
	s.calls.Add(1)
	s.inside.Add(1)
	defer s.inside.Add(-1)
	<-s.release
	return &oauth2.Token{AccessToken: testToken}, nil
}

// TestStalledTokenSourceHoldsOneGoroutine: each attempt used to start a
// goroutine calling Token(); after 200 calls with 20 ms deadlines against a
// stalled token endpoint, all returned in time but 200 goroutines stayed
// blocked. Now one Token call is in flight however many callers wait.
func TestStalledTokenSourceHoldsOneGoroutine(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, answer(http.StatusOK, "application/json", trainingJSON))
	src := &stalledSource{release: make(chan struct{})}
	c, _ := newClient(t, srv.URL, WithTokenSourceForTest(src))
	for range 200 {
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		_, err := c.Trainings.Get(ctx, orgKey, trainingKey)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v; want the caller's deadline", err)
		}
	}
	if n := src.inside.Load(); n != 1 {
		t.Errorf("%d goroutines are blocked in the token source after 200 calls; want 1", n)
	}
	if hits.n.Load() != 0 {
		t.Errorf("the API got %d requests without a token", hits.n.Load())
	}

	// Once the endpoint answers, the next call succeeds: with the stalled
	// call's token if it joins it, or with a fresh call's.
	close(src.release)
	if _, err := c.Trainings.Get(t.Context(), orgKey, trainingKey); err != nil {
		t.Fatal(err)
	}
	if n := src.calls.Load(); n > 2 {
		t.Errorf("the token source was called %d times, want at most 2", n)
	}
}
