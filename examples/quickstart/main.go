// Command quickstart walks through the life of a training with the
// gototraining client.
//
// With no configuration it starts the fake GoToTraining server of package
// gototrainingtest in-process, so it runs anywhere, with no account:
//
//	go run ./examples/quickstart
//
// With GOTOTRAINING_ACCESS_TOKEN and GOTOTRAINING_ORGANIZER_KEY set, it
// makes only read-only calls against the real API instead (list trainings,
// their registrants, and last month's sessions). GOTOTRAINING_BASE_URL
// overrides the API's URL.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"time"

	"github.com/gototraining-go/gototraining/gototraining"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout, os.Getenv)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, getenv func(string) string) error {
	if token := getenv("GOTOTRAINING_ACCESS_TOKEN"); token != "" {
		return readOnly(ctx, out, token, getenv("GOTOTRAINING_ORGANIZER_KEY"), getenv("GOTOTRAINING_BASE_URL"))
	}
	return lifeCycle(ctx, out)
}

// lifeCycle runs the whole story against the in-process fake.
func lifeCycle(ctx context.Context, out io.Writer) error {
	fake, err := gototrainingtest.Start() //nolint:contextcheck // the fake lives until Close, not per request
	if err != nil {
		return err
	}
	defer fake.Close()
	c, err := gototraining.NewClient(
		gototraining.WithBaseURL(fake.URL),
		gototraining.WithAccessToken(fake.Token()),
		gototraining.WithUserAgent("quickstart/1.0"),
	)
	if err != nil {
		return err
	}
	org := gototraining.OrganizerKey(fake.OrganizerKey())
	say := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
	say("Fake GoToTraining at %s, organizer %s", fake.URL, org)

	// 1. Schedule a training of two sessions.
	day1 := time.Date(2027, 3, 9, 16, 0, 0, 0, time.UTC)
	day2 := day1.AddDate(0, 0, 7)
	key, err := c.Trainings.Schedule(ctx, org, gototraining.ScheduleTrainingRequest{
		Name:        "Intro to Go",
		Description: "Two afternoons on the language and its tools.",
		TimeZone:    "Europe/Berlin",
		Times: []gototraining.TimeRange{
			{Start: day1, End: day1.Add(2 * time.Hour)},
			{Start: day2, End: day2.Add(2 * time.Hour)},
		},
	})
	if err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	say("\n1. Scheduled training %s (a %d-digit key)", key, len(key.String()))

	// 2. List the organizer's trainings.
	trainings, err := c.Trainings.List(ctx, org)
	if err != nil {
		return err
	}
	say("\n2. The organizer has %d scheduled training(s):", len(trainings))
	for _, t := range trainings {
		say("   %s  %-12s  %d sessions, first %s", t.Key, t.Name, len(t.Times), t.Times[0].Start.Format(time.RFC1123))
	}

	// 3. Register three learners; a second registration of one is a conflict.
	say("\n3. Registering learners:")
	learners := []gototraining.RegisterForTrainingRequest{
		{Email: "ada@example.com", GivenName: "Ada", Surname: "Lovelace"},
		{Email: "alan@example.com", GivenName: "Alan", Surname: "Turing"},
		{Email: "grace@example.com", GivenName: "Grace", Surname: "Hopper"},
	}
	var regs []gototraining.Registration
	for _, l := range learners {
		r, err := c.Registrants.Register(ctx, org, key, l)
		if err != nil {
			return fmt.Errorf("register %s: %w", l.Email, err)
		}
		regs = append(regs, r)
		say("   %-18s -> registrant %s", l.Email, r.Key)
	}
	_, err = c.Registrants.Register(ctx, org, key, learners[0])
	if !errors.Is(err, gototraining.ErrConflict) {
		return fmt.Errorf("a duplicate registration answered %w, want a conflict", err)
	}
	say("   %-18s -> errors.Is(err, gototraining.ErrConflict): %v", learners[0].Email, errors.Is(err, gototraining.ErrConflict))

	// 4. Range over the registrants; the answer is decoded one at a time.
	say("\n4. Registrants (iterator):")
	for r, err := range c.Registrants.All(ctx, org, key) {
		if err != nil {
			return err
		}
		say("   %-6s %-8s %-18s %s", r.GivenName, r.Surname, r.Email, r.Status)
	}

	// 5. Move the second session an hour later; GoTo emails everyone.
	notified, err := c.Trainings.UpdateTimes(ctx, org, key, gototraining.UpdateTrainingTimesRequest{
		TimeZone: "Europe/Berlin",
		Times: []gototraining.TimeRange{
			{Start: day1, End: day1.Add(2 * time.Hour)},
			{Start: day2.Add(time.Hour), End: day2.Add(3 * time.Hour)},
		},
	})
	if err != nil {
		return err
	}
	say("\n5. Moved the second session; notified %d registrant(s) and %d trainer(s)", notified.Registrants, notified.Trainers)

	// 6. The first session takes place (the fake plays GoTo's part), then
	// the attendance report.
	session, err := fake.CompleteSession(int64(key), day1, day1.Add(2*time.Hour), []gototrainingtest.AttendeeRecord{
		{GivenName: "Ada", Surname: "Lovelace", Email: "ada@example.com", Periods: []gototrainingtest.Period{
			{Join: day1.Add(2 * time.Minute), Leave: day1.Add(62 * time.Minute)},
			{Join: day1.Add(70 * time.Minute), Leave: day1.Add(2 * time.Hour)},
		}},
		{GivenName: "Alan", Surname: "Turing", Email: "alan@example.com", Periods: []gototrainingtest.Period{
			{Join: day1, Leave: day1.Add(95 * time.Minute)},
		}},
		{GivenName: "Grace", Surname: "Hopper", Email: "grace@example.com"},
	})
	if err != nil {
		return err
	}
	sessions, err := c.Reports.TrainingSessions(ctx, org, key)
	if err != nil {
		return err
	}
	say("\n6. Attendance of session %s (%s, %d attended):", gototraining.SessionKey(session), sessions[0].Duration, sessions[0].AttendanceCount)
	attendees, err := c.Reports.Attendance(ctx, org, gototraining.SessionKey(session))
	if err != nil {
		return err
	}
	for _, a := range attendees {
		say("   %-6s %-8s %4s in %d period(s)", a.GivenName, a.Surname, a.TimeInSession, len(a.Periods))
	}

	// 7. Recordings and where to download one.
	if _, err := fake.AddRecording(int64(key), "Intro to Go, afternoon 1", []byte("...video bytes...")); err != nil {
		return err
	}
	recs, err := c.Recordings.List(ctx, key)
	if err != nil {
		return err
	}
	say("\n7. Recordings:")
	for _, r := range recs {
		u, err := c.Recordings.DownloadURL(ctx, key, r.ID)
		if err != nil {
			return err
		}
		say("   %q downloads from %s://%s (a different host: the token is not sent there)", r.Name, u.Scheme, u.Host)
	}

	// 8. Cancel a registration, then the training.
	if err := c.Registrants.Cancel(ctx, org, key, regs[2].Key); err != nil {
		return err
	}
	left, err := c.Registrants.List(ctx, org, key)
	if err != nil {
		return err
	}
	if err := c.Trainings.Cancel(ctx, org, key); err != nil {
		return err
	}
	_, err = c.Trainings.Get(ctx, org, key)
	say("\n8. Cancelled Grace's registration (%d registrants left) and the training; getting it now: ErrNotFound: %v",
		len(left), errors.Is(err, gototraining.ErrNotFound))
	return nil
}

