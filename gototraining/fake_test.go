package gototraining_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gototraining-go/gototraining/gototraining"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// fakeQuirks is read once: GOTOTRAINING_FAKE_QUIRKS=1 runs the fake-backed
// tests and examples against answers as GoTo really sends them (make test
// runs them once so).
var fakeQuirks = os.Getenv("GOTOTRAINING_FAKE_QUIRKS") == "1"

// fakeOptions are the options every fake of these tests starts with.
func fakeOptions(opts ...gototrainingtest.Option) []gototrainingtest.Option {
	if fakeQuirks {
		opts = append(opts, gototrainingtest.WithRealWorldQuirks())
	}
	return opts
}

// newFake starts a fake GoToTraining and a client for it. The fake fails the
// test on any request of the client, or answer of its own, that breaks the
// spec (or is refused for its token).
func newFake(t *testing.T, opts ...gototraining.Option) (*gototrainingtest.Server, *gototraining.Client, gototraining.OrganizerKey) {
	t.Helper()
	srv := gototrainingtest.NewServer(t, fakeOptions(gototrainingtest.WithRequestViolationHandler(func(err error) {
		t.Errorf("the client sent a request that breaks the spec: %v", err)
	}))...)
	all := append([]gototraining.Option{
		gototraining.WithBaseURL(srv.URL),
		gototraining.WithAccessToken(srv.Token()),
		gototraining.WithRetry(gototraining.RetryPolicy{MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}),
	}, opts...)
	c, err := gototraining.NewClient(all...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c, gototraining.OrganizerKey(srv.OrganizerKey())
}

var (
	day1 = time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC)
	day2 = day1.Add(24 * time.Hour)
)

func twoSessions() gototraining.ScheduleTrainingRequest {
	return gototraining.ScheduleTrainingRequest{
		Name:        "Intro to Go",
		Description: "Two afternoons",
		TimeZone:    "Europe/Berlin",
		Times: []gototraining.TimeRange{
			{Start: day1, End: day1.Add(2 * time.Hour)},
			{Start: day2, End: day2.Add(2 * time.Hour)},
		},
		RegistrationSettings: &gototraining.RegistrationSettings{DisableWebRegistration: true},
	}
}

var sameInstant = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

