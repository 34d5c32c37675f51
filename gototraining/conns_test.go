package gototraining

import (
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// connCount counts the connections a server saw opened and closed.
type connCount struct{ opened, closed atomic.Int64 }

// connCountingServer serves trainingJSON on loopback and counts the
// connections clients open to it and close.
func connCountingServer(t *testing.T, tls bool, check func(*http.Request)) (*httptest.Server, *connCount) {
	t.Helper()
	var n connCount
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if check != nil {
			check(r)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(trainingJSON))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			n.opened.Add(1)
		case http.StateClosed:
			n.closed.Add(1)
		}
	}
	if tls {
		srv.EnableHTTP2 = true
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, &n
}

// getConcurrently makes callers goroutines call Trainings.Get n times each.
func getConcurrently(t *testing.T, c *Client, callers, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			for range n {
				if _, err := c.Trainings.Get(ctx, orgKey, trainingKey); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestDefaultTransportKeepsAConnectionPerCaller: 16 callers through a client
// built without WithHTTPClient open at most 16 connections
// (DefaultMaxConnsPerHost) and keep them, however many calls they make. Go's
// http.DefaultTransport keeps 2 idle connections per host and, under the
// same load, closes and reopens connections all the time (logged here for
// comparison; BenchmarkConnections reports both). Now and then, under -race
// on a busy machine, net/http drops one (it does not reuse a connection
// whose request write it has not seen finish within 50 ms) and may then
// open one in its place: at most 16 are open at once, and a handful closed.
// Not parallel: the transport is the process's, and this test wants it to
// itself.
func TestDefaultTransportKeepsAConnectionPerCaller(t *testing.T) {
	const callers, calls = 16, 200
	srv, conns := connCountingServer(t, false, nil)
	c, _ := newClient(t, srv.URL)
	getConcurrently(t, c, callers, calls)
	if opened, closed := conns.opened.Load(), conns.closed.Load(); closed > 4 || opened-closed > DefaultMaxConnsPerHost {
		t.Errorf("%d callers x %d calls through the default transport opened %d connections and closed %d; want at most %d open at once and 4 closed",
			callers, calls, opened, closed, DefaultMaxConnsPerHost)
	}

	goSrv, goConns := connCountingServer(t, false, nil)
	dt, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t.Skipf("http.DefaultTransport is a %T", http.DefaultTransport)
	}
	goTr := dt.Clone()
	t.Cleanup(goTr.CloseIdleConnections)
	goClient, _ := newClient(t, goSrv.URL, WithHTTPClient(&http.Client{Transport: goTr}))
	getConcurrently(t, goClient, callers, calls)
	t.Logf("%d callers x %d calls: %d connections opened with the client's own transport, %d (%d closed) with a clone of http.DefaultTransport",
		callers, calls, conns.opened.Load(), goConns.opened.Load(), goConns.closed.Load())
}

// TestDefaultTransportSettings: the client's own transport is
// http.DefaultTransport's settings with more idle connections per host.
func TestDefaultTransportSettings(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, "https://api.example.com")
	got, ok := c.tr.base.(*http.Transport)
	if !ok {
		t.Fatalf("the client's base transport is a %T, want *http.Transport", c.tr.base)
	}
	if got == http.DefaultTransport {
		t.Fatal("the client sends through http.DefaultTransport itself")
	}
	dt, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t.Fatalf("http.DefaultTransport is a %T", http.DefaultTransport)
	}
	if got.MaxIdleConnsPerHost != DefaultMaxIdleConnsPerHost || got.MaxIdleConns < DefaultMaxIdleConnsPerHost || got.MaxConnsPerHost != DefaultMaxConnsPerHost {
		t.Errorf("MaxIdleConnsPerHost %d, MaxIdleConns %d, MaxConnsPerHost %d; want %d, at least that, and %d",
			got.MaxIdleConnsPerHost, got.MaxIdleConns, got.MaxConnsPerHost, DefaultMaxIdleConnsPerHost, DefaultMaxConnsPerHost)
	}
	// All's streams go through a pool of their own, with no cap.
	streams, ok := c.tr.streams.(*http.Transport)
	if !ok || streams == got || streams.MaxConnsPerHost != 0 || streams.MaxIdleConnsPerHost != DefaultMaxIdleConnsPerHost {
		t.Errorf("the client's stream transport: %T %+v", c.tr.streams, streams)
	}
	if !got.ForceAttemptHTTP2 || got.Proxy == nil || got.DialContext == nil ||
		got.TLSHandshakeTimeout != dt.TLSHandshakeTimeout || got.IdleConnTimeout != dt.IdleConnTimeout {
		t.Errorf("the transport lost a setting of http.DefaultTransport: ForceAttemptHTTP2 %v, Proxy set %v, DialContext set %v, TLSHandshakeTimeout %v, IdleConnTimeout %v",
			got.ForceAttemptHTTP2, got.Proxy != nil, got.DialContext != nil, got.TLSHandshakeTimeout, got.IdleConnTimeout)
	}
	other, _ := newClient(t, "https://api.example.com")
	if other.tr.base != c.tr.base {
		t.Error("two clients built without WithHTTPClient have separate connection pools")
	}
	// A caller's client is used as given: without a Transport of its own,
	// net/http's default, as that client would send on its own.
	hc := &http.Client{}
	mine, _ := newClient(t, "https://api.example.com", WithHTTPClient(hc))
	if mine.tr.base != http.DefaultTransport || hc.Transport != nil {
		t.Errorf("a caller's client with no Transport: sent through %p (http.DefaultTransport is %p), the caller's Transport now %v", mine.tr.base, http.DefaultTransport, hc.Transport)
	}
}

