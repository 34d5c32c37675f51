package main

import (
	"context"
	"flag"
	"fmt"
	"iter"
	"time"

	"github.com/gototraining-go/gototraining/gototraining"
)

// attendanceOut is one attendee of one session: a row of the export.
type attendanceOut struct {
	SessionKey     gototraining.SessionKey `json:"sessionKey"`
	TrainingName   string                  `json:"trainingName"`
	SessionStart   time.Time               `json:"sessionStart"`
	SessionEnd     time.Time               `json:"sessionEnd"`
	Email          string                  `json:"email"`
	GivenName      string                  `json:"givenName"`
	Surname        string                  `json:"surname"`
	MinutesPresent int64                   `json:"minutesInSession"`
	FirstJoin      *time.Time              `json:"firstJoin,omitempty"`
	LastLeave      *time.Time              `json:"lastLeave,omitempty"`
}

var attendanceHeader = []string{"SESSION", "TRAINING", "SESSION START", "SESSION END", "EMAIL", "GIVEN NAME", "SURNAME", "MINUTES", "FIRST JOIN", "LAST LEAVE"}

func init() {
	register(&command{
		group: "attendance", name: "export",
		summary: "Export who attended which completed session, for a training (--training)\nor for every session in a date range (--from, --to). CSV by default here, or --json.",
		examples: []string{
			"gototraining attendance export --training 8178251407424893697 > attendance.csv",
			"gototraining attendance export --from 2027-01-01 --to 2027-04-01 --json",
		},
		setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			training := fs.String("training", "", "the training `key` whose sessions to export")
			from := fs.String("from", "", "the range's start `date` (2006-01-02, UTC) or RFC 3339 instant")
			to := fs.String("to", "", "the range's end `date` (exclusive) or RFC 3339 instant")
			return func(ctx context.Context, a *app, args []string) error {
				if err := firstErr(wantArgs(args), a.needOrg()); err != nil {
					return err
				}
				if !a.jsonOut {
					a.csvOut = true
				}
				var sessions iter.Seq2[gototraining.Session, error]
				switch {
				case *training != "" && (*from != "" || *to != ""):
					return usagef("give --training or --from/--to, not both")
				case *training != "":
					key, err := parseKey("training key", *training)
					if err != nil {
						return err
					}
					sessions = a.client.Reports.AllTrainingSessions(ctx, a.org, gototraining.TrainingKey(key))
				case *from != "" && *to != "":
					f, err := parseDay("--from", *from)
					if err != nil {
						return err
					}
					t, err := parseDay("--to", *to)
					if err != nil {
						return err
					}
					sessions = a.client.Reports.AllSessions(ctx, a.org, f, t)
				default:
					return usagef("give --training KEY, or --from DATE and --to DATE")
				}
				return a.print(attendanceTable(ctx, a, sessions))
			}
		},
	})
}

// attendanceTable gathers the attendance of every session. An error ends it
// and travels in the table's err, so nothing is printed.
func attendanceTable(ctx context.Context, a *app, sessions iter.Seq2[gototraining.Session, error]) (t table) {
	t.header = attendanceHeader
	outs := []attendanceOut{}
	defer func() { t.json = outs }() // on every return: t is the named result
	for s, err := range sessions {
		if err != nil {
			t.err = err
			return t
		}
		for at, err := range a.client.Reports.AllAttendance(ctx, a.org, s.Key) {
			if err != nil {
				t.err = fmt.Errorf("session %s: %w", s.Key, err)
				return t
			}
			out := attendanceOut{
				SessionKey: s.Key, TrainingName: s.TrainingName, SessionStart: s.Start.UTC(), SessionEnd: s.End.UTC(),
				Email: at.Email, GivenName: at.GivenName, Surname: at.Surname, MinutesPresent: int64(at.TimeInSession / time.Minute),
			}
			if n := len(at.Periods); n > 0 {
				first, last := at.Periods[0].Join.UTC(), at.Periods[n-1].Leave.UTC()
				out.FirstJoin, out.LastLeave = &first, &last
			}
			row := []string{s.Key.String(), s.TrainingName, ts(s.Start), ts(s.End), at.Email, at.GivenName, at.Surname, minutes(at.TimeInSession), "", ""}
			if out.FirstJoin != nil {
				row[8], row[9] = ts(*out.FirstJoin), ts(*out.LastLeave)
			}
			t.rows = append(t.rows, row)
			outs = append(outs, out)
		}
	}
	return t
}

// parseDay reads a date (midnight UTC) or an RFC 3339 instant.
func parseDay(flagName, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, usagef("%s %q: want a date such as 2027-01-31 or an RFC 3339 instant", flagName, s)
	}
	return t, nil
}
