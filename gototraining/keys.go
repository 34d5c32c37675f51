package gototraining

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// GoTo keys are 64-bit integers of up to 19 digits, above 2^53, so a float64
// would round them. GoTo also writes one and the same key as a JSON string in
// one response and as a JSON number in another. Each key type below is an
// int64 that decodes from either form exactly and encodes as a JSON string,
// which JavaScript and other float-based readers keep intact.

// AccountKey identifies a GoTo (multi-user) account.
type AccountKey int64

// OrganizerKey identifies an organizer (a GoTo user who runs trainings).
type OrganizerKey int64

// TrainingKey identifies a training.
type TrainingKey int64

// RegistrantKey identifies a registration of one person for one training.
type RegistrantKey int64

// SessionKey identifies a completed session (one held event) of a training.
type SessionKey int64

// RecordingID identifies an online recording of a training.
type RecordingID int64

func (k AccountKey) String() string    { return strconv.FormatInt(int64(k), 10) }
func (k OrganizerKey) String() string  { return strconv.FormatInt(int64(k), 10) }
func (k TrainingKey) String() string   { return strconv.FormatInt(int64(k), 10) }
func (k RegistrantKey) String() string { return strconv.FormatInt(int64(k), 10) }
func (k SessionKey) String() string    { return strconv.FormatInt(int64(k), 10) }
func (k RecordingID) String() string   { return strconv.FormatInt(int64(k), 10) }

// MarshalText writes the key in decimal; encoding/json then writes a string.
func (k AccountKey) MarshalText() ([]byte, error) { return strconv.AppendInt(nil, int64(k), 10), nil }

// MarshalText writes the key in decimal; encoding/json then writes a string.
func (k OrganizerKey) MarshalText() ([]byte, error) { return strconv.AppendInt(nil, int64(k), 10), nil }

// MarshalText writes the key in decimal; encoding/json then writes a string.
func (k TrainingKey) MarshalText() ([]byte, error) { return strconv.AppendInt(nil, int64(k), 10), nil }

// MarshalText writes the key in decimal; encoding/json then writes a string.
func (k RegistrantKey) MarshalText() ([]byte, error) {
	return strconv.AppendInt(nil, int64(k), 10), nil
}

// MarshalText writes the key in decimal; encoding/json then writes a string.
func (k SessionKey) MarshalText() ([]byte, error) { return strconv.AppendInt(nil, int64(k), 10), nil }

// MarshalText writes the key in decimal; encoding/json then writes a string.
func (k RecordingID) MarshalText() ([]byte, error) { return strconv.AppendInt(nil, int64(k), 10), nil }

// UnmarshalText parses a decimal key, as from a flag or a URL.
func (k *AccountKey) UnmarshalText(b []byte) error { return parseKeyInto(k, b, false) }

// UnmarshalText parses a decimal key, as from a flag or a URL.
func (k *OrganizerKey) UnmarshalText(b []byte) error { return parseKeyInto(k, b, false) }

// UnmarshalText parses a decimal key, as from a flag or a URL.
func (k *TrainingKey) UnmarshalText(b []byte) error { return parseKeyInto(k, b, false) }

// UnmarshalText parses a decimal key, as from a flag or a URL.
func (k *RegistrantKey) UnmarshalText(b []byte) error { return parseKeyInto(k, b, false) }

// UnmarshalText parses a decimal key, as from a flag or a URL.
func (k *SessionKey) UnmarshalText(b []byte) error { return parseKeyInto(k, b, false) }

// UnmarshalText parses a decimal key, as from a flag or a URL.
func (k *RecordingID) UnmarshalText(b []byte) error { return parseKeyInto(k, b, false) }

// UnmarshalJSON accepts the key as a JSON string or a JSON number.
func (k *AccountKey) UnmarshalJSON(b []byte) error { return parseKeyInto(k, b, true) }

// UnmarshalJSON accepts the key as a JSON string or a JSON number.
func (k *OrganizerKey) UnmarshalJSON(b []byte) error { return parseKeyInto(k, b, true) }

// UnmarshalJSON accepts the key as a JSON string or a JSON number.
func (k *TrainingKey) UnmarshalJSON(b []byte) error { return parseKeyInto(k, b, true) }

// UnmarshalJSON accepts the key as a JSON string or a JSON number.
func (k *RegistrantKey) UnmarshalJSON(b []byte) error { return parseKeyInto(k, b, true) }

// UnmarshalJSON accepts the key as a JSON string or a JSON number.
func (k *SessionKey) UnmarshalJSON(b []byte) error { return parseKeyInto(k, b, true) }

// UnmarshalJSON accepts the key as a JSON string or a JSON number.
func (k *RecordingID) UnmarshalJSON(b []byte) error { return parseKeyInto(k, b, true) }

// errKeySyntax is wrapped by every key decoding error.
var errKeySyntax = errors.New("a key must be a decimal integer from 0 to 9223372036854775807")

// parseKeyInto decodes a key from its text or, when json is set, from a JSON
// string or number. Only plain decimal digits are accepted: no sign, no
// fraction, no exponent (1e18 would have passed through a float).
func parseKeyInto[K ~int64](k *K, b []byte, json bool) error {
	if json && bytes.Equal(b, []byte("null")) {
		return nil // as encoding/json does: null leaves the value alone
	}
	v, err := parseKey(b, json)
	if err != nil {
		return err
	}
	*k = K(v)
	return nil
}

func parseKey(b []byte, json bool) (int64, error) {
	raw := b
	if json {
		if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
			b = b[1 : len(b)-1]
		}
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, fmt.Errorf("gototraining: key %s: %w", quoteShort(raw), errKeySyntax)
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("gototraining: key %s: %w", quoteShort(raw), errKeySyntax)
		}
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("gototraining: key %s: %w", quoteShort(raw), errKeySyntax)
	}
	return v, nil
}

// quoteShort quotes untrusted bytes for an error message, cut to a length
// that keeps a hostile body from filling logs.
func quoteShort(b []byte) string {
	const limit = 40
	if len(b) > limit {
		return strconv.Quote(string(b[:limit])) + "..."
	}
	return strconv.Quote(string(b))
}
