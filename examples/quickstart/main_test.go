package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestQuickstart runs the README's main command in-process: the whole story
// against the fake must succeed and tell it.
func TestQuickstart(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(t.Context(), &out, func(string) string { return "" }); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"1. Scheduled training",
		"ErrConflict): true",
		"notified 3 registrant(s)",
		"Ada    Lovelace 1h50m0s in 2 period(s)",
		"Grace  Hopper     0s in 0 period(s)",
		"http://localhost:",
		"2 registrants left",
		"ErrNotFound: true",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestQuickstartReadOnlyNeedsAnOrganizer(t *testing.T) {
	t.Parallel()
	env := map[string]string{"GOTOTRAINING_ACCESS_TOKEN": "x", "GOTOTRAINING_BASE_URL": "http://127.0.0.1:1"}
	var out bytes.Buffer
	err := run(t.Context(), &out, func(k string) string { return env[k] })
	if err == nil || !strings.Contains(err.Error(), "GOTOTRAINING_ORGANIZER_KEY") {
		t.Errorf("got %v", err)
	}
}
