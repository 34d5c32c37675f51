package gototrainingtest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

func TestRegistrants(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 7, 22, 48, 19, 500_000_000, time.UTC)
	s, c := newFake(t, gototrainingtest.WithClock(func() time.Time { return now }))
	org := s.OrganizerKey()
	tk := c.schedule("Registrations")
	path := trainingPath(org, tk) + "/registrants"

	res := c.do(http.MethodPost, path, map[string]string{"email": "c.waters@example.com", "givenName": "Charley", "surname": "Waters"})
	created := want[registrantCreatedW](t, res, http.StatusCreated)
	if strings.HasPrefix(string(created.RegistrantKey), `"`) {
		t.Errorf("registerForTraining sent registrantKey %s as a string; GoTo sends a number", created.RegistrantKey)
	}
	first := number(t, created.RegistrantKey)
	key(t, ks(first))
	second := c.register(tk, "a.ng@example.com")

	list := want[[]registrantW](t, c.do(http.MethodGet, path, nil), http.StatusOK)
	wantFirst := registrantW{
		RegistrantKey:    ks(first),
		Email:            "c.waters@example.com",
		GivenName:        "Charley",
		Surname:          "Waters",
		Status:           "APPROVED",
		RegistrationDate: "2026-03-07T22:48:19Z",
		JoinURL:          created.JoinURL,
		ConfirmationURL:  created.ConfirmationURL,
	}
	if len(list) != 2 {
		t.Fatalf("getRegistrants returned %d registrants, want 2", len(list))
	}
	if diff := cmp.Diff(wantFirst, list[0]); diff != "" {
		t.Errorf("first registrant (-want +got):\n%s", diff)
	}
	if list[1].RegistrantKey != ks(second) {
		t.Errorf("registration order: second is %s, want %d", list[1].RegistrantKey, second)
	}
	if !strings.Contains(created.ConfirmationURL, ks(first)) || !strings.Contains(created.JoinURL, ks(tk)) {
		t.Errorf("URLs %q, %q do not name the registrant and training", created.JoinURL, created.ConfirmationURL)
	}

	one := want[registrantW](t, c.do(http.MethodGet, fmt.Sprintf("%s/%d", path, first), nil), http.StatusOK)
	if diff := cmp.Diff(wantFirst, one); diff != "" {
		t.Errorf("getRegistrant (-want +got):\n%s", diff)
	}

	// The same email, in another case, is a conflict.
	checkError(t, c.do(http.MethodPost, path, map[string]string{"email": "C.Waters@Example.com", "givenName": "C", "surname": "W"}), http.StatusConflict, "already registered")

	// Statuses set by the test show through, the unknown ones too.
	for _, status := range []string{"WAITING", "DENIED", "UNREGISTERED"} {
		if err := s.SetRegistrantStatus(tk, second, status); err != nil {
			t.Fatal(err)
		}
		got := want[registrantW](t, c.do(http.MethodGet, fmt.Sprintf("%s/%d", path, second), nil), http.StatusOK)
		if got.Status != status {
			t.Errorf("status = %q, want %q", got.Status, status)
		}
	}
	if err := s.SetRegistrantStatus(tk, 42, "WAITING"); err == nil {
		t.Error("SetRegistrantStatus of an unknown registrant succeeded")
	}

	// Cancel, then 404, then the person may register again.
	want[any](t, c.do(http.MethodDelete, fmt.Sprintf("%s/%d", path, first), nil), http.StatusNoContent)
	checkError(t, c.do(http.MethodGet, fmt.Sprintf("%s/%d", path, first), nil), http.StatusNotFound, "Registrant not found")
	checkError(t, c.do(http.MethodDelete, fmt.Sprintf("%s/%d", path, first), nil), http.StatusNotFound, "Registrant not found")
	again := c.register(tk, "c.waters@example.com")

	var keys []int64
	for _, r := range s.Registrants(tk) {
		keys = append(keys, r.Key)
	}
	if diff := cmp.Diff([]int64{second, again}, keys); diff != "" {
		t.Errorf("Registrants() keys (-want +got):\n%s", diff)
	}
	if s.Registrants(1) != nil {
		t.Error("Registrants of an unknown training is not nil")
	}
}

func TestRegisterValidation(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	tk := c.schedule("Validation")
	path := trainingPath(s.OrganizerKey(), tk) + "/registrants"
	tests := []struct {
		name    string
		body    any
		mention string
	}{
		{"missing surname", map[string]string{"email": "a@example.com", "givenName": "A"}, "surname"},
		{"empty given name", map[string]string{"email": "a@example.com", "givenName": "", "surname": "B"}, "givenName"},
		{"not an email", map[string]string{"email": "not-an-email", "givenName": "A", "surname": "B"}, "email"},
		{"email of the wrong type", map[string]any{"email": 12, "givenName": "A", "surname": "B"}, "email"},
		{"no body", nil, "request body"},
		{"not JSON", "{", "request body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkError(t, c.do(http.MethodPost, path, tt.body, hdr{"Content-Type": "application/json"}), http.StatusBadRequest, tt.mention)
		})
	}
	t.Cleanup(func() { // after the parallel subtests
		if n := len(s.Registrants(tk)); n != 0 {
			t.Errorf("%d registrants after invalid requests, want 0", n)
		}
	})
}
