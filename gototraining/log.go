package gototraining

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// The transport logs each attempt at Debug, and retries, waits and token
// refusals at Info and Warn, through the slog.Logger of WithLogger. Nothing
// logged carries the access token: error text goes through redact.

// log writes one attempt's record; the level and message say what happened.
func (t *transport) log(ctx context.Context, level slog.Level, msg string, op *operation, r *http.Request, resp *http.Response, err error, attempt int, took time.Duration, extra ...slog.Attr) {
	l := t.cfg.logger
	if l == nil || !l.Enabled(ctx, level) {
		return
	}
	attrs := append(make([]slog.Attr, 0, 8+len(extra)),
		slog.String("operation", op.id),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("attempt", attempt),
	)
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if took > 0 {
		attrs = append(attrs, slog.Duration("duration", took))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", t.redact(err.Error())))
	}
	attrs = append(attrs, extra...)
	l.LogAttrs(ctx, level, msg, attrs...)
}
