package gototraining

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"sync"
)

// DefaultMaxIdleConnsPerHost is how many idle connections to GoTo the
// client keeps when it builds its own transport (no WithHTTPClient).
//
// Go's http.DefaultTransport keeps 2, so a program with more than two calls
// in flight closes a connection after nearly every call and opens another:
// against GoTo, a TCP and TLS handshake each time. The number needed is the
// calls in flight at once. GoTo allows about 10 requests per second per API,
// and a call takes 0.15 to 1 s (a registration, which sends an email, is the
// slow end), so a program at GoTo's limit has 2 to 10 calls in flight;
// RegisterAll runs DefaultBulkConcurrency; and programs that fan out reads
// run 16 goroutines or so. 32 holds all of these with room to spare, while
// an idle connection costs only a socket and its buffers until
// IdleConnTimeout (90 s) closes it.
const DefaultMaxIdleConnsPerHost = 32

// DefaultMaxConnsPerHost caps the connections to GoTo that calls other than
// All's streams may use at once, when the client builds its own transport.
//
// Without a cap, N concurrent callers open more than N connections: a call
// that finds no idle connection dials, and when another call's connection
// comes back first and serves it, the dial is not cancelled and its
// connection joins the pool (16 callers opened 19 to 33). With the cap, a
// 17th call waits for a connection instead. 16 is above what GoTo's limit
// lets a program use (10 requests per second at 0.15 to 1 s each is 2 to 10
// in flight; RegisterAll runs 8).
//
// The cap cannot deadlock: such a call holds its connection only until its
// answer is read. All is the exception, since it holds a connection while
// the caller's loop runs (and may make calls of its own), so the streams of
// All go through a second, uncapped pool.
const DefaultMaxConnsPerHost = 16

// sdkTransports is the pair of transports of clients built without
// WithHTTPClient: calls (capped) and All's streams (not capped).
type sdkTransports struct {
	calls, streams http.RoundTripper
}

// sdkTransport is the pair of every client built without WithHTTPClient.
// One for the process, as http.DefaultTransport is: a program that makes a
// client per GoTo account (one token each) still shares one pool.
var sdkTransport = sync.OnceValue(func() sdkTransports { return newSDKTransports(nil) })

// newSDKTransports builds the capped transport for calls and the uncapped
// one for streams, both from newSDKTransport.
func newSDKTransports(roots *x509.CertPool) sdkTransports {
	calls, streams := newSDKTransport(roots), newSDKTransport(roots)
	if t, ok := calls.(*http.Transport); ok {
		t.MaxConnsPerHost = DefaultMaxConnsPerHost
	}
	return sdkTransports{calls: calls, streams: streams}
}

// newSDKTransport clones http.DefaultTransport, keeping its proxy, dialer,
// timeouts, TLS settings and HTTP/2 (ForceAttemptHTTP2), and raises the idle
// connections kept per host. roots, when set, replaces the system's trusted
// certificates: only tests set it (see withRootCAs), so that they can prove
// this very transport negotiates HTTP/2 with a server whose certificate the
// system does not trust. A program that replaced http.DefaultTransport with
// a RoundTripper of another kind gets that RoundTripper unchanged: it chose
// it on purpose, and it cannot be tuned here.
func newSDKTransport(roots *x509.CertPool) http.RoundTripper {
	dt, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t := dt.Clone()
	t.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	t.MaxIdleConns = max(t.MaxIdleConns, DefaultMaxIdleConnsPerHost)
	if roots != nil {
		if t.TLSClientConfig == nil {
			t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		t.TLSClientConfig.RootCAs = roots
	}
	return t
}

// withRootCAs makes the client build its own transport, as it does without
// WithHTTPClient, but trusting roots. It is unexported: tests use it to
// reach a TLS test server through the transport users get.
func withRootCAs(roots *x509.CertPool) Option {
	return func(c *config) error {
		c.rootCAs = roots
		return nil
	}
}
