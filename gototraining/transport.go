package gototraining

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// operation describes one API operation: its name for errors and logs, when
// repeating it is safe, and the status of its documented success.
type operation struct {
	id    string
	retry retryClass
	want  int // another code of the same class is accepted too (see call)
}

// retryClass says when an operation may be sent again.
type retryClass int

const (
	// retryNever: creating calls, with no idempotency key. A repeat would
	// make a second training or registration.
	retryNever retryClass = iota
	// retryUnhandled: calls that are idempotent in data but email people
	// (new times, new co-organizers). They are repeated only when GoTo
	// provably did not act: the request was never written, or the answer
	// was 429 or 503. A repeat after a lost answer would email everyone twice.
	retryUnhandled
	// retryAlways: reads, plain updates and deletes.
	retryAlways
)

// callState is what one call of the client shares with the transport: the
// operation, and what the attempts learned about whether GoTo may have acted.
type callState struct {
	op *operation
	// writes counts the requests written to a connection, net/http's own
	// replays included; wrote is writes > 0, kept for after the call.
	writes atomic.Int32
	wrote  atomic.Bool
	// maybeHandled: some attempt was written and then failed without a
	// definite answer (a broken connection, 502 or 504), so GoTo may have
	// acted on it.
	maybeHandled atomic.Bool
}

type callStateKey struct{}

func withCallState(ctx context.Context, st *callState) context.Context {
	return context.WithValue(ctx, callStateKey{}, st)
}

// callStateFrom returns the state of a request's call. Requests sent through
// Raw() carry none; their retries then follow the HTTP method: never POST.
func callStateFrom(r *http.Request) *callState {
	if st, ok := r.Context().Value(callStateKey{}).(*callState); ok {
		return st
	}
	op := &operation{id: r.Method + " " + r.URL.Path}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		op.retry = retryAlways
	}
	return &callState{op: op}
}

// transport is the policy chain of the client, one RoundTripper doing, per
// attempt: rate limiting, authentication, User-Agent, then retries around
// it all. The caller's request is never changed; each attempt is a clone.
type transport struct {
	base http.RoundTripper
	cfg  *config
	ua   string

	// lastToken is the last access token sent, kept so that error text
	// coming from the server can be scrubbed of it (see redact).
	lastToken atomic.Pointer[string]

	// fetching is the token source's call in flight, if any (see token).
	fetchMu  sync.Mutex
	fetching *tokenFetch
}

var userAgent = sync.OnceValue(func() string {
	v := "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/gototraining-go/gototraining" {
				v = dep.Version
			}
		}
	}
	return "gototraining-go/" + v
})

func newTransport(base http.RoundTripper, cfg *config) *transport {
	ua := userAgent()
	if cfg.userAgent != "" {
		ua = cfg.userAgent + " " + ua
	}
	return &transport{base: base, cfg: cfg, ua: ua}
}

// RoundTrip runs the attempts and scrubs the token from the error it
// returns: net/http quotes what a server sent in a malformed status or
// header line, and a server that echoes the token there would otherwise
// put it into the caller's error.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.roundTrip(req)
	return resp, t.scrub(err)
}

func (t *transport) roundTrip(req *http.Request) (*http.Response, error) {
	st := callStateFrom(req)
	op := st.op
	ctx := req.Context()
	policy := t.cfg.retry
	attempts := policy.MaxAttempts
	if op.retry == retryNever || (req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
		attempts = 1
	}
	// Every request written to a connection counts as an attempt, also one
	// that net/http sent again by itself (it replays a GET whose reused
	// keep-alive connection broke), so that MaxAttempts is how often the
	// server may see the call. The count also tells "not sent" from "maybe
	// acted on". One trace serves all the attempts of the call.
	actx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { st.writes.Add(1) },
	})
	used := 0
	renewed := false // the call was repeated once with a new token
	refused := ""    // the access token GoTo refused, never to be sent again
	for attempt := 1; ; attempt++ {
		r := req.Clone(actx)
		if attempt > 1 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("gototraining: %s: rewinding the body for a retry: %w", op.id, err)
			}
			r.Body = body
		}
		before := st.writes.Load()
		resp, final, err := t.attempt(r, op, attempt, refused)
		if rs, ok := t.renewable(req); ok && err == nil && !renewed && tokenRefused(resp) {
			// GoTo refused the token before acting: drop it, and repeat
			// the call once with a new one, outside the retry budget and
			// for creating calls too. Callers refused with the same token
			// cause one token request between them (see Invalidate and
			// token). A second refusal is returned as it is.
			renewed = true
			drainAndClose(resp.Body)
			refused = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			rs.Invalidate(refused)
			if !st.maybeHandled.Load() {
				st.wrote.Store(false) // a refused request is not one GoTo may have acted on
			}
			t.log(ctx, slog.LevelWarn, "gototraining: access token refused; repeating with a new one", op, r, resp, nil, attempt, 0)
			continue
		}
		writes := int(st.writes.Load() - before)
		used += max(writes, 1)
		written := writes > 0
		if written {
			st.wrote.Store(true)
			if err != nil || resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusGatewayTimeout {
				st.maybeHandled.Store(true)
			}
		}
		if final || used >= attempts || ctx.Err() != nil {
			return resp, err
		}
		wait, retry := t.retryWait(op, resp, err, written, attempt)
		if !retry {
			return resp, err
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			// The wait would outlast the caller: give them what we have now.
			return resp, err
		}
		if resp != nil {
			drainAndClose(resp.Body)
		}
		t.log(ctx, slog.LevelWarn, "gototraining: retrying", op, r, resp, err, attempt, 0, slog.Duration("wait", wait))
		if err := t.cfg.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// renewable returns the token source when a call refused for its token can
