package gototraining

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Inputs are checked here before anything is sent, so a mistake costs no
// request, no rate-limit budget and no half-made training.

// checkKey refuses keys GoTo never issues; zero is what a forgotten field holds.
func checkKey[K ~int64](op *operation, name string, k K) error {
	if k <= 0 {
		return invalid(op, name, fmt.Sprintf("must be a positive key, got %d", int64(k)))
	}
	return nil
}

func checkText(op *operation, field, v string) error {
	if strings.TrimSpace(v) == "" {
		return invalid(op, field, "is empty")
	}
	return nil
}

func checkTimeZone(op *operation, field, tz string) error {
	if tz == "" {
		return invalid(op, field, "is empty; give an IANA time zone such as \"America/New_York\"")
	}
	if tz == "Local" {
		return invalid(op, field, "\"Local\" is not an IANA time zone name")
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return invalid(op, field, fmt.Sprintf("unknown IANA time zone %q", tz))
	}
	return nil
}

func checkTimes(op *operation, field string, times []TimeRange) error {
	if len(times) == 0 {
		return invalid(op, field, "needs at least one start and end time")
	}
	for i, r := range times {
		switch {
		case r.Start.IsZero():
			return invalid(op, fmt.Sprintf("%s[%d].Start", field, i), "is missing")
		case r.End.IsZero():
			return invalid(op, fmt.Sprintf("%s[%d].End", field, i), "is missing")
		case outOfRange(r.Start):
			return invalid(op, fmt.Sprintf("%s[%d].Start", field, i), "is outside the years 1 to 9999")
		case outOfRange(r.End):
			return invalid(op, fmt.Sprintf("%s[%d].End", field, i), "is outside the years 1 to 9999")
		case !apiTime(r.End).After(apiTime(r.Start)):
			return invalid(op, fmt.Sprintf("%s[%d].End", field, i), fmt.Sprintf("%s is not after the start %s", r.End.Format(time.RFC3339), r.Start.Format(time.RFC3339)))
		}
	}
	return nil
}

// outOfRange reports times that RFC 3339, and so the API, cannot carry.
func outOfRange(t time.Time) bool {
	y := t.UTC().Year()
	return y < 1 || y > 9999
}

func checkRange(op *operation, from, to time.Time) error {
	switch {
	case from.IsZero():
		return invalid(op, "from", "is missing")
	case to.IsZero():
		return invalid(op, "to", "is missing")
	case outOfRange(from):
		return invalid(op, "from", "is outside the years 1 to 9999")
	case outOfRange(to):
		return invalid(op, "to", "is outside the years 1 to 9999")
	case to.Before(from):
		return invalid(op, "to", fmt.Sprintf("%s is before from %s", to.Format(time.RFC3339), from.Format(time.RFC3339)))
	}
	return nil
}

// checkEmail accepts a bare address such as "ada@example.com": no display
// name, no angle brackets, a dot in the domain.
func checkEmail(op *operation, field, email string) error {
	if email == "" {
		return invalid(op, field, "is empty")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" || addr.Address != email {
		return invalid(op, field, fmt.Sprintf("%q is not an email address", email))
	}
	at := strings.LastIndexByte(email, '@')
	if domain := email[at+1:]; !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") {
		return invalid(op, field, fmt.Sprintf("%q has no valid domain", email))
	}
	return nil
}

func checkOrganizerKeys(op *operation, field string, keys []OrganizerKey) error {
	for i, k := range keys {
		if err := checkKey(op, fmt.Sprintf("%s[%d]", field, i), k); err != nil {
			return err
		}
	}
	return nil
}

// firstError returns the first non-nil error, so each method can list its
// checks in the order of its parameters.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkOrgTraining checks the two keys that most operations' paths start with.
func checkOrgTraining(op *operation, org OrganizerKey, training TrainingKey) error {
	return firstError(checkKey(op, "organizerKey", org), checkKey(op, "trainingKey", training))
}

// invalid builds a ValidationError; nothing has been sent when it is returned.
func invalid(op *operation, field, problem string) error {
	return &ValidationError{Operation: op.id, Field: field, Problem: problem}
}
