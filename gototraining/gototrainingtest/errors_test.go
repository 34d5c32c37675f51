package gototrainingtest_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/api"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
	"github.com/gototraining-go/gototraining/internal/specexample"
)

// op is one request for one operation of the spec.
type op struct {
	id, method, path string
	body             any
}

// keys of the resources the requests of allOps name.
type keys struct{ account, org, tk, rk, sk, rid int64 }

// pathKeys names, by path parameter, the key of the seeded world that the
// requests of allOps put in its place: the fake answers only for keys it
// knows, so the spec's example keys cannot be sent as they are.
var pathKeys = map[string]func(keys) int64{
	"accountKey":    func(k keys) int64 { return k.account },
	"organizerKey":  func(k keys) int64 { return k.org },
	"trainingKey":   func(k keys) int64 { return k.tk },
	"registrantKey": func(k keys) int64 { return k.rk },
	"sessionKey":    func(k keys) int64 { return k.sk },
	"recordingId":   func(k keys) int64 { return k.rid },
}

// bodyKeys are the declared exceptions to sending a request body's example
// as the spec gives it: by operation, the properties that name keys the
// fake must know, and their value from the seeded world. allOps fails if
// one names an operation or property the examples lack, and if an example
// body holds a key no exception replaces.
var bodyKeys = map[string]map[string]func(keys) any{
	"scheduleTraining":            {"organizers": func(k keys) any { return []int64{k.org} }},
	"updateOrganisersForTraining": {"organizers": func(k keys) any { return []int64{k.org} }},
}

// spec is api/openapi.yaml, loaded once.
var spec = sync.OnceValues(func() (*openapi3.T, error) {
	return openapi3.NewLoader().LoadFromData(api.OpenAPI)
})

// allOps returns a valid request for each operation of the spec, built
// from its examples: the path's keys from k (pathKeys), query parameters
// and the request body from the spec's examples, with the body's keys
// replaced as bodyKeys declares. A new operation with examples needs no
// entry here.
func allOps(t *testing.T, k keys) []op {
	t.Helper()
	doc, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	var ops []op
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, o := range item.Operations() {
			ops = append(ops, exampleRequest(t, k, method, path, append(slices.Clone(item.Parameters), o.Parameters...), o))
			for prop := range bodyKeys[o.OperationID] {
				used[o.OperationID+"."+prop] = true
			}
		}
	}
	for id, props := range bodyKeys {
		for prop := range props {
			if !used[id+"."+prop] {
				t.Fatalf("bodyKeys names %s.%s, which no operation of the spec has", id, prop)
			}
		}
	}
	slices.SortFunc(ops, func(a, b op) int { return strings.Compare(a.id, b.id) })
	return ops
}

// exampleRequest is one operation's request from its examples.
func exampleRequest(t *testing.T, k keys, method, path string, params openapi3.Parameters, o *openapi3.Operation) op {
	t.Helper()
	query := url.Values{}
	for _, ref := range params {
		p := ref.Value
		switch p.In {
		case openapi3.ParameterInPath:
			key, ok := pathKeys[p.Name]
			if !ok {
				t.Fatalf("%s: path parameter %s has no key of the seeded world in pathKeys", o.OperationID, p.Name)
			}
			path = strings.ReplaceAll(path, "{"+p.Name+"}", strconv.FormatInt(key(k), 10))
		case openapi3.ParameterInQuery:
			if p.Example == nil {
				t.Fatalf("%s: query parameter %s has no example", o.OperationID, p.Name)
			}
			query.Set(p.Name, fmt.Sprint(p.Example))
		}
	}
	if len(query) > 0 {
		path += "?" + query.Encode()
	}
	req := op{id: o.OperationID, method: method, path: path}
	if o.RequestBody == nil {
		if bodyKeys[o.OperationID] != nil {
			t.Fatalf("bodyKeys names %s, which has no request body", o.OperationID)
		}
		return req
	}
	keys := map[string]any{}
	for prop, value := range bodyKeys[o.OperationID] {
		keys[prop] = value(k)
	}
	body, err := specexample.Body(o, keys)
	if err != nil {
		t.Fatalf("%s: %v", o.OperationID, err)
	}
	req.body = body
	return req
}

