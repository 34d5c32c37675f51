package gototraining_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/gototraining-go/gototraining/gototraining"
)

// Register a cohort: one result per learner, as each finishes. The invalid
// and repeated ones come first, before anything is sent.
func ExampleRegistrantsService_RegisterAll() {
	srv, c, org := startFake()
	ctx := context.Background()
	start := time.Date(2027, 3, 9, 16, 0, 0, 0, time.UTC)
	key, err := c.Trainings.Schedule(ctx, org, gototraining.ScheduleTrainingRequest{
		Name: "Onboarding", TimeZone: "Europe/Berlin",
		Times: []gototraining.TimeRange{{Start: start, End: start.Add(time.Hour)}},
	})
	if err != nil {
		log.Fatal(err)
	}
	learners := []gototraining.RegisterForTrainingRequest{
		{Email: "ada@example.com", GivenName: "Ada", Surname: "Lovelace"},
		{Email: "grace@example.com", GivenName: "Grace", Surname: "Hopper"},
		{Email: "ADA@example.com", GivenName: "Ada", Surname: "Lovelace"},
		{Email: "not an address", GivenName: "Alan", Surname: "Turing"},
	}
	outcomes := make([]string, len(learners))
	done := 0
	for res := range c.Registrants.RegisterAll(ctx, org, key, learners, gototraining.RegisterAllOptions{}) {
		done++ // a progress count: results come as learners finish
		outcomes[res.Index] = res.Outcome.String()
		if res.Outcome == gototraining.OutcomeRegistered && res.Registration.Key <= 0 {
			log.Fatalf("learner %d registered without a key", res.Index)
		}
	}
	for i, o := range outcomes {
		fmt.Printf("%s: %s\n", learners[i].Email, o)
	}
	fmt.Println(done, "results")
	srv.Close()
	// Output:
	// ada@example.com: registered
	// grace@example.com: registered
	// ADA@example.com: duplicate
	// not an address: invalid
	// 4 results
}
