package gototraining_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"golang.org/x/oauth2"

	"github.com/gototraining-go/gototraining/gototraining"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// A client that takes its tokens from an oauth2.TokenSource. In production
// the source is an oauth2.Config's, on gototraining.Endpoint, which refreshes
// GoTo's one-hour tokens; here it is a static one for the fake.
func ExampleNewClient_tokenSource() {
	srv, err := gototrainingtest.Start(fakeOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	ts := oauth2.ReuseTokenSource(nil, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.Token(), TokenType: "Bearer"}))
	c, err := gototraining.NewClient(
		gototraining.WithTokenSource(ts),
		gototraining.WithBaseURL(srv.URL),
		gototraining.WithUserAgent("lms-sync/1.4"),
	)
	if err != nil {
		log.Fatal(err)
	}
	trainings, err := c.Trainings.List(context.Background(), gototraining.OrganizerKey(srv.OrganizerKey()))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("scheduled trainings:", len(trainings))
	srv.Close()
	// Output: scheduled trainings: 0
}

// Schedule a training of two sessions and read it back.
func ExampleTrainingsService_Schedule() {
	srv, c, org := startFake()
	ctx := context.Background()
	start := time.Date(2027, 3, 9, 16, 0, 0, 0, time.UTC)
	key, err := c.Trainings.Schedule(ctx, org, gototraining.ScheduleTrainingRequest{
		Name:        "Intro to Go",
		Description: "Two afternoons",
		TimeZone:    "Europe/Berlin",
		Times: []gototraining.TimeRange{
			{Start: start, End: start.Add(2 * time.Hour)},
			{Start: start.AddDate(0, 0, 1), End: start.AddDate(0, 0, 1).Add(2 * time.Hour)},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	t, err := c.Trainings.Get(ctx, org, key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Name, "-", len(t.Times), "sessions, first", t.Times[0].Start.Format(time.RFC3339))
	srv.Close()
	// Output: Intro to Go - 2 sessions, first 2027-03-09T16:00:00Z
}

// Read who attended a completed session, and for how long.
func ExampleReportsService_Attendance() {
	srv, c, org := startFake()
	ctx := context.Background()
	start := time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC)
	key, err := c.Trainings.Schedule(ctx, org, gototraining.ScheduleTrainingRequest{
		Name: "Intro to Go", TimeZone: "UTC",
		Times: []gototraining.TimeRange{{Start: start, End: start.Add(2 * time.Hour)}},
	})
	if err != nil {
		log.Fatal(err)
	}
	// The fake holds the session; GoTo would after it took place.
	session, err := srv.CompleteSession(int64(key), start, start.Add(2*time.Hour), []gototrainingtest.AttendeeRecord{
		{GivenName: "Ada", Surname: "Lovelace", Email: "ada@example.com", Periods: []gototrainingtest.Period{
			{Join: start, Leave: start.Add(50 * time.Minute)}, {Join: start.Add(time.Hour), Leave: start.Add(2 * time.Hour)},
		}},
		{GivenName: "Alan", Surname: "Turing", Email: "alan@example.com"},
	})
	if err != nil {
		log.Fatal(err)
	}
	attendees, err := c.Reports.Attendance(ctx, org, gototraining.SessionKey(session))
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range attendees {
		fmt.Printf("%s %s: %v in %d period(s)\n", a.GivenName, a.Surname, a.TimeInSession, len(a.Periods))
	}
	srv.Close()
	// Output:
	// Ada Lovelace: 1h50m0s in 2 period(s)
	// Alan Turing: 0s in 0 period(s)
}

// When a creating call may have reached GoTo but its answer was lost, the
// error matches ErrOutcomeUnknown: look before sending it again, or a second
// registration (or training) is made.
func Example_outcomeUnknown() {
	srv, c, org := startFake()
	ctx := context.Background()
	start := time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC)
	key, err := c.Trainings.Schedule(ctx, org, gototraining.ScheduleTrainingRequest{
		Name: "Intro to Go", TimeZone: "UTC",
		Times: []gototraining.TimeRange{{Start: start, End: start.Add(time.Hour)}},
	})
	if err != nil {
		log.Fatal(err)
	}
	// The fake registers the learner, then cuts its answer in the middle.
	srv.FailNext("registerForTraining", 1, gototrainingtest.Fault{CutMidBody: true})
	learner := gototraining.RegisterForTrainingRequest{Email: "ada@example.com", GivenName: "Ada", Surname: "Lovelace"}
	_, err = c.Registrants.Register(ctx, org, key, learner)
	fmt.Println("outcome unknown:", errors.Is(err, gototraining.ErrOutcomeUnknown))

	registrants, err := c.Registrants.List(ctx, org, key)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range registrants {
		if r.Email == learner.Email {
			fmt.Println("registered after all:", r.Email)
		}
	}
	srv.Close()
	// Output:
	// outcome unknown: true
	// registered after all: ada@example.com
}
