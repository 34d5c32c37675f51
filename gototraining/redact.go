package gototraining

import (
	"bytes"
	"errors"
	"io"
	"strings"
)

// The access token must not leave the client except in the Authorization
// header: not in error text, logs, or bodies that echo it. Everything that
// scrubs it lives here.

// minRedactedToken is the shortest token scrubbed from answer bodies. Real
// GoTo tokens are hundreds of characters; scrubbing a short test token such
// as "abc" would rewrite ordinary data (names, keys) that happens to hold it.
const minRedactedToken = 16

// redact removes the access token from text that may echo it, such as an
// error body written by a misbehaving server.
func (t *transport) redact(s string) string {
	if p := t.lastToken.Load(); p != nil && *p != "" && strings.Contains(s, *p) {
		return strings.ReplaceAll(s, *p, "[REDACTED]")
	}
	return s
}

// scrub returns err, or, when its text holds the access token, an error
// that reads the same with the token replaced and still matches what err
// matches (errors.Is and errors.As look through to err, and Timeout is
// kept for url.Error). Unwrap is left out on purpose, so that printing an
// unwrapped cause cannot show the token either.
func (t *transport) scrub(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if clean := t.redact(msg); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }
func (e *redactedError) As(target any) bool   { return errors.As(e.err, target) }

// Timeout keeps net.Error's answer, which url.Error asks its cause directly.
func (e *redactedError) Timeout() bool {
	var te interface{ Timeout() bool }
	return errors.As(e.err, &te) && te.Timeout()
}

// redactingBody replaces the access token in a response body as it is read.
// A server or proxy that echoes the Authorization header would otherwise put
// the token into what is decoded from the body, and from there into error
// strings (a key or a date-time that does not parse is quoted) and logs.
type redactingBody struct {
	body  io.ReadCloser
	token []byte
	buf   []byte // buf[off:] was read from body and redacted, but not handed out
	off   int
	err   error // body's read error, once seen
	left  int64 // what body has still to deliver, when its length is known; else -1
}

var redactedToken = []byte("[REDACTED]")

func (b *redactingBody) Read(p []byte) (int, error) {
	for {
		// All but a tail that may be the start of a token can go out; once
		// the body has ended, the tail too.
		pending := b.buf[b.off:]
		ready := len(pending)
		if b.err == nil {
			ready -= len(b.token) - 1
		}
		if ready > 0 || len(p) == 0 {
			n := copy(p, pending[:max(ready, 0)])
			b.off += n
			return n, nil
		}
		if b.err != nil {
			return 0, b.err
		}
		// Move the tail to the front, and read after it.
		n := len(pending)
		room := min(max(len(p), 4<<10), 64<<10)
		switch {
		case b.left >= 0:
			// The rest of an answer of known length, up to 64 KiB: a small
			// answer gets a buffer its size, and a long list is read in
			// large pieces rather than in the decoder's, which would cost
			// a system call for every 4 KiB. The extra byte leaves room to
			// see io.EOF.
			room = int(min(b.left+1, 64<<10))
		case cap(b.buf) > 0:
			// Of unknown length: read more at a time as the answer goes on.
			room = min(max(room, 2*cap(b.buf)), 64<<10)
		}
		if cap(b.buf) < n+room {
			buf := make([]byte, n, n+room)
			copy(buf, pending)
			b.buf = buf
		} else {
			b.buf = b.buf[:copy(b.buf[:n], pending)]
		}
		b.off = 0
		m, err := b.body.Read(b.buf[n:cap(b.buf)])
		b.buf, b.err = b.buf[:n+m], err
		if b.left >= 0 {
			if b.left -= int64(m); b.left < 0 {
				b.left = -1 // longer than announced: no bound any more
			}
		}
		if m > 0 && bytes.Contains(b.buf, b.token) {
			b.buf = bytes.ReplaceAll(b.buf, b.token, redactedToken)
		}
	}
}

func (b *redactingBody) Close() error { return b.body.Close() }
