package gototraining

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"
)

// GoTo has no server paging: every list comes whole in one answer. All list
// methods go through the pager below, which decodes the answer's array one
// element at a time, so memory stays flat however long the list is, and so
// that paging can be added here without changing any method's signature.

// lister describes one list operation: how to send it, where the array is in
// the answer, and how one element is decoded.
type lister[W any, T any] struct {
	op    *operation
	check error // the input's first problem: returned before anything is sent
	send  sender
	field string // "" when the answer is the array; else the object key holding it
	conv  func(*W) T
}

// stream sends the call and hands each element to yield until it returns
// false, with what the element costs in memory (its JSON bytes, its own
// size and its nested lists), for List's cap. Errors are the call's, the
// context's (checked between elements, so a buffered or compressed answer
// cannot run past the deadline) or a *DecodeError. When size is not nil,
// it is set to measure the answer, for List to size its slice by. lazy
// says the caller's code runs between elements (All), which sends the call
// through the client's pool for streams (see DefaultMaxConnsPerHost).
func (l lister[W, T]) stream(ctx context.Context, c *Client, size *listSize, lazy bool, yield func(T, int64) bool) error {
	resp, _, err := c.callWith(ctx, &callState{op: l.op, stream: lazy}, l.send)
	if err != nil {
		return err
	}
	defer drainAndClose(resp.Body)
	// The decoder reads through a cap on each element: memory stays flat
	// across elements, but the decoder buffers a token or a value whole, so
	// without the cap one endless element would be read to its end.
	p := getDecoder(resp.Body, maxObjectBody, errElementTooLarge)
	dec := &p.dec
	if size != nil {
		*size = listSize{length: resp.ContentLength, read: dec.InputOffset}
	}
	var w W // reused: only the T is kept
	wd, ok := any(&w).(wireDecoder)
	if !ok {
		return fmt.Errorf("gototraining: no decoder for %T", w) // a programming error, caught by the tests
	}
	nested, _ := any(&w).(interface{ nestedSize() int64 })
	elemSize := int64(unsafe.Sizeof(*new(T)))
	var largest int64 // the largest element, which the decoder's buffer had to hold
	err = walkArray(dec, l.field, func() (bool, error) {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		var zero W
		w = zero // fresh slices and fields for each element
		start := dec.InputOffset()
		p.in.start = start
		if err := wd.decodeFrom(dec); err != nil {
			return false, at(dec, err)
		}
		n := dec.InputOffset() - start
		largest = max(largest, n)
		cost := elemSize + n
		if nested != nil {
			cost += nested.nestedSize()
		}
		return yield(l.conv(&w), cost), nil
	})
	if err != nil || l.field != "" {
		largest = p.in.read // the buffer may have grown for anything read
	}
	p.release(largest)
	if err == nil {
		return nil
	}
	return &DecodeError{StatusCode: resp.StatusCode, Operation: l.op.id, Err: err}
}

// list collects the stream into a slice, up to the client's list limit
// (WithListLimit): past it, the answer is dropped and a *ListTooLongError
// says to use All, which keeps one element at a time.
func (l lister[W, T]) list(ctx context.Context, c *Client) ([]T, error) {
	if l.check != nil {
		return nil, l.check
	}
	var out []T
	var size listSize
	var kept int64
	limit := c.cfg.listLimit
	err := l.stream(ctx, c, &size, false, func(t T, cost int64) bool {
		if kept += cost; kept > limit {
			out = nil // let it go before the error travels up
			return false
		}
		if len(out) == cap(out) {
			if more := size.grow(len(out)); more > 0 {
				// make and copy: slices.Grow would round the capacity
				// up by append's rule, past the estimate.
				grown := make([]T, len(out), len(out)+more)
				copy(grown, out)
				out = grown
			}
		}
		out = append(out, t)
		return true
	})
	if err != nil {
		return nil, err
	}
	if kept > limit {
		return nil, &ListTooLongError{Operation: l.op.id, Limit: limit}
	}
	if out == nil {
		out = []T{}
	}
	return out, nil
}