// TestTrainingLifeCycle drives every training operation through the fake.
func TestTrainingLifeCycle(t *testing.T) {
	t.Parallel()
	srv, c, org := newFake(t)
	ctx := t.Context()
	co := gototraining.OrganizerKey(srv.AddOrganizer("a.ng@example.com", "Ada", "Ng"))

	req := twoSessions()
	req.CoOrganizers = []gototraining.OrganizerKey{co}
	key, err := c.Trainings.Schedule(ctx, org, req)
	if err != nil {
		t.Fatalf("Schedule: %v", err)
	}
	if key < 1<<53 {
		t.Errorf("key %d is not a real-size key", key)
	}
	got, err := c.Trainings.Get(ctx, org, key)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	want := gototraining.Training{
		Key:                  key,
		Name:                 req.Name,
		Description:          req.Description,
		TimeZone:             req.TimeZone,
		Times:                req.Times,
		RegistrationSettings: *req.RegistrationSettings,
	}
	if diff := cmp.Diff(want, got, sameInstant, cmpopts.IgnoreFields(gototraining.Training{}, "ID", "Organizers")); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}
	wantIDLen := 9
	if fakeQuirks {
		wantIDLen = 0 // GoTo has been seen to leave trainingId out
	}
	if len(got.ID) != wantIDLen || len(got.Organizers) != 2 {
		t.Errorf("ID %q, organizers %v", got.ID, got.Organizers)
	}

	list, err := c.Trainings.List(ctx, org)
	if err != nil || len(list) != 1 || list[0].Key != key {
		t.Fatalf("List: %v %v", list, err)
	}
	n := 0
	for tr, err := range c.Trainings.All(ctx, org) {
		if err != nil || tr.Key != key {
			t.Fatalf("All: %v %v", tr, err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("All yielded %d", n)
	}

	if err := c.Trainings.UpdateNameDescription(ctx, org, key, gototraining.UpdateTrainingNameDescriptionRequest{Name: "Go, renamed", Description: "new"}); err != nil {
		t.Fatalf("UpdateNameDescription: %v", err)
	}
	if err := c.Trainings.UpdateRegistrationSettings(ctx, org, key, gototraining.RegistrationSettings{DisableConfirmationEmail: true}); err != nil {
		t.Fatalf("UpdateRegistrationSettings: %v", err)
	}
	got, err = c.Trainings.Get(ctx, org, key)
	if err != nil || got.Name != "Go, renamed" || got.Description != "new" || !got.RegistrationSettings.DisableConfirmationEmail {
		t.Errorf("after updates: %+v %v", got, err)
	}

	if _, err := c.Registrants.Register(ctx, org, key, gototraining.RegisterForTrainingRequest{Email: "l1@example.com", GivenName: "L", Surname: "One"}); err != nil {
		t.Fatal(err)
	}
	moved := []gototraining.TimeRange{{Start: day2, End: day2.Add(3 * time.Hour)}}
	notified, err := c.Trainings.UpdateTimes(ctx, org, key, gototraining.UpdateTrainingTimesRequest{TimeZone: "Europe/Berlin", Times: moved, SkipTrainerNotification: true})
	if err != nil {
		t.Fatalf("UpdateTimes: %v", err)
	}
	if diff := cmp.Diff(gototraining.NotifiedParties{Registrants: 1, Trainers: 0}, notified); diff != "" {
		t.Errorf("notified (-want +got):\n%s", diff)
	}

	orgs, err := c.Trainings.Organizers(ctx, org, key)
	if err != nil || len(orgs) != 2 {
		t.Fatalf("Organizers: %v %v", orgs, err)
	}
	if err := c.Trainings.ReplaceOrganizers(ctx, org, key, gototraining.ReplaceTrainingOrganizersRequest{}); err != nil {
		t.Fatalf("ReplaceOrganizers: %v", err)
	}
	orgs, err = c.Trainings.Organizers(ctx, org, key)
	if err != nil || len(orgs) != 1 || orgs[0].Key != org {
		t.Errorf("after replace: %v %v", orgs, err)
	}

	for name, get := range map[string]func() (string, error){
		"ManageURL": func() (string, error) { return c.Trainings.ManageURL(ctx, org, key) },
		"StartURL":  func() (string, error) { return c.Trainings.StartURL(ctx, org, key) },
		"HostURL":   func() (string, error) { return c.Trainings.HostURL(ctx, key) },
	} {
		u, err := get()
		if err != nil || !strings.HasPrefix(u, "http") {
			t.Errorf("%s: %q %v", name, u, err)
		}
	}

	if err := c.Trainings.Cancel(ctx, org, key); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	if _, err := c.Trainings.Get(ctx, org, key); !errors.Is(err, gototraining.ErrNotFound) {
		t.Errorf("Get after cancel: %v", err)
	}
	if err := c.Trainings.Cancel(ctx, org, key); !errors.Is(err, gototraining.ErrNotFound) {
		t.Errorf("Cancel twice: %v", err)
	}
}

func TestRegistrantLifeCycle(t *testing.T) {
	t.Parallel()
	srv, c, org := newFake(t)
	ctx := t.Context()
	key, err := c.Trainings.Schedule(ctx, org, twoSessions())
	if err != nil {
		t.Fatal(err)
	}
	people := []gototraining.RegisterForTrainingRequest{
		{Email: "ada@example.com", GivenName: "Ada", Surname: "Lovelace"},
		{Email: "alan@example.com", GivenName: "Alan", Surname: "Turing"},
	}
	var regs []gototraining.Registration
	for _, p := range people {
		r, err := c.Registrants.Register(ctx, org, key, p)
		if err != nil {
			t.Fatalf("Register %s: %v", p.Email, err)
		}
		regs = append(regs, r)
	}
	_, err = c.Registrants.Register(ctx, org, key, gototraining.RegisterForTrainingRequest{Email: "ADA@example.com", GivenName: "A", Surname: "L"})
	if !errors.Is(err, gototraining.ErrConflict) {
		t.Errorf("duplicate: %v, want ErrConflict", err)
	}
	if n := srv.Calls("registerForTraining"); n != 3 {
		t.Errorf("fake saw %d registrations, want 3", n)
	}

	list, err := c.Registrants.List(ctx, org, key)
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, r := range list {
		emails = append(emails, r.Email)
		if r.Status != gototraining.RegistrantApproved || r.RegistrationDate.IsZero() {
			t.Errorf("registrant %+v", r)
		}
	}
	if diff := cmp.Diff([]string{"ada@example.com", "alan@example.com"}, emails); diff != "" {
		t.Errorf("emails (-want +got):\n%s", diff)
	}

	if err := srv.SetRegistrantStatus(int64(key), int64(regs[1].Key), "UNREGISTERED"); err != nil {
		t.Fatal(err)
	}
	one, err := c.Registrants.Get(ctx, org, key, regs[1].Key)
	if err != nil {
		t.Fatal(err)
	}
	want := gototraining.Registrant{Key: regs[1].Key, Email: "alan@example.com", GivenName: "Alan", Surname: "Turing",
		Status: "UNREGISTERED", JoinURL: regs[1].JoinURL, ConfirmationURL: regs[1].ConfirmationURL}
	if diff := cmp.Diff(want, one, cmpopts.IgnoreFields(gototraining.Registrant{}, "RegistrationDate")); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}

	if err := c.Registrants.Cancel(ctx, org, key, regs[0].Key); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Registrants.Get(ctx, org, key, regs[0].Key); !errors.Is(err, gototraining.ErrNotFound) {
		t.Errorf("after cancel: %v", err)
	}
	count := 0
	for _, err := range c.Registrants.All(ctx, org, key) {
		if err != nil {
			t.Fatal(err)
		}
		count++
	}
	if count != 1 {
		t.Errorf("%d registrants left, want 1", count)
	}
}

