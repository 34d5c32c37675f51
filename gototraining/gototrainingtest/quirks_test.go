package gototrainingtest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// decodeExact decodes a body with numbers kept as written.
func decodeExact(t *testing.T, res result) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(res.Body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %s: %v", res.Body, err)
	}
	if cl := res.Header.Get("Content-Length"); cl != strconv.Itoa(len(res.Body)) {
		t.Errorf("Content-Length %q, body has %d bytes", cl, len(res.Body))
	}
	return v
}

// objects returns every JSON object of the API in v, depth first.
func objects(v any) []map[string]any {
	var out []map[string]any
	switch x := v.(type) {
	case map[string]any:
		out = append(out, x)
		for name, m := range x {
			if name != gototrainingtest.QuirkUnknownField { // its value is not the API's
				out = append(out, objects(m)...)
			}
		}
	case []any:
		for _, e := range x {
			out = append(out, objects(e)...)
		}
	}
	return out
}

// obj and elem take a JSON object, and the i-th element of a JSON array, out
// of a decoded answer, failing the test on another shape.
func obj(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%#v is not a JSON object", v)
	}
	return m
}

func elem(t *testing.T, v any, i int) any {
	t.Helper()
	a, ok := v.([]any)
	if !ok || len(a) <= i {
		t.Fatalf("%#v is not a JSON array with an element %d", v, i)
	}
	return a[i]
}

// keyAs checks that m[name] is the key k, as a JSON number when asNumber and
// as a JSON string otherwise, with all 19 digits.
func keyAs(t *testing.T, m map[string]any, name string, k int64, asNumber bool) {
	t.Helper()
	var got string
	switch v := m[name].(type) {
	case json.Number:
		if !asNumber {
			t.Errorf("%s is the number %s, want a string", name, v)
		}
		got = v.String()
	case string:
		if asNumber {
			t.Errorf("%s is the string %q, want a number", name, v)
		}
		got = v
	default:
		t.Fatalf("%s = %#v", name, m[name])
	}
	if diff := cmp.Diff(strconv.FormatInt(k, 10), got); diff != "" {
		t.Errorf("%s (-fake +wire):\n%s", name, diff)
	}
}

func checkUnknownField(t *testing.T, what string, v any, quirks bool) {
	t.Helper()
	objs := objects(v)
	if len(objs) == 0 {
		t.Fatalf("%s: no object in the answer", what)
	}
	for _, o := range objs {
		if _, ok := o[gototrainingtest.QuirkUnknownField]; ok != quirks {
			t.Errorf("%s: object %v has the unknown field: %v, want %v", what, o, ok, quirks)
		}
	}
}

