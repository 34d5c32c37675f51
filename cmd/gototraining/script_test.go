package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// The transcripts in testdata/script run the real binary (this test binary,
// re-executed as "gototraining") against a fake GoToTraining that the test
// starts for each script, with a fixed seed and clock, so keys and dates are
// the same on every run and the transcripts compare exactly.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"gototraining": func() {
			if os.Getenv("GOTOTRAINING_TEST_BROWSER") == "follow" {
				// The fake's authorize endpoint approves at once: following
				// the URL stands in for the user's browser.
				openBrowser = func(ctx context.Context, u string) error {
					req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
					if err != nil {
						return err
					}
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						return err
					}
					return resp.Body.Close()
				}
			}
			code := mainCode()
			// For the scripts' "exitcode N": testscript itself only tells
			// zero from non-zero.
			if err := os.WriteFile(filepath.Join(os.Getenv("WORK"), ".exitcode"), []byte(strconv.Itoa(code)), 0o600); err != nil {
				panic(err)
			}
			os.Exit(code)
		},
	})
}

// fakeNow is the fake's clock in the transcripts.
var fakeNow = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		// UPDATE_SCRIPTS=1 rewrites the expected outputs in the scripts
		// from what the commands print now: review the diff before keeping it.
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			opts := []gototrainingtest.Option{
				gototrainingtest.WithSeed(7),
				gototrainingtest.WithClock(func() time.Time { return fakeNow }),
				gototrainingtest.WithViolationHandler(func(err error) { env.T().Fatal(err) }),
			}
			// A script that holds a file named auth-server gets the fake's
			// authorization server: the API then takes only tokens it issued.
			auth := false
			if _, err := os.Stat(filepath.Join(env.WorkDir, "auth-server")); err == nil {
				auth = true
				opts = append(opts, gototrainingtest.WithAuthServer(gototrainingtest.RotateWhenExpired))
			}
			srv, err := gototrainingtest.Start(opts...)
			if err != nil {
				return err
			}
			env.Defer(srv.Close)
			env.Values["fake"] = srv
			env.Setenv("GOTOTRAINING_BASE_URL", srv.URL)
			env.Setenv("GOTOTRAINING_CONFIG_DIR", filepath.Join(env.WorkDir, "config"))
			env.Setenv("ORG", strconv.FormatInt(srv.OrganizerKey(), 10))
			env.Setenv("ACCOUNT", strconv.FormatInt(srv.AccountKey(), 10))
			if auth {
				env.Setenv("GOTOTRAINING_CLIENT_ID", srv.ClientID())
				env.Setenv("GOTOTRAINING_CLIENT_SECRET", srv.ClientSecret())
				ep := srv.OAuthEndpoint()
				env.Setenv("GOTOTRAINING_AUTHORIZE_URL", ep.AuthURL)
				env.Setenv("GOTOTRAINING_TOKEN_URL", ep.TokenURL)
			} else {
				env.Setenv("GOTOTRAINING_ACCESS_TOKEN", srv.Token())
				env.Setenv("GOTOTRAINING_ORGANIZER_KEY", strconv.FormatInt(srv.OrganizerKey(), 10))
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"capture":  cmdCapture,
			"exitcode": cmdExitCode,
			"fake":     cmdFake,
		},
	})
}

// capture NAME sets $NAME to the last command's stdout, trimmed: a key a
// command printed, for the next commands.
func cmdCapture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: capture NAME")
	}
	ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile("stdout")))
}

// exitcode N: the last gototraining command exited with N.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: exitcode N")
	}
	if got := strings.TrimSpace(ts.ReadFile(".exitcode")); got != args[0] {
		ts.Fatalf("exit code %s, want %s", got, args[0])
	}
}

