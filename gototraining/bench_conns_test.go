package gototraining_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gototraining-go/gototraining/gototraining"
)

// BenchmarkConnections makes 16 goroutines call Trainings.Get 5,000 times
// each, through the client's own transport (NewClient without
// WithHTTPClient) and through a clone of Go's http.DefaultTransport, and
// reports the TCP connections the loopback server saw opened (conns/op; an
// op is the whole 16 x 5,000) alongside the time per call (ns/call).
func BenchmarkConnections(b *testing.B) {
	const callers, calls = 16, 5000
	for _, tc := range []struct {
		name string
		hc   func(testing.TB) *http.Client // nil: the client's own
	}{
		{"sdk-default", nil},
		{"go-default", func(tb testing.TB) *http.Client {
			tb.Helper()
			dt, ok := http.DefaultTransport.(*http.Transport)
			if !ok {
				tb.Skipf("http.DefaultTransport is a %T", http.DefaultTransport)
			}
			t := dt.Clone()
			tb.Cleanup(t.CloseIdleConnections)
			return &http.Client{Transport: t}
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var opened, took int64
			for range b.N {
				var dials atomic.Int64
				srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					h := w.Header()
					h["Content-Type"] = benchJSONType
					h["Content-Length"] = []string{strconv.Itoa(len(benchTrainingBody))}
					_, _ = w.Write(benchTrainingBody)
				}))
				srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
					if s == http.StateNew {
						dials.Add(1)
					}
				}
				srv.Start()
				opts := []gototraining.Option{gototraining.WithAccessToken(benchToken), gototraining.WithBaseURL(srv.URL)}
				if tc.hc != nil {
					opts = append(opts, gototraining.WithHTTPClient(tc.hc(b)))
				}
				c, err := gototraining.NewClient(opts...)
				if err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(b.Context(), 10*time.Minute)
				start := time.Now()
				var wg sync.WaitGroup
				var failed atomic.Value
				for range callers {
					wg.Go(func() {
						for range calls {
							if _, err := c.Trainings.Get(ctx, benchOrg, benchTraining); err != nil {
								failed.Store(err)
								return
							}
						}
					})
				}
				wg.Wait()
				took += time.Since(start).Nanoseconds()
				cancel()
				srv.Close()
				if err, _ := failed.Load().(error); err != nil {
					b.Fatal(err)
				}
				opened += dials.Load()
			}
			b.ReportMetric(float64(opened)/float64(b.N), "conns/op")
			b.ReportMetric(float64(took)/float64(b.N*callers*calls), "ns/call")
		})
	}
}
