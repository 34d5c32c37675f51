package gototraining

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	// jsontext is the streaming tokenizer of encoding/json/v2, from its
	// mirror module (BSD-3, the Go authors, no dependencies). Once the
	// minimum Go of go.mod ships encoding/json/v2 without GOEXPERIMENT=jsonv2,
	// import "encoding/json/jsontext" here instead, with the same API, and
	// drop github.com/go-json-experiment/json from go.mod.
	"github.com/go-json-experiment/json/jsontext"
)

// Answers are decoded by walking jsontext tokens by hand, one wire struct at
// a time (the decodeFrom methods below), instead of by encoding/json's
// reflection. encoding/json scans every byte twice (once to find the end of
// a value, once to decode it); the walk reads each byte once and allocates
// only the strings and slices it keeps. On 100,000 registrants that is
// about a third of the time (docs/BENCHMARKS.md).
//
// Where encoding/json/v2 differs from v1, these are the choices, on purpose:
//
//   - Field names match exactly, as GoTo documents and sends them ("hostURL",
//     "registrantKey"). v1 also took "RegistrantKey" or "REGISTRANTKEY"; a
//     name in another case is now an unknown field, skipped.
//   - A name that appears twice in one object fails the answer (v1 took the
//     last one). GoTo never sends that; an answer that does is ambiguous, and
//     decoding it one way while a proxy or log reads it another is how
//     smuggling works. The error names the duplicate.
//   - Invalid UTF-8 inside a string is replaced by U+FFFD, as v1 did, rather
//     than failing the answer: a learner's name with one bad byte must not
//     make a training's whole list unreadable.
//   - A key or a date-time is parsed from its raw JSON bytes by the same
//     code as before (parseKey, wireTime.UnmarshalJSON): escapes inside them
//     are refused as they always were.
var decodeOptions = []jsontext.Options{jsontext.AllowInvalidUTF8(true)}

// wireDecoder is a wire struct that reads itself from the next JSON value.
// null leaves it as it is, as encoding/json does.
type wireDecoder interface {
	decodeFrom(d *jsontext.Decoder) error
}

// Every wire struct the client decodes reads itself.
var (
	_ wireDecoder = (*wireTraining)(nil)
	_ wireDecoder = (*wireRegistrant)(nil)
	_ wireDecoder = (*wireRegistration)(nil)
	_ wireDecoder = (*wireSession)(nil)
	_ wireDecoder = (*wireAttendee)(nil)
	_ wireDecoder = (*wireRecording)(nil)
	_ wireDecoder = (*wireOrganizer)(nil)
	_ wireDecoder = (*wireHostURL)(nil)
	_ wireDecoder = (*wireNotified)(nil)
)

// pathError says where in the answer a value failed to decode, as a JSON
// pointer ("/0/registrantKey"); the value itself is quoted by err.
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return "at " + e.path + ": " + e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }

// at wraps err, once, with where the decoder stands.
func at(d *jsontext.Decoder, err error) error {
	var pe *pathError
	var se *jsontext.SyntacticError
	if err == nil || errors.As(err, &pe) || errors.As(err, &se) {
		return err // syntax errors say where they are themselves
	}
	p := string(d.StackPointer())
	if p == "" {
		return err // the answer itself: nothing to point at
	}
	if len(p) > 80 { // a hostile name must not fill a log line
		p = p[:80] + "..."
	}
	return &pathError{path: fmt.Sprintf("%q", p), err: err}
}