func TestReportsAndRecordings(t *testing.T) {
	t.Parallel()
	srv, c, org := newFake(t)
	ctx := t.Context()
	key, err := c.Trainings.Schedule(ctx, org, twoSessions())
	if err != nil {
		t.Fatal(err)
	}
	end := day1.Add(2 * time.Hour)
	session, err := srv.CompleteSession(int64(key), day1, end, []gototrainingtest.AttendeeRecord{
		{GivenName: "Ada", Surname: "L", Email: "ada@example.com", Periods: []gototrainingtest.Period{
			{Join: day1, Leave: day1.Add(50 * time.Minute)}, {Join: day1.Add(time.Hour), Leave: day1.Add(90 * time.Minute)},
		}},
		{GivenName: "Absent", Surname: "A", Email: "absent@example.com"},
	})
	if err != nil {
		t.Fatal(err)
	}

	sessions, err := c.Reports.TrainingSessions(ctx, org, key)
	if err != nil || len(sessions) != 1 {
		t.Fatalf("TrainingSessions: %v %v", sessions, err)
	}
	s := sessions[0]
	if s.Key != gototraining.SessionKey(session) || s.Duration != 2*time.Hour || s.AttendanceCount != 1 || s.TrainingName != "Intro to Go" {
		t.Errorf("session %+v", s)
	}
	inRange, err := c.Reports.Sessions(ctx, org, day1.Add(-time.Hour), day1.Add(time.Hour))
	if err != nil || len(inRange) != 1 {
		t.Errorf("Sessions in range: %v %v", inRange, err)
	}
	outside, err := c.Reports.Sessions(ctx, org, day2, day2.Add(time.Hour))
	if err != nil || len(outside) != 0 {
		t.Errorf("Sessions outside: %v %v", outside, err)
	}
	for _, err := range c.Reports.AllSessions(ctx, org, day1.Add(-time.Hour), day2) {
		if err != nil {
			t.Error(err)
		}
	}
	for _, err := range c.Reports.AllTrainingSessions(ctx, org, key) {
		if err != nil {
			t.Error(err)
		}
	}

	attendees, err := c.Reports.Attendance(ctx, org, gototraining.SessionKey(session))
	if err != nil {
		t.Fatal(err)
	}
	want := []gototraining.Attendee{
		{GivenName: "Ada", Surname: "L", Email: "ada@example.com", TimeInSession: 80 * time.Minute, Periods: []gototraining.AttendancePeriod{
			{Join: day1, Leave: day1.Add(50 * time.Minute), Duration: 50 * time.Minute},
			{Join: day1.Add(time.Hour), Leave: day1.Add(90 * time.Minute), Duration: 30 * time.Minute},
		}},
		{GivenName: "Absent", Surname: "A", Email: "absent@example.com"},
	}
	if diff := cmp.Diff(want, attendees, sameInstant); diff != "" {
		t.Errorf("Attendance (-want +got):\n%s", diff)
	}
	n := 0
	for _, err := range c.Reports.AllAttendance(ctx, org, gototraining.SessionKey(session)) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("AllAttendance: %d", n)
	}
	if _, err := c.Reports.Attendance(ctx, org, 1234567890123456789); !errors.Is(err, gototraining.ErrNotFound) {
		t.Errorf("unknown session: %v", err)
	}

	content := []byte(strings.Repeat("recording bytes ", 4096))
	rec, err := srv.AddRecording(int64(key), "Evening 1", content)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := c.Recordings.List(ctx, key)
	if err != nil || len(recs) != 1 || recs[0].ID != gototraining.RecordingID(rec) || recs[0].Name != "Evening 1" {
		t.Fatalf("Recordings.List: %+v %v", recs, err)
	}
	for _, err := range c.Recordings.All(ctx, key) {
		if err != nil {
			t.Fatal(err)
		}
	}
	loc, err := c.Recordings.DownloadURL(ctx, key, gototraining.RecordingID(rec))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(loc.String(), srv.DownloadURL) {
		t.Errorf("DownloadURL %s is not on the storage origin %s", loc, srv.DownloadURL)
	}
	if got := len(srv.DownloadRequests()); got != 0 {
		t.Errorf("DownloadURL followed the redirect: storage saw %d requests", got)
	}
	body, err := c.Recordings.Download(ctx, key, gototraining.RecordingID(rec))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(body)
	_ = body.Close()
	if err != nil || !cmp.Equal(content, data) {
		t.Errorf("downloaded %d bytes (%v), want %d", len(data), err, len(content))
	}
	seen := srv.DownloadRequests()
	if len(seen) != 1 {
		t.Fatalf("storage saw %d requests", len(seen))
	}
	if auth := seen[0].Get("Authorization"); auth != "" {
		t.Errorf("the storage host received Authorization %q", auth)
	}
	if _, err := c.Recordings.Download(ctx, key, 1234567890123456789); !errors.Is(err, gototraining.ErrNotFound) {
		t.Errorf("unknown recording: %v", err)
	}
}

