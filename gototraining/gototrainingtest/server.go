package gototrainingtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// Server is a running Fake: the API on one loopback origin and the storage
// origin of recording downloads on another, whose host name differs (so a
// redirect to it crosses hosts and clients drop the Authorization header).
type Server struct {
	*Fake
	// URL is the API's base URL, http://127.0.0.1:PORT; the API paths hang
	// directly below it.
	URL string
	// DownloadURL is the storage origin, http://localhost:PORT.
	DownloadURL string

	servers []*http.Server
	// gate lets Close wait for the handlers in flight, and turns away any
	// that would start after it.
	gate      sync.RWMutex
	closeOnce sync.Once
}

// NewServer starts a Server for a test or benchmark and closes it when tb
// ends. A response of the fake that violates the spec fails tb (through
// tb.Errorf), unless an option sets another violation handler.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	fail := WithViolationHandler(func(err error) { tb.Errorf("gototrainingtest: %v", err) })
	s, err := Start(append([]Option{fail}, opts...)...)
	if err != nil {
		tb.Fatalf("gototrainingtest: starting the fake: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Start starts a Server on two loopback ports, for programs that are not
// tests (examples, the gototraining-fake command). The caller must Close it.
func Start(opts ...Option) (*Server, error) {
	var lc net.ListenConfig
	apiLn, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("gototrainingtest: %w", err)
	}
	storageLn, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		_ = apiLn.Close()
		return nil, fmt.Errorf("gototrainingtest: %w", err)
	}
	_, storagePort, _ := net.SplitHostPort(storageLn.Addr().String())
	s := &Server{
		URL:         "http://" + apiLn.Addr().String(),
		DownloadURL: "http://localhost:" + storagePort,
	}
	f, err := New(append(slices.Clone(opts), WithDownloadURL(s.DownloadURL))...)
	if err != nil {
		_ = apiLn.Close()
		_ = storageLn.Close()
		return nil, err
	}
	s.Fake = f
	s.serve(apiLn, f)
	s.serve(storageLn, f.StorageHandler())
	return s, nil
}

func (s *Server) serve(ln net.Listener, h http.Handler) {
	srv := &http.Server{
		Handler:           s.guard(h),
		ReadHeaderTimeout: 10 * time.Second,
	}
	s.servers = append(s.servers, srv)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.cfg.onViolation(fmt.Errorf("gototrainingtest: serving: %w", err))
		}
	}()
}

func (s *Server) guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.gate.TryRLock() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		defer s.gate.RUnlock()
		h.ServeHTTP(w, r)
	})
}

// Close stops both origins: it drops every connection (ending the context
// of requests in flight) and waits for their handlers to return. It may be
// called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		for _, srv := range s.servers {
			_ = srv.Close()
		}
		s.gate.Lock() // waits for the handlers in flight; never unlocked
	})
}