// seeded schedules a training with a registrant, a session and a recording.
func seeded(t *testing.T, s *gototrainingtest.Server, c *tc) keys {
	t.Helper()
	tk := c.schedule("Seeded")
	rk := c.register(tk, "seed@example.com")
	sk, err := s.CompleteSession(tk, t0, t1, []gototrainingtest.AttendeeRecord{{Email: "seed@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	rid, err := s.AddRecording(tk, "rec", []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	return keys{account: s.AccountKey(), org: s.OrganizerKey(), tk: tk, rk: rk, sk: sk, rid: rid}
}

// TestEveryOperation sends a valid request for each operation of the spec,
// each to a fresh fake, and checks that it answers the success the spec
// declares and counts it.
func TestEveryOperation(t *testing.T) {
	t.Parallel()
	doc, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	wantStatus := map[string]int{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for code := range op.Responses.Map() {
				if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 400 {
					wantStatus[op.OperationID] = n // each declares one success
				}
			}
		}
	}
	var ids []string
	for _, o := range allOps(t, keys{}) {
		ids = append(ids, o.id)
	}
	if diff := cmp.Diff(slices.Sorted(maps.Keys(wantStatus)), slices.Sorted(slices.Values(ids))); diff != "" {
		t.Errorf("operations in the spec (-) and in allOps (+):\n%s", diff)
	}
	for _, o := range allOps(t, keys{}) {
		t.Run(o.id, func(t *testing.T) {
			t.Parallel()
			s, c := newFake(t)
			o := opByID(t, allOps(t, seeded(t, s, c)), o.id)
			res := c.do(o.method, o.path, o.body)
			if status := wantStatus[o.id]; res.Status != status {
				t.Errorf("status = %d, want %d; body %s", res.Status, wantStatus[o.id], res.Body)
			}
			if n := s.Calls(o.id); n < 1 {
				t.Errorf("Calls(%s) = %d", o.id, n)
			}
		})
	}
}

func opByID(t *testing.T, ops []op, id string) op {
	t.Helper()
	for _, o := range ops {
		if o.id == id {
			return o
		}
	}
	t.Fatalf("no operation %s", id)
	return op{}
}

// TestUnknownKeys: every single-resource operation answers 404 for an
// unknown organizer, training, registrant, session or recording; those that
// declare no 404 answer 403 for an unknown organizer or account.
func TestUnknownKeys(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	good := seeded(t, s, c)
	const unknown = 1234567890123456789
	noNotFound := map[string]bool{"getAllOrganisers": true, "getAllTrainings": true, "scheduleTraining": true, "getSessionDetailsForDateRange": true}
	variants := []struct {
		name   string
		k      keys
		about  func(id string) bool // which operations name this key
		status func(id string) int
	}{
		{
			"unknown organizer or account", keys{account: unknown, org: unknown, tk: good.tk, rk: good.rk, sk: good.sk, rid: good.rid},
			func(id string) bool { return !strings.HasPrefix(id, "getRecording") && id != "startTraining" },
			func(id string) int {
				if noNotFound[id] {
					return http.StatusForbidden
				}
				return http.StatusNotFound
			},
		},
		{
			"unknown training", keys{account: good.account, org: good.org, tk: unknown, rk: good.rk, sk: good.sk, rid: good.rid},
			func(id string) bool { return !noNotFound[id] && id != "getAttendanceDetails" },
			func(string) int { return http.StatusNotFound },
		},
		{
			"unknown registrant, session or recording", keys{account: good.account, org: good.org, tk: good.tk, rk: unknown, sk: unknown, rid: unknown},
			func(id string) bool {
				return id == "getRegistrant" || id == "cancelRegistration" || id == "getAttendanceDetails" || id == "getRecordingDownloadById"
			},
			func(string) int { return http.StatusNotFound },
		},
	}
	for _, v := range variants {
		for _, o := range allOps(t, v.k) {
			if !v.about(o.id) {
				continue
			}
			res := c.do(o.method, o.path, o.body)
			code := "NotFound"
			if v.status(o.id) == http.StatusForbidden {
				code = "AccessDenied"
			}
			if res.Status != v.status(o.id) {
				t.Errorf("%s: %s answered %d, want %d; body %s", v.name, o.id, res.Status, v.status(o.id), res.Body)
				continue
			}
			checkError(t, res, v.status(o.id), code)
		}
	}
	// Nothing changed.
	if n := len(s.Trainings()); n != 1 {
		t.Errorf("%d trainings, want 1", n)
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	s, c := newFake(t, gototrainingtest.WithToken("s3cret"))
	path := trainingsPath(s.OrganizerKey())
	tests := []struct {
		name   string
		auth   string
		status int
		body   string
	}{
		{"no header", "", http.StatusUnauthorized, `{"int_err_code":"MissingToken","msg":"No access token passed"}`},
		{"wrong token", "Bearer fake-token", http.StatusForbidden, `{"int_err_code":"InvalidToken","msg":"Invalid token passed"}`},
		{"empty bearer", "Bearer", http.StatusForbidden, `{"int_err_code":"InvalidToken","msg":"Invalid token passed"}`},
		{"another scheme", "Basic czNjcmV0", http.StatusForbidden, `{"int_err_code":"InvalidToken","msg":"Invalid token passed"}`},
		{"legacy OAuth scheme", "OAuth oauth_token=s3cret", http.StatusForbidden, `{"int_err_code":"InvalidToken","msg":"Invalid token passed"}`},
		{"right token", "Bearer s3cret", http.StatusOK, `[]`},
		{"scheme in lower case", "bearer s3cret", http.StatusOK, `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := c.do(http.MethodGet, path, nil, hdr{"Authorization": tt.auth})
			got := fmt.Sprintf("%d %s", res.Status, res.Body)
			if diff := cmp.Diff(fmt.Sprintf("%d %s", tt.status, tt.body), got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("checked before the path", func(t *testing.T) {
		t.Parallel()
		res := c.do(http.MethodGet, "/organizers/abc/trainings", nil, hdr{"Authorization": "Bearer wrong"})
		checkError(t, res, http.StatusForbidden, "InvalidToken")
	})
}

func TestRequestValidation(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	good := seeded(t, s, c)
	org, tp := good.org, trainingPath(good.org, good.tk)
	sched := func(edit func(map[string]any)) map[string]any {
		b := scheduleBody("Valid")
		edit(b)
		return b
	}
	oneTime := func(start, end string) []map[string]string {
		return []map[string]string{{"startDate": start, "endDate": end}}
	}
	tests := []struct {
		name         string
		method, path string
		body         any
		header       hdr
		mention      string
	}{
		{"non-integer organizer key", http.MethodGet, "/organizers/abc/trainings", nil, nil, "organizerKey"},
		{"negative training key", http.MethodGet, fmt.Sprintf("/organizers/%d/trainings/-5", org), nil, nil, "trainingKey"},
		{"key beyond int64", http.MethodGet, fmt.Sprintf("/organizers/%d/trainings/9999999999999999999", org), nil, nil, "trainingKey"},
		{"non-integer registrant key", http.MethodGet, tp + "/registrants/x1", nil, nil, "registrantKey"},
		{"non-integer session key", http.MethodGet, fmt.Sprintf("/reports/organizers/%d/sessions/1.5/attendees", org), nil, nil, "sessionKey"},
		{"non-integer recording id", http.MethodGet, fmt.Sprintf("/trainings/%d/recordings/abc", good.tk), nil, nil, "recordingId"},
		{"non-integer account key", http.MethodGet, "/accounts/acc/organizers", nil, nil, "accountKey"},
		{"unknown time zone", http.MethodPost, trainingsPath(org), sched(func(b map[string]any) { b["timeZone"] = "Mars/Olympus_Mons" }), nil, "timeZone"},
		{"the server's local zone", http.MethodPost, trainingsPath(org), sched(func(b map[string]any) { b["timeZone"] = "Local" }), nil, "timeZone"},
		{"empty time zone", http.MethodPost, trainingsPath(org), sched(func(b map[string]any) { b["timeZone"] = "" }), nil, "timeZone"},
		{"end before start", http.MethodPost, trainingsPath(org), sched(func(b map[string]any) { b["times"] = oneTime("2026-03-26T23:00:00Z", "2026-03-26T15:00:00Z") }), nil, "endDate"},
		{"end equal to start", http.MethodPost, trainingsPath(org), sched(func(b map[string]any) { b["times"] = oneTime("2026-03-26T15:00:00Z", "2026-03-26T15:00:00Z") }), nil, "endDate"},
		{"no times", http.MethodPost, trainingsPath(org), sched(func(b map[string]any) { b["times"] = []any{} }), nil, "times"},
		{"missing name", http.MethodPost, trainingsPath(org), sched(func(b map[string]any) { delete(b, "name") }), nil, "name"},
		{"empty name", http.MethodPost, trainingsPath(org), sched(func(b map[string]any) { b["name"] = "" }), nil, "name"},
		{"missing time zone", http.MethodPost, trainingsPath(org), sched(func(b map[string]any) { delete(b, "timeZone") }), nil, "timeZone"},
		{"not a date-time", http.MethodPost, trainingsPath(org), sched(func(b map[string]any) { b["times"] = oneTime("tomorrow", "2026-03-26T15:00:00Z") }), nil, "startDate"},
		{"unknown co-organizer", http.MethodPost, trainingsPath(org), sched(func(b map[string]any) { b["organizers"] = []int64{1234567890123456789} }), nil, "organizers"},
		{"co-organizer key as a string", http.MethodPost, trainingsPath(org), sched(func(b map[string]any) { b["organizers"] = []string{"1234567890123456789"} }), nil, "organizers"},
		{"wrong content type", http.MethodPost, trainingsPath(org), `{"name":"x"}`, hdr{"Content-Type": "text/plain"}, "Content-Type"},
		{"malformed JSON", http.MethodPost, trainingsPath(org), `{"name":`, nil, "request body"},
		{"no body", http.MethodPost, trainingsPath(org), nil, nil, "request body"},
		{"times: unknown time zone", http.MethodPut, tp + "/times", map[string]any{"timeZone": "Nowhere", "times": oneTime("2026-03-26T15:00:00Z", "2026-03-26T16:00:00Z")}, nil, "timeZone"},
		{"times: end before start", http.MethodPut, tp + "/times", map[string]any{"timeZone": "UTC", "times": oneTime("2026-03-26T16:00:00Z", "2026-03-26T15:00:00Z")}, nil, "endDate"},
		{"settings: missing field", http.MethodPut, tp + "/registrationSettings", map[string]bool{"disableConfirmationEmail": true}, nil, "disableWebRegistration"},
		{"name and description: missing name", http.MethodPut, tp + "/nameDescription", map[string]string{"description": "d"}, nil, "name"},
		{"organizers: missing list", http.MethodPut, tp + "/organizers", map[string]bool{"notifyOrganizers": true}, nil, "organizers"},
		{"date range: missing end", http.MethodPost, fmt.Sprintf("/reports/organizers/%d/sessions", org), map[string]string{"startDate": "2026-01-01T00:00:00Z"}, nil, "endDate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := hdr{}
			if tt.body != nil {
				h["Content-Type"] = "application/json"
			}
			for k, v := range tt.header {
				h[k] = v
			}
			checkError(t, c.do(tt.method, tt.path, tt.body, h), http.StatusBadRequest, "InvalidRequest", tt.mention)
		})
	}
	t.Cleanup(func() {
		if n := len(s.Trainings()); n != 1 {
			t.Errorf("%d trainings after invalid requests, want 1", n)
		}
	})
}

func TestUnroutedRequests(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	checkError(t, c.do(http.MethodGet, "/G2T/rest/organizers/1/trainings", nil), http.StatusNotFound, "NOT_FOUND")
	res := c.do(http.MethodPatch, trainingsPath(s.OrganizerKey()), nil)
	checkError(t, res, http.StatusMethodNotAllowed, "PATCH")
	if diff := cmp.Diff("GET, POST", res.Header.Get("Allow")); diff != "" {
		t.Errorf("Allow (-want +got):\n%s", diff)
	}
	// The router does not fill a missing last key with "", nor forgive a
	// trailing slash.
	res = c.do(http.MethodDelete, trainingsPath(s.OrganizerKey()), nil)
	checkError(t, res, http.StatusMethodNotAllowed, "DELETE")
	if diff := cmp.Diff("GET, POST", res.Header.Get("Allow")); diff != "" {
		t.Errorf("Allow (-want +got):\n%s", diff)
	}
	checkError(t, c.do(http.MethodGet, trainingsPath(s.OrganizerKey())+"/", nil), http.StatusNotFound, "NOT_FOUND")
	checkError(t, c.do(http.MethodGet, "/organizers//trainings", nil), http.StatusNotFound, "NOT_FOUND")
}

// recordingTB is a testing.TB whose Errorf is recorded, not reported.
type recordingTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestNewServerFailsTheTest(t *testing.T) {
	t.Parallel()
	rec := &recordingTB{TB: t}
	s := gototrainingtest.NewServer(rec)
	s.FailNext("noSuchOperation", 1, gototrainingtest.Fault{Status: 500})
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "noSuchOperation") {
		t.Errorf("Errorf calls = %q, want one naming the operation", rec.errs)
	}
}

// TestConcurrentUse drives one fake from several goroutines (run it with
// -race).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	tk := c.schedule("Busy")
	path := trainingPath(s.OrganizerKey(), tk) + "/registrants"
	const workers, each = 6, 8
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				res, err := c.try(t.Context(), http.MethodPost, path, map[string]string{"email": fmt.Sprintf("w%d-%d@example.com", w, i), "givenName": "W", "surname": "S"})
				if err != nil || res.Status != http.StatusCreated {
					t.Errorf("register: %v %d %s", err, res.Status, res.Body)
				}
				if _, err := c.try(t.Context(), http.MethodGet, path, nil); err != nil {
					t.Error(err)
				}
				_ = s.Trainings()
			}
		})
	}
	wg.Wait()
	seen := map[int64]bool{}
	for _, r := range s.Registrants(tk) {
		seen[r.Key] = true
	}
	if len(seen) != workers*each {
		t.Errorf("%d distinct registrants, want %d", len(seen), workers*each)
	}
}

func TestRequestViolationHandler(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	s, c := newFake(t, gototrainingtest.WithRequestViolationHandler(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, err.Error())
	}))
	c.do(http.MethodGet, trainingsPath(s.OrganizerKey()), nil)                           // valid
	c.do(http.MethodGet, "/organizers/abc/trainings", nil)                               // invalid
	c.do(http.MethodGet, trainingsPath(s.OrganizerKey()), nil, hdr{"Authorization": ""}) // no token
	s.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || !strings.Contains(got[0], "organizerKey") || !strings.Contains(got[0], "getAllTrainings") {
		t.Errorf("request violations = %q, want two, the first naming organizerKey", got)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	s, c := newFake(t, gototrainingtest.WithRateLimit(3))
	path := trainingsPath(s.OrganizerKey())
	began := time.Now()
	var statuses []int
	var limited result
	for range 5 {
		res := c.do(http.MethodGet, path, nil)
		statuses = append(statuses, res.Status)
		if res.Status == http.StatusTooManyRequests {
			limited = res
		}
	}
	// The window is one second from the first request; on a machine so slow
	// that five requests take longer, a new window may open in between.
	if time.Since(began) < 900*time.Millisecond {
		if diff := cmp.Diff([]int{200, 200, 200, 429, 429}, statuses); diff != "" {
			t.Fatalf("statuses (-want +got):\n%s", diff)
		}
	} else if limited.Status == 0 {
		t.Skipf("too slow to check the rate limit: %v", statuses)
	}
	checkError(t, limited, http.StatusTooManyRequests, "TooManyRequests")
	if got := limited.Header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
	// Each token has its own budget.
	checkError(t, c.do(http.MethodGet, path, nil, hdr{"Authorization": "Bearer other"}), http.StatusForbidden, "InvalidToken")
	// Every request was counted, the limited ones too.
	if n := s.Calls("getAllTrainings"); n != 6 {
		t.Errorf("Calls = %d, want 6", n)
	}
}

func TestLogger(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	s, c := newFake(t, gototrainingtest.WithToken("do-not-log-me"),
		gototrainingtest.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	c.do(http.MethodGet, trainingsPath(s.OrganizerKey()), nil)
	c.do(http.MethodGet, "/nowhere", nil)
	s.Close() // waits for the handlers, and so for their log lines
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2:\n%s", len(lines), buf.String())
	}
	for _, want := range []string{"method=GET", "operation=getAllTrainings", "status=200", "duration=", "path=/organizers/"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("log line %q lacks %q", lines[0], want)
		}
	}
	if !strings.Contains(lines[1], "status=404") {
		t.Errorf("log line %q lacks status=404", lines[1])
	}
	if strings.Contains(buf.String(), "do-not-log-me") {
		t.Error("the log shows the access token")
	}
}
