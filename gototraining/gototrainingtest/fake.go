package gototrainingtest

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "time/tzdata" // time zones are checked by name, whatever the host has installed

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// The organizer every Fake starts with (besides a random key).
const (
	SeedOrganizerEmail     = "c.waters@example.com"
	SeedOrganizerGivenName = "Charley"
	SeedOrganizerSurname   = "Waters"
)

// maxBody caps what the fake reads of a request body.
const maxBody = 1 << 20

// Fake is an in-memory GoToTraining API. It is an http.Handler that serves
// the API paths at its root: its base URL is the server's URL, without the
// /G2T/rest prefix of the real API. It validates every request and every
// response of its own against api/openapi.yaml. All methods are safe for
// concurrent use.
type Fake struct {
	spec    *spec
	cfg     config
	reqOpts *openapi3filter.Options

	mu           sync.Mutex
	rng          *rand.Rand
	used         map[int64]bool
	accountKey   int64
	organizerKey int64
	organizers   []*organizer
	trainings    map[int64]*training
	order        []*training // creation order
	sessions     map[int64]*session
	sessionOrder []*session
	recordings   map[int64]*recording
	calls        map[string]int
	faults       map[string][]Fault
	latency      time.Duration
	windows      map[string]*rateWindow
	downloads    []http.Header
	auth         *authState // nil unless WithAuthServer
}

// New returns a Fake with one account and one organizer (see
// [SeedOrganizerEmail]) and no trainings. The spec is loaded and checked once
// per process.
func New(opts ...Option) (*Fake, error) {
	s, err := loadSpec()
	if err != nil {
		return nil, err
	}
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.token == "" {
		return nil, errors.New("gototrainingtest: the access token must not be empty")
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.onViolation == nil {
		cfg.onViolation = func(error) {}
	}
	seed := cfg.seed
	if seed == nil {
		seed = &[2]uint64{rand.Uint64(), rand.Uint64()}
	}
	f := &Fake{
		spec:       s,
		cfg:        cfg,
		rng:        rand.New(rand.NewPCG(seed[0], seed[1])),
		used:       map[int64]bool{},
		trainings:  map[int64]*training{},
		sessions:   map[int64]*session{},
		recordings: map[int64]*recording{},
		calls:      map[string]int{},
		faults:     map[string][]Fault{},
		windows:    map[string]*rateWindow{},
	}
	if cfg.auth {
		f.auth = newAuthState()
	}
	f.reqOpts = f.requestOptions()
	f.accountKey = f.newKey()
	f.organizerKey = f.newKey()
	f.organizers = []*organizer{{key: f.organizerKey, email: SeedOrganizerEmail, givenName: SeedOrganizerGivenName, surname: SeedOrganizerSurname}}
	return f, nil
}

// Token returns the one access token the fake accepts, unless
// [WithAuthServer] is on: then only issued tokens are (see [Fake.IssueToken]).
func (f *Fake) Token() string { return f.cfg.token }

// AccountKey returns the key of the fake's (multi-user) account.
func (f *Fake) AccountKey() int64 { return f.accountKey }

// OrganizerKey returns the key of the seeded organizer.
func (f *Fake) OrganizerKey() int64 { return f.organizerKey }

// AddOrganizer adds an organizer to the account, for example to make a
// co-organizer, and returns its key.
func (f *Fake) AddOrganizer(email, givenName, surname string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := f.newKey()
	f.organizers = append(f.organizers, &organizer{key: k, email: email, givenName: givenName, surname: surname})
	return k
}

func (f *Fake) organizer(key int64) *organizer {
	for _, o := range f.organizers {
		if o.key == key {
			return o
		}
	}
	return nil
}

func (f *Fake) tokenOK(token string) bool {
	if f.auth != nil {
		return f.accessTokenOK(token)
	}
	return subtle.ConstantTimeCompare([]byte(token), []byte(f.cfg.token)) == 1
}

// ServeHTTP serves every operation of api/openapi.yaml at the root, and the storage
// origin of recording downloads under /_storage, and, with [WithAuthServer],
// the authorization server at /oauth/token and /oauth/authorize.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, storagePrefix); ok && strings.HasPrefix(rest, "/") {
		f.serveStorage(w, r, rest)
		return
	}
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	defer f.logRequest(r, sw, start)
	if f.serveAuth(sw, r) {
		return
	}

	route, params, err := f.spec.route(r)
	if err != nil {
		if allow := f.allowed(r); len(allow) > 0 {
			resp := errorResponse(http.StatusMethodNotAllowed, errorOut{ErrorCode: "METHOD_NOT_ALLOWED", Message: r.Method + " is not allowed here"})
			resp.header.Set("Allow", strings.Join(allow, ", "))
			writeResponse(sw, resp)
			return
		}
		writeResponse(sw, errorResponse(http.StatusNotFound, errorOut{ErrorCode: "NOT_FOUND", Message: "no such API path"}))
		return
	}
	sw.op = route.Operation.OperationID
	f.serveOperation(sw, r, sw.op, route, params)
}