func TestRealWorldQuirks(t *testing.T) {
	t.Parallel()
	for _, quirks := range []bool{false, true} {
		t.Run(fmt.Sprintf("quirks=%v", quirks), func(t *testing.T) {
			t.Parallel()
			var opts []gototrainingtest.Option
			if quirks {
				opts = append(opts, gototrainingtest.WithRealWorldQuirks())
			}
			s, c := newFake(t, opts...)
			org := s.OrganizerKey()
			co := s.AddOrganizer("a.ng@example.com", "Ada", "Ng")
			body := scheduleBody("Quirks")
			body["organizers"] = []int64{co}
			res := c.do(http.MethodPost, trainingsPath(org), body)
			tk := key(t, want[string](t, res, http.StatusCreated)) // a bare key stays a string

			// getTraining: keys, trainingId, time zone kept, unknown fields.
			tr := decodeExact(t, c.do(http.MethodGet, trainingPath(org, tk), nil))
			checkUnknownField(t, "getTraining", tr, quirks)
			m := obj(t, tr)
			keyAs(t, m, "trainingKey", tk, quirks)
			st, _ := s.Training(tk)
			if id, ok := m["trainingId"]; ok == quirks || (!quirks && id != st.TrainingID) {
				t.Errorf("trainingId = %v (present %v), fake holds %q", id, ok, st.TrainingID)
			}
			if m["timeZone"] != "America/New_York" {
				t.Errorf("getTraining timeZone = %v", m["timeZone"])
			}
			for i, k := range []int64{org, co} {
				keyAs(t, obj(t, elem(t, m["organizers"], i)), "organizerKey", k, quirks)
			}

			// getAllTrainings: the time zone is empty.
			list := decodeExact(t, c.do(http.MethodGet, trainingsPath(org), nil))
			checkUnknownField(t, "getAllTrainings", list, quirks)
			wantTZ := "America/New_York"
			if quirks {
				wantTZ = ""
			}
			if got := obj(t, elem(t, list, 0))["timeZone"]; got != wantTZ {
				t.Errorf("getAllTrainings timeZone = %q, want %q", got, wantTZ)
			}

			// Registrants: keys, statuses outside the spec's list.
			rk := c.register(tk, "ada@example.com") // a number in both modes
			if err := s.SetRegistrantStatus(tk, rk, "DELETED"); err != nil {
				t.Fatal(err)
			}
			regs := decodeExact(t, c.do(http.MethodGet, trainingPath(org, tk)+"/registrants", nil))
			checkUnknownField(t, "getRegistrants", regs, quirks)
			one := decodeExact(t, c.do(http.MethodGet, fmt.Sprintf("%s/registrants/%d", trainingPath(org, tk), rk), nil))
			for _, r := range []map[string]any{obj(t, elem(t, regs, 0)), obj(t, one)} {
				keyAs(t, r, "registrantKey", rk, quirks)
				if r["status"] != "DELETED" {
					t.Errorf("status = %v, want DELETED", r["status"])
				}
			}

			// Sessions: keys, also of their organizers.
			sk, err := s.CompleteSession(tk, t0, t0.Add(time.Hour), []gototrainingtest.AttendeeRecord{
				{GivenName: "Ada", Surname: "L", Email: "ada@example.com", Periods: []gototrainingtest.Period{{Join: t0, Leave: t0.Add(time.Hour)}}},
			})
			if err != nil {
				t.Fatal(err)
			}
			sessions := decodeExact(t, c.do(http.MethodGet, fmt.Sprintf("/reports/organizers/%d/trainings/%d", org, tk), nil))
			checkUnknownField(t, "getSessionDetailsForTraining", sessions, quirks)
			sess := obj(t, elem(t, sessions, 0))
			keyAs(t, sess, "sessionKey", sk, quirks)
			keyAs(t, obj(t, elem(t, sess["organizers"], 0)), "organizerKey", org, quirks)
			att := decodeExact(t, c.do(http.MethodGet, fmt.Sprintf("/reports/organizers/%d/sessions/%d/attendees", org, sk), nil))
			checkUnknownField(t, "getAttendanceDetails", att, quirks)
		})
	}
}

func TestRealWorldQuirksErrorEnvelope(t *testing.T) {
	t.Parallel()
	for _, quirks := range []bool{false, true} {
		t.Run(fmt.Sprintf("quirks=%v", quirks), func(t *testing.T) {
			t.Parallel()
			var opts []gototrainingtest.Option
			if quirks {
				opts = append(opts, gototrainingtest.WithRealWorldQuirks())
			}
			s, c := newFake(t, opts...)
			res := c.do(http.MethodGet, trainingPath(s.OrganizerKey(), 1234567890123456789), nil)
			got := want[errorW](t, res, http.StatusNotFound)
			wantErr := errorW{ErrorCode: "NotFound", Description: "Training not found"}
			if quirks {
				wantErr = errorW{ErrorCode: "NotFound", Message: "Training not found"}
			}
			if diff := cmp.Diff(wantErr, got); diff != "" {
				t.Errorf("404 body (-want +got):\n%s", diff)
			}
			decodeExact(t, res) // Content-Length

			// GoTo's exact token body, byte for byte, in both modes.
			res = c.do(http.MethodGet, trainingsPath(s.OrganizerKey()), nil, hdr{"Authorization": "Bearer wrong"})
			if res.Status != http.StatusForbidden || string(res.Body) != `{"int_err_code":"InvalidToken","msg":"Invalid token passed"}` {
				t.Errorf("bad token: %d %s", res.Status, res.Body)
			}
		})
	}
}