// readObject reads a JSON object and calls field with each member's name
// (valid only until field reads on); field must read or skip the value.
// null is no object and no error.
func readObject(d *jsontext.Decoder, field func(name []byte) error) error {
	switch d.PeekKind() {
	case 'n':
		_, err := d.ReadToken()
		return err
	case '{':
	case 0: // an error, which ReadToken returns
	default:
		return notA(d, "a JSON object")
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	for d.PeekKind() == '"' {
		raw, err := d.ReadValue()
		if err != nil {
			return err
		}
		name := []byte(raw[1 : len(raw)-1])
		if bytes.IndexByte(name, '\\') >= 0 {
			// An escaped name, as encoding/json allows: match what it means.
			if name, err = jsontext.AppendUnquote(nil, raw); err != nil {
				name = nil // invalid UTF-8: matches no field
			}
		}
		if err := field(name); err != nil {
			return at(d, err)
		}
	}
	_, err := d.ReadToken() // the closing brace, or the syntax error
	return err
}

// notA reads the value that is not what was expected, so the error can
// quote it, and says what it should have been.
func notA(d *jsontext.Decoder, want string) error {
	v, err := d.ReadValue()
	if err != nil {
		return err
	}
	return fmt.Errorf("expected %s, got %s", want, quoteShort(v))
}

// readString reads a JSON string (or null, which leaves s alone).
func readString(d *jsontext.Decoder, s *string) error {
	v, err := d.ReadValue()
	if err != nil {
		return err
	}
	switch v[0] {
	case '"':
	case 'n':
		return nil
	default:
		return fmt.Errorf("expected a JSON string, got %s", quoteShort(v))
	}
	return unquoteInto(v, s)
}

// unquoteInto sets s to the JSON string v, which the decoder has checked.
func unquoteInto(v jsontext.Value, s *string) error {
	inner := v[1 : len(v)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		*s = string(inner)
		return nil
	}
	// Escapes, or invalid UTF-8, which becomes U+FFFD (the error says only
	// that: the decoder has checked everything else).
	b, _ := jsontext.AppendUnquote(nil, v)
	*s = string(b)
	return nil
}

// readStatus is readString that gives the documented statuses as the
// constants they are: one allocation less for each registrant of a list.
func readStatus(d *jsontext.Decoder, s *string) error {
	if d.PeekKind() == '"' {
		v, err := d.ReadValue()
		if err != nil {
			return err
		}
		switch string(v) {
		case `"` + string(RegistrantApproved) + `"`:
			*s = string(RegistrantApproved)
		case `"` + string(RegistrantWaiting) + `"`:
			*s = string(RegistrantWaiting)
		case `"` + string(RegistrantDenied) + `"`:
			*s = string(RegistrantDenied)
		default:
			return unquoteInto(v, s)
		}
		return nil
	}
	return readString(d, s)
}

// readBool reads true, false or null (which leaves b alone).
func readBool(d *jsontext.Decoder, b *bool) error {
	v, err := d.ReadValue()
	if err != nil {
		return err
	}
	switch v[0] {
	case 't':
		*b = true
	case 'f':
		*b = false
	case 'n':
	default:
		return fmt.Errorf("expected true or false, got %s", quoteShort(v))
	}
	return nil
}

// readRaw hands the next value's bytes to a decoder of raw JSON: keys,
// times and counts keep the one parser they have always had.
func readRaw(d *jsontext.Decoder, parse func([]byte) error) error {
	v, err := d.ReadValue()
	if err != nil {
		return err
	}
	return parse(v)
}

func readKey[K ~int64](d *jsontext.Decoder, k *K) error {
	v, err := d.ReadValue()
	if err != nil {
		return err
	}
	return parseKeyInto(k, v, true)
}

func (t *wireTime) decodeFrom(d *jsontext.Decoder) error    { return readRaw(d, t.UnmarshalJSON) }
func (m *wireMinutes) decodeFrom(d *jsontext.Decoder) error { return readRaw(d, m.UnmarshalJSON) }
func (c *wireCount) decodeFrom(d *jsontext.Decoder) error   { return readRaw(d, c.UnmarshalJSON) }

// decodeFrom reads a nested list element by element, and stops at
// maxNestedList: the elements are counted as they come, so no more than
// that is ever allocated, however the list is padded.
func (l *wireList[T]) decodeFrom(d *jsontext.Decoder) error {
	switch d.PeekKind() {
	case 'n':
		*l = nil
		_, err := d.ReadToken()
		return err
	case '[':
	case 0:
	default:
		return notA(d, "a JSON array")
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	out := []T{} // [] is an empty list, not an absent one
	for {
		switch d.PeekKind() {
		case ']', 0:
			if _, err := d.ReadToken(); err != nil {
				return err
			}
			*l = out
			return nil
		}
		if len(out) == maxNestedList {
			return fmt.Errorf("a nested list has more than the %d elements this client decodes", maxNestedList)
		}
		var zero T
		if cap(out) == 0 {
			// One allocation for the usual handful (a training's sessions,
			// its organizers), where append would make three.
			out = make([]T, 0, 4)
		}
		out = append(out, zero)
		dec, ok := any(&out[len(out)-1]).(wireDecoder)
		if !ok {
			return fmt.Errorf("no decoder for %T", zero) // a programming error, caught by the tests
		}
		if err := dec.decodeFrom(d); err != nil {
			return err
		}
	}
}

func (w *wireRange) decodeFrom(d *jsontext.Decoder) error {
	return readObject(d, func(name []byte) error {
		switch string(name) {
		case "startDate":
			return w.StartDate.decodeFrom(d)
		case "endDate":
			return w.EndDate.decodeFrom(d)
		}
		return d.SkipValue()
	})
}

func (w *wireOrganizer) decodeFrom(d *jsontext.Decoder) error {
	return readObject(d, func(name []byte) error {
		switch string(name) {
		case "organizerKey":
			return readKey(d, &w.OrganizerKey)
		case "email":
			return readString(d, &w.Email)
		case "givenName":
			return readString(d, &w.GivenName)
		case "surname":
			return readString(d, &w.Surname)
		}
		return d.SkipValue()
	})
}

func (w *wireSettings) decodeFrom(d *jsontext.Decoder) error {
	return readObject(d, func(name []byte) error {
		switch string(name) {
		case "disableConfirmationEmail":
			return readBool(d, &w.DisableConfirmationEmail)
		case "disableWebRegistration":
			return readBool(d, &w.DisableWebRegistration)
		}
		return d.SkipValue()
	})
}

func (w *wireTraining) decodeFrom(d *jsontext.Decoder) error {
	return readObject(d, func(name []byte) error {
		switch string(name) {
		case "trainingKey":
			return readKey(d, &w.TrainingKey)
		case "trainingId":
			return readString(d, &w.TrainingID)
		case "name":
			return readString(d, &w.Name)
		case "description":
			return readString(d, &w.Description)
		case "timeZone":
			return readString(d, &w.TimeZone)
		case "times":
			return w.Times.decodeFrom(d)
		case "organizers":
			return w.Organizers.decodeFrom(d)
		case "registrationSettings":
			return w.RegistrationSettings.decodeFrom(d)
		}
		return d.SkipValue()
	})
}

func (w *wireRegistrant) decodeFrom(d *jsontext.Decoder) error {
	return readObject(d, func(name []byte) error {
		switch string(name) {
		case "registrantKey":
			return readKey(d, &w.RegistrantKey)
		case "email":
			return readString(d, &w.Email)
		case "givenName":
			return readString(d, &w.GivenName)
		case "surname":
			return readString(d, &w.Surname)
		case "status":
			return readStatus(d, &w.Status)
		case "registrationDate":
			return w.RegistrationDate.decodeFrom(d)
		case "joinUrl":
			return readString(d, &w.JoinURL)
		case "confirmationUrl":
			return readString(d, &w.ConfirmationURL)
		}
		return d.SkipValue()
	})
}

func (w *wireRegistration) decodeFrom(d *jsontext.Decoder) error {
	return readObject(d, func(name []byte) error {
		switch string(name) {
		case "registrantKey":
			return readKey(d, &w.RegistrantKey)
		case "joinUrl":
			return readString(d, &w.JoinURL)
		case "confirmationUrl":
			return readString(d, &w.ConfirmationURL)
		}
		return d.SkipValue()
	})
}

func (w *wireSession) decodeFrom(d *jsontext.Decoder) error {
	return readObject(d, func(name []byte) error {
		switch string(name) {
		case "sessionKey":
			return readKey(d, &w.SessionKey)
		case "trainingName":
			return readString(d, &w.TrainingName)
		case "sessionStartTime":
			return w.SessionStartTime.decodeFrom(d)
		case "sessionEndTime":
			return w.SessionEndTime.decodeFrom(d)
		case "attendanceCount":
			return w.AttendanceCount.decodeFrom(d)
		case "duration":
			return w.Duration.decodeFrom(d)
		case "organizers":
			return w.Organizers.decodeFrom(d)
		}
		return d.SkipValue()
	})
}

func (w *wireAttendance) decodeFrom(d *jsontext.Decoder) error {
	return readObject(d, func(name []byte) error {
		switch string(name) {
		case "joinTime":
			return w.JoinTime.decodeFrom(d)
		case "leaveTime":
			return w.LeaveTime.decodeFrom(d)
		case "timeInPartOfSession":
			return w.TimeInPartOfSession.decodeFrom(d)
		}
		return d.SkipValue()
	})
}

func (w *wireAttendee) decodeFrom(d *jsontext.Decoder) error {
	return readObject(d, func(name []byte) error {
		switch string(name) {
		case "givenName":
			return readString(d, &w.GivenName)
		case "surname":
			return readString(d, &w.Surname)
		case "email":
			return readString(d, &w.Email)
		case "timeInSession":
			return w.TimeInSession.decodeFrom(d)
		case "inSessionTimes":
			return w.InSessionTimes.decodeFrom(d)
		}
		return d.SkipValue()
	})
}

func (w *wireRecording) decodeFrom(d *jsontext.Decoder) error {
	return readObject(d, func(name []byte) error {
		switch string(name) {
		case "recordingId":
			return readKey(d, &w.RecordingID)
		case "name":
			return readString(d, &w.Name)
		case "description":
			return readString(d, &w.Description)
		case "registrationUrl":
			return readString(d, &w.RegistrationURL)
		case "downloadUrl":
			return readString(d, &w.DownloadURL)
		case "startDate":
			return w.StartDate.decodeFrom(d)
		case "endDate":
			return w.EndDate.decodeFrom(d)
		}
		return d.SkipValue()
	})
}

func (w *wireHostURL) decodeFrom(d *jsontext.Decoder) error {
	return readObject(d, func(name []byte) error {
		if string(name) == "hostURL" {
			return readString(d, &w.HostURL)
		}
		return d.SkipValue()
	})
}

func (w *wireNotified) decodeFrom(d *jsontext.Decoder) error {
	return readObject(d, func(name []byte) error {
		switch string(name) {
		case "notifiedRegistrants":
			return w.NotifiedRegistrants.decodeFrom(d)
		case "notifiedTrainers":
			return w.NotifiedTrainers.decodeFrom(d)
		}
		return d.SkipValue()
	})
}

// decodeValue reads the next JSON value into v: a wire struct, a key
// (scheduleTraining answers with a bare one), or anything else through
// encoding/json on the value's bytes (the tests' plain values).
func decodeValue(d *jsontext.Decoder, v any) error {
	switch v := v.(type) {
	case wireDecoder:
		return v.decodeFrom(d)
	case *TrainingKey:
		return readKey(d, v)
	}
	raw, err := d.ReadValue()
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// decoders keeps jsontext decoders with their buffers (4 KiB once warm)
// from call to call: a single-object answer then costs no allocation to
// read. A decoder whose buffer grew for a large answer is let go.
var decoders = sync.Pool{New: func() any { return new(pooledDecoder) }}

// pooledDecoder is a decoder and the capped reader it reads through.
type pooledDecoder struct {
	dec jsontext.Decoder
	in  cappedReader
}

// maxPooledRead: a decoder that read more than this for one value may
// have grown its buffer past the usual 4 KiB, and is not kept.
const maxPooledRead = 64 << 10

func getDecoder(r io.Reader, limit int64, tooLarge error) *pooledDecoder {
	p, ok := decoders.Get().(*pooledDecoder)
	if !ok {
		p = new(pooledDecoder) // the pool holds nothing else
	}
	p.in = cappedReader{r: r, limit: limit, tooLarge: tooLarge}
	p.dec.Reset(&p.in, decodeOptions...)
	return p
}

// release returns p to the pool, unless largest, the most it read for one
// value, says its buffer may have grown.
func (p *pooledDecoder) release(largest int64) {
	p.in.r = nil // the body is not kept alive by the pool
	if largest <= maxPooledRead {
		decoders.Put(p)
	}
}

// cappedReader stops a value that grows past limit bytes: the decoder
// buffers one token or value whole, so without a cap an endless string
// would be read to its end. For a list, start moves to each element, so
// the cap is per element; for a single answer it stays at 0.
type cappedReader struct {
	r        io.Reader
	limit    int64
	tooLarge error // what a value past limit fails with
	read     int64 // bytes handed to the decoder
	start    int64 // the decoder's offset where the current value begins
}

var (
	errElementTooLarge = fmt.Errorf("a list element is larger than %d bytes", maxObjectBody)
	errObjectTooLarge  = fmt.Errorf("the answer is larger than %d bytes", maxObjectBody)
)

func (c *cappedReader) Read(p []byte) (int, error) {
	used := c.read - c.start
	if used > c.limit {
		return 0, c.tooLarge
	}
	if left := c.limit + 1 - used; int64(len(p)) > left {
		p = p[:left] // one byte past the cap says it is passed
	}
	// A decoder whose buffer grew for a large value asks for a lot and,
	// given less, moves its whole buffer to the front before asking again:
	// in 64 KiB pieces (what the redacting body hands out), a 16 MiB value
	// cost gigabytes of copying. Fill at least half of a large request
	// instead. Requests of the usual 4 KiB buffer get one Read, so a list
	// streams element by element as the answer arrives.
	n, err := c.r.Read(p)
	for len(p) > maxPooledRead && n < len(p)/2 && err == nil {
		var m int
		if m, err = c.r.Read(p[n:]); m == 0 {
			break // no progress: let the decoder decide
		}
		n += m
	}
	c.read += int64(n)
	return n, err
}

var errTrailingObject = errors.New("unexpected data after the answer")

// decodeAnswer decodes a single-value answer from r, at most maxObjectBody
// bytes of it, and insists that nothing but white space follows.
func decodeAnswer(r io.Reader, v any) error {
	p := getDecoder(r, maxObjectBody, errObjectTooLarge)
	err := decodeAnswerWith(&p.dec, v)
	p.release(p.in.read)
	return err
}

func decodeAnswerWith(d *jsontext.Decoder, v any) error {
	if d.PeekKind() == 0 {
		if _, err := d.ReadToken(); errors.Is(err, io.EOF) {
			return io.ErrUnexpectedEOF // an empty answer is no value
		} else if err != nil {
			return err
		}
	}
	if err := decodeValue(d, v); err != nil {
		return at(d, err)
	}
	switch _, err := d.ReadToken(); {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return err
	}
	return errTrailingObject
}

// decodeJSON decodes one JSON value from data as an answer is decoded.
func decodeJSON(data []byte, v any) error {
	return decodeAnswer(bytes.NewReader(data), v)
}
