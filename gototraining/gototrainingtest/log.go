package gototrainingtest

import (
	"log/slog"
	"net/http"
	"time"
)

// statusWriter remembers the operation and the status written, for the log
// line.
type statusWriter struct {
	http.ResponseWriter
	op     string
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (to flush).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequest writes the one log line of a request. It logs the path, never
// the query or the headers, so neither the access token nor a download's
// URL token can appear. A status of 0 means no answer was sent (the client
// went away, or the connection was cut before the headers).
func (f *Fake) logRequest(r *http.Request, w *statusWriter, start time.Time) {
	l := f.cfg.logger
	if l == nil {
		return
	}
	l.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.String("operation", w.op),
		slog.Int("status", w.status),
		slog.Duration("duration", time.Since(start)),
	)
}
