package gototraining_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"time"

	"github.com/gototraining-go/gototraining/gototraining"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// startFake starts the fake GoToTraining that the examples run against; with
// a real account, use WithAccessToken and leave the base URL alone. (The
// examples close it at their end rather than with defer, since log.Fatal
// would skip deferred calls anyway.)
func startFake() (*gototrainingtest.Server, *gototraining.Client, gototraining.OrganizerKey) {
	srv, err := gototrainingtest.Start(fakeOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	c, err := gototraining.NewClient(
		gototraining.WithBaseURL(srv.URL),
		gototraining.WithAccessToken(srv.Token()),
	)
	if err != nil {
		log.Fatal(err)
	}
	return srv, c, gototraining.OrganizerKey(srv.OrganizerKey())
}

// Schedule a training and register a learner.
func Example() {
	srv, c, org := startFake()
	ctx := context.Background()

	start := time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC)
	key, err := c.Trainings.Schedule(ctx, org, gototraining.ScheduleTrainingRequest{
		Name:     "Intro to Go",
		TimeZone: "Europe/Berlin",
		Times:    []gototraining.TimeRange{{Start: start, End: start.Add(2 * time.Hour)}},
	})
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Registrants.Register(ctx, org, key, gototraining.RegisterForTrainingRequest{
		Email: "ada@example.com", GivenName: "Ada", Surname: "Lovelace",
	})
	if err != nil {
		log.Fatal(err)
	}
	t, err := c.Trainings.Get(ctx, org, key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Name, "in", t.TimeZone, "starts", t.Times[0].Start.Format(time.RFC3339))
	srv.Close()
	// Output: Intro to Go in Europe/Berlin starts 2026-03-26T15:00:00Z
}

// Range over registrants lazily; the answer is decoded one at a time.
func ExampleRegistrantsService_All() {
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
	for _, email := range []string{"ada@example.com", "alan@example.com", "grace@example.com"} {
		if _, err := c.Registrants.Register(ctx, org, key, gototraining.RegisterForTrainingRequest{Email: email, GivenName: "L", Surname: "L"}); err != nil {
			log.Fatal(err)
		}
	}
	for r, err := range c.Registrants.All(ctx, org, key) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(r.Email, r.Status)
	}
	srv.Close()
	// Output:
	// ada@example.com APPROVED
	// alan@example.com APPROVED
	// grace@example.com APPROVED
}

// A second registration of the same email is ErrConflict. (A package
// example: go doc attaches examples to functions, types and methods, not to
// variables such as ErrConflict.)
func Example_conflict() {
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
	learner := gototraining.RegisterForTrainingRequest{Email: "ada@example.com", GivenName: "Ada", Surname: "Lovelace"}
	if _, err := c.Registrants.Register(ctx, org, key, learner); err != nil {
		log.Fatal(err)
	}
	_, err = c.Registrants.Register(ctx, org, key, learner)
	var apiErr *gototraining.APIError
	if errors.Is(err, gototraining.ErrConflict) && errors.As(err, &apiErr) {
		fmt.Println("already registered:", apiErr.StatusCode)
	}
	srv.Close()
	// Output: already registered: 409
}

// Bad input is refused before anything is sent.
func ExampleValidationError() {
	c, err := gototraining.NewClient(gototraining.WithAccessToken("token"))
	if err != nil {
		log.Fatal(err)
	}
	start := time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC)
	_, err = c.Trainings.Schedule(context.Background(), 8439885694023994630, gototraining.ScheduleTrainingRequest{
		Name: "Intro to Go", TimeZone: "Europe/Berlin",
		Times: []gototraining.TimeRange{{Start: start, End: start.Add(-time.Hour)}},
	})
	var ve *gototraining.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field)
	}
	// Output: Times[0].End
}

// Download a recording: the file comes from GoTo's storage host, which
// never sees the API's access token.
func ExampleRecordingsService_Download() {
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
	id, err := srv.AddRecording(int64(key), "Evening 1", []byte("not really an mp4"))
	if err != nil {
		log.Fatal(err)
	}
	body, err := c.Recordings.Download(ctx, key, gototraining.RecordingID(id))
	if err != nil {
		log.Fatal(err)
	}
	data, err := io.ReadAll(body)
	body.Close()
	srv.Close()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", data)
	// Output: not really an mp4
}
