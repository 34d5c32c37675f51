package gototraining

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/time/rate"
)

// DefaultBaseURL is GoToTraining's production API.
const DefaultBaseURL = "https://api.getgo.com/G2T/rest"

// Option configures a Client. Options are checked by NewClient, which fails
// with a descriptive error rather than building a client that cannot work.
type Option func(*config) error

// Limiter paces requests. *rate.Limiter from golang.org/x/time/rate satisfies
// it; so can a limiter backed by a shared store, for many processes that
// share one GoTo account's rate limit.
type Limiter interface {
	Wait(ctx context.Context) error
}

type config struct {
	tokenSource   oauth2.TokenSource
	staticToken   bool
	baseURL       *url.URL
	allowHTTP     bool
	httpClient    *http.Client
	userAgent     string
	retry         RetryPolicy
	limiter       Limiter
	limiterBy     string // the option that set limiter, to refuse a second
	logger        *slog.Logger
	reconcile     bool
	listLimit     int64
	sleep         func(context.Context, time.Duration) error // injected by tests
	now           func() time.Time                           // injected by tests
	sawBaseURL    string
	sawTokenTwice bool
	rootCAs       *x509.CertPool // tests only: see withRootCAs
}

// WithAccessToken authenticates every request with a fixed OAuth access token.
// White space around it, such as the newline at the end of a token file, is
// trimmed; any other character that cannot travel in an HTTP header is an
// error. GoTo's tokens live 60 minutes; long-running programs should use
// WithTokenSource with a refreshing source instead.
func WithAccessToken(token string) Option {
	return func(c *config) error {
		token = strings.TrimSpace(token)
		if token == "" {
			return errors.New("gototraining: WithAccessToken: the token is empty")
		}
		if err := checkTokenText(token); err != nil {
			return fmt.Errorf("gototraining: WithAccessToken: %w", err)
		}
		if c.tokenSource != nil {
			c.sawTokenTwice = true
		}
		c.tokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"})
		c.staticToken = true
		return nil
	}
}

// WithTokenSource authenticates every request with a token from ts, for
// example the refreshing source of an oauth2.Config (see Endpoint). The
// source is asked for a token on every attempt, so wrap it with
// oauth2.ReuseTokenSource if it is expensive. When ts is a
// RenewableTokenSource (StoredTokenSource, RefreshingTokenSource,
// PersonalAccessTokenSource), a call GoTo refuses for its token is repeated
// once with a new one; with any other source it is returned as
// ErrUnauthorized.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if ts == nil {
			return errors.New("gototraining: WithTokenSource: the token source is nil")
		}
		if c.tokenSource != nil {
			c.sawTokenTwice = true
		}
		c.tokenSource = ts
		c.staticToken = false
		return nil
	}
}

// WithBaseURL sets the API's base URL (default DefaultBaseURL). It must be
// https, unless its host is a loopback address (a local fake server) or
// WithInsecureHTTP is also given.
func WithBaseURL(raw string) Option {
	return func(c *config) error {
		c.sawBaseURL = raw
		u, err := url.Parse(raw)
		if err != nil {
			return fmt.Errorf("gototraining: WithBaseURL: %w", err)
		}
		switch {
		case u.Scheme != "https" && u.Scheme != "http":
			return fmt.Errorf("gototraining: WithBaseURL %q: the scheme must be https", raw)
		case u.Host == "":
			return fmt.Errorf("gototraining: WithBaseURL %q: no host", raw)
		case u.User != nil:
			return errors.New("gototraining: WithBaseURL: credentials in the URL are not allowed; use WithAccessToken")
		case u.RawQuery != "" || u.Fragment != "":
			return fmt.Errorf("gototraining: WithBaseURL %q: a query or fragment is not allowed", raw)
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		u.RawPath = ""
		c.baseURL = u
		return nil
	}
}

// WithInsecureHTTP allows a plain-http base URL on a non-loopback host. The
// access token then crosses the network in clear text: use it only inside a
// trusted network, for example towards a test server in a container.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.allowHTTP = true
		return nil
	}
}

// WithHTTPClient makes the client send through a copy of hc: its Transport,
// Timeout and Jar are used; hc itself is never changed. Redirects are not
// followed by API calls (see Recordings.DownloadURL). Without it, the client
// uses a transport tuned for concurrent calls (see
// DefaultMaxIdleConnsPerHost); give hc's Transport as many idle
// connections per host (MaxIdleConnsPerHost) as the calls you run at once:
// a hc with no Transport sends through http.DefaultTransport, which keeps 2.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("gototraining: WithHTTPClient: the client is nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent puts product (for example "lms-sync/1.4") in front of this
// library's own User-Agent. Control characters (line breaks, NUL, ...) are
// refused: they cannot travel in an HTTP header.
func WithUserAgent(product string) Option {
	return func(c *config) error {
		product = strings.TrimSpace(product)
		if i := strings.IndexFunc(product, isControl); i >= 0 {
			return fmt.Errorf("gototraining: WithUserAgent: control character %q at byte %d is not allowed in a header", product[i], i)
		}
		c.userAgent = product
		return nil
	}
}

