package gototraining

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/google/go-cmp/cmp"
)

// TestTrainingDecodesWhatRealResponsesSend: no trainingId, an empty time zone,
// an unknown status and fields this client has never heard of.
func TestTrainingDecodesWhatRealResponsesSend(t *testing.T) {
	t.Parallel()
	body := `{"trainingKey":8178251407424893697,"name":"Intro","timeZone":"","times":[{"startDate":"2026-03-26T15:00:00Z","endDate":"2026-03-26T23:00:00+0000"}],
	"organizers":[{"organizerKey":8439885694023994630,"email":"c@example.com","givenName":"C","surname":"W","role":"presenter"}],
	"registrationSettings":{"disableConfirmationEmail":true,"disableWebRegistration":false,"approval":"manual"},"newField":{"x":[1,2]}}`
	srv, _ := serve(t, answer(200, "application/json", body))
	c, _ := newClient(t, srv.URL)
	got, err := c.Trainings.Get(t.Context(), orgKey, trainingKey)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC)
	want := Training{
		Key:                  trainingKey,
		Name:                 "Intro",
		Times:                []TimeRange{{Start: start, End: start.Add(8 * time.Hour)}},
		Organizers:           []Organizer{{Key: orgKey, Email: "c@example.com", GivenName: "C", Surname: "W"}},
		RegistrationSettings: RegistrationSettings{DisableConfirmationEmail: true},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("training (-want +got):\n%s", diff)
	}
	if loc, err := got.Location(); err != nil || loc != time.UTC {
		t.Errorf("Location of an empty time zone: %v, %v", loc, err)
	}

	srv2, _ := serve(t, answer(200, "application/json", `{"registrantKey":"1","email":"e@example.com","givenName":"E","surname":"F","status":"UNREGISTERED","registrationDate":"2026-03-07T22:48:19","joinUrl":"j","confirmationUrl":"c","extra":1}`))
	c2, _ := newClient(t, srv2.URL)
	r, err := c2.Registrants.Get(t.Context(), orgKey, trainingKey, regKey)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != "UNREGISTERED" || r.Status.Known() || !RegistrantApproved.Known() {
		t.Errorf("status %q", r.Status)
	}
	if want := time.Date(2026, 3, 7, 22, 48, 19, 0, time.UTC); !r.RegistrationDate.Equal(want) {
		t.Errorf("zone-less date %v, want %v as UTC", r.RegistrationDate, want)
	}
}

func TestWireTime(t *testing.T) {
	t.Parallel()
	ok := map[string]time.Time{
		`"2026-03-26T15:00:00Z"`:         time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC),
		`"2026-03-26T17:00:00+02:00"`:    time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC),
		`"2026-03-26T15:00:00.123+0000"`: time.Date(2026, 3, 26, 15, 0, 0, 123e6, time.UTC),
		`"2026-03-26T15:00:00"`:          time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC),
		`""`:                             {},
	}
	for in, want := range ok {
		var got wireTime
		if err := json.Unmarshal([]byte(in), &got); err != nil || !time.Time(got).Equal(want) {
			t.Errorf("%s: got %v, %v; want %v", in, time.Time(got), err, want)
		}
	}
	for _, bad := range []string{`1711465200`, `"yesterday"`, `"2026-13-01T00:00:00Z"`, `{}`} {
		var got wireTime
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("%s decoded to %v", bad, time.Time(got))
		}
	}
}

