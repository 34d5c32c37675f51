package gototraining

import (
	"bytes"
	"context"
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

// operation describes one API operation to the transport: its name for errors
// and logs, and whether repeating it is safe.
type operation struct {
	id   string
	safe bool // true: may be retried; false: sent exactly once
}

type operationKey struct{}

func withOperation(ctx context.Context, op *operation) context.Context {
	return context.WithValue(ctx, operationKey{}, op)
}

// operationFrom returns the operation of a request. Requests sent through
// Raw() carry none; their safety then follows the HTTP method, except POST.
func operationFrom(r *http.Request) *operation {
	if op, ok := r.Context().Value(operationKey{}).(*operation); ok {
		return op
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return &operation{id: r.Method + " " + r.URL.Path, safe: true}
	}
	return &operation{id: r.Method + " " + r.URL.Path}
}

// transport is the policy chain of the client, one RoundTripper doing, per
// attempt: rate limiting, authentication, User-Agent, then retries around
// it all. The caller's request is never changed; each attempt is a clone.
type transport struct {
	base http.RoundTripper
	cfg  *config
	ua   string

	// token is the last access token sent, kept so that error text coming
	// from the server can be scrubbed of it (see redact).
	token atomic.Pointer[string]
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

// wroteFlag records that a request was written to the connection.
type wroteFlag struct{ wrote atomic.Bool }

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	op := operationFrom(req)
	ctx := req.Context()
	policy := t.cfg.retry
	attempts := policy.MaxAttempts
	if !op.safe || (req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
		attempts = 1
	}
	var wrote *wroteFlag
	if !op.safe {
		// For calls that must not be repeated, learn whether the request
		// left, to tell "not sent" from "outcome unknown".
		wrote = &wroteFlag{}
		ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			WroteRequest: func(httptrace.WroteRequestInfo) { wrote.wrote.Store(true) },
		})
	}
	for attempt := 1; ; attempt++ {
		r := req.Clone(ctx)
		if attempt > 1 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("gototraining: %s: rewinding the body for a retry: %w", op.id, err)
			}
			r.Body = body
		}
		resp, err := t.attempt(r, op, attempt)
		if err != nil && wrote != nil && wrote.wrote.Load() {
			err = &outcomeUnknownError{op: op.id, err: err}
		}
		if attempt >= attempts || ctx.Err() != nil {
			return resp, err
		}
		var wait time.Duration
		switch {
		case err != nil:
			wait = policy.backoff(attempt)
		case retryableStatus(resp.StatusCode):
			if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), t.cfg.now()); ok {
				if d > policy.MaxRetryAfter {
					return resp, nil // the caller decides whether to wait that long
				}
				wait = d
			} else {
				wait = policy.backoff(attempt)
			}
			drainAndClose(resp.Body)
		default:
			return resp, nil
		}
		t.log(ctx, slog.LevelWarn, "gototraining: retrying", op, r, resp, err, attempt, 0, slog.Duration("wait", wait))
		if err := t.cfg.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// attempt sends one try: limiter, token, headers, then the base transport.
func (t *transport) attempt(r *http.Request, op *operation, attempt int) (*http.Response, error) {
	ctx := r.Context()
	if t.cfg.limiter != nil {
		if err := t.cfg.limiter.Wait(ctx); err != nil {
			if r.Body != nil {
				_ = r.Body.Close()
			}
			return nil, fmt.Errorf("gototraining: %s: waiting for the rate limiter: %w", op.id, err)
		}
	}
	tok, err := t.cfg.tokenSource.Token()
	if err != nil {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, fmt.Errorf("gototraining: %s: getting an access token: %w", op.id, err)
	}
	if tok.AccessToken == "" {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, fmt.Errorf("gototraining: %s: the token source returned an empty access token", op.id)
	}
	if p := t.token.Load(); p == nil || *p != tok.AccessToken {
		t.token.Store(&tok.AccessToken)
	}
	r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	r.Header.Set("User-Agent", t.ua)
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json")
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(r)
	if resp != nil && resp.Body != nil && resp.Body != http.NoBody {
		resp.Body = &redactingBody{body: resp.Body, token: []byte(tok.AccessToken), left: resp.ContentLength}
	}
	if t.cfg.logger != nil {
		t.log(ctx, slog.LevelDebug, "gototraining: request", op, r, resp, err, attempt, time.Since(start))
	}
	return resp, err
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
	if p := t.token.Load(); p != nil && *p != "" && strings.Contains(s, *p) {
		return strings.ReplaceAll(s, *p, "[REDACTED]")
	}
	return s
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

// drainAndClose reads a little of what is left of a body, so the connection
// can be reused, and closes it. A body larger than that is cut off with the
// connection rather than read to its end.
func drainAndClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}
