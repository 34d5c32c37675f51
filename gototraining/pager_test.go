package gototraining

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func registrantsJSON(n int) string {
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"registrantKey":"%d","email":"r%d@example.com","givenName":"R","surname":"%d","status":"APPROVED","registrationDate":"2026-03-07T22:48:19Z","joinUrl":"j","confirmationUrl":"c"}`, 5646167387902096129+int64(i), i, i)
	}
	b.WriteString("]")
	return b.String()
}

func TestIteratorTotalsAndRestart(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, answer(200, "application/json", registrantsJSON(250)))
	c, _ := newClient(t, srv.URL)
	seq := c.Registrants.All(t.Context(), orgKey, trainingKey)
	if n := hits.n.Load(); n != 0 {
		t.Fatalf("All sent %d requests before being ranged over", n)
	}
	var first []RegistrantKey
	for r, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		first = append(first, r.Key)
	}
	var second []RegistrantKey
	for r, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		second = append(second, r.Key)
	}
	if len(first) != 250 || first[249] != regKey+249 {
		t.Fatalf("got %d registrants, last %v", len(first), first[len(first)-1])
	}
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("second range differs (-first +second):\n%s", diff)
	}
	if n := hits.n.Load(); n != 2 {
		t.Errorf("two ranges sent %d requests, want 2", n)
	}
	list, err := c.Registrants.List(t.Context(), orgKey, trainingKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 250 {
		t.Errorf("List: %d", len(list))
	}
}

// TestIteratorBreakStopsReading: the body turns to garbage after the third
// element. Breaking after two never reads it; ranging to the end yields the
// decode error exactly once, after the good elements.
func TestIteratorBreakStopsReading(t *testing.T) {
	t.Parallel()
	good := registrantsJSON(3)
	body := good[:len(good)-1] + `,{"registrantKey":!!!garbage` + strings.Repeat("x", 100)
	srv, _ := serve(t, answer(200, "application/json", body))
	c, _ := newClient(t, srv.URL)

	seen := 0
	for _, err := range c.Registrants.All(t.Context(), orgKey, trainingKey) {
		if err != nil {
			t.Fatalf("error after break point: %v", err)
		}
		seen++
		if seen == 2 {
			break
		}
	}
	if seen != 2 {
		t.Errorf("saw %d", seen)
	}

	var errs []error
	seen = 0
	for _, err := range c.Registrants.All(t.Context(), orgKey, trainingKey) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		seen++
	}
	var de *DecodeError
	if seen != 3 || len(errs) != 1 || !errors.As(errs[0], &de) {
		t.Errorf("saw %d elements and errors %v; want 3 and one *DecodeError", seen, errs)
	}
	if _, err := c.Registrants.List(t.Context(), orgKey, trainingKey); !errors.As(err, &de) {
		t.Errorf("List: %v", err)
	}
}

func TestIteratorYieldsAPIErrorOnce(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, answer(404, "application/json", `{"errorCode":"NotFound"}`))
	c, _ := newClient(t, srv.URL)
	var errs []error
	for r, err := range c.Trainings.All(t.Context(), orgKey) {
		if err == nil {
			t.Errorf("unexpected training %v", r)
		}
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], ErrNotFound) {
		t.Errorf("errors %v, want one ErrNotFound", errs)
	}
	// Stopping at the error must not panic or yield again.
	for _, err := range c.Trainings.All(t.Context(), orgKey) {
		if err != nil {
			break
		}
	}
}

func TestListShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body string
		want       int
		bad        bool
	}{
		{"empty array", `[]`, 0, false},
		{"empty body", ``, 0, false},
		{"null", `null`, 0, false},
		{"white space", " \n [ ] \n", 0, false},
		{"object", `{"a":1}`, 0, true},
		{"trailing data", `[] []`, 0, true},
		{"truncated", `[{"registrantKey":"1"}`, 0, true},
		{"string", `"x"`, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := serve(t, answer(200, "application/json", tc.body))
			c, _ := newClient(t, srv.URL)
			got, err := c.Registrants.List(t.Context(), orgKey, trainingKey)
			var de *DecodeError
			if tc.bad != errors.As(err, &de) {
				t.Fatalf("err = %v, want decode error: %v", err, tc.bad)
			}
			if !tc.bad && (got == nil || len(got) != tc.want) {
				t.Errorf("got %#v", got)
			}
		})
	}
}

func TestRecordingsListIsFoundInsideItsObject(t *testing.T) {
	t.Parallel()
	body := `{"extra":{"deep":[1,2,{"x":null}]},"trainingKey":8178251407424893697,"recordingList":[
		{"recordingId":4120372934872616449,"name":"one","startDate":"2026-03-26T15:02:11Z","endDate":"2026-03-26T22:58:40Z"},
		{"recordingId":"4120372934872616450","name":"two","description":"d","registrationUrl":"r","downloadUrl":"u","startDate":"2026-03-26T15:02:11Z","endDate":"2026-03-26T22:58:40Z"}],"more":true}`
	srv, _ := serve(t, answer(http.StatusOK, "application/json", body))
	c, _ := newClient(t, srv.URL)
	got, err := c.Recordings.List(t.Context(), trainingKey)
	if err != nil {
		t.Fatal(err)
	}
	ids := []RecordingID{got[0].ID, got[1].ID}
	if diff := cmp.Diff([]RecordingID{4120372934872616449, 4120372934872616450}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	srv2, _ := serve(t, answer(http.StatusOK, "application/json", `{"trainingKey":1}`))
	c2, _ := newClient(t, srv2.URL)
	if _, err := c2.Recordings.List(t.Context(), trainingKey); err == nil {
		t.Error("an answer without recordingList decoded")
	}
}

// FuzzListDecoder compares the token walk of the pager and of
// wireRegistrant.decodeFrom with encoding/json/v2's reflection over the
// wire struct's tags: the documented behaviour of wiredecode.go (names
// matched exactly, a duplicate name refused, invalid UTF-8 replaced by
// U+FFFD), reached by an independent route. Where both succeed, they must
// agree on every registrant, not only on how many.
func FuzzListDecoder(f *testing.F) {
	f.Add([]byte(registrantsJSON(2)))
	f.Add([]byte(`{"recordingList":[{"recordingId":1}],"trainingKey":"2"}`))
	f.Add([]byte(`[null, {}, []]`))
	f.Add([]byte(``))
	f.Add([]byte(`[{"email":"a","email":"b"}]`))
	f.Add([]byte("[{\"givenName\":\"Jos\xe9\",\"Surname\":\"x\",\"em\\u0061il\":\"e\"}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, field := range []string{"", "recordingList"} {
			dec := newDecoder(data)
			var got []wireRegistrant
			err := walkArray(dec, field, func() (bool, error) {
				var w wireRegistrant
				if err := w.decodeFrom(dec); err != nil {
					return false, err
				}
				_ = w.domain()
				got = append(got, w)
				return true, nil
			})
			// Each element takes at least two bytes ("{}" or "1,"), so a
			// decoder that yields more than that invented elements.
			if err == nil && len(got) > len(data) {
				t.Fatalf("%d elements from %d bytes", len(got), len(data))
			}
			if field != "" {
				continue
			}
			// The stream agrees with decoding the whole answer at once,
			// except that it takes an empty answer for an empty list.
			var whole []wireRegistrant
			wholeErr := jsonv2.Unmarshal(data, &whole, oracleOptions)
			switch {
			case wholeErr == nil && err != nil:
				t.Fatalf("json/v2 reads %d registrants from %q; the stream fails: %v", len(whole), data, err)
			case wholeErr == nil:
				// The stream collects into a nil slice; v2 makes [] an empty one.
				if diff := cmp.Diff(whole, got, append(wireCmp, cmpopts.EquateEmpty())...); diff != "" {
					t.Fatalf("%q: the stream differs from json/v2 (-v2 +stream):\n%s", data, diff)
				}
			case err == nil && len(bytes.TrimSpace(data)) > 0:
				t.Fatalf("the stream reads %d registrants from %q; json/v2 fails: %v", len(got), data, wholeErr)
			}
		}
	})
}

// TestOneHugeListElementIsCut: memory stays bounded even when a single
// element never ends.
func TestOneHugeListElementIsCut(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"registrantKey":"1","email":"`))
		chunk := []byte(strings.Repeat("a", 1<<20))
		for range 40 { // 40 MiB, more than the 16 MiB cap
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	c, _ := newClient(t, srv.URL)
	_, err := c.Registrants.List(t.Context(), orgKey, trainingKey)
	if !errors.Is(err, errElementTooLarge) {
		t.Errorf("got %v, want errElementTooLarge", err)
	}
}
