package gototraining_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gototraining-go/gototraining/gototraining"
)

// TestKeepAliveOnEveryPath sends 1000 calls, one after the other, through
// one Client, mixing successes with every way a call can end early: API
// errors, retried 503s and 429s, decode errors, a list left after its first
// element, a redirect that is read but not followed. Every path must hand
// its connection back: a body that is not read to its end and closed costs
// a new TCP (and, against GoTo, TLS) connection on the next call. HTTP/1.1
// allows a second connection when a call starts before the previous one's
// connection is back in the pool, so the bound is 2, not 1.
func TestKeepAliveOnEveryPath(t *testing.T) {
	var dials atomic.Int64
	var unavailable, limited atomic.Int64
	mux := http.NewServeMux()
	jsonAnswer := func(w http.ResponseWriter, status int, body string, headers ...string) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
	smallList := benchRegistrantsBody(50) // about 19 KB: small enough to be drained
	badList := `[{"registrantKey":"1","email":"a@example.com"},{"registrantKey":"not a key"},{"registrantKey":"3"}]`
	mux.HandleFunc("GET /organizers/{org}/trainings/{t}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("t") {
		case "1":
			jsonAnswer(w, http.StatusOK, string(benchTrainingBody))
		case "3":
			jsonAnswer(w, http.StatusOK, `{"trainingKey":"oops","name":"x"}`)
		case "404":
			jsonAnswer(w, http.StatusNotFound, `{"errorCode":"NotFound","description":"no such training"}`)
		case "500":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte("<html><body>Internal error</body></html>"))
		case "503":
			if unavailable.Add(1)%2 == 1 { // every first attempt
				jsonAnswer(w, http.StatusServiceUnavailable, `{"errorCode":"Unavailable"}`, "Retry-After", "0")
				return
			}
			jsonAnswer(w, http.StatusOK, string(benchTrainingBody))
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("DELETE /organizers/{org}/trainings/{t}", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /organizers/{org}/trainings/{t}/registrants", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("t") {
		case "2":
			jsonAnswer(w, http.StatusOK, string(smallList))
		case "4":
			jsonAnswer(w, http.StatusOK, badList)
		case "5":
			if limited.Add(1)%2 == 1 {
				jsonAnswer(w, http.StatusTooManyRequests, `{"errorCode":"TooManyRequests"}`, "Retry-After", "0")
				return
			}
			jsonAnswer(w, http.StatusOK, string(smallList))
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("POST /organizers/{org}/trainings/{t}/registrants", func(w http.ResponseWriter, _ *http.Request) {
		jsonAnswer(w, http.StatusConflict, `{"errorCode":"Conflict","description":"already registered"}`)
	})
	mux.HandleFunc("GET /trainings/{t}/recordings/{id}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Location", "https://storage.example.com/recordings/7.mp4?sig=abc")
		w.WriteHeader(http.StatusFound)
		_, _ = w.Write([]byte("Found"))
	})

	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	dt, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t.Fatalf("http.DefaultTransport is a %T", http.DefaultTransport)
	}
	tr := dt.Clone()
	t.Cleanup(tr.CloseIdleConnections)
	c, err := gototraining.NewClient(
		gototraining.WithAccessToken("keepalive-token"),
		gototraining.WithBaseURL(srv.URL),
		gototraining.WithHTTPClient(&http.Client{Transport: tr}),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	const org gototraining.OrganizerKey = 8439885694023994630

	calls := []struct {
		name string
		call func() error
	}{
		{"200", func() error {
			tr, err := c.Trainings.Get(ctx, org, 1)
			if err == nil && tr.Name == "" {
				err = errors.New("no name")
			}
			return err
		}},
		{"404", func() error {
			_, err := c.Trainings.Get(ctx, org, 404)
			return keepAliveExpect(err, gototraining.ErrNotFound)
		}},
		{"409", func() error {
			_, err := c.Registrants.Register(ctx, org, 1, gototraining.RegisterForTrainingRequest{Email: "a@example.com", GivenName: "A", Surname: "B"})
			return keepAliveExpect(err, gototraining.ErrConflict)
		}},
		{"500 with an HTML body", func() error {
			_, err := c.Trainings.Get(ctx, org, 500)
			return keepAliveExpect(err, gototraining.ErrServer)
		}},
		{"503 then 200", func() error { _, err := c.Trainings.Get(ctx, org, 503); return err }},
		{"429 then 200 on a list", func() error {
			rs, err := c.Registrants.List(ctx, org, 5)
			if err == nil && len(rs) != 50 {
				err = fmt.Errorf("%d registrants, want 50", len(rs))
			}
			return err
		}},
		{"list left after its first element", func() error {
			n := 0
			for _, err := range c.Registrants.All(ctx, org, 2) {
				if err != nil {
					return err
				}
				n++
				break
			}
			if n != 1 {
				return fmt.Errorf("saw %d registrants, want 1", n)
			}
			return nil
		}},
		{"302 read, not followed", func() error {
			u, err := c.Recordings.DownloadURL(ctx, 1, 7)
			if err == nil && u.Host != "storage.example.com" {
				err = fmt.Errorf("location %v", u)
			}
			return err
		}},
		{"undecodable object", func() error {
			_, err := c.Trainings.Get(ctx, org, 3)
			var de *gototraining.DecodeError
			if !errors.As(err, &de) {
				return fmt.Errorf("err = %w, want a *DecodeError", err)
			}
			return nil
		}},
		{"undecodable list element", func() error {
			_, err := c.Registrants.List(ctx, org, 4)
			var de *gototraining.DecodeError
			if !errors.As(err, &de) {
				return fmt.Errorf("err = %w, want a *DecodeError", err)
			}
			return nil
		}},
		{"204", func() error { return c.Trainings.Cancel(ctx, org, 1) }},
	}

	const total = 1000
	for i := range total {
		tc := calls[i%len(calls)]
		if err := tc.call(); err != nil {
			t.Fatalf("call %d (%s): %v", i, tc.name, err)
		}
	}
	if n := dials.Load(); n > 2 {
		t.Errorf("%d calls opened %d connections, want at most 2: some path does not drain or close its body", total, n)
	}
	t.Logf("%d calls, %d connections", total, dials.Load())
}

// keepAliveExpect checks that err matches target.
func keepAliveExpect(err, target error) error {
	if !errors.Is(err, target) {
		return fmt.Errorf("err = %w, want %w", err, target)
	}
	return nil
}