func TestBadTokenIsUnauthorized(t *testing.T) {
	t.Parallel()
	srv := gototrainingtest.NewServer(t, fakeOptions()...)
	c, err := gototraining.NewClient(gototraining.WithBaseURL(srv.URL), gototraining.WithAccessToken("not-the-token"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Trainings.List(t.Context(), gototraining.OrganizerKey(srv.OrganizerKey()))
	var apiErr *gototraining.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden || apiErr.IntErrCode != "InvalidToken" {
		t.Fatalf("got %v", err)
	}
	if !errors.Is(err, gototraining.ErrUnauthorized) || errors.Is(err, gototraining.ErrForbidden) {
		t.Errorf("403 InvalidToken should be ErrUnauthorized only: %v", err)
	}
}

func TestRetriesAgainstTheFake(t *testing.T) {
	t.Parallel()
	srv, c, org := newFake(t)
	ctx := t.Context()
	srv.FailNext("getAllTrainings", 2, gototrainingtest.Fault{Status: http.StatusServiceUnavailable})
	if _, err := c.Trainings.List(ctx, org); err != nil {
		t.Fatalf("List after two 503s: %v", err)
	}
	if n := srv.Calls("getAllTrainings"); n != 3 {
		t.Errorf("calls %d, want 3", n)
	}
	srv.FailNext("scheduleTraining", 1, gototrainingtest.Fault{Status: http.StatusServiceUnavailable})
	if _, err := c.Trainings.Schedule(ctx, org, twoSessions()); !errors.Is(err, gototraining.ErrServer) {
		t.Errorf("Schedule on 503: %v", err)
	}
	if n, trainings := srv.Calls("scheduleTraining"), len(srv.Trainings()); n != 1 || trainings != 0 {
		t.Errorf("Schedule reached the fake %d times and made %d trainings; want 1 and 0", n, trainings)
	}
}

func TestRegistrationReconciliation(t *testing.T) {
	t.Parallel()
	srv, c, org := newFake(t, gototraining.WithRegistrationReconciliation())
	ctx := t.Context()
	key, err := c.Trainings.Schedule(ctx, org, twoSessions())
	if err != nil {
		t.Fatal(err)
	}
	// The fake registers, then cuts the answer mid-body: the key is lost to
	// the client, which then finds the registrant by email.
	srv.FailNext("registerForTraining", 1, gototrainingtest.Fault{CutMidBody: true})
	reg, err := c.Registrants.Register(ctx, org, key, gototraining.RegisterForTrainingRequest{Email: "ada@example.com", GivenName: "Ada", Surname: "L"})
	if err != nil {
		t.Fatalf("Register with reconciliation: %v", err)
	}
	state := srv.Registrants(int64(key))
	if len(state) != 1 || gototraining.RegistrantKey(state[0].Key) != reg.Key {
		t.Errorf("fake has %+v, client returned %+v", state, reg)
	}

	// Without reconciliation, an answer that never comes is reported as an
	// unknown outcome, and the deadline still shows through.
	c2, err := gototraining.NewClient(gototraining.WithBaseURL(srv.URL), gototraining.WithAccessToken(srv.Token()))
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext("registerForTraining", 1, gototrainingtest.Fault{Latency: time.Minute})
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err = c2.Registrants.Register(short, org, key, gototraining.RegisterForTrainingRequest{Email: "alan@example.com", GivenName: "Alan", Surname: "T"})
	if !errors.Is(err, gototraining.ErrOutcomeUnknown) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("without reconciliation: %v, want ErrOutcomeUnknown and DeadlineExceeded", err)
	}
}

func TestOrganizersOfTheAccount(t *testing.T) {
	t.Parallel()
	srv, c, org := newFake(t)
	srv.AddOrganizer("a.ng@example.com", "Ada", "Ng")
	account := gototraining.AccountKey(srv.AccountKey())
	list, err := c.Organizers.List(t.Context(), account)
	if err != nil || len(list) != 2 || list[0].Key != org {
		t.Fatalf("List: %+v %v", list, err)
	}
	n := 0
	for o, err := range c.Organizers.All(t.Context(), account) {
		if err != nil || o.Email == "" {
			t.Fatalf("All: %+v %v", o, err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("All yielded %d", n)
	}
}

// TestAllRefusesBadKeysWithoutSending: every lazy list validates too, and
// yields the *ValidationError once.
func TestAllRefusesBadKeysWithoutSending(t *testing.T) {
	t.Parallel()
	srv, c, org := newFake(t)
	ctx := t.Context()
	now := time.Now()
	seqs := map[string]func(yield func(any, error) bool){
		"Organizers.All":              adapt(c.Organizers.All(ctx, 0)),
		"Trainings.All":               adapt(c.Trainings.All(ctx, 0)),
		"Registrants.All":             adapt(c.Registrants.All(ctx, org, 0)),
		"Reports.AllSessions":         adapt(c.Reports.AllSessions(ctx, org, now, now.Add(-time.Hour))),
		"Reports.AllTrainingSessions": adapt(c.Reports.AllTrainingSessions(ctx, 0, 1)),
		"Reports.AllAttendance":       adapt(c.Reports.AllAttendance(ctx, org, 0)),
		"Recordings.All":              adapt(c.Recordings.All(ctx, 0)),
	}
	for name, seq := range seqs {
		var errs []error
		for _, err := range seq {
			errs = append(errs, err)
		}
		var ve *gototraining.ValidationError
		if len(errs) != 1 || !errors.As(errs[0], &ve) {
			t.Errorf("%s: %v", name, errs)
		}
	}
	for _, op := range []string{"getAllOrganisers", "getAllTrainings", "getRegistrants", "getSessionDetailsForDateRange", "getSessionDetailsForTraining", "getAttendanceDetails", "getRecordingsForTraining"} {
		if n := srv.Calls(op); n != 0 {
			t.Errorf("%s reached the fake %d times", op, n)
		}
	}
	if _, err := c.Recordings.List(ctx, 0); err == nil {
		t.Error("Recordings.List(0) sent")
	}
	if _, err := c.Reports.TrainingSessions(ctx, org, 0); err == nil {
		t.Error("TrainingSessions(0) sent")
	}
	if _, err := c.Trainings.List(ctx, 0); err == nil {
		t.Error("Trainings.List(0) sent")
	}
	if _, err := c.Registrants.List(ctx, 0, 1); err == nil {
		t.Error("Registrants.List(0) sent")
	}
}

func adapt[T any](seq func(yield func(T, error) bool)) func(yield func(any, error) bool) {
	return func(yield func(any, error) bool) {
		for v, err := range seq {
			if !yield(v, err) {
				return
			}
		}
	}
}