// all is the lazy form: nothing is sent until the sequence is ranged over,
// every range sends the call anew, and an error is yielded once, last.
func (l lister[W, T]) all(ctx context.Context, c *Client) iter.Seq2[T, error] {
	if l.check != nil {
		return failed[T](l.check)
	}
	return func(yield func(T, error) bool) {
		stopped := false
		err := l.stream(ctx, c, nil, true, func(t T, _ int64) bool {
			if !yield(t, nil) {
				stopped = true
				return false
			}
			return true
		})
		if err != nil && !stopped {
			var zero T
			yield(zero, err)
		}
	}
}

// failed is a sequence that yields only err: how all reports bad input.
func failed[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

// listSize estimates the length of a list from the answer's length and how
// far the decoder is into it. Left to append, a slice of 100000 registrants
// is allocated five times over (append grows long slices by a quarter) and
// copied as often; sized by the estimate, about twice.
type listSize struct {
	length int64        // the answer's Content-Length; -1 when unknown
	read   func() int64 // how many bytes of it the decoder has consumed
}

// grow says by how many elements to grow a full slice of n: to the estimated
// length of the list plus a sixteenth, but by no less than a quarter of n,
// as append would, and by no more than n, because the estimate rests on a
// length the server announced: memory must not grow faster than the answer
// actually arrives. It returns 0, to leave it to append, when the length of
// the answer is unknown or nothing has been decoded yet.
func (s *listSize) grow(n int) int {
	if n == 0 || s.length <= 0 || s.read == nil {
		return 0
	}
	read := s.read()
	if read <= 0 {
		return 0
	}
	floor, ceiling := max(n/4, 16), max(n, 16)
	if s.length > math.MaxInt64/int64(n) {
		return floor // an estimate this large would overflow; grow as append does
	}
	estimate := int64(n) * s.length / read
	more := estimate + estimate/16 - int64(n)
	return int(min(max(more, int64(floor)), int64(ceiling)))
}

var errTrailingData = errors.New("unexpected data after the list")

// walkArray positions dec on the elements of the answer's array and calls
// next once per element; next decodes the element and reports whether to go
// on. With field set, the answer is an object and the array is under that key;
// other keys are skipped. An empty answer or null counts as an empty list,
// since GoTo documents "the response will be empty" for some empty lists.
func walkArray(dec *jsontext.Decoder, field string, next func() (bool, error)) error {
	switch dec.PeekKind() {
	case 0:
		_, err := dec.ReadToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		return err
	case 'n':
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		return expectEOF(dec)
	}
	if field == "" {
		if dec.PeekKind() != '[' {
			return notA(dec, "a JSON array")
		}
		if cont, err := walkElements(dec, next); err != nil || !cont {
			return err
		}
		return expectEOF(dec)
	}
	found, stopped := false, false
	err := readObject(dec, func(name []byte) error {
		if string(name) != field {
			return dec.SkipValue()
		}
		found = true
		cont, err := walkElements(dec, next)
		if err == nil && !cont {
			stopped = true
			return errStopped
		}
		return err
	})
	switch {
	case stopped:
		return nil
	case err != nil:
		return err
	case !found:
		return fmt.Errorf("the answer has no %q list", field)
	}
	return expectEOF(dec)
}

// errStopped ends the walk of an object when next asked to stop.
var errStopped = errors.New("stopped")

// walkElements reads an array value (null is an empty one) element by
// element. It reports false when next asked to stop.
func walkElements(dec *jsontext.Decoder, next func() (bool, error)) (bool, error) {
	switch dec.PeekKind() {
	case 'n':
		_, err := dec.ReadToken()
		return err == nil, err // "key": null, an empty list
	case '[', 0:
	default:
		return false, notA(dec, "a JSON array")
	}
	if _, err := dec.ReadToken(); err != nil {
		return false, err
	}
	for {
		switch dec.PeekKind() {
		case ']', 0:
			_, err := dec.ReadToken() // the closing bracket, or the syntax error
			return err == nil, err
		}
		cont, err := next()
		if err != nil || !cont {
			return false, err
		}
	}
}

func expectEOF(dec *jsontext.Decoder) error {
	switch _, err := dec.ReadToken(); {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return err
	}
	return errTrailingData
}