// allowed lists the methods the spec has for the path of r (the legacy
// router reports a wrong method as an unknown path).
func (f *Fake) allowed(r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := &http.Request{Method: m, URL: r.URL, Header: http.Header{}, Host: r.Host}
		if _, _, err := f.spec.route(probe); err == nil {
			out = append(out, m)
		}
	}
	return out
}

func (f *Fake) serveOperation(w http.ResponseWriter, r *http.Request, op string, route *routers.Route, params map[string]string) {
	// Read the body first: until it is read, net/http does not notice a
	// client that goes away, and a latency would outlive it.
	if r.Body == nil {
		r.Body = http.NoBody
	}
	body, readErr := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }

	fault, ok := f.begin(r.Context(), op)
	if !ok || (fault != nil && !sleep(r.Context(), fault.Latency)) {
		return // the client went away during the latency
	}
	if fault != nil && fault.Status != 0 {
		f.answerFault(w, r, fault)
		return
	}

	in := newInput(f, r, route, params)
	var resp response
	if f.rateLimited(r.Header.Get("Authorization")) {
		resp = errorResponse(http.StatusTooManyRequests, errorOut{ErrorCode: "TooManyRequests", Description: "Rate limit exceeded"})
		resp.header.Set("Retry-After", "1")
	} else {
		resp = f.handle(r, op, in, params, body, readErr)
	}
	f.checkResponse(r, op, in, resp)
	resp = f.applyQuirks(op, resp) // after the check: the model answers per spec, the quirks are a layer on top
	f.finish(w, r, resp, fault, f.spec.success[op])
}

func newInput(f *Fake, r *http.Request, route *routers.Route, params map[string]string) *openapi3filter.RequestValidationInput {
	return &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: f.reqOpts}
}

// begin counts the call and takes the next queued fault of op; it then waits
// the latency set by SetLatency. It reports false when the request's context
// ended during the wait.
func (f *Fake) begin(ctx context.Context, op string) (*Fault, bool) {
	f.mu.Lock()
	f.calls[op]++
	latency := f.latency
	var fault *Fault
	if q := f.faults[op]; len(q) > 0 {
		fault = &q[0]
		if len(q) == 1 {
			delete(f.faults, op)
		} else {
			f.faults[op] = q[1:]
		}
	}
	f.mu.Unlock()
	return fault, sleep(ctx, latency)
}

// handle validates the request and answers it from the model.
func (f *Fake) handle(r *http.Request, op string, in *openapi3filter.RequestValidationInput, params map[string]string, body []byte, readErr error) response {
	if readErr != nil {
		return badRequest("request body: " + readError(readErr))
	}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		if f.cfg.onRequestViolation != nil {
			f.cfg.onRequestViolation(fmt.Errorf("%s %s (%s): %w", r.Method, r.URL.Path, op, err))
		}
		switch {
		case errors.Is(err, errMissingToken):
			return errorResponse(http.StatusUnauthorized, missingTokenBody)
		case errors.Is(err, errInvalidToken):
			return errorResponse(http.StatusForbidden, invalidTokenBody)
		default:
			return badRequest(describeRequestError(err))
		}
	}
	c := &call{r: r, body: body, keys: map[string]int64{}}
	for name, v := range params {
		k, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return badRequest(fmt.Sprintf("path parameter %q: %q is not a 64-bit key", name, v))
		}
		c.keys[name] = k
	}
	h := handlers[op].serve
	if h == nil { // every operation of the spec has a handler; a test proves it
		return errorResponse(http.StatusNotImplemented, errorOut{ErrorCode: "NotImplemented", Description: op})
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return h(f, c)
}

func readError(err error) string {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fmt.Sprintf("larger than %d bytes", mbe.Limit)
	}
	return "could not be read"
}

// checkResponse validates the fake's own answer and reports a violation.
func (f *Fake) checkResponse(r *http.Request, op string, in *openapi3filter.RequestValidationInput, resp response) {
	err := openapi3filter.ValidateResponse(r.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 resp.status,
		Header:                 resp.header,
		Body:                   io.NopCloser(bytes.NewReader(resp.body)),
		Options:                responseOptions(),
	})
	if err != nil {
		f.cfg.onViolation(fmt.Errorf("%s %s (%s) answered %d: %w", r.Method, r.URL.Path, op, resp.status, err))
	}
}

// call is one validated request, as the handlers see it.
type call struct {
	r    *http.Request
	body []byte
	keys map[string]int64
}

func (c *call) key(name string) int64 { return c.keys[name] }

// writeResponse sends resp as is.
func writeResponse(w http.ResponseWriter, resp response) {
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	if len(resp.body) > 0 || resp.status == http.StatusOK || resp.status == http.StatusCreated {
		h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	}
	w.WriteHeader(resp.status)
	if len(resp.body) > 0 {
		_, _ = w.Write(resp.body)
	}
}

// sleep waits d or until ctx ends, and reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
