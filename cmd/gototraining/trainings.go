package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/gototraining-go/gototraining/gototraining"
)

// trainingOut is a training as --json prints it.
type trainingOut struct {
	Key          gototraining.TrainingKey `json:"trainingKey"`
	ID           string                   `json:"trainingId,omitempty"`
	Name         string                   `json:"name"`
	Description  string                   `json:"description,omitempty"`
	TimeZone     string                   `json:"timeZone"`
	Times        []timeRangeOut           `json:"times"`
	Organizers   []organizerOut           `json:"organizers,omitempty"`
	Confirmation bool                     `json:"confirmationEmail"`
	WebSignup    bool                     `json:"webRegistration"`
}

type timeRangeOut struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

type organizerOut struct {
	Key       gototraining.OrganizerKey `json:"organizerKey"`
	Email     string                    `json:"email"`
	GivenName string                    `json:"givenName"`
	Surname   string                    `json:"surname"`
}

func trainingJSON(t gototraining.Training) trainingOut {
	out := trainingOut{
		Key: t.Key, ID: t.ID, Name: t.Name, Description: t.Description, TimeZone: t.TimeZone,
		Times:        make([]timeRangeOut, 0, len(t.Times)),
		Confirmation: !t.RegistrationSettings.DisableConfirmationEmail,
		WebSignup:    !t.RegistrationSettings.DisableWebRegistration,
	}
	for _, r := range t.Times {
		out.Times = append(out.Times, timeRangeOut{Start: r.Start.UTC(), End: r.End.UTC()})
	}
	for _, o := range t.Organizers {
		out.Organizers = append(out.Organizers, organizerOut{Key: o.Key, Email: o.Email, GivenName: o.GivenName, Surname: o.Surname})
	}
	return out
}

var trainingHeader = []string{"KEY", "NAME", "SESSIONS", "FIRST START", "LAST END", "TIME ZONE"}

func trainingRow(t gototraining.Training) []string {
	first, last := "", ""
	if n := len(t.Times); n > 0 {
		first, last = ts(t.Times[0].Start), ts(t.Times[n-1].End)
	}
	return []string{t.Key.String(), t.Name, fmt.Sprint(len(t.Times)), first, last, t.TimeZone}
}

func init() {
	register(&command{
		group: "trainings", name: "list",
		summary:  "List the organizer's scheduled trainings, oldest first (completed ones are left out).",
		examples: []string{"gototraining trainings list", "gototraining trainings list --csv > trainings.csv"},
		setup: func(*flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				if err := firstErr(wantArgs(args), a.needOrg()); err != nil {
					return err
				}
				ts, err := a.client.Trainings.List(ctx, a.org)
				if err != nil {
					return err
				}
				t := table{header: trainingHeader}
				outs := make([]trainingOut, 0, len(ts))
				for _, tr := range ts {
					t.rows = append(t.rows, trainingRow(tr))
					outs = append(outs, trainingJSON(tr))
				}
				t.json = outs
				return a.print(t)
			}
		},
	})
	register(&command{
		group: "trainings", name: "get", args: "TRAINING",
		summary:  "Show one training: its sessions and organizers.",
		examples: []string{"gototraining trainings get 8178251407424893697", "gototraining trainings get 8178251407424893697 --json"},
		setup: func(*flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				if err := firstErr(wantArgs(args, "TRAINING"), a.needOrg()); err != nil {
					return err
				}
				key, err := parseKey("training key", args[0])
				if err != nil {
					return err
				}
				tr, err := a.client.Trainings.Get(ctx, a.org, gototraining.TrainingKey(key))
				if err != nil {
					return err
				}
				if a.jsonOut {
					return a.print(table{json: trainingJSON(tr)})
				}
				if a.csvOut {
					return a.print(table{header: trainingHeader, rows: [][]string{trainingRow(tr)}})
				}
				return printTraining(a, tr)
			}
		},
	})
	register(&command{
		group: "trainings", name: "schedule",
		summary: "Schedule a training and print its key. Give each session as --session START/END\n(RFC 3339 instants, or local times read in --time-zone).",
		examples: []string{
			`gototraining trainings schedule --name "Intro to Go" --time-zone Europe/Berlin --session 2027-03-09T09:00/2027-03-09T12:00`,
			`gototraining trainings schedule --name "Go, two mornings" --time-zone UTC --session 2027-03-09T09:00:00Z/2027-03-09T12:00:00Z --session 2027-03-10T09:00:00Z/2027-03-10T12:00:00Z`,
		},
		setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			name := fs.String("name", "", "the training's `name` (required)")
			description := fs.String("description", "", "the training's `text`")
			zone := fs.String("time-zone", "", "the training's IANA time `zone`, e.g. America/New_York (required)")
			var sessions sessionList
			fs.Var(&sessions, "session", "a session as `START/END`; repeat for each session (at least one)")
			noConfirm := fs.Bool("no-confirmation-email", false, "do not email learners a confirmation when they register")
			noWeb := fs.Bool("no-web-registration", false, "do not let learners register on GoTo's web page")
			return func(ctx context.Context, a *app, args []string) error {
				if err := firstErr(wantArgs(args), a.needOrg()); err != nil {
					return err
				}
				if *zone == "" {
					return usagef("--time-zone is required (an IANA name such as Europe/Berlin)")
				}
				loc, err := time.LoadLocation(*zone)
				if err != nil || *zone == "Local" {
					return usagef("--time-zone %q is not an IANA time zone name", *zone)
				}
				if len(sessions) == 0 {
					return usagef("give at least one --session START/END")
				}
				req := gototraining.ScheduleTrainingRequest{Name: *name, Description: *description, TimeZone: *zone}
				for _, s := range sessions {
					r, err := parseSession(s, loc)
					if err != nil {
						return err
					}
					req.Times = append(req.Times, r)
				}
				if *noConfirm || *noWeb {
					req.RegistrationSettings = &gototraining.RegistrationSettings{DisableConfirmationEmail: *noConfirm, DisableWebRegistration: *noWeb}
				}
				key, err := a.client.Trainings.Schedule(ctx, a.org, req)
				if err != nil {
					return err
				}
				if a.jsonOut {
					return a.print(table{json: map[string]gototraining.TrainingKey{"trainingKey": key}})
				}
				if a.csvOut {
					return a.print(table{header: []string{"KEY"}, rows: [][]string{{key.String()}}})
				}
				_, err = fmt.Fprintln(a.io.out, key)
				return err
			}
		},
	})
	register(&command{
		group: "trainings", name: "cancel", args: "TRAINING",
		summary:  "Cancel (delete) a training. GoTo emails nobody.",
		examples: []string{"gototraining trainings cancel 8178251407424893697"},
		setup: func(*flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				if err := firstErr(wantArgs(args, "TRAINING"), a.needOrg()); err != nil {
					return err
				}
				key, err := parseKey("training key", args[0])
				if err != nil {
					return err
				}
				if err := a.client.Trainings.Cancel(ctx, a.org, gototraining.TrainingKey(key)); err != nil {
					return err
				}
				return a.done("cancelled training %d", key)
			}
		},
	})
}