// be repeated with a new one: the source can mint one, and the body can be
// sent again.
func (t *transport) renewable(req *http.Request) (RenewableTokenSource, bool) {
	rs, ok := t.cfg.tokenSource.(RenewableTokenSource)
	if !ok || t.cfg.staticToken {
		return nil, false
	}
	return rs, req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// maxTokenErrorPeek is how much of a 403 body is read to find GoTo's
// InvalidToken code; its error bodies are a few dozen bytes.
const maxTokenErrorPeek = 4 << 10

// tokenRefused reports an answer that refuses the access token: 401, or
// 403 with a token error code (see APIError.invalidToken). The part of a
// 403 body read to find out is put back in front of the rest.
func tokenRefused(resp *http.Response) bool {
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		return true
	case http.StatusForbidden:
	default:
		return false
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		return false
	}
	peek, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenErrorPeek))
	resp.Body = &peekedBody{Reader: io.MultiReader(bytes.NewReader(peek), errReader{err}, resp.Body), Closer: resp.Body}
	var w struct {
		IntErrCode string `json:"int_err_code"`
	}
	if json.Unmarshal(peek, &w) != nil {
		return false
	}
	return (&APIError{StatusCode: http.StatusForbidden, IntErrCode: w.IntErrCode}).invalidToken()
}

// peekedBody is a body whose start was read and put back.
type peekedBody struct {
	io.Reader
	io.Closer
}

// errReader hands on the error that cut a peek short, at the place it
// happened; a nil error reads as an empty reader.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

// retryWait decides whether the outcome of an attempt is retried, and after
// how long.
func (t *transport) retryWait(op *operation, resp *http.Response, err error, wrote bool, attempt int) (time.Duration, bool) {
	policy := t.cfg.retry
	if err != nil {
		if op.retry == retryUnhandled && wrote {
			return 0, false // GoTo may have acted and emailed people
		}
		return policy.backoff(attempt), true
	}
	if !retryableStatus(resp.StatusCode) {
		return 0, false
	}
	if op.retry == retryUnhandled && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0, false // a gateway's 502 or 504 does not say GoTo did nothing
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), t.cfg.now()); ok {
		if d > policy.MaxRetryAfter {
			return 0, false // the caller decides whether to wait that long
		}
		return d, true
	}
	return policy.backoff(attempt), true
}

