package gototraining

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"net/http"
	"unsafe"
)

// GoTo has no server paging: every list comes whole in one answer. All list
// methods go through the pager below, which decodes the answer's array one
// element at a time, so memory stays flat however long the list is, and so
// that paging can be added here without changing any method's signature.

// lister describes one list operation: how to send it, where the array is in
// the answer, and how one element is decoded.
type lister[W any, T any] struct {
	op    *operation
	send  func(context.Context) (*http.Response, error)
	field string // "" when the answer is the array; else the object key holding it
	conv  func(*W) T
}

// stream sends the call and hands each element to yield until it returns
// false, with what the element costs in memory (its JSON bytes, its own
// size and its nested lists), for List's cap. Errors are the call's, the
// context's (checked between elements, so a buffered or compressed answer
// cannot run past the deadline) or a *DecodeError. When size is not nil,
// it is set to measure the answer, for List to size its slice by.
func (l lister[W, T]) stream(ctx context.Context, c *Client, size *listSize, yield func(T, int64) bool) error {
	resp, err := c.call(ctx, l.op, http.StatusOK, l.send)
	if err != nil {
		return err
	}
	defer drainAndClose(resp.Body)
	capped := &elementCap{r: resp.Body}
	dec := json.NewDecoder(capped)
	if size != nil {
		*size = listSize{length: resp.ContentLength, read: dec.InputOffset}
	}
	var w W
	elemSize := int64(unsafe.Sizeof(*new(T))) // w is reused; only the T is kept
	err = walkArray(dec, l.field, func() (bool, error) {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		var zero W
		w = zero // fresh slices and fields for each element
		capped.start = dec.InputOffset()
		if err := dec.Decode(&w); err != nil {
			return false, err
		}
		cost := elemSize + dec.InputOffset() - capped.start
		if n, ok := any(&w).(interface{ nestedSize() int64 }); ok {
			cost += n.nestedSize()
		}
		return yield(l.conv(&w), cost), nil
	})
	if err == nil {
		return nil
	}
	return &DecodeError{StatusCode: resp.StatusCode, Operation: l.op.id, Err: err}
}

// elementCap stops a list whose single element grows past maxObjectBody:
// the stream keeps memory flat across elements, but the decoder buffers
// each element whole, so without a cap one endless element would be read
// to its end. What the decoder has read beyond the current element's start
// is what it holds.
type elementCap struct {
	r     io.Reader
	read  int64 // bytes handed to the decoder
	start int64 // the decoder's offset where the current element begins
}

var errElementTooLarge = fmt.Errorf("a list element is larger than %d bytes", maxObjectBody)

func (c *elementCap) Read(p []byte) (int, error) {
	if c.read-c.start > maxObjectBody {
		return 0, errElementTooLarge
	}
	n, err := c.r.Read(p)
	c.read += int64(n)
	return n, err
}

// list collects the stream into a slice, up to the client's list limit
// (WithListLimit): past it, the answer is dropped and a *ListTooLongError
// says to use All, which keeps one element at a time.
func (l lister[W, T]) list(ctx context.Context, c *Client) ([]T, error) {
	var out []T
	var size listSize
	var kept int64
	limit := c.cfg.listLimit
	err := l.stream(ctx, c, &size, func(t T, cost int64) bool {
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
	return func(yield func(T, error) bool) {
		stopped := false
		err := l.stream(ctx, c, nil, func(t T, _ int64) bool {
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
func walkArray(dec *json.Decoder, field string, next func() (bool, error)) error {
	tok, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return err
	}
	if tok == nil {
		return expectEOF(dec)
	}
	if field != "" {
		if tok != json.Delim('{') {
			return fmt.Errorf("expected a JSON object, got %v", tok)
		}
		found := false
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return err
			}
			if key == field && !found {
				found = true
				if cont, err := walkElements(dec, next); err != nil || !cont {
					return err
				}
				continue
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // the closing brace
			return err
		}
		if !found {
			return fmt.Errorf("the answer has no %q list", field)
		}
		return expectEOF(dec)
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("expected a JSON array, got %v", tok)
	}
	if cont, err := walkElementsOpened(dec, next); err != nil || !cont {
		return err
	}
	return expectEOF(dec)
}

// walkElements reads an array value (opening bracket included) element by
// element. It reports false when next asked to stop.
func walkElements(dec *json.Decoder, next func() (bool, error)) (bool, error) {
	tok, err := dec.Token()
	if err != nil {
		return false, err
	}
	if tok == nil {
		return true, nil // "key": null, an empty list
	}
	if tok != json.Delim('[') {
		return false, fmt.Errorf("expected a JSON array, got %v", tok)
	}
	return walkElementsOpened(dec, next)
}

func walkElementsOpened(dec *json.Decoder, next func() (bool, error)) (bool, error) {
	for dec.More() {
		cont, err := next()
		if err != nil || !cont {
			return false, err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return false, err
	}
	return true, nil
}

func expectEOF(dec *json.Decoder) error {
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return err
		}
		return errTrailingData
	}
	return nil
}