// fake VERB ...: acts on the fake the way GoTo's own events would, or
// checks its state.
//
//	fake complete TRAINING       completes a session (the training's first times) that
//	                             every registrant attended but the last; adds a recording;
//	                             sets $SESSION and $RECORDING
//	fake registrants TRAINING N  the fake holds exactly N registrants, emails all different
//	fake calls OPERATION N       the fake received exactly N calls of the operation
//	fake fail OPERATION STATUS N the next N calls of the operation are answered STATUS
//	fake pat                     issues a personal access token into $PAT and pat.txt
//	fake revoke-login            revokes the access and refresh tokens saved by login
//	fake mode FILE PERM          FILE has the permission bits PERM, e.g. 0600
func cmdFake(ts *testscript.TestScript, neg bool, args []string) {
	srv, ok := ts.Value("fake").(*gototrainingtest.Server)
	if !ok {
		ts.Fatalf("no fake for this script")
	}
	if neg || len(args) == 0 {
		ts.Fatalf("usage: fake VERB ...")
	}
	key := func(s string) int64 {
		k, err := strconv.ParseInt(s, 10, 64)
		ts.Check(err)
		return k
	}
	switch args[0] {
	case "complete":
		training := key(args[1])
		tr, ok := srv.Training(training)
		if !ok {
			ts.Fatalf("no training %d", training)
		}
		regs := srv.Registrants(training)
		var att []gototrainingtest.AttendeeRecord
		start, end := tr.Times[0][0], tr.Times[0][1]
		for i, r := range regs {
			a := gototrainingtest.AttendeeRecord{GivenName: r.GivenName, Surname: r.Surname, Email: r.Email}
			if i < len(regs)-1 {
				a.Periods = []gototrainingtest.Period{{Join: start.Add(time.Duration(i) * 5 * time.Minute), Leave: end.Add(-10 * time.Minute)}}
			}
			att = append(att, a)
		}
		session, err := srv.CompleteSession(training, start, end, att)
		ts.Check(err)
		rec, err := srv.AddRecording(training, "Intro to Go, part 1", []byte("recording bytes\n"))
		ts.Check(err)
		ts.Setenv("SESSION", strconv.FormatInt(session, 10))
		ts.Setenv("RECORDING", strconv.FormatInt(rec, 10))
	case "registrants":
		regs := srv.Registrants(key(args[1]))
		want, err := strconv.Atoi(args[2])
		ts.Check(err)
		seen := map[string]bool{}
		for _, r := range regs {
			if seen[strings.ToLower(r.Email)] {
				ts.Fatalf("%s is registered twice", r.Email)
			}
			seen[strings.ToLower(r.Email)] = true
		}
		if len(regs) != want {
			ts.Fatalf("the fake holds %d registrants, want %d", len(regs), want)
		}
	case "calls":
		want, err := strconv.Atoi(args[2])
		ts.Check(err)
		if got := srv.Calls(args[1]); got != want {
			ts.Fatalf("the fake received %d %s calls, want %d", got, args[1], want)
		}
	case "fail":
		status, err := strconv.Atoi(args[2])
		ts.Check(err)
		n, err := strconv.Atoi(args[3])
		ts.Check(err)
		srv.FailNext(args[1], n, gototrainingtest.Fault{Status: status})
	case "pat":
		pat := srv.IssuePersonalAccessToken()
		ts.Setenv("PAT", pat)
		ts.Check(os.WriteFile(ts.MkAbs("pat.txt"), []byte(pat+"\n"), 0o600))
	case "revoke-login":
		var tok struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		}
		data := ts.ReadFile(filepath.Join("config", "token.json"))
		ts.Check(json.Unmarshal([]byte(data), &tok))
		if !srv.Revoke(tok.AccessToken) || !srv.Revoke(tok.RefreshToken) {
			ts.Fatalf("the saved tokens were not ones the fake issued")
		}
	case "mode":
		fi, err := os.Stat(ts.MkAbs(args[1]))
		ts.Check(err)
		if got := fmt.Sprintf("%04o", fi.Mode().Perm()); got != args[2] {
			ts.Fatalf("%s has mode %s, want %s", args[1], got, args[2])
		}
	default:
		ts.Fatalf("fake: unknown verb %q", args[0])
	}
}