// attempt sends one try: limiter, token, headers, then the base transport.
// final reports an error that a retry cannot mend (the limiter or the token
// source refused), so that it is returned at once.
//
// refused is an access token GoTo refused during this call: if the token
// source still hands it out (a Token call that began before Invalidate),
// it is asked again.
func (t *transport) attempt(r *http.Request, op *operation, attempt int, refused string) (resp *http.Response, final bool, err error) {
	ctx := r.Context()
	fail := func(err error) (*http.Response, bool, error) {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, true, err
	}
	if t.cfg.limiter != nil {
		if err := t.cfg.limiter.Wait(ctx); err != nil {
			if ctx.Err() == nil {
				if _, ok := ctx.Deadline(); ok {
					// rate.Limiter refuses early when the wait would pass the
					// deadline; say so in terms errors.Is understands.
					err = fmt.Errorf("%w (%w)", err, context.DeadlineExceeded)
				}
			}
			return fail(fmt.Errorf("gototraining: %s: waiting for the rate limiter: %w", op.id, err))
		}
	}
	tok, err := t.token(ctx)
	// A fetch that was in flight when the token was invalidated returns
	// it once more; the fetch after it sees the invalidation. Bounded, in
	// case the source keeps handing it out.
	for i := 0; err == nil && refused != "" && tok == refused && i < 2; i++ {
		tok, err = t.token(ctx)
	}
	if err != nil {
		return fail(fmt.Errorf("gototraining: %s: getting an access token: %w", op.id, err))
	}
	if tok == "" {
		return fail(fmt.Errorf("gototraining: %s: the token source returned an empty access token", op.id))
	}
	if p := t.lastToken.Load(); p == nil || *p != tok {
		// Checked once per new token: a token net/http would refuse as a
		// header fails every attempt alike, so it is final.
		if err := checkTokenText(tok); err != nil {
			return fail(fmt.Errorf("gototraining: %s: from the token source: %w", op.id, err))
		}
		latest := tok // a copy per change, not a heap string per call
		t.lastToken.Store(&latest)
	}
	r.Header.Set("Authorization", "Bearer "+tok)
	r.Header.Set("User-Agent", t.ua)
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json")
	}
	start := time.Now()
	resp, err = t.base.RoundTrip(r)
	dropUpgrade(resp)
	if resp != nil && resp.Body != nil && resp.Body != http.NoBody && len(tok) >= minRedactedToken {
		resp.Body = &redactingBody{body: resp.Body, token: []byte(tok), left: resp.ContentLength}
	}
	if t.cfg.logger != nil {
		t.log(ctx, slog.LevelDebug, "gototraining: request", op, r, resp, err, attempt, time.Since(start))
	}
	return resp, false, err
}

// minRedactedToken is the shortest token scrubbed from answer bodies. Real
// GoTo tokens are hundreds of characters; scrubbing a short test token such
// as "abc" would rewrite ordinary data (names, keys) that happens to hold it.
const minRedactedToken = 16