func printTraining(a *app, t gototraining.Training) error {
	w := a.io.out
	fmt.Fprintf(w, "Training     %s\n", t.Key)
	if t.ID != "" {
		fmt.Fprintf(w, "ID           %s\n", oneLine(t.ID))
	}
	fmt.Fprintf(w, "Name         %s\n", oneLine(t.Name))
	if t.Description != "" {
		fmt.Fprintf(w, "Description  %s\n", oneLine(t.Description))
	}
	fmt.Fprintf(w, "Time zone    %s\n", oneLine(t.TimeZone))
	fmt.Fprintf(w, "Registration web %s, confirmation email %s\n", onOff(!t.RegistrationSettings.DisableWebRegistration), onOff(!t.RegistrationSettings.DisableConfirmationEmail))
	fmt.Fprintf(w, "\nSessions:\n")
	rows := make([][]string, 0, len(t.Times))
	for i, r := range t.Times {
		rows = append(rows, []string{fmt.Sprint(i + 1), ts(r.Start), ts(r.End), r.End.Sub(r.Start).String()})
	}
	if err := writeTable(w, []string{"#", "START", "END", "LENGTH"}, rows); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nOrganizers:\n")
	rows = rows[:0]
	for _, o := range t.Organizers {
		rows = append(rows, []string{o.Key.String(), o.Email, o.GivenName, o.Surname})
	}
	return writeTable(w, []string{"KEY", "EMAIL", "GIVEN NAME", "SURNAME"}, rows)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// done reports a command that changes something: a line on a terminal or
// in table mode, a small JSON object or CSV row for scripts.
func (a *app) done(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	switch {
	case a.jsonOut:
		return a.print(table{json: map[string]string{"done": msg}})
	case a.csvOut:
		return a.print(table{header: []string{"DONE"}, rows: [][]string{{msg}}})
	}
	_, err := fmt.Fprintln(a.io.out, msg)
	return err
}

// sessionList collects repeated --session flags.
type sessionList []string

func (s *sessionList) String() string     { return strings.Join(*s, ",") }
func (s *sessionList) Set(v string) error { *s = append(*s, v); return nil }

// parseSession reads START/END: RFC 3339 instants, or local date-times
// (2006-01-02T15:04, with optional seconds) in loc.
func parseSession(s string, loc *time.Location) (gototraining.TimeRange, error) {
	start, end, ok := strings.Cut(s, "/")
	if !ok {
		return gototraining.TimeRange{}, usagef("--session %q: want START/END, e.g. 2027-03-09T09:00/2027-03-09T12:00", s)
	}
	st, err := parseInstant(start, loc)
	if err != nil {
		return gototraining.TimeRange{}, usagef("--session %q: start: %v", s, err)
	}
	en, err := parseInstant(end, loc)
	if err != nil {
		return gototraining.TimeRange{}, usagef("--session %q: end: %v", s, err)
	}
	return gototraining.TimeRange{Start: st, End: en}, nil
}

func parseInstant(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			// A local time the clocks skip (the hour a zone moves forward)
			// would be moved silently; say so instead.
			if t.In(loc).Format(layout) != s {
				return time.Time{}, fmt.Errorf("%q does not exist in %s (the clocks skip it)", s, loc)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is neither RFC 3339 (2027-03-09T09:00:00Z) nor a local time (2027-03-09T09:00)", s)
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
