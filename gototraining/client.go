package gototraining

import (
	"fmt"
	"net/http"

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
	var streams http.RoundTripper // All's streams; nil: through rt too
	switch {
	case cfg.rootCAs != nil:
		own := newSDKTransports(cfg.rootCAs)
		rt, streams = own.calls, own.streams
	case cfg.httpClient == nil:
		// Not http.DefaultTransport: it keeps 2 idle connections per host,
		// too few for concurrent callers (see DefaultMaxIdleConnsPerHost
		// and DefaultMaxConnsPerHost).
		own := sdkTransport()
		rt, streams = own.calls, own.streams
	case rt == nil:
		rt = http.DefaultTransport // what the caller's client would use
	}
	tr := newTransport(rt, cfg)
	tr.streams = streams
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