// TestDefaultTransportNegotiatesHTTP2: the transport users get without
// WithHTTPClient speaks HTTP/2 to a TLS server that offers it, and many
// concurrent calls then share one connection. The only change from what
// users get is the trusted root (the test server's own certificate).
func TestDefaultTransportNegotiatesHTTP2(t *testing.T) {
	t.Parallel()
	var notH2 atomic.Int64
	srv, conns := connCountingServer(t, true, func(r *http.Request) {
		if r.ProtoMajor != 2 {
			notH2.Add(1)
		}
	})
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	c, _ := newClient(t, srv.URL, withRootCAs(roots))
	if tr, ok := c.tr.base.(*http.Transport); ok {
		t.Cleanup(tr.CloseIdleConnections)
	}
	// One call first: concurrent first calls may each dial before any of
	// them knows the server speaks HTTP/2.
	getConcurrently(t, c, 1, 1)
	getConcurrently(t, c, 16, 50)
	if n := notH2.Load(); n != 0 {
		t.Errorf("%d of 801 calls were not HTTP/2", n)
	}
	if n := conns.opened.Load(); n != 1 {
		t.Errorf("801 HTTP/2 calls, 16 at a time, opened %d connections, want 1", n)
	}
}

// TestNestedCallsInAllDoNotWaitForever: more goroutines than
// DefaultMaxConnsPerHost each range over All and make calls inside the loop,
// where every stream holds a connection while the loop runs. Were the
// streams in the capped pool, 16 of them would hold every connection and
// their inner calls would wait for one forever (here: until the deadline).
func TestNestedCallsInAllDoNotWaitForever(t *testing.T) {
	t.Parallel()
	const goroutines = 2 * DefaultMaxConnsPerHost
	var inStream sync.WaitGroup
	inStream.Add(goroutines)
	// A list far longer than what the client reads ahead, so that each
	// stream still holds its connection at its first element.
	long := "[" + strings.Repeat(trainingJSON+",", 4000) + trainingJSON + "]"
	mux := http.NewServeMux()
	mux.HandleFunc("GET /organizers/{org}/trainings", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(long))
	})
	mux.HandleFunc("GET /organizers/{org}/trainings/{t}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(trainingJSON))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, _ := newClient(t, srv.URL)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 2*goroutines)
	for range goroutines {
		wg.Go(func() {
			arrived := sync.OnceFunc(inStream.Done)
			defer arrived() // a goroutine that fails still lets the others go on
			for tr, err := range c.Trainings.All(ctx, orgKey) {
				if err != nil {
					errs <- err
					return
				}
				// Every stream is open before any inner call is made; the
				// wait ends at the deadline if some stream cannot open.
				arrived()
				waitOrDone(ctx, &inStream)
				if _, err := c.Trainings.Get(ctx, orgKey, tr.Key); err != nil {
					errs <- err
				}
				return // the first element is enough
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a nested call: %v", err)
	}
}

// waitOrDone waits for wg, or for ctx to end.
func waitOrDone(ctx context.Context, wg *sync.WaitGroup) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}
