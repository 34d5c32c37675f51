package gototraining

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

// Answers that are odd but real enough: each decodes to what it means, or
// fails with the error that says what happened.

func TestRegisterAnswerWithoutAKeyIsAnUnknownOutcome(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, answer(http.StatusCreated, "application/json", `{"joinUrl":"j","confirmationUrl":"c"}`))
	c, _ := newClient(t, srv.URL)
	_, err := c.Registrants.Register(t.Context(), orgKey, trainingKey, RegisterForTrainingRequest{Email: "ada@example.com", GivenName: "Ada", Surname: "L"})
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("got %v; want a *DecodeError matching ErrOutcomeUnknown", err)
	}
}

func TestURLAnswersQuotedOrBare(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body, want string
		bad        bool
	}{
		{`"https://app.gototraining.com/#/trainings/1"`, "https://app.gototraining.com/#/trainings/1", false},
		{"https://app.gototraining.com/manage/1\n", "https://app.gototraining.com/manage/1", false},
		{`not a url`, "", true},
		{`{"url":"https://x"}`, "", true},
	}
	for _, tc := range cases {
		srv, _ := serve(t, answer(http.StatusOK, "application/json", tc.body))
		c, _ := newClient(t, srv.URL)
		got, err := c.Trainings.ManageURL(t.Context(), orgKey, trainingKey)
		var de *DecodeError
		if tc.bad != errors.As(err, &de) || got != tc.want {
			t.Errorf("%q: got %q, %v", tc.body, got, err)
		}
	}
}

func TestDownloadURLTakesAnyRedirect(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		srv, _ := serve(t, answer(status, "", "", "Location", "https://storage.example.com/rec/1.mp4"))
		c, _ := newClient(t, srv.URL)
		u, err := c.Recordings.DownloadURL(t.Context(), trainingKey, 4120372934872616449)
		if err != nil || u.String() != "https://storage.example.com/rec/1.mp4" {
			t.Errorf("%d: %v, %v", status, u, err)
		}
	}
	for name, a := range map[string]func(http.ResponseWriter, *http.Request){
		"no location":    answer(http.StatusFound, "", ""),
		"plain http far": answer(http.StatusFound, "", "", "Location", "http://storage.example.com/rec/1.mp4"),
		"200 instead":    answer(http.StatusOK, "application/json", `{}`),
	} {
		srv, _ := serve(t, a)
		c, _ := newClient(t, srv.URL)
		if _, err := c.Recordings.DownloadURL(t.Context(), trainingKey, 4120372934872616449); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestTimesBeyondRFC3339AreRefused(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, answer(500, "", ""))
	c, _ := newClient(t, srv.URL)
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	r := validSchedule()
	r.Times = []TimeRange{{Start: far, End: far.Add(time.Hour)}}
	_, err := c.Trainings.Schedule(t.Context(), orgKey, r)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != "Times[0].Start" {
		t.Errorf("got %v", err)
	}
	if _, err := c.Reports.Sessions(t.Context(), orgKey, time.Now(), far); !errors.As(err, &ve) || ve.Field != "to" {
		t.Errorf("Sessions: %v", err)
	}
	if hits.n.Load() != 0 {
		t.Error("sent")
	}
}
