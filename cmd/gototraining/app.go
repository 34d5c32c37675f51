package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/gototraining-go/gototraining/gototraining"
)

// The exit codes (see the package doc).
const (
	exitOK           = 0
	exitError        = 1
	exitUsage        = 2
	exitUnauthorized = 3
	exitNotFound     = 4
	exitRefused      = 5
	exitUnavailable  = 6
	exitPartial      = 7
)

// app is what one command run shares: where to write, the output format,
// the organizer and the client.
type app struct {
	io     stdio
	getenv func(string) string

	jsonOut, csvOut bool
	orgFlag         string
	baseURL         string

	org    gototraining.OrganizerKey
	client *gototraining.Client
	// exitCode is returned when the command itself returns no error, so a
	// bulk command can report "partly done" after printing its summary.
	exitCode int
}

// usageError is a mistake in the command line or its input: nothing was sent.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

func (a *app) declareCommon(fs *flag.FlagSet, c *command) {
	fs.BoolVar(&a.jsonOut, "json", false, "print JSON, for scripts")
	fs.BoolVar(&a.csvOut, "csv", false, "print CSV, for scripts and spreadsheets")
	if !c.offline {
		fs.StringVar(&a.orgFlag, "organizer", "", "the organizer `key` to act for (default $GOTOTRAINING_ORGANIZER_KEY)")
	}
	fs.StringVar(&a.baseURL, "base-url", "", "the API's base `URL` (default $GOTOTRAINING_BASE_URL, else "+gototraining.DefaultBaseURL+")")
}

// finish checks the common flags and builds the client. Credentials: the
// environment's access token, else the login saved by "gototraining login".
func (a *app) finish(ctx context.Context, c *command) error {
	if a.jsonOut && a.csvOut {
		return usagef("--json and --csv exclude each other")
	}
	if a.baseURL == "" {
		a.baseURL = a.getenv("GOTOTRAINING_BASE_URL")
	}
	if c.offline {
		return nil
	}
	var auth gototraining.Option
	org := firstNonEmpty(a.orgFlag, a.getenv("GOTOTRAINING_ORGANIZER_KEY"))
	if token := strings.TrimSpace(a.getenv("GOTOTRAINING_ACCESS_TOKEN")); token != "" {
		auth = gototraining.WithAccessToken(token)
	} else {
		p, dir, err := a.loadProfile()
		if errors.Is(err, fs.ErrNotExist) {
			return &noTokenError{}
		}
		if err != nil {
			return err
		}
		ts, err := a.savedTokenSource(ctx, p, dir)
		if err != nil {
			return err
		}
		auth = gototraining.WithTokenSource(ts)
		org = firstNonEmpty(org, p.OrganizerKey)
		a.baseURL = firstNonEmpty(a.baseURL, p.BaseURL)
	}
	if org != "" {
		k, err := parseKey("organizer key", org)
		if err != nil {
			return err
		}
		a.org = gototraining.OrganizerKey(k)
	}
	opts := []gototraining.Option{auth, gototraining.WithUserAgent("gototraining-cli")}
	if a.baseURL != "" {
		opts = append(opts, gototraining.WithBaseURL(a.baseURL))
	}
	client, err := gototraining.NewClient(opts...)
	if err != nil {
		return usagef("%v", strings.TrimPrefix(err.Error(), "gototraining: "))
	}
	a.client = client
	return nil
}

// needOrg is for commands that act for an organizer.
func (a *app) needOrg() error {
	if a.org == 0 {
		return usagef("no organizer: pass --organizer KEY or set GOTOTRAINING_ORGANIZER_KEY")
	}
	return nil
}

type noTokenError struct{}

func (*noTokenError) Error() string {
	return "not logged in: run \"gototraining login\" or set GOTOTRAINING_ACCESS_TOKEN"
}

// parseKey reads a GoTo key: a positive decimal integer of up to 19 digits.
func parseKey(what, s string) (int64, error) {
	k, err := strconv.ParseInt(s, 10, 64)
	if err != nil || k <= 0 || strings.HasPrefix(s, "+") {
		return 0, usagef("%s %q is not a key (a positive decimal number of up to 19 digits)", what, s)
	}
	return k, nil
}

// argKeys names, for errors, the key each positional argument holds.
var argKeys = map[string]string{"TRAINING": "training key", "REGISTRANT": "registrant key", "RECORDING": "recording id"}

// keyArgs checks that args are exactly the keys names says (as usage shows
// them: TRAINING, REGISTRANT, RECORDING) and parses them.
func keyArgs(args []string, names ...string) ([]int64, error) {
	if err := wantArgs(args, names...); err != nil {
		return nil, err
	}
	keys := make([]int64, len(args))
	for i, arg := range args {
		k, err := parseKey(argKeys[names[i]], arg)
		if err != nil {
			return nil, err
		}
		keys[i] = k
	}
	return keys, nil
}

// args checks the number of positional arguments.
func wantArgs(args []string, names ...string) error {
	if len(args) != len(names) {
		return usagef("want %d argument(s), %s; got %d", len(names), strings.Join(names, " "), len(args))
	}
	return nil
}

// fail prints err on stderr, in words that say what to do, and returns its
// exit code.
func (a *app) fail(c *command, err error) int {
	code, hint := classify(err)
	// GoTo's error text reaches the terminal: no control bytes from it.
	msg := oneLine(strings.TrimPrefix(err.Error(), "gototraining: "))
	fmt.Fprintf(a.io.err, "%s: %s\n", c.title(), msg)
	if hint != "" {
		fmt.Fprintf(a.io.err, "%s\n", hint)
	}
	if code == exitUsage {
		var ue *usageError
		if errors.As(err, &ue) && ue.msg != "" && strings.HasPrefix(ue.msg, "want ") {
			fmt.Fprintf(a.io.err, "Run %q for help.\n", c.title()+" -h")
		}
	}
	return code
}

// classify maps an error to its exit code and a hint for the user.
func classify(err error) (int, string) {
	var ue *usageError
	var ve *gototraining.ValidationError
	var nt *noTokenError
	switch {
	case errors.As(err, &ue), errors.As(err, &ve):
		return exitUsage, ""
	case errors.As(err, &nt):
		return exitUnauthorized, ""
	case errors.Is(err, gototraining.ErrReauthorizationRequired):
		return exitUnauthorized, "GoTo refused the grant (revoked or expired): run \"gototraining login\" again."
	case errors.Is(err, gototraining.ErrUnauthorized):
		return exitUnauthorized, "GoTo refused the access token (tokens live 60 minutes): run \"gototraining login\", or set a fresh GOTOTRAINING_ACCESS_TOKEN."
	case errors.Is(err, gototraining.ErrNotFound):
		return exitNotFound, ""
	case errors.Is(err, gototraining.ErrOutcomeUnknown):
		return exitUnavailable, "It may or may not have been done: look it up before trying again."
	case errors.Is(err, gototraining.ErrBadRequest), errors.Is(err, gototraining.ErrForbidden), errors.Is(err, gototraining.ErrConflict):
		return exitRefused, ""
	case errors.Is(err, gototraining.ErrRateLimited), errors.Is(err, gototraining.ErrServer):
		return exitUnavailable, "GoTo is busy or failing; try again later."
	}
	return exitError, ""
}