// readOnly lists what an organizer has on the real API, changing nothing.
func readOnly(ctx context.Context, out io.Writer, token, organizer, baseURL string) error {
	var org gototraining.OrganizerKey
	if err := org.UnmarshalText([]byte(organizer)); err != nil || org == 0 {
		return errors.New("set GOTOTRAINING_ORGANIZER_KEY to your organizer key (digits)")
	}
	opts := []gototraining.Option{gototraining.WithAccessToken(token), gototraining.WithUserAgent("quickstart/1.0"), gototraining.WithRateLimit(10)}
	if baseURL != "" {
		opts = append(opts, gototraining.WithBaseURL(baseURL))
	}
	c, err := gototraining.NewClient(opts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Read-only tour of organizer %s at %s\n", org, c.BaseURL())
	n := 0
	for t, err := range c.Trainings.All(ctx, org) {
		if err != nil {
			return err
		}
		regs, err := c.Registrants.List(ctx, org, t.Key)
		if err != nil {
			return fmt.Errorf("registrants of %s: %w", t.Key, err)
		}
		fmt.Fprintf(out, "  %s  %s: %d session(s), %d registrant(s)\n", t.Key, t.Name, len(t.Times), len(regs))
		n++
	}
	to := time.Now()
	sessions, err := c.Reports.Sessions(ctx, org, to.AddDate(0, -1, 0), to)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d scheduled training(s); %s completed session(s) in the last month\n", n, strconv.Itoa(len(sessions)))
	return nil
}
