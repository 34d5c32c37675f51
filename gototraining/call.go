package gototraining

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Every wrapped method is the same four things: its operation (from the
// table in operations.go), its checks, its gen call, and the conversion of
// the answer. The helpers below are the rest, once: value for an answer
// decoded into a value, send and remove for answers with no body of
// interest, getURL for a URL, redirect for a
// Location, and lister (pager.go) for lists.

// sender sends one operation through gen. The context it is given carries
// the call's state to the transport, so it must be the one passed on.
type sender func(context.Context) (*http.Response, error)

// call sends op with its state in the context, and turns any answer but
// op.want into an error. On success the caller owns resp.Body.
func (c *Client) call(ctx context.Context, op *operation, send sender) (*http.Response, error) {
	resp, _, err := c.callState(ctx, op, send)
	return resp, err
}

// callState is call that also returns what the attempts learned about
// whether GoTo may have acted.
func (c *Client) callState(ctx context.Context, op *operation, send sender) (*http.Response, *callState, error) {
	return c.callWith(ctx, &callState{op: op}, send)
}

// callWith is callState with the state given, for All's streams.
func (c *Client) callWith(ctx context.Context, st *callState, send sender) (*http.Response, *callState, error) {
	op := st.op
	resp, err := send(withCallState(ctx, st))
	if err != nil {
		// Marked here, after http.Client is done, because its Timeout
		// replaces whatever error the transport returned.
		if op.retry == retryNever && st.wrote.Load() {
			err = &outcomeUnknownError{op: op.id, err: err}
		}
		return nil, st, err
	}
	// Another code of the same class than documented is accepted (any 2xx
	// for a success, any redirect for the recording download): the body or
	// the Location header decides.
	want := op.want
	if resp.StatusCode == want || (want/100 == resp.StatusCode/100 && (want/100 == 2 || want/100 == 3)) {
		return resp, st, nil
	}
	return nil, st, c.apiError(op, resp)
}

// value runs op unless check failed, decodes the answer as W and converts
// it. A conversion that fails is a *DecodeError: GoTo answered, unusably.
func value[W, T any](ctx context.Context, c *Client, op *operation, check error, send sender, conv func(*W) (T, error)) (T, error) {
	var zero T
	if check != nil {
		return zero, check
	}
	resp, err := c.call(ctx, op, send)
	if err != nil {
		return zero, err
	}
	var w W
	if err := c.decode(op, resp, &w); err != nil {
		return zero, err
	}
	t, err := conv(&w)
	if err != nil {
		return zero, &DecodeError{StatusCode: resp.StatusCode, Operation: op.id, Err: err}
	}
	return t, nil
}

// always is a conversion that cannot fail, in the form value takes.
func always[W, T any](conv func(*W) T) func(*W) (T, error) {
	return func(w *W) (T, error) { return conv(w), nil }
}

// send runs op unless check failed, for an answer with no body of interest
// (204 and the like).
func (c *Client) send(ctx context.Context, op *operation, check error, send sender) error {
	if check != nil {
		return check
	}
	resp, err := c.call(ctx, op, send)
	if err != nil {
		return err
	}
	noContent(resp)
	return nil
}

// remove is send for a DELETE. When an earlier attempt may have been acted
// on but its answer was lost, the retry finds nothing and GoTo answers 404:
// what the caller asked for is done, so that is a success, not ErrNotFound.
func (c *Client) remove(ctx context.Context, op *operation, check error, send sender) error {
	if check != nil {
		return check
	}
	resp, st, err := c.callState(ctx, op, send)
	if err != nil {
		if st.maybeHandled.Load() && errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}
	noContent(resp)
	return nil
}

// getURL runs op unless check failed, for an answer that is a URL. The spec
// says a JSON string, but GoTo's documents never said whether the body is
// quoted, so an unquoted absolute URL is taken as it is.
func (c *Client) getURL(ctx context.Context, op *operation, check error, send sender) (string, error) {
	if check != nil {
		return "", check
	}
	resp, err := c.call(ctx, op, send)
	if err != nil {
		return "", err
	}
	data, err := c.read(op, resp)
	if err != nil {
		return "", err
	}
	var s string
	if text := strings.TrimSpace(string(data)); !strings.HasPrefix(text, `"`) {
		s = text // a bare URL, checked below like a quoted one
	} else {
		err = json.Unmarshal(data, &s)
	}
	if err == nil {
		_, err = c.checkLink(s)
	}
	if err != nil {
		return "", &DecodeError{StatusCode: resp.StatusCode, Operation: op.id, Err: err}
	}
	return s, nil
}

// redirect runs op unless check failed, for an answer that is a redirect:
// its Location is read, not followed, and checked like every link.
func (c *Client) redirect(ctx context.Context, op *operation, check error, send sender) (*url.URL, error) {
	if check != nil {
		return nil, check
	}
	resp, err := c.call(ctx, op, send)
	if err != nil {
		return nil, err
	}
	defer drainAndClose(resp.Body)
	loc, err := c.checkLink(resp.Header.Get("Location"))
	if err != nil {
		return nil, &DecodeError{StatusCode: resp.StatusCode, Operation: op.id, Err: fmt.Errorf("the redirect's Location: %w", err)}
	}
	return loc, nil
}

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