// token asks the token source for an access token without outliving the
// context: oauth2's TokenSource takes none, and a refresh against a slow
// token endpoint would otherwise hold the call past its deadline. At most
// one Token call per client is in flight: callers that come while it runs
// wait for its result, each bounded by its own context, so a stalled token
// endpoint holds one goroutine, not one per attempt. A static token needs
// no such care.
func (t *transport) token(ctx context.Context) (string, error) {
	if t.cfg.staticToken {
		tok, err := t.cfg.tokenSource.Token()
		if err != nil {
			return "", err
		}
		return tok.AccessToken, nil
	}
	t.fetchMu.Lock()
	f := t.fetching
	if f == nil {
		f = &tokenFetch{done: make(chan struct{})}
		t.fetching = f
		go t.fetch(f)
	}
	t.fetchMu.Unlock()
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// tokenFetch is one Token call that any number of callers wait for.
type tokenFetch struct {
	done chan struct{} // closed when tok and err are set
	tok  string
	err  error
}

func (t *transport) fetch(f *tokenFetch) {
	tok, err := t.cfg.tokenSource.Token()
	switch {
	case err != nil:
		f.err = err
	case tok == nil:
		f.err = errors.New("the token source returned no token")
	default:
		f.tok = tok.AccessToken
	}
	t.fetchMu.Lock()
	t.fetching = nil // the next caller asks the source anew
	t.fetchMu.Unlock()
	close(f.done)
}

func (t *transport) log(ctx context.Context, level slog.Level, msg string, op *operation, r *http.Request, resp *http.Response, err error, attempt int, took time.Duration, extra ...slog.Attr) {
	l := t.cfg.logger
	if l == nil || !l.Enabled(ctx, level) {
		return
	}
	attrs := append(make([]slog.Attr, 0, 8+len(extra)),
		slog.String("operation", op.id),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("attempt", attempt),
	)
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if took > 0 {
		attrs = append(attrs, slog.Duration("duration", took))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", t.redact(err.Error())))
	}
	attrs = append(attrs, extra...)
	l.LogAttrs(ctx, level, msg, attrs...)
}

// redact removes the access token from text that may echo it, such as an
// error body written by a misbehaving server.
func (t *transport) redact(s string) string {
	if p := t.lastToken.Load(); p != nil && *p != "" && strings.Contains(s, *p) {
		return strings.ReplaceAll(s, *p, "[REDACTED]")
	}
	return s
}

// scrub returns err, or, when its text holds the access token, an error
// that reads the same with the token replaced and still matches what err
// matches (errors.Is and errors.As look through to err, and Timeout is
// kept for url.Error). Unwrap is left out on purpose, so that printing an
// unwrapped cause cannot show the token either.
func (t *transport) scrub(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if clean := t.redact(msg); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }
func (e *redactedError) As(target any) bool   { return errors.As(e.err, target) }

// Timeout keeps net.Error's answer, which url.Error asks its cause directly.
func (e *redactedError) Timeout() bool {
	var te interface{ Timeout() bool }
	return errors.As(e.err, &te) && te.Timeout()
}

// redactingBody replaces the access token in a response body as it is read.
// A server or proxy that echoes the Authorization header would otherwise put
// the token into what is decoded from the body, and from there into error
// strings (a key or a date-time that does not parse is quoted) and logs.
type redactingBody struct {
	body  io.ReadCloser
	token []byte
	buf   []byte // buf[off:] was read from body and redacted, but not handed out
	off   int
	err   error // body's read error, once seen
	left  int64 // what body has still to deliver, when its length is known; else -1
}

var redactedToken = []byte("[REDACTED]")

func (b *redactingBody) Read(p []byte) (int, error) {
	for {
		// All but a tail that may be the start of a token can go out; once
		// the body has ended, the tail too.
		pending := b.buf[b.off:]
		ready := len(pending)
		if b.err == nil {
			ready -= len(b.token) - 1
		}
		if ready > 0 || len(p) == 0 {
			n := copy(p, pending[:max(ready, 0)])
			b.off += n
			return n, nil
		}
		if b.err != nil {
			return 0, b.err
		}
		// Move the tail to the front, and read after it.
		n := len(pending)
		room := min(max(len(p), 4<<10), 64<<10)
		switch {
		case b.left >= 0:
			// The rest of an answer of known length, up to 64 KiB: a small
			// answer gets a buffer its size, and a long list is read in
			// large pieces rather than in the decoder's, which would cost
			// a system call for every 4 KiB. The extra byte leaves room to
			// see io.EOF.
			room = int(min(b.left+1, 64<<10))
		case cap(b.buf) > 0:
			// Of unknown length: read more at a time as the answer goes on.
			room = min(max(room, 2*cap(b.buf)), 64<<10)
		}
		if cap(b.buf) < n+room {
			buf := make([]byte, n, n+room)
			copy(buf, pending)
			b.buf = buf
		} else {
			b.buf = b.buf[:copy(b.buf[:n], pending)]
		}
		b.off = 0
		m, err := b.body.Read(b.buf[n:cap(b.buf)])
		b.buf, b.err = b.buf[:n+m], err
		if b.left >= 0 {
			if b.left -= int64(m); b.left < 0 {
				b.left = -1 // longer than announced: no bound any more
			}
		}
		if m > 0 && bytes.Contains(b.buf, b.token) {
			b.buf = bytes.ReplaceAll(b.buf, b.token, redactedToken)
		}
	}
}

func (b *redactingBody) Close() error { return b.body.Close() }

// dropUpgrade closes the body of a 101 Switching Protocols answer at once
// and leaves an empty one. net/http hands such a body over as the raw
// connection, which neither the context nor http.Client.Timeout bounds:
// reading it, as the error path does, would wait until the server hangs up.
// No GoTo call upgrades, so the answer is an error with nothing to read.
func dropUpgrade(resp *http.Response) {
	if resp != nil && resp.StatusCode == http.StatusSwitchingProtocols && resp.Body != nil {
		_ = resp.Body.Close()
		resp.Body = http.NoBody
	}
}

// drainAndClose reads a little of what is left of a body, so the connection
// can be reused, and closes it. A body larger than that is cut off with the
// connection rather than read to its end. It reads into a pooled buffer
// rather than through io.Copy, whose io.LimitReader cost an allocation on
// every call, also when the body had been read to its end.
func drainAndClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	buf, ok := drainBuffers.Get().(*[4 << 10]byte)
	if !ok {
		buf = new([4 << 10]byte) // the pool holds nothing else
	}
	for left, idle := 64<<10, 0; left > 0 && idle < 100; {
		n, err := body.Read(buf[:min(left, len(buf))])
		if err != nil {
			break
		}
		if left -= n; n == 0 {
			idle++ // a reader that never makes progress, as bufio counts them
		}
	}
	drainBuffers.Put(buf)
	_ = body.Close()
}

var drainBuffers = sync.Pool{New: func() any { return new([4 << 10]byte) }}