func FuzzTimeDecoding(f *testing.F) {
	for _, s := range []string{`"2026-03-26T15:00:00Z"`, `"2026-03-26T15:00:00.1+0000"`, `""`, `null`, `"2026-03-26T15:00:00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var w wireTime
		if err := w.UnmarshalJSON(data); err != nil {
			// A hostile answer must not fill a log line: the input is
			// quoted, 40 bytes of it at most, escaped.
			if len(err.Error()) > 400 {
				t.Fatalf("%q: an error of %d bytes", data, len(err.Error()))
			}
			return
		}
		// Whatever decodes must survive the trip out to GoTo and back.
		out := apiTime(time.Time(w))
		if !out.Equal(time.Time(w).Truncate(time.Second)) && !time.Time(w).IsZero() {
			t.Fatalf("%q: %v became %v", data, time.Time(w), out)
		}
		// And what this client writes, it reads back as the same instant.
		if tm := time.Time(w); !tm.IsZero() && tm.Year() >= 0 && tm.Year() <= 9999 {
			text, err := json.Marshal(tm)
			var back wireTime
			if err != nil || back.UnmarshalJSON(text) != nil || !time.Time(back).Equal(tm) {
				t.Fatalf("%q: %v written as %s reads back as %v", data, tm, text, time.Time(back))
			}
		}
	})
}

// FuzzErrorBody feeds error answers to apiError. The body is pad bytes of
// "x" and then body, so that inputs stay small while bodies reach past what
// the error keeps. tokenAt, when it is not 0xFFFF, puts the access token
// into the body at that offset (or at its end), as a server that echoes the
// Authorization header would: no piece of it may come out in the error.
func FuzzErrorBody(f *testing.F) {
	none := uint16(0xFFFF)
	f.Add(403, []byte(`{"int_err_code":"InvalidToken","msg":"Invalid token passed"}`), "", uint16(0), none)
	f.Add(404, []byte(`{"errorCode":"NotFound","description":"x","incident":"y"}`), "", uint16(0), none)
	f.Add(500, []byte(`<html></html>`), "", uint16(0), none)
	f.Add(429, []byte(``), "120", uint16(0), none)
	f.Add(503, []byte(`{"errorCode":"E","description":"token: "}`), "Wed, 21 Oct 2015 07:28:00 GMT", uint16(0), uint16(32))
	// The token across the 8 KiB the error keeps of its body.
	f.Add(500, []byte(`</pre>`), "", uint16(keptErrorBody-20), uint16(keptErrorBody-20))
	f.Fuzz(func(t *testing.T, status int, body []byte, retryAfter string, pad, tokenAt uint16) {
		body = append(bytes.Repeat([]byte("x"), int(pad)), body...)
		c, err := NewClient(WithAccessToken(testToken))
		if err != nil {
			t.Fatal(err)
		}
		tok := testToken
		c.tr.lastToken.Store(&tok) // as after a request was sent
		if tokenAt != 0xFFFF {
			at := min(int(tokenAt), len(body))
			body = append(append(append([]byte(nil), body[:at]...), testToken...), body[at:]...)
		}
		resp := fakeResponse(status, body)
		resp.Header.Set("Retry-After", retryAfter)
		err = c.apiError(opGetTraining, resp)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || len(apiErr.Body) > keptErrorBody {
			t.Fatalf("status %d body %q: %#v", status, body, err)
		}
		if apiErr.RetryAfter < 0 || apiErr.RetryAfter > 24*time.Hour {
			t.Fatalf("Retry-After %q gave %v", retryAfter, apiErr.RetryAfter)
		}
		for _, s := range sentinels {
			_ = errors.Is(err, s)
		}
		for _, text := range []string{err.Error(), string(apiErr.Body), apiErr.Code(), apiErr.Message(), apiErr.Incident} {
			for i := 0; i+12 <= len(testToken); i++ {
				if j := strings.Index(text, testToken[i:i+12]); j >= 0 {
					t.Fatalf("%q of the token came out: ...%q", testToken[i:i+12], text[max(j-40, 0):])
				}
			}
		}
	})
}

// oracleOptions make encoding/json/v2's reflection decode the wire structs
// as wiredecode.go documents: exact names, duplicates refused, invalid
// UTF-8 replaced. Nested lists are plain slices to v2; listOracle gives
// them the walk's cap of maxNestedList elements.
var oracleOptions = jsonv2.JoinOptions(
	jsontext.AllowInvalidUTF8(true),
	jsonv2.WithUnmarshalers(jsonv2.JoinUnmarshalers(
		listOracle[wireRange](), listOracle[wireOrganizer](), listOracle[wireAttendance](),
	)),
)

func listOracle[T any]() *jsonv2.Unmarshalers {
	return jsonv2.UnmarshalFromFunc(func(d *jsontext.Decoder, l *wireList[T]) error {
		var out []T
		if err := jsonv2.UnmarshalDecode(d, &out); err != nil {
			return err
		}
		if len(out) > maxNestedList {
			return errors.New("a nested list is too long")
		}
		*l = out
		return nil
	})
}

// wireCmp compares decoded wire structs: instants by Equal, an empty list
// like an absent one only where both decoders agree on it (they do: both
// keep [] as empty and null as nil).
var wireCmp = []cmp.Option{
	cmp.Comparer(func(a, b wireTime) bool { return time.Time(a).Equal(time.Time(b)) }),
}

// differential decodes data as one W with the token walk and with the
// oracle, and fails when one accepts what the other refuses or they
// disagree on a field.
func differential[W any](t *testing.T, data []byte) {
	t.Helper()
	var got, want W
	err := decodeJSON(data, &got)
	wantErr := jsonv2.Unmarshal(data, &want, oracleOptions)
	switch {
	case err == nil && wantErr != nil:
		t.Fatalf("%T from %q: the walk decodes, json/v2 fails: %v", got, data, wantErr)
	case err != nil && wantErr == nil:
		t.Fatalf("%T from %q: json/v2 decodes, the walk fails: %v", got, data, err)
	case err == nil:
		if diff := cmp.Diff(want, got, wireCmp...); diff != "" {
			t.Fatalf("%T from %q (-v2 +walk):\n%s", got, data, diff)
		}
	}
}

// FuzzWireDecoding is FuzzListDecoder for every wire struct an answer
// decodes into, one at a time.
func FuzzWireDecoding(f *testing.F) {
	for kind, body := range fullAnswers() {
		f.Add(uint8(kind), body)
	}
	f.Add(uint8(0), []byte(`{"trainingKey":"1","times":[{},{"startDate":""}],"Name":"x","name":"y"}`))
	f.Add(uint8(3), []byte(`{"organizers":null,"duration":5,"attendanceCount":1.0}`))
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		switch kind % 9 {
		case 0:
			differential[wireTraining](t, data)
		case 1:
			differential[wireRegistrant](t, data)
		case 2:
			differential[wireRegistration](t, data)
		case 3:
			differential[wireSession](t, data)
		case 4:
			differential[wireAttendee](t, data)
		case 5:
			differential[wireRecording](t, data)
		case 6:
			differential[wireOrganizer](t, data)
		case 7:
			differential[wireHostURL](t, data)
		case 8:
			differential[wireNotified](t, data)
		}
	})
}

// fullAnswers builds, for each wire struct in FuzzWireDecoding's order, an
// object with every tagged field set, from the tags themselves.
func fullAnswers() [][]byte {
	types := []reflect.Type{
		reflect.TypeFor[wireTraining](), reflect.TypeFor[wireRegistrant](), reflect.TypeFor[wireRegistration](),
		reflect.TypeFor[wireSession](), reflect.TypeFor[wireAttendee](), reflect.TypeFor[wireRecording](),
		reflect.TypeFor[wireOrganizer](), reflect.TypeFor[wireHostURL](), reflect.TypeFor[wireNotified](),
	}
	out := make([][]byte, len(types))
	for i, typ := range types {
		out[i] = fullValue(typ)
	}
	return out
}

// fullValue is a JSON value of type typ with nothing left at its zero value.
func fullValue(typ reflect.Type) []byte {
	switch typ {
	case reflect.TypeFor[wireTime]():
		return []byte(`"2026-03-26T15:00:00Z"`)
	case reflect.TypeFor[wireMinutes](), reflect.TypeFor[wireCount]():
		return []byte(`7`)
	}
	switch typ.Kind() {
	case reflect.Int64: // a key
		return []byte(`"8178251407424893697"`)
	case reflect.String:
		return []byte(`"text é"`)
	case reflect.Bool:
		return []byte(`true`)
	case reflect.Slice: // a wireList
		return append(append([]byte(`[`), fullValue(typ.Elem())...), ']')
	case reflect.Struct:
		b := []byte(`{"unknown":[1,{"x":null}]`)
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			b = append(append(append(append(b, `,"`...), name...), `":`...), fullValue(typ.Field(i).Type)...)
		}
		return append(b, '}')
	}
	panic("fullValue: no sample for " + typ.String())
}

// TestTokenWalksReadEveryTaggedField: the walks of wiredecode.go and the
// json tags the drift gate checks name the same fields. Each wire struct is
// decoded from an object that sets every tagged field; nothing may be left
// at its zero value, and json/v2's reflection must read the same.
func TestTokenWalksReadEveryTaggedField(t *testing.T) {
	t.Parallel()
	for kind, body := range fullAnswers() {
		var got any
		switch kind {
		case 0:
			got = decodeFull[wireTraining](t, body)
		case 1:
			got = decodeFull[wireRegistrant](t, body)
		case 2:
			got = decodeFull[wireRegistration](t, body)
		case 3:
			got = decodeFull[wireSession](t, body)
		case 4:
			got = decodeFull[wireAttendee](t, body)
		case 5:
			got = decodeFull[wireRecording](t, body)
		case 6:
			got = decodeFull[wireOrganizer](t, body)
		case 7:
			got = decodeFull[wireHostURL](t, body)
		case 8:
			got = decodeFull[wireNotified](t, body)
		}
		if zero := zeroFields(reflect.ValueOf(got), ""); len(zero) > 0 {
			t.Errorf("%T: the walk left %v unset from %s", got, zero, body)
		}
	}
}

func decodeFull[W any](t *testing.T, body []byte) W {
	t.Helper()
	differential[W](t, body)
	var w W
	if err := decodeJSON(body, &w); err != nil {
		t.Fatalf("%T: %v", w, err)
	}
	return w
}

// zeroFields lists the fields of v, nested ones included, at their zero value.
func zeroFields(v reflect.Value, prefix string) []string {
	var out []string
	for i := range v.NumField() {
		f, name := v.Field(i), prefix+v.Type().Field(i).Name
		switch {
		case f.IsZero():
			out = append(out, name)
		case f.Kind() == reflect.Struct && f.Type() != reflect.TypeFor[wireTime]():
			out = append(out, zeroFields(f, name+".")...)
		case f.Kind() == reflect.Slice && f.Index(0).Kind() == reflect.Struct:
			out = append(out, zeroFields(f.Index(0), name+"[0].")...)
		}
	}
	return out
}
