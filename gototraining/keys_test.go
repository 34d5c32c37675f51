package gototraining

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestKeysDecodeFromStringsAndNumbersExactly(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"8178251407424893697", "9223372036854775807", "1"} {
		for _, form := range []string{raw, `"` + raw + `"`} {
			var got struct {
				T TrainingKey   `json:"t"`
				R RegistrantKey `json:"r"`
				O OrganizerKey  `json:"o"`
				S SessionKey    `json:"s"`
				C RecordingID   `json:"c"`
				A AccountKey    `json:"a"`
			}
			doc := `{"t":` + form + `,"r":` + form + `,"o":` + form + `,"s":` + form + `,"c":` + form + `,"a":` + form + `}`
			if err := json.Unmarshal([]byte(doc), &got); err != nil {
				t.Fatalf("%s: %v", form, err)
			}
			for _, s := range []string{got.T.String(), got.R.String(), got.O.String(), got.S.String(), got.C.String(), got.A.String()} {
				if s != raw {
					t.Errorf("%s decoded to %s", form, s)
				}
			}
			// Keys encode as JSON strings, which every JSON reader keeps exact,
			// and decode back to the same value.
			out, err := json.Marshal(got.T)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(`"`+raw+`"`, string(out)); diff != "" {
				t.Errorf("marshal (-want +got):\n%s", diff)
			}
			var back TrainingKey
			if err := json.Unmarshal(out, &back); err != nil || back != got.T {
				t.Errorf("round trip: %v, %v", back, err)
			}
		}
	}
}

func TestKeysRejectWhatIsNotAKey(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		`8178251407424893697.0`, `8.178251407424893697e18`, `-1`, `"-1"`, `""`, `"abc"`, `true`,
		`9223372036854775808`, `"99999999999999999999"`, `{}`, `[1]`, `"12 3"`, `" 12"`, `"0x10"`,
	} {
		var k TrainingKey
		err := json.Unmarshal([]byte(bad), &k)
		if err == nil {
			t.Errorf("%s decoded to %d, want an error", bad, k)
			continue
		}
		if !errors.Is(err, errKeySyntax) && !isJSONSyntaxOrType(err) {
			t.Errorf("%s: unexpected error %v", bad, err)
		}
	}
	var k TrainingKey = 7
	if err := json.Unmarshal([]byte(`null`), &k); err != nil || k != 7 {
		t.Errorf("null: got %d, %v; want it left alone", k, err)
	}
}

func isJSONSyntaxOrType(err error) bool {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	return errors.As(err, &se) || errors.As(err, &te)
}

func TestKeysUnmarshalText(t *testing.T) {
	t.Parallel()
	var k OrganizerKey
	if err := k.UnmarshalText([]byte("8439885694023994630")); err != nil || k != orgKey {
		t.Fatalf("got %d, %v", k, err)
	}
	if err := k.UnmarshalText([]byte(`"8439885694023994630"`)); err == nil {
		t.Error("text form accepted quotes")
	}
	b, _ := k.MarshalText()
	if string(b) != "8439885694023994630" {
		t.Errorf("MarshalText = %s", b)
	}
}

func FuzzKeyDecoding(f *testing.F) {
	for _, s := range []string{`8178251407424893697`, `"9223372036854775807"`, `"-1"`, `1e3`, `null`, `""`, `"0"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var k TrainingKey
		if err := k.UnmarshalJSON(data); err != nil {
			// Every failure is the typed one, and quotes the input briefly
			// (40 bytes, escaped): a hostile answer must not fill a log line.
			if !errors.Is(err, errKeySyntax) || len(err.Error()) > 400 {
				t.Fatalf("%q: %v", data, err)
			}
			// What should decode does: 1 to 19 digits within int64, bare
			// or quoted.
			digits := bytes.TrimSuffix(bytes.TrimPrefix(data, []byte(`"`)), []byte(`"`))
			if v, perr := strconv.ParseInt(string(digits), 10, 64); perr == nil && v >= 0 && len(digits) <= 19 &&
				bytes.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) < 0 &&
				(len(digits) == len(data) || len(digits)+2 == len(data)) {
				t.Fatalf("%q is a valid key, but: %v", data, err)
			}
			return
		}
		// What decodes encodes back to the same key, through JSON and text.
		out, err := json.Marshal(k)
		var again TrainingKey
		if err != nil || json.Unmarshal(out, &again) != nil || again != k {
			t.Fatalf("%q decoded to %d, which encodes to %s and decodes to %d", data, k, out, again)
		}
		if k < 0 {
			t.Fatalf("%q decoded to negative %d", data, k)
		}
		// What decodes must re-encode to the same digits.
		if string(data) != "null" {
			digits := string(data)
			if digits[0] == '"' {
				digits = digits[1 : len(digits)-1]
			}
			var again TrainingKey
			if err := again.UnmarshalText([]byte(digits)); err != nil || again != k {
				t.Fatalf("%q: text form gives %d, %v; JSON gave %d", data, again, err, k)
			}
		}
	})
}
