package gototraining

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/gototraining-go/gototraining/gen"
)

// Client is a GoToTraining API client. It is safe for concurrent use and
// cannot be changed after NewClient; make another for other settings.
type Client struct {
	// One service per resource of the API.
	Organizers  *OrganizersService
	Trainings   *TrainingsService
	Registrants *RegistrantsService
	Reports     *ReportsService
	Recordings  *RecordingsService

	cfg      *config
	tr       *transport
	api      *http.Client // the policy chain; never follows redirects
	download *http.Client // the caller's client as given: no token, follows redirects
	gen      *gen.Client

	// bulkLimiter paces RegisterAll when the client has no limiter: one
	// for all the runs of the client (see DefaultBulkInterval).
	bulkLimiter Limiter
}

type service struct{ c *Client }

// OrganizersService reads the organizers of an account.
type OrganizersService service

// TrainingsService schedules, reads, changes and cancels trainings.
type TrainingsService service

// RegistrantsService registers learners and reads and cancels registrations.
type RegistrantsService service

// ReportsService reads completed sessions and their attendance.
type ReportsService service

// RecordingsService lists and downloads online recordings.
type RecordingsService service

// NewClient returns a client configured by opts. Credentials are required
// (WithAccessToken or WithTokenSource); everything else has a default.
func NewClient(opts ...Option) (*Client, error) {
	cfg := &config{}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(cfg); err != nil {
			return nil, err
		}
	}
	if err := cfg.finish(); err != nil {
		return nil, err
	}

	base := &http.Client{}
	if cfg.httpClient != nil {
		copied := *cfg.httpClient // never mutate the caller's client
		base = &copied
	}
	rt := base.Transport
	switch {
	case cfg.rootCAs != nil:
		rt = newSDKTransport(cfg.rootCAs)
	case cfg.httpClient == nil:
		// Not http.DefaultTransport: it keeps 2 idle connections per host,
		// too few for concurrent callers (see DefaultMaxIdleConnsPerHost).
		rt = sdkTransport()
	case rt == nil:
		rt = http.DefaultTransport // what the caller's client would use
	}
	tr := newTransport(rt, cfg)
	api := *base
	api.Transport = tr
	api.CheckRedirect = func(*http.Request, []*http.Request) error {
		// API calls never follow redirects: the only one GoTo sends is the
		// recording download, whose Location is the answer; following any
		// other could carry the token elsewhere.
		return http.ErrUseLastResponse
	}
	g, err := gen.NewClient(cfg.baseURL.String(), gen.WithHTTPClient(&api))
	if err != nil {
		return nil, fmt.Errorf("gototraining: %w", err)
	}
	c := &Client{cfg: cfg, tr: tr, api: &api, download: base, gen: g}
	if cfg.limiter == nil {
		c.bulkLimiter = newPacer(DefaultBulkInterval)
	}
	c.Organizers = &OrganizersService{c}
	c.Trainings = &TrainingsService{c}
	c.Registrants = &RegistrantsService{c}
	c.Reports = &ReportsService{c}
	c.Recordings = &RecordingsService{c}
	return c, nil
}

// Raw returns the generated low-level client, sending through this client's
// authentication, rate limit and retries. It is an escape hatch for what
// this package does not cover; its types are gen's and may change when the
// spec does. GETs, PUTs and DELETEs sent through it are retried as the
// RetryPolicy says; POSTs never are.
func (c *Client) Raw() *gen.Client { return c.gen }

// BaseURL is the API base URL the client sends to.
func (c *Client) BaseURL() string { return c.cfg.baseURL.String() }

// String describes the client without its credentials.
func (c *Client) String() string {
	auth := "token source"
	if c.cfg.staticToken {
		auth = "access token [REDACTED]"
	}
	return fmt.Sprintf("gototraining.Client{BaseURL: %s, Auth: %s, MaxAttempts: %d}", c.cfg.baseURL, auth, c.cfg.retry.MaxAttempts)
}

// GoString is String, so that %#v does not print the token either.
func (c *Client) GoString() string { return c.String() }

// apiError reads at most maxErrorBody of a failed answer and closes it.
func (c *Client) apiError(op *operation, resp *http.Response) error {
	defer drainAndClose(resp.Body)
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &APIError{
		StatusCode: resp.StatusCode,
		Operation:  op.id,
		Method:     resp.Request.Method,
		URL:        sanitizeURL(resp.Request.URL),
	}
	var w wireError
	if json.Unmarshal(body, &w) == nil {
		e.IntErrCode, e.Msg = c.tr.redact(w.IntErrCode), c.tr.redact(w.Msg)
		e.ErrorCode, e.Description = c.tr.redact(w.ErrorCode), c.tr.redact(w.Description)
		if e.Description == "" {
			e.Description = c.tr.redact(w.Message)
		}
		e.Incident = c.tr.redact(w.Incident)
	}
	kept := c.tr.redact(string(body)) // before the cut, which could halve a token
	if len(kept) > keptErrorBody {
		kept = kept[:keptErrorBody]
	}
	e.Body = []byte(kept)
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.now()); ok {
		e.RetryAfter = d
	}
	if op.retry == retryNever && maybeActed(resp.StatusCode) {
		e.outcomeUnknown = true
	}
	return e
}

// maybeActed reports the answers to a creating call that do not prove GoTo
// did nothing: a gateway's 502 or 504 (it gave up waiting; GoTo may have
// finished), and 500, an unexpected failure that may have come after the
// write (GoTo documents no 5xx at all, so nothing says otherwise). 503 and
// 429 say the request was not taken on; every 4xx says it was refused.
func maybeActed(status int) bool {
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// sanitizeURL keeps scheme, host and path: no user info, query or fragment.
func sanitizeURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	clean := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	return clean.String()
}

// maxObjectBody caps a single-object answer; lists are streamed instead.
const maxObjectBody = 16 << 20

// decode reads a single JSON value answer into v, at most maxObjectBody of
// it, and closes the body. It decodes as it reads, with a pooled decoder
// (wiredecode.go), rather than reading the answer into a slice first.
func (c *Client) decode(op *operation, resp *http.Response, v any) error {
	defer drainAndClose(resp.Body)
	if err := decodeAnswer(resp.Body, v); err != nil {
		return &DecodeError{StatusCode: resp.StatusCode, Operation: op.id, Err: err}
	}
	return nil
}

// read reads a single-value answer, at most maxObjectBody, and closes it.
func (c *Client) read(op *operation, resp *http.Response) ([]byte, error) {
	defer drainAndClose(resp.Body)
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxObjectBody+1))
	if err == nil && len(data) > maxObjectBody {
		err = fmt.Errorf("the answer is larger than %d bytes", maxObjectBody)
	}
	if err != nil {
		return nil, &DecodeError{StatusCode: resp.StatusCode, Operation: op.id, Err: err}
	}
	return data, nil
}

// noContent finishes a call whose answer has no body of interest.
func noContent(resp *http.Response) {
	drainAndClose(resp.Body)
}

// invalid builds a ValidationError; nothing has been sent when it is returned.
func invalid(op *operation, field, problem string) error {
	return &ValidationError{Operation: op.id, Field: field, Problem: problem}
}
