package gototraining

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// testToken is distinctive so that a leak is easy to grep for.
const testToken = "tok-SECRET-7f3a9c-do-not-leak"

// Keys above 2^53, as GoTo's are.
const (
	orgKey      OrganizerKey  = 8439885694023994630
	trainingKey TrainingKey   = 8178251407424893697
	regKey      RegistrantKey = 5646167387902096129
	maxKey      TrainingKey   = 9223372036854775807
)

// sleeps records the waits the retry loop asked for, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// withSleep replaces the retry loop's sleep; tests then run in microseconds.
func withSleep(f func(context.Context, time.Duration) error) Option {
	return func(c *config) error {
		c.sleep = f
		return nil
	}
}

func withNow(now func() time.Time) Option {
	return func(c *config) error {
		c.now = now
		return nil
	}
}

// newClient makes a client for base with the test token and no real sleeping.
func newClient(t testing.TB, base string, opts ...Option) (*Client, *sleeps) {
	t.Helper()
	s := &sleeps{}
	all := append([]Option{WithAccessToken(testToken), WithBaseURL(base), withSleep(s.sleep)}, opts...)
	c, err := NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, s
}

// counter is a handler that counts what it received and answers with the
// next of its responses (the last one repeats).
type counter struct {
	n       atomic.Int64
	answers []func(w http.ResponseWriter, r *http.Request)
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := int(c.n.Add(1)) - 1
	if i >= len(c.answers) {
		i = len(c.answers) - 1
	}
	c.answers[i](w, r)
}

func answer(status int, contentType, body string, headers ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func serve(t testing.TB, answers ...func(http.ResponseWriter, *http.Request)) (*httptest.Server, *counter) {
	t.Helper()
	c := &counter{answers: answers}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return srv, c
}

const trainingJSON = `{"trainingKey":"8178251407424893697","name":"Intro","description":"d","timeZone":"America/New_York",
"times":[{"startDate":"2026-03-26T15:00:00Z","endDate":"2026-03-26T23:00:00Z"}],
"organizers":[{"organizerKey":"8439885694023994630","email":"c@example.com","givenName":"C","surname":"W"}],
"registrationSettings":{"disableConfirmationEmail":false,"disableWebRegistration":true},"trainingId":"264712031"}`

// newDecoder reads data as the client reads an answer (wiredecode.go).
func newDecoder(data []byte) *jsontext.Decoder {
	return jsontext.NewDecoder(bytes.NewReader(data), decodeOptions...)
}

func fakeResponse(status int, body []byte) *http.Response {
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "https://api.example.com/G2T/rest/x?q=1", nil)
	return &http.Response{
		StatusCode: status,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(body)),
		Request:    req,
	}
}
