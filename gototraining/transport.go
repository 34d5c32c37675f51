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

// transport is the policy chain of the client, one RoundTripper doing, per
// attempt: rate limiting, authentication, User-Agent, then retries around
// it all. The caller's request is never changed; each attempt is a clone.
type transport struct {
	base http.RoundTripper
	// streams, when set, carries All's streams instead of base (see
	// DefaultMaxConnsPerHost: base may be capped, and a stream holds its
	// connection while the caller's loop makes other calls).
	streams http.RoundTripper
	cfg     *config
	ua      string

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
		resp, final, err := t.attempt(r, op, attempt, refused, t.via(st))
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

// attempt sends one try: limiter, token, headers, then the base transport.
// final reports an error that a retry cannot mend (the limiter or the token
// source refused), so that it is returned at once.
//
// refused is an access token GoTo refused during this call: if the token
// source still hands it out (a Token call that began before Invalidate),
// it is asked again.
// via is the RoundTripper a call goes through: All's streams through their
// own pool when there is one.
func (t *transport) via(st *callState) http.RoundTripper {
	if st.stream && t.streams != nil {
		return t.streams
	}
	return t.base
}

func (t *transport) attempt(r *http.Request, op *operation, attempt int, refused string, base http.RoundTripper) (resp *http.Response, final bool, err error) {
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
	resp, err = base.RoundTrip(r)
	dropUpgrade(resp)
	if resp != nil && resp.Body != nil && resp.Body != http.NoBody && len(tok) >= minRedactedToken {
		resp.Body = &redactingBody{body: resp.Body, token: []byte(tok), left: resp.ContentLength}
	}
	if t.cfg.logger != nil {
		t.log(ctx, slog.LevelDebug, "gototraining: request", op, r, resp, err, attempt, time.Since(start))
	}
	return resp, false, err
}

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
