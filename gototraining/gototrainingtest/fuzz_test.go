package gototrainingtest_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// fuzzWorld is a fake with one training, one registrant and one recording,
// made the same way for every input, so that a failing input reproduces.
type fuzzWorld struct {
	fake                          *gototrainingtest.Fake
	org, training, registrant     int64
	recording, account, organizer int64
}

func newFuzzWorld(t *testing.T) *fuzzWorld {
	t.Helper()
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	fake, err := gototrainingtest.New(
		gototrainingtest.WithSeed(20260301),
		gototrainingtest.WithClock(func() time.Time { return clock }),
		gototrainingtest.WithViolationHandler(func(err error) { t.Errorf("the fake's answer breaks the spec: %v", err) }),
	)
	if err != nil {
		t.Fatal(err)
	}
	w := &fuzzWorld{fake: fake, org: fake.OrganizerKey(), account: fake.AccountKey()}
	w.organizer = fake.AddOrganizer("co@example.com", "Co", "Organizer")
	rec := w.serve(t, http.MethodPost, fmt.Sprintf("/organizers/%d/trainings", w.org),
		`{"name":"Fuzz","timeZone":"Europe/Berlin","times":[{"startDate":"2026-03-26T15:00:00Z","endDate":"2026-03-26T17:00:00Z"}]}`)
	if err := json.Unmarshal(rec.Body.Bytes(), new(string)); err != nil {
		t.Fatalf("scheduling: %d %s", rec.Code, rec.Body)
	}
	w.training, _ = strconv.ParseInt(strings.Trim(rec.Body.String(), `"`), 10, 64)
	rec = w.serve(t, http.MethodPost, fmt.Sprintf("/organizers/%d/trainings/%d/registrants", w.org, w.training),
		`{"email":"ada@example.com","givenName":"Ada","surname":"Lovelace"}`)
	var reg struct{ RegistrantKey int64 }
	if err := json.Unmarshal(rec.Body.Bytes(), &reg); err != nil || reg.RegistrantKey == 0 {
		t.Fatalf("registering: %d %s", rec.Code, rec.Body)
	}
	w.registrant = reg.RegistrantKey
	if _, err := fake.CompleteSession(w.training, clock.Add(-2*time.Hour), clock.Add(-time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	if w.recording, err = fake.AddRecording(w.training, "fuzz.mp4", []byte("video")); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *fuzzWorld) serve(t *testing.T, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequestWithContext(t.Context(), method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+w.fake.Token())
	r.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	w.fake.ServeHTTP(rec, r)
	return rec
}

// expand fills the placeholders that a seed or a mutation may hold, in the
// target or the body, with the keys of the world, so that inputs reach real
// resources.
func (w *fuzzWorld) expand(s string) string {
	return strings.NewReplacer(
		"{org}", strconv.FormatInt(w.org, 10),
		"{training}", strconv.FormatInt(w.training, 10),
		"{registrant}", strconv.FormatInt(w.registrant, 10),
		"{recording}", strconv.FormatInt(w.recording, 10),
		"{account}", strconv.FormatInt(w.account, 10),
		"{organizer}", strconv.FormatInt(w.organizer, 10),
	).Replace(s)
}

// FuzzRequestHandling sends arbitrary requests to the fake's ServeHTTP: any
// method, request target, headers and body that net/http's server would
// hand to a handler. The fake must not panic, must answer every request with
// a status below 500, must answer every 4xx with a JSON error body, and its
// answers must keep to the spec (checked by its own response validation).
//
// auth picks the Authorization header: 0 none, 1 the fake's token, 2 another
// bearer token, 3 something that is not a bearer token.
func FuzzRequestHandling(f *testing.F) {
	f.Add("GET", "/organizers/{org}/trainings", []byte(nil), "", uint8(1), "")
	f.Add("POST", "/organizers/{org}/trainings", []byte(`{"name":"N","timeZone":"UTC","times":[{"startDate":"2026-03-26T15:00:00Z","endDate":"2026-03-26T16:00:00Z"}],"organizers":[{organizer}]}`), "application/json", uint8(1), "")
	f.Add("PUT", "/organizers/{org}/trainings/{training}/nameDescription", []byte(`{"name":"x","description":"y"}`), "application/json", uint8(1), "")
	f.Add("DELETE", "/organizers/{org}/trainings/{training}/registrants/{registrant}", []byte(nil), "", uint8(1), "")
	f.Add("POST", "/organizers/{org}/trainings/{training}/registrants", []byte(`{"email":"a@b.c","givenName":"A","surname":"B"}`), "application/json; charset=utf-8", uint8(1), "")
	f.Add("GET", "/trainings/{training}/recordings/{recording}", []byte(nil), "", uint8(1), "")
	f.Add("GET", "/_storage/recordings/{recording}?token=x", []byte(nil), "", uint8(0), "")
	f.Add("POST", "/reports/organizers/{org}/sessions", []byte(`{"startDate":"2026-01-01T00:00:00Z","endDate":"2026-12-31T00:00:00Z"}`), "application/json", uint8(1), "")
	f.Add("PATCH", "/organizers/{org}/trainings/{training}", []byte(`{}`), "application/json", uint8(1), "")
	f.Add("GET", "/organizers/-1/trainings/99999999999999999999", []byte(nil), "", uint8(2), "X-Forwarded-For: 1.2.3.4")
	f.Add("POST", "/organizers/{org}/trainings", []byte(`{"name":`), "text/plain", uint8(3), "")
	f.Add("GET", "/accounts/{account}/organizers", []byte(nil), "", uint8(1), "Accept: text/html")
	f.Fuzz(func(t *testing.T, method, target string, body []byte, contentType string, auth uint8, header string) {
		w := newFuzzWorld(t)
		req, ok := buildRequest(method, w.expand(target), []byte(w.expand(string(body))), contentType, auth, header, w.fake.Token())
		if !ok {
			t.Skip("net/http's server would not hand this request to a handler")
		}
		rec := httptest.NewRecorder()
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("panic on %s %q: %v", req.Method, req.URL.RequestURI(), p)
				}
			}()
			w.fake.ServeHTTP(rec, req)
		}()
		status := rec.Code
		if status >= 500 {
			t.Fatalf("%s %q: status %d: %s", req.Method, req.URL.RequestURI(), status, rec.Body)
		}
		if status >= 400 {
			ct, _, err := mime.ParseMediaType(rec.Header().Get("Content-Type"))
			if err != nil || ct != "application/json" {
				t.Fatalf("%s %q: %d with Content-Type %q", req.Method, req.URL.RequestURI(), status, rec.Header().Get("Content-Type"))
			}
			var e map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || len(e) == 0 {
				t.Fatalf("%s %q: %d with a body that is not a JSON error object: %q", req.Method, req.URL.RequestURI(), status, rec.Body)
			}
			if status == http.StatusMethodNotAllowed && rec.Header().Get("Allow") == "" {
				t.Fatalf("%s %q: 405 without Allow", req.Method, req.URL.RequestURI())
			}
		}
	})
}

// buildRequest writes the request as it would come over the wire and reads
// it back with http.ReadRequest, as net/http's server does, so that the fake
// only sees requests a server could hand it.
func buildRequest(method, target string, body []byte, contentType string, auth uint8, header, token string) (*http.Request, bool) {
	if strings.ContainsAny(method+target+contentType+header, "\r\n") || method == "" || target == "" {
		return nil, false
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, target)
	switch auth % 4 {
	case 1:
		fmt.Fprintf(&b, "Authorization: Bearer %s\r\n", token)
	case 2:
		b.WriteString("Authorization: Bearer not-the-token\r\n")
	case 3:
		b.WriteString("Authorization: Basic dXNlcjpwYXNz\r\n")
	}
	if contentType != "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\n", contentType)
	}
	if header != "" {
		fmt.Fprintf(&b, "%s\r\n", header)
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	req, err := http.ReadRequest(bufio.NewReader(&b))
	if err != nil {
		return nil, false
	}
	// What the server checks on top of ReadRequest.
	if req.URL.Path == "" || req.URL.Path[0] != '/' || req.Method == http.MethodConnect {
		return nil, false
	}
	req.RemoteAddr = "127.0.0.1:40000"
	return req, true
}
