package main

import (
	"context"
	"flag"
	"time"

	"github.com/gototraining-go/gototraining/gototraining"
)

// registrantOut is a registrant as --json prints it.
type registrantOut struct {
	Key              gototraining.RegistrantKey `json:"registrantKey"`
	Email            string                     `json:"email"`
	GivenName        string                     `json:"givenName"`
	Surname          string                     `json:"surname"`
	Status           string                     `json:"status"`
	RegistrationDate time.Time                  `json:"registrationDate"`
	JoinURL          string                     `json:"joinUrl"`
	ConfirmationURL  string                     `json:"confirmationUrl"`
}

func registrantJSON(r gototraining.Registrant) registrantOut {
	return registrantOut{
		Key: r.Key, Email: r.Email, GivenName: r.GivenName, Surname: r.Surname, Status: string(r.Status),
		RegistrationDate: r.RegistrationDate.UTC(), JoinURL: r.JoinURL, ConfirmationURL: r.ConfirmationURL,
	}
}

var registrantHeader = []string{"KEY", "EMAIL", "GIVEN NAME", "SURNAME", "STATUS", "REGISTERED", "JOIN URL"}

func registrantRow(r gototraining.Registrant) []string {
	return []string{r.Key.String(), r.Email, r.GivenName, r.Surname, string(r.Status), ts(r.RegistrationDate), r.JoinURL}
}

// listRegistrants prints a training's registrants. It reads them through
// All, so the answer is never held as JSON, but the rows are gathered
// before printing: a table needs its column widths, and an export that
// fails part-way prints nothing rather than half a list.
func listRegistrants(ctx context.Context, a *app, args []string) error {
	if err := firstErr(wantArgs(args, "TRAINING"), a.needOrg()); err != nil {
		return err
	}
	key, err := parseKey("training key", args[0])
	if err != nil {
		return err
	}
	t := table{header: registrantHeader}
	outs := []registrantOut{}
	for r, err := range a.client.Registrants.All(ctx, a.org, gototraining.TrainingKey(key)) {
		if err != nil {
			return err
		}
		t.rows = append(t.rows, registrantRow(r))
		outs = append(outs, registrantJSON(r))
	}
	t.json = outs
	return a.print(t)
}

func init() {
	register(&command{
		group: "registrants", name: "list", args: "TRAINING",
		summary:  "List a training's registrants.",
		examples: []string{"gototraining registrants list 8178251407424893697"},
		setup: func(*flag.FlagSet) func(context.Context, *app, []string) error {
			return listRegistrants
		},
	})
	register(&command{
		group: "registrants", name: "export", args: "TRAINING",
		summary:  "Export a training's registrants as CSV (the default here) or --json.",
		examples: []string{"gototraining registrants export 8178251407424893697 > registrants.csv", "gototraining registrants export 8178251407424893697 --json"},
		setup: func(*flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				if !a.jsonOut {
					a.csvOut = true
				}
				return listRegistrants(ctx, a, args)
			}
		},
	})
	register(&command{
		group: "registrants", name: "get", args: "TRAINING REGISTRANT",
		summary:  "Show one registrant.",
		examples: []string{"gototraining registrants get 8178251407424893697 5646167387902096129"},
		setup: func(*flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				keys, err := keyArgs(args, "TRAINING", "REGISTRANT")
				if err := firstErr(err, a.needOrg()); err != nil {
					return err
				}
				training, registrant := keys[0], keys[1]
				r, err := a.client.Registrants.Get(ctx, a.org, gototraining.TrainingKey(training), gototraining.RegistrantKey(registrant))
				if err != nil {
					return err
				}
				if a.jsonOut {
					return a.print(table{json: registrantJSON(r)})
				}
				return a.print(table{header: registrantHeader, rows: [][]string{registrantRow(r)}})
			}
		},
	})
	register(&command{
		group: "registrants", name: "cancel", args: "TRAINING REGISTRANT",
		summary:  "Cancel a registration. GoTo emails nobody; paid registrations cannot be cancelled.",
		examples: []string{"gototraining registrants cancel 8178251407424893697 5646167387902096129"},
		setup: func(*flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				keys, err := keyArgs(args, "TRAINING", "REGISTRANT")
				if err := firstErr(err, a.needOrg()); err != nil {
					return err
				}
				training, registrant := keys[0], keys[1]
				if err := a.client.Registrants.Cancel(ctx, a.org, gototraining.TrainingKey(training), gototraining.RegistrantKey(registrant)); err != nil {
					return err
				}
				return a.done("cancelled registration %d of training %d", registrant, training)
			}
		},
	})
}
