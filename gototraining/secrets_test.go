package gototraining_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/gototraining-go/gototraining/gototraining"
)

// secretToken is the access token of every test in this file and of the
// fault matrix: distinctive, so a leak of it, or of any 12 characters of it,
// is easy to find.
const secretToken = "gtt-SECRET-3c9e71b2a5d04f68-never-print"

// textSink collects every text a test run produced for people to read:
// error strings, log lines, panic messages.
type textSink struct {
	mu    sync.Mutex
	texts []capturedText
}

type capturedText struct{ kind, where, text string }

func (s *textSink) add(kind, where, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.texts = append(s.texts, capturedText{kind, where, text})
}

// addError records every way an error can be printed.
func (s *textSink) addError(where string, err error) {
	if err == nil {
		return
	}
	s.add("error", where, err.Error())
	s.add("error %+v", where, fmt.Sprintf("%+v", err))
	s.add("error %#v", where, fmt.Sprintf("%#v", err))
	var apiErr *gototraining.APIError
	if errors.As(err, &apiErr) {
		s.add("APIError.Body", where, string(apiErr.Body))
	}
}

// logger returns a Debug-level slog logger whose every line lands in s.
func (s *textSink) logger(where string) *slog.Logger {
	return slog.New(slog.NewTextHandler(sinkWriter{s, where}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type sinkWriter struct {
	s     *textSink
	where string
}

// Write receives one whole record per call from slog's handlers.
func (w sinkWriter) Write(p []byte) (int, error) {
	w.s.add("log", w.where, string(p))
	return len(p), nil
}

func (s *textSink) count(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.texts {
		if c.kind == kind {
			n++
		}
	}
	return n
}

// assertNoSecret fails t for every captured text holding secretToken or any
// 12-character piece of it (a token cut in half is still a leak).
func (s *textSink) assertNoSecret(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.texts {
		if piece, ok := leaks(c.text, secretToken); ok {
			i := strings.Index(c.text, piece)
			t.Errorf("%s (%s) carries %q of the token: ...%s...", c.kind, c.where, piece, c.text[max(i-80, 0):min(i+80, len(c.text))])
		}
	}
}

func leaks(text, token string) (string, bool) {
	const window = 12
	for i := 0; i+window <= len(token); i++ {
		if strings.Contains(text, token[i:i+window]) {
			return token[i : i+window], true
		}
	}
	return "", false
}

// TestClientFormattingRedactsTheToken: the client and its options print
// without the token, with every verb, whichever way credentials are given.
func TestClientFormattingRedactsTheToken(t *testing.T) {
	t.Parallel()
	staticOpt := gototraining.WithAccessToken(secretToken)
	sourceOpt := gototraining.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: secretToken}))
	sink := &textSink{}
	for name, opts := range map[string][]gototraining.Option{
		"WithAccessToken": {staticOpt},
		"WithTokenSource": {sourceOpt},
		"everything": {staticOpt, gototraining.WithUserAgent("lms-sync/1.4"), gototraining.WithRateLimit(10),
			gototraining.WithRetry(gototraining.RetryPolicy{MaxAttempts: 2}), gototraining.WithLogger(sink.logger("everything")),
			gototraining.WithRegistrationReconciliation(), gototraining.WithHTTPClient(&http.Client{})},
	} {
		c, err := gototraining.NewClient(opts...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			sink.add("client "+verb, name, fmt.Sprintf(verb, c))
			sink.add("client value "+verb, name, fmt.Sprintf(verb, *c)) // a copy, as a careless caller might print
			sink.add("service "+verb, name, fmt.Sprintf(verb, c.Trainings))
			sink.add("options "+verb, name, fmt.Sprintf(verb, opts))
			for i, o := range opts {
				sink.add("option "+verb, fmt.Sprint(name, i), fmt.Sprintf(verb, o))
			}
		}
		sink.add("String", name, c.String())
		sink.add("GoString", name, c.GoString())
		if !strings.Contains(c.String(), "gototraining.Client{") {
			t.Errorf("%s: String() = %q, not a description of the client", name, c.String())
		}
	}
	// The options' own errors, too (a token given twice).
	_, err := gototraining.NewClient(staticOpt, sourceOpt)
	sink.addError("two credentials", err)
	sink.assertNoSecret(t)
	if n := sink.count("client %+v"); n != 3 {
		t.Errorf("captured %d clients, want 3", n)
	}
}

