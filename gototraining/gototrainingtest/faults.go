package gototrainingtest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Fault is a failure to inject into the answer of one request. Faults are
// applied after the call is counted (see [Fake.Calls]) and before
// authentication and validation, so they hit any request of the operation.
// Injected answers are not checked against the spec.
type Fault struct {
	// Status, when not 0, is the status to answer instead of handling the
	// request (the model is left untouched). 0 answers normally, with the
	// other effects of the fault.
	Status int
	// Body is the raw body sent with Status; nil sends a GoTo-style JSON
	// Error body for that status.
	Body []byte
	// ContentType of Body; default application/json.
	ContentType string
	// RetryAfter, when not empty, is sent as the Retry-After header.
	RetryAfter string
	// Latency is waited before answering; the wait ends early, with no
	// answer, when the request's context ends.
	Latency time.Duration
	// CutMidBody handles the request normally, then sends the headers (with
	// the full Content-Length) and half the body, and closes the connection.
	// An answer without a body is cut before its headers. With Status, the
	// fault's own answer is cut.
	CutMidBody bool
	// MalformedJSON handles the request normally, then answers the
	// operation's success status (200 for operations that answer 204 or 302)
	// with a truncated JSON body.
	MalformedJSON bool
}

// StorageOperation is the operation name of requests to the storage origin of
// recording downloads, for [Fake.Calls] and [Fake.FailNext].
const StorageOperation = "storage"

// FailNext makes the next n requests for operationID (an operationId of the
// spec, or [StorageOperation]) fail with fault. Faults for one operation
// queue up in the order they were added. An unknown operationID, or a
// Status outside 100-999, is reported to the violation handler and ignored.
func (f *Fake) FailNext(operationID string, n int, fault Fault) {
	if _, ok := f.spec.success[operationID]; !ok && operationID != StorageOperation {
		f.cfg.onViolation(fmt.Errorf("gototrainingtest: FailNext: the spec has no operation %q", operationID))
		return
	}
	if fault.Status != 0 && (fault.Status < 100 || fault.Status > 999) {
		f.cfg.onViolation(fmt.Errorf("gototrainingtest: FailNext(%q): status %d is not an HTTP status", operationID, fault.Status))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for range max(n, 0) {
		f.faults[operationID] = append(f.faults[operationID], fault)
	}
}

// SetLatency makes the fake wait d before answering every request (0 turns
// it off). The wait ends early, with no answer, when the request's context
// ends.
func (f *Fake) SetLatency(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency = d
}

// Reset drops the queued faults and the latency; the model and the call
// counts stay.
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = map[string][]Fault{}
	f.latency = 0
}

// answerFault sends the answer of a fault with a Status.
func (f *Fake) answerFault(w http.ResponseWriter, r *http.Request, fault *Fault) {
	resp := f.faultResponse(fault)
	if fault.CutMidBody {
		cut(w, r, resp)
		return
	}
	writeResponse(w, resp)
}

func (f *Fake) faultResponse(fault *Fault) response {
	ct := fault.ContentType
	if ct == "" {
		ct = "application/json"
	}
	body := fault.Body
	if body == nil {
		f.mu.Lock()
		incident := f.newSecret()
		f.mu.Unlock()
		body = defaultErrorBody(fault.Status, incident)
	}
	h := http.Header{"Content-Type": {ct}}
	if fault.RetryAfter != "" {
		h.Set("Retry-After", fault.RetryAfter)
	}
	return response{status: fault.Status, header: h, body: body}
}

// finish applies the effects of fault to the normal answer resp and sends
// it. success is the operation's success status.
func (f *Fake) finish(w http.ResponseWriter, r *http.Request, resp response, fault *Fault, success int) {
	if fault == nil {
		writeResponse(w, resp)
		return
	}
	if fault.RetryAfter != "" {
		resp.header = resp.header.Clone()
		resp.header.Set("Retry-After", fault.RetryAfter)
	}
	if fault.MalformedJSON {
		hasBody := func(status int) bool { return status >= 200 && status < 300 && status != http.StatusNoContent }
		if !hasBody(resp.status) {
			resp.status = success
		}
		if !hasBody(resp.status) {
			resp.status = http.StatusOK
		}
		body := []byte(`{"errorCode":`)
		if len(resp.body) >= 2 {
			body = resp.body[:len(resp.body)/2]
		}
		resp.body = body
		resp.header = resp.header.Clone()
		resp.header.Set("Content-Type", "application/json")
		resp.header.Del("Location")
	}
	if fault.CutMidBody {
		cut(w, r, resp)
		return
	}
	writeResponse(w, resp)
}

// cut sends the headers and half the body of resp, then drops the
// connection. net/http recovers the http.ErrAbortHandler panic silently.
func cut(w http.ResponseWriter, r *http.Request, resp response) {
	if len(resp.body) == 0 {
		panic(http.ErrAbortHandler)
	}
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(resp.body[:len(resp.body)/2])
	}
	_ = http.NewResponseController(w).Flush()
	panic(http.ErrAbortHandler)
}

// rateWindow counts the requests of one token in a one-second window.
type rateWindow struct {
	start time.Time
	n     int
}

// rateLimited counts a request with this Authorization value and reports
// whether it is past the limit.
func (f *Fake) rateLimited(auth string) bool {
	if f.cfg.rateLimit <= 0 {
		return false
	}
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.windows) > 1024 { // bound the memory: forget finished windows
		for k, w := range f.windows {
			if now.Sub(w.start) >= time.Second {
				delete(f.windows, k)
			}
		}
	}
	w := f.windows[auth]
	if w == nil || now.Sub(w.start) >= time.Second {
		w = &rateWindow{start: now}
		f.windows[auth] = w
	}
	w.n++
	return w.n > f.cfg.rateLimit
}
