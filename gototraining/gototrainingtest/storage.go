package gototrainingtest

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// storagePrefix is where ServeHTTP serves the storage origin when no
// separate one is configured.
const storagePrefix = "/_storage"

// StorageHandler returns the storage origin that recording downloads
// redirect to, serving GET /recordings/{id}?token=... with the recording's
// bytes. [Start] and [NewServer] serve it on its own host; a program that
// embeds the Fake can serve it itself and pass its URL with
// [WithDownloadURL]. It needs no Authorization header, and records the
// headers of every request it gets (see [Fake.DownloadRequests]).
func (f *Fake) StorageHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.serveStorage(w, r, r.URL.Path)
	})
}

func (f *Fake) serveStorage(w http.ResponseWriter, r *http.Request, path string) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w, op: StorageOperation}
	defer f.logRequest(r, sw, start)

	f.mu.Lock()
	f.downloads = append(f.downloads, r.Header.Clone())
	f.mu.Unlock()

	fault, ok := f.begin(r.Context(), StorageOperation)
	if !ok || (fault != nil && !sleep(r.Context(), fault.Latency)) {
		return
	}
	if fault != nil && fault.Status != 0 {
		f.answerFault(sw, r, fault)
		return
	}
	f.finish(sw, r, f.storageResponse(r, path), fault, http.StatusOK)
}

func (f *Fake) storageResponse(r *http.Request, path string) response {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		resp := errorResponse(http.StatusMethodNotAllowed, errorOut{ErrorCode: "MethodNotAllowed", Message: "only GET and HEAD"})
		resp.header.Set("Allow", "GET, HEAD") // a 405 must say what is allowed (RFC 9110, 15.5.6)
		return resp
	}
	idText, ok := strings.CutPrefix(path, "/recordings/")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil {
		return errorResponse(http.StatusNotFound, errorOut{ErrorCode: "NoSuchKey", Message: "no such file"})
	}
	f.mu.Lock()
	rec := f.recordings[id]
	f.mu.Unlock()
	if rec == nil {
		return errorResponse(http.StatusNotFound, errorOut{ErrorCode: "NoSuchKey", Message: "no such file"})
	}
	if subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("token")), []byte(rec.secret)) != 1 {
		return errorResponse(http.StatusForbidden, errorOut{ErrorCode: "AccessDenied", Message: "bad or missing download token"})
	}
	return response{
		status: http.StatusOK,
		header: http.Header{
			"Content-Type":        {"application/octet-stream"},
			"Content-Disposition": {`attachment; filename="recording-` + idText + `.mp4"`},
		},
		body: rec.content,
	}
}
