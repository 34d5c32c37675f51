package gototrainingtest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHandlersCoverSpec proves that every operation of the spec has a
// handler, and that no handler is left over.
func TestHandlersCoverSpec(t *testing.T) {
	t.Parallel()
	s, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	var inSpec, handled []string
	for id := range s.success {
		inSpec = append(inSpec, id)
	}
	for id := range handlers {
		handled = append(handled, id)
	}
	slices.Sort(inSpec)
	slices.Sort(handled)
	if diff := cmp.Diff(inSpec, handled); diff != "" {
		t.Errorf("operations (-spec +handlers):\n%s", diff)
	}
	// How many operations there are is the spec's to say; that it still
	// has the seed's operations is api's TestSpecHasTheSeedOperations.
}

// TestViolationsAreReported feeds the response checker answers that break
// the spec.
func TestViolationsAreReported(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	f, err := New(WithViolationHandler(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, err.Error())
	}))
	if err != nil {
		t.Fatal(err)
	}
	json := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name, method, path string
		resp               response
		mention            string
	}{
		{"an undeclared status", http.MethodGet, "/organizers/1/trainings", response{status: 404, header: json, body: []byte(`{}`)}, "status"},
		{"a key as a float", http.MethodPost, "/organizers/1/trainings", response{status: 201, header: json, body: []byte(`8.5`)}, "201"},
		{"a missing field", http.MethodGet, "/organizers/1/trainings/2/registrants/3", response{status: 200, header: json, body: []byte(`{"email":"x"}`)}, "registrantKey"},
		{"a relative URL", http.MethodGet, "/organizers/1/trainings/2/startUrl", response{status: 200, header: json, body: []byte(`"/start"`)}, "uri"},
		{"a redirect without Location", http.MethodGet, "/trainings/1/recordings/2", response{status: 302, header: http.Header{}}, "Location"},
		{"the wrong content type", http.MethodGet, "/trainings/1/start", response{status: 200, header: http.Header{"Content-Type": {"text/plain"}}, body: []byte(`x`)}, "Content-Type"},
	}
	for _, tt := range tests {
		r := httptest.NewRequestWithContext(t.Context(), tt.method, tt.path, nil)
		route, params, err := f.spec.route(r)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got = nil
		f.checkResponse(r, route.Operation.OperationID, newInput(f, r, route, params), tt.resp)
		if len(got) != 1 || !strings.Contains(got[0], tt.mention) {
			t.Errorf("%s: violations %q, want one mentioning %q", tt.name, got, tt.mention)
		}
	}
}

// FuzzServeHTTP: the fake never panics and never answers against the spec,
// whatever the request.
func FuzzServeHTTP(f *testing.F) {
	f.Add("GET", "/organizers/1/trainings", []byte(nil), true)
	f.Add("POST", "/organizers/1/trainings", []byte(`{"name":"x","timeZone":"UTC","times":[{"startDate":"2026-01-01T00:00:00Z","endDate":"2026-01-01T01:00:00Z"}],"organizers":[1e400]}`), true)
	f.Add("PUT", "/organizers/1/trainings/2/times", []byte(`{"timeZone":"../../etc/passwd","times":[]}`), true)
	f.Add("POST", "/reports/organizers/1/sessions", []byte(`{"startDate":"2026-13-01T00:00:00Z","endDate":"x"}`), false)
	f.Add("GET", "/trainings/%ff/recordings/1", []byte(nil), true)
	f.Add("DELETE", "/_storage/recordings/1", []byte(nil), false)
	f.Fuzz(func(t *testing.T, method, path string, body []byte, auth bool) {
		fake, err := New(WithViolationHandler(func(err error) { t.Errorf("violation: %v", err) }))
		if err != nil {
			t.Fatal(err)
		}
		// Let the organizer key of the seeds be the real one.
		path = strings.ReplaceAll(path, "/organizers/1/", "/organizers/"+strconv.FormatInt(fake.OrganizerKey(), 10)+"/")
		u, err := url.Parse(path)
		if err != nil {
			return
		}
		r := &http.Request{Method: method, URL: u, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(body)), Host: "example.test"}
		r = r.WithContext(t.Context())
		if auth {
			r.Header.Set("Authorization", "Bearer "+fake.Token())
		}
		w := httptest.NewRecorder()
		fake.ServeHTTP(w, r)
		if w.Code < 200 || w.Code > 599 {
			t.Errorf("status %d", w.Code)
		}
	})
}
