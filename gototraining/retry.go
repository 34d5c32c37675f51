package gototraining

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says how often and how long calls are retried. Which calls are
// retried, and on which answers, is each method's retry class: see Retries
// in the package documentation. The wait is Retry-After when the server
// sends one (as seconds or an HTTP date), and otherwise exponential backoff
// with full jitter. Zero fields take the values of DefaultRetryPolicy.
type RetryPolicy struct {
	// MaxAttempts is how many times a call is tried in all, the first
	// included; 1 turns retries off.
	MaxAttempts int
	// MinBackoff is the backoff before the first retry; it doubles with each
	// retry, and the actual wait is drawn at random below it (full jitter).
	MinBackoff time.Duration
	// MaxBackoff caps the doubling backoff.
	MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for. A server
	// that asks for more gets no retry: the call fails with an *APIError
	// whose RetryAfter tells the caller when to come back.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy is the policy used when no WithRetry option is given:
// 4 attempts, backoff from 250 ms doubling up to 8 s, Retry-After honoured
// up to 30 s. It is a function so that no caller can change it for all.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts:   4,
		MinBackoff:    250 * time.Millisecond,
		MaxBackoff:    8 * time.Second,
		MaxRetryAfter: 30 * time.Second,
	}
}

// NoRetries is a policy that tries every call once: WithRetry(NoRetries()).
func NoRetries() RetryPolicy { return RetryPolicy{MaxAttempts: 1} }

func (p *RetryPolicy) validate() error {
	if p.MaxAttempts < 0 || p.MinBackoff < 0 || p.MaxBackoff < 0 || p.MaxRetryAfter < 0 {
		return errors.New("gototraining: WithRetry: negative values are not allowed")
	}
	defaults := DefaultRetryPolicy()
	if p.MaxAttempts == 0 {
		p.MaxAttempts = defaults.MaxAttempts
	}
	if p.MinBackoff == 0 {
		p.MinBackoff = defaults.MinBackoff
	}
	if p.MaxBackoff == 0 {
		p.MaxBackoff = max(defaults.MaxBackoff, p.MinBackoff)
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = defaults.MaxRetryAfter
	}
	if p.MinBackoff > p.MaxBackoff {
		return errors.New("gototraining: WithRetry: MinBackoff is larger than MaxBackoff")
	}
	return nil
}

// backoff is the jittered wait before retry number n (1 for the first retry).
func (p RetryPolicy) backoff(n int) time.Duration {
	ceiling := p.MaxBackoff
	if n < 32 {
		if d := p.MinBackoff << (n - 1); d > 0 && d < ceiling {
			ceiling = d
		}
	}
	// Full jitter: spread concurrent clients apart after a shared failure.
	return time.Duration(rand.Int64N(int64(ceiling)) + 1)
}

// retryableStatus are the answers that mean "not handled, try later".
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// parseRetryAfter reads Retry-After as delta seconds or an HTTP date. It
// reports false when the header is absent or unreadable.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second) // keep the Duration from overflowing
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), 24*time.Hour), true // capped as the seconds form is
	}
	return 0, false
}

// sleepContext waits for d, or returns the context's error as soon as it is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
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
