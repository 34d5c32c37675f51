package gototrainingtest

import (
	"fmt"
	"log/slog"
	"os"
	"time"
)

// DefaultToken is the access token a Fake accepts unless [WithToken] sets
// another one. Send it as "Authorization: Bearer fake-token".
const DefaultToken = "fake-token"

// Option configures a [Fake] (and so a [Server]).
type Option func(*config)

type config struct {
	token              string
	rateLimit          int
	onViolation        func(error)
	onRequestViolation func(error)
	logger             *slog.Logger
	seed               *[2]uint64
	now                func() time.Time
	downloadURL        string
	quirks             bool
	auth               bool
	rotation           Rotation
}

func defaultConfig() config {
	return config{
		token: DefaultToken,
		onViolation: func(err error) {
			fmt.Fprintf(os.Stderr, "gototrainingtest: the fake's response violates the spec: %v\n", err)
		},
	}
}

// WithToken sets the one access token the fake accepts (default
// [DefaultToken]). Any other bearer token is answered 403 InvalidToken, as
// GoTo does.
func WithToken(token string) Option {
	return func(c *config) { c.token = token }
}

// WithRateLimit makes the fake answer 429 (with "Retry-After: 1" and a JSON
// Error body) to every request past perSecond requests in one second, counted
// per Authorization header value. GoTo's documented default is 10. Zero or
// less turns the limit off (the default).
func WithRateLimit(perSecond int) Option {
	return func(c *config) { c.rateLimit = perSecond }
}

// WithViolationHandler sets what happens when a response of the fake itself
// (status, headers or body) violates api/openapi.yaml. The default prints the
// violation on stderr; [NewServer] makes it fail the test. Injected faults are
// never checked.
func WithViolationHandler(h func(error)) Option {
	return func(c *config) { c.onViolation = h }
}

// WithRequestViolationHandler sets a function called with the validation
// error of every request that violates the spec (and is answered 400, 401 or
// 403). By default nothing is called: error-path tests send such requests on
// purpose. Set it to t.Errorf-like code to prove a client never sends an
// invalid request.
func WithRequestViolationHandler(h func(error)) Option {
	return func(c *config) { c.onRequestViolation = h }
}

// WithLogger makes the fake log one line per request (method, path,
// operation, status, duration). The access token is never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithSeed makes the generated keys, training IDs and URL tokens of the fake
// reproducible (the default seed is random). Useful for examples whose output
// shows keys.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.seed = &[2]uint64{seed, seed ^ 0x9e3779b97f4a7c15} }
}

// WithClock sets the clock that dates registrations and recordings and, with
// [WithAuthServer], issues and expires tokens (default time.Now). Rate
// limiting and latency always use the real clock.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithDownloadURL sets the base URL of the storage origin that recording
// downloads redirect to, for programs that serve [Fake.StorageHandler] on an
// origin of their own. [Start] and [NewServer] set it. Without it, downloads
// redirect to /_storage on the API's own origin, which ServeHTTP also serves.
func WithDownloadURL(base string) Option {
	return func(c *config) { c.downloadURL = base }
}