// TestEchoedTokenIsRedacted: a server (or a proxy) that echoes the request's
// Authorization header into its answers, in every place an answer can carry
// text, gets no token into an error string or a log line.
func TestEchoedTokenIsRedacted(t *testing.T) {
	t.Parallel()
	echo := func(r *http.Request) string { return r.Header.Get("Authorization") }
	padded := func(r *http.Request, n int) string { return strings.Repeat("x", n) + echo(r) }
	answers := map[string]http.HandlerFunc{
		"GoTo envelope 403": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"int_err_code":%q,"msg":%q,"incident":%q}`, echo(r), "token "+echo(r)+" rejected", echo(r))
		},
		"description 400": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"errorCode":"X","description":%q,"message":%q}`, echo(r), echo(r))
		},
		"HTML 500": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "<html><body><pre>Authorization: %s</pre></body></html>", echo(r))
		},
		// The token across the 8 KiB the APIError keeps of a body: cutting
		// first and redacting after would keep its first half.
		"straddling the kept body": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, padded(r, 8<<10-len("Bearer ")-15))
		},
		"success body is the token": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, "%q", strings.TrimPrefix(echo(r), "Bearer "))
		},
		"success body holds the token as a key": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			tok := strings.TrimPrefix(echo(r), "Bearer ")
			fmt.Fprintf(w, `[{"registrantKey":%q,"registrationDate":%q,"trainingKey":%q}]`, tok, tok, tok)
		},
		"success object holds the token as a key": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			tok := strings.TrimPrefix(echo(r), "Bearer ")
			fmt.Fprintf(w, `{"registrantKey":%q,"trainingKey":%q,"times":[{"startDate":%q}]}`, tok, tok, tok)
		},
	}
	sink := &textSink{}
	for name, h := range answers {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		c, err := gototraining.NewClient(gototraining.WithBaseURL(srv.URL), gototraining.WithAccessToken(secretToken),
			gototraining.WithRetry(gototraining.NoRetries()), gototraining.WithLogger(sink.logger(name)))
		if err != nil {
			t.Fatal(err)
		}
		ctx := t.Context()
		calls := map[string]func() error{
			"Get": func() error { _, err := c.Trainings.Get(ctx, 1, 2); return err },
			"List": func() error {
				_, err := c.Registrants.List(ctx, 1, 2)
				return err
			},
			"All": func() error {
				for _, err := range c.Registrants.All(ctx, 1, 2) {
					if err != nil {
						return err
					}
				}
				return nil
			},
			"Registrants.Get": func() error { _, err := c.Registrants.Get(ctx, 1, 2, 3); return err },
			"Schedule":        func() error { _, err := c.Trainings.Schedule(ctx, 1, validSchedule()); return err },
			"Register":        func() error { _, err := c.Registrants.Register(ctx, 1, 2, learner("echo")); return err },
			"StartURL":        func() error { _, err := c.Trainings.StartURL(ctx, 1, 2); return err },
		}
		for op, call := range calls {
			err := call()
			if err == nil && !strings.HasPrefix(name, "success") {
				t.Errorf("%s %s: no error", name, op)
			}
			sink.addError(name+" "+op, err)
		}
	}
	sink.assertNoSecret(t)
	if sink.count("log") == 0 {
		t.Error("no log line was captured")
	}
}

// validSchedule is a request that passes the client's validation.
func validSchedule() gototraining.ScheduleTrainingRequest { return twoSessions() }

func learner(name string) gototraining.RegisterForTrainingRequest {
	return gototraining.RegisterForTrainingRequest{Email: name + "@example.com", GivenName: "Learner", Surname: name}
}

// TestTokenSourceErrorsDoNotCarryTheToken: a failing token source is
// reported without any token that the attempt before it sent.
func TestTokenSourceErrorsDoNotCarryTheToken(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, r.Header.Get("Authorization"))
	}))
	t.Cleanup(srv.Close)
	ts := &flakySource{}
	sink := &textSink{}
	c, err := gototraining.NewClient(gototraining.WithBaseURL(srv.URL), gototraining.WithTokenSource(ts),
		gototraining.WithRetry(gototraining.RetryPolicy{MaxAttempts: 3, MinBackoff: 1, MaxBackoff: 2}),
		gototraining.WithLogger(sink.logger("flaky source")))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Trainings.Get(t.Context(), 1, 2)
	if err == nil || !strings.Contains(err.Error(), "getting an access token") {
		t.Errorf("got %v, want the token source's failure", err)
	}
	sink.addError("Get", err)
	sink.assertNoSecret(t)
}

// flakySource gives the token once, then fails.
type flakySource struct {
	mu sync.Mutex
	n  int
}

func (f *flakySource) Token() (*oauth2.Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	if f.n == 1 {
		return &oauth2.Token{AccessToken: secretToken}, nil
	}
	return nil, errors.New("refresh failed")
}

// TestEchoedTokenIsRedactedAcrossReads: the token is replaced however the
// body arrives, split anywhere across two writes, at the start, at the end,
// twice in a row, beyond the first buffer.
func TestEchoedTokenIsRedactedAcrossReads(t *testing.T) {
	t.Parallel()
	type answer struct{ parts []string }
	var cases []answer
	for _, pad := range []int{0, 1, 511, 4090, 9000} {
		p := strings.Repeat("p", pad)
		for split := 1; split < len(secretToken); split++ {
			cases = append(cases, answer{[]string{p + secretToken[:split], secretToken[split:] + "q"}})
		}
		cases = append(cases,
			answer{[]string{p + secretToken}},
			answer{[]string{secretToken + p}},
			answer{[]string{p + secretToken + secretToken, p}},
			answer{[]string{p + secretToken[:5], secretToken[5:9], secretToken[9:] + secretToken[:1], secretToken[1:]}},
		)
	}
	// The answer must be a URL (StartURL checks it); the token goes in its query.
	const startURLPrefix = "https://global.gototraining.com/start?t="
	var next atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		c := cases[next.Add(1)-1]
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `"`+startURLPrefix)
		for _, part := range c.parts {
			_, _ = io.WriteString(w, part)
			_ = http.NewResponseController(w).Flush()
			time.Sleep(100 * time.Microsecond) // let the client read what came so far
		}
		_, _ = io.WriteString(w, `"`)
	}))
	t.Cleanup(srv.Close)
	c, err := gototraining.NewClient(gototraining.WithBaseURL(srv.URL), gototraining.WithAccessToken(secretToken))
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range cases {
		got, err := c.Trainings.StartURL(t.Context(), 1, 2)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		want := startURLPrefix + strings.ReplaceAll(strings.Join(tc.parts, ""), secretToken, "[REDACTED]")
		if got != want {
			t.Fatalf("case %d (%d bytes in %d writes):\n got %.120q\nwant %.120q", i, len(want), len(tc.parts), got, want)
		}
	}
}
