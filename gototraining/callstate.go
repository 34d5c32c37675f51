package gototraining

import (
	"context"
	"net/http"
	"sync/atomic"
)

// A call's state travels from the method (call.go) to the transport in the
// request's context: which operation it is, and what the attempts learned.

// callState is what one call of the client shares with the transport: the
// operation, and what the attempts learned about whether GoTo may have acted.
type callState struct {
	op *operation
	// stream: the answer is read while the caller's loop runs (All), so it
	// goes through the client's uncapped pool (see transport.via).
	stream bool
	// writes counts the requests written to a connection, net/http's own
	// replays included; wrote is writes > 0, kept for after the call.
	writes atomic.Int32
	wrote  atomic.Bool
	// maybeHandled: some attempt was written and then failed without a
	// definite answer (a broken connection, 502 or 504), so GoTo may have
	// acted on it.
	maybeHandled atomic.Bool
}

type callStateKey struct{}

func withCallState(ctx context.Context, st *callState) context.Context {
	return context.WithValue(ctx, callStateKey{}, st)
}

// callStateFrom returns the state of a request's call. Requests sent through
// Raw() carry none; their retries then follow the HTTP method: never POST.
func callStateFrom(r *http.Request) *callState {
	if st, ok := r.Context().Value(callStateKey{}).(*callState); ok {
		return st
	}
	op := &operation{id: r.Method + " " + r.URL.Path}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		op.retry = retryAlways
	}
	return &callState{op: op}
}
