// Command gototraining-fake serves the in-memory GoToTraining fake of
// package gototrainingtest, for tests in other languages and for trying
// things by hand.
//
//	gototraining-fake [-addr 127.0.0.1:0] [-token T] [-rate-limit N] [-allow-remote] [-oauth]
//
// It prints one JSON line on stdout once it listens:
//
//	{"base_url":"http://127.0.0.1:PORT","token":"fake-token","account_key":"...","organizer_key":"...","download_url":"http://localhost:PORT","control_url":"http://127.0.0.1:PORT"}
//
// then logs one line per request on stderr, and stops on SIGINT or SIGTERM.
// The API is served at the root of base_url (no /G2T/rest prefix); recording
// downloads redirect to download_url, a second origin on another host name.
// State lives in memory only.
//
// With -oauth, base_url also serves an OAuth 2.0 authorization server, as
// gototrainingtest.WithAuthServer does (POST /oauth/token, GET
// /oauth/authorize), and the API accepts only the tokens it issued. The
// ready line then adds client_id, client_secret, token_url, authorize_url
// and a personal_access_token, and its token is an issued access token,
// good for one hour.
//
// control_url is a third loopback origin, never the API's, that does what
// the API cannot (add an organizer, complete a session, add a recording,
// complete a training) and shows the fake's state with keys as decimal
// strings, for tests in other languages; it takes the same bearer token. See
// gototrainingtest's Fake.ControlHandler for its paths. It listens on
// 127.0.0.1 even with -allow-remote.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

func main() { os.Exit(mainCode()) }

func mainCode() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 2
		}
		fmt.Fprintln(os.Stderr, "gototraining-fake:", err)
		return 1
	}
	return 0
}

// ready is the line printed once the fake listens.
type ready struct {
	BaseURL      string `json:"base_url"`
	Token        string `json:"token"`
	AccountKey   string `json:"account_key"`
	OrganizerKey string `json:"organizer_key"`
	DownloadURL  string `json:"download_url"`
	ControlURL   string `json:"control_url"`
	*OAuthReady         // with -oauth only; exported so the ready line decodes
}

// OAuthReady is what a client of the authorization server needs.
type OAuthReady struct {
	ClientID            string `json:"client_id"`
	ClientSecret        string `json:"client_secret"`
	TokenURL            string `json:"token_url"`
	AuthorizeURL        string `json:"authorize_url"`
	PersonalAccessToken string `json:"personal_access_token"`
}

// run serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gototraining-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "`host:port` of the API (port 0 picks a free one)")
	token := fs.String("token", gototrainingtest.DefaultToken, "the access `token` the fake accepts")
	rateLimit := fs.Int("rate-limit", 0, "answer 429 past `n` requests per second per token (0: no limit)")
	allowRemote := fs.Bool("allow-remote", false, "allow an -addr that is not a loopback address")
	oauth := fs.Bool("oauth", false, "serve an OAuth authorization server too; the API then accepts only the tokens it issued")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if !*allowRemote && !isLoopback(*addr) {
		return fmt.Errorf("-addr %q is not a loopback address; the fake has no real security, pass -allow-remote to serve it anyway", *addr)
	}

	var lc net.ListenConfig
	apiLn, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		return err
	}
	defer apiLn.Close()
	storageLn, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer storageLn.Close()
	_, storagePort, err := net.SplitHostPort(storageLn.Addr().String())
	if err != nil {
		return err
	}
	downloadURL := "http://localhost:" + storagePort
	// The control origin is always loopback: it changes the fake's state.
	controlLn, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer controlLn.Close()

	logger := slog.New(slog.NewTextHandler(stderr, nil))
	var authOpt gototrainingtest.Option // nil, which New skips, without -oauth
	if *oauth {
		authOpt = gototrainingtest.WithAuthServer(gototrainingtest.RotateWhenExpired)
	}
	fake, err := gototrainingtest.New(
		authOpt,
		gototrainingtest.WithToken(*token),
		gototrainingtest.WithRateLimit(*rateLimit),
		gototrainingtest.WithLogger(logger),
		gototrainingtest.WithDownloadURL(downloadURL),
		gototrainingtest.WithViolationHandler(func(err error) {
			logger.Error("the fake's response violates the spec", "err", err)
		}),
	)
	if err != nil {
		return err
	}

	apiToken := fake.Token()
	var auth *OAuthReady
	if *oauth {
		apiToken = fake.IssueToken().AccessToken
		base := "http://" + apiLn.Addr().String()
		auth = &OAuthReady{
			ClientID: fake.ClientID(), ClientSecret: fake.ClientSecret(),
			TokenURL: base + "/oauth/token", AuthorizeURL: base + "/oauth/authorize",
			PersonalAccessToken: fake.IssuePersonalAccessToken(),
		}
	}
	line, err := json.Marshal(ready{
		OAuthReady:   auth,
		BaseURL:      "http://" + apiLn.Addr().String(),
		Token:        apiToken,
		AccountKey:   strconv.FormatInt(fake.AccountKey(), 10),
		OrganizerKey: strconv.FormatInt(fake.OrganizerKey(), 10),
		DownloadURL:  downloadURL,
		ControlURL:   "http://" + controlLn.Addr().String(),
	})
	if err != nil {
		return err
	}

	servers := []*http.Server{
		{Handler: fake, ReadHeaderTimeout: 10 * time.Second},
		{Handler: fake.StorageHandler(), ReadHeaderTimeout: 10 * time.Second},
		{Handler: fake.ControlHandler(), ReadHeaderTimeout: 10 * time.Second},
	}
	errc := make(chan error, len(servers))
	for i, ln := range []net.Listener{apiLn, storageLn, controlLn} {
		go func() { errc <- servers[i].Serve(ln) }()
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		return err
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	for _, srv := range servers {
		if err := srv.Shutdown(shutdownCtx); err != nil {
			_ = srv.Close()
		}
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}

// isLoopback reports whether addr (host:port) listens on loopback only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