// isControl reports the characters that no HTTP header value may hold.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// checkTokenText refuses an access token that cannot be sent as a Bearer
// credential. OAuth tokens are visible ASCII (RFC 6750's b64token); anything
// else would fail in the transport on every attempt, so it is refused up
// front. The error names the position, never the token.
func checkTokenText(tok string) error {
	for i := range len(tok) {
		if b := tok[i]; b <= 0x20 || b >= 0x7f {
			return fmt.Errorf("the access token has a character not allowed in an HTTP header (byte %d of %d, 0x%02x)", i, len(tok), b)
		}
	}
	return nil
}

// WithRetry sets how failed calls are retried (see RetryPolicy).
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithRateLimiter paces every attempt (retries included) through l. It and
// WithRateLimit set the same limiter: NewClient refuses a second of either,
// rather than let the last one silently win.
func WithRateLimiter(l Limiter) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("gototraining: WithRateLimiter: the limiter is nil")
		}
		return c.setLimiter("WithRateLimiter", l)
	}
}

// setLimiter sets the limiter once: two limiting options in one NewClient
// are a mistake, and which of them should win cannot be guessed.
func (c *config) setLimiter(by string, l Limiter) error {
	if c.limiterBy != "" {
		return fmt.Errorf("gototraining: %s: the rate limit is already set by %s; give one of them", by, c.limiterBy)
	}
	c.limiter, c.limiterBy = l, by
	return nil
}

// WithRateLimit paces requests evenly, one every 1/perSecond seconds, with no
// bursts: GoTo counts requests per second, and a burst at the end of one
// second followed by one at the start of the next would break its limit.
// GoTo's documented default limit is 10 requests per second per API; one
// process that owns the account can use WithRateLimit(10). It may not be
// combined with WithRateLimiter (see there).
func WithRateLimit(perSecond int) Option {
	return func(c *config) error {
		if perSecond <= 0 {
			return fmt.Errorf("gototraining: WithRateLimit(%d): the rate must be positive", perSecond)
		}
		return c.setLimiter("WithRateLimit", rate.NewLimiter(rate.Limit(perSecond), 1))
	}
}

// WithLogger logs one line per attempt (operation, method, path, status,
// attempt, duration; at Debug, or Warn before a retry). The access token is
// never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("gototraining: WithLogger: the logger is nil")
		}
		c.logger = l
		return nil
	}
}

// WithRegistrationReconciliation makes Registrants.Register look the
// registrant up when the outcome of its call is unknown (the request may
// have reached GoTo but no answer came back) or when GoTo's success answer
// could not be read. Email addresses are unique
// within a training, so a registrant with the same email proves the call
// went through, and Register returns it instead of ErrOutcomeUnknown. If the
// registrant is not there, Register returns ErrOutcomeUnknown as before:
// GoTo's registrant cache may lag, so absence is not proof.
func WithRegistrationReconciliation() Option {
	return func(c *config) error {
		c.reconcile = true
		return nil
	}
}

// DefaultListLimit is how much decoded data one List call may hold: 128 MiB.
// 100,000 realistic registrants take about 55 MiB, far more than a training
// has (GoTo plans seat hundreds to a few thousand), while a hostile answer of
// empty elements, which decode to far more memory than their bytes, stops
// there rather than at the process's limit.
const DefaultListLimit = 128 << 20

// WithListLimit sets how many bytes of decoded data a List call may hold
// (default DefaultListLimit): each element counts its JSON bytes, its own
// size and its nested lists. Past it, List returns a *ListTooLongError
// (ErrListTooLong). All is not limited: it holds one element at a time.
func WithListLimit(bytes int64) Option {
	return func(c *config) error {
		if bytes <= 0 {
			return fmt.Errorf("gototraining: WithListLimit(%d): the limit must be positive", bytes)
		}
		c.listLimit = bytes
		return nil
	}
}

func (c *config) finish() error {
	if c.sawTokenTwice {
		return errors.New("gototraining: give one of WithAccessToken or WithTokenSource, not both")
	}
	if c.tokenSource == nil {
		return errors.New("gototraining: no credentials: give WithAccessToken or WithTokenSource")
	}
	if c.baseURL == nil {
		u, _ := url.Parse(DefaultBaseURL)
		c.baseURL = u
	}
	if c.baseURL.Scheme == "http" && !c.allowHTTP && !isLoopback(c.baseURL.Hostname()) {
		return fmt.Errorf("gototraining: WithBaseURL %q: plain http would send the token in clear text; use https, a loopback host, or WithInsecureHTTP", c.sawBaseURL)
	}
	if c.listLimit == 0 {
		c.listLimit = DefaultListLimit
	}
	if c.retry == (RetryPolicy{}) {
		c.retry = DefaultRetryPolicy()
	}
	if c.sleep == nil {
		c.sleep = sleepContext
	}
	if c.now == nil {
		c.now = time.Now
	}
	return nil
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
