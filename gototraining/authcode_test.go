package gototraining_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/gototraining-go/gototraining/gototraining"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// browser stands in for the user's browser: it follows the authorize URL,
// which the fake approves at once, to the program's loopback listener.
func browser(ctx context.Context) func(string) error {
	return func(authURL string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
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

func TestLoginWithBrowser(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, clock)
	var authURL string
	open := browser(t.Context())
	wrap, watched := watchListener()
	tok, err := gototraining.LoginWithBrowserListener(t.Context(), srv.OAuthConfig(""), func(u string) error {
		authURL = u
		return open(u)
	}, wrap)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatal("the login gave no access or no refresh token")
	}
	if got := tok.Extra("principal"); got != gototrainingtest.SeedOrganizerEmail {
		t.Errorf("principal = %v, want %s", got, gototrainingtest.SeedOrganizerEmail)
	}
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if len(q.Get("state")) < 40 || q.Get("response_type") != "code" || q.Get("client_id") != srv.ClientID() {
		t.Errorf("authorize URL query %v: want a long random state, response_type=code and the client id", q)
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Hostname() != "127.0.0.1" {
		t.Errorf("redirect_uri %q, want one on 127.0.0.1", q.Get("redirect_uri"))
	}
	// The listener is closed once the login returns.
	if ln := watched(); ln == nil || !ln.closed.Load() || ln.Addr().String() != redirect.Host {
		t.Error("the loopback listener of the redirect_uri is not closed after the login")
	}
	ts, err := gototraining.RefreshingTokenSource(context.Background(), srv.OAuthConfig(""), tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newAuthClient(t, srv, ts).Trainings.List(t.Context(), gototraining.OrganizerKey(srv.OrganizerKey())); err != nil {
		t.Errorf("first call with the login's token: %v", err)
	}
	if got := srv.TokenRequests(gototrainingtest.GrantAuthorizationCode); got != 1 {
		t.Errorf("code exchanges = %d, want 1", got)
	}
}

// get sends a GET to u and returns the status and body.
func get(ctx context.Context, u string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// A redirect whose state is not the login's (a stale tab, or any local
// program) is answered 400 and its code never exchanged nor shown; the
// login keeps waiting, and the redirect with its state completes it.
func TestLoginWithBrowserWrongState(t *testing.T) {
	t.Parallel()
	srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, newFakeClock())
	const code = "gtt-code-SECRET-forged-7f3a"
	type answer struct {
		status int
		body   string
	}
	var forged []answer
	tok, err := gototraining.LoginWithBrowser(t.Context(), srv.OAuthConfig(""), func(authURL string) error {
		u, err := url.Parse(authURL)
		if err != nil {
			return err
		}
		redirect := u.Query().Get("redirect_uri")
		for _, q := range []url.Values{
			{"state": {"forged"}, "code": {code}},
			{"code": {code}},
			{"state": {"forged"}, "error": {"access_denied"}},
		} {
			status, body, err := get(t.Context(), redirect+"?"+q.Encode())
			if err != nil {
				return err
			}
			forged = append(forged, answer{status, body})
		}
		return browser(t.Context())(authURL)
	})
	if err != nil {
		t.Fatalf("the login after redirects with a wrong state: %v", err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Error("the login gave no access or no refresh token")
	}
	if len(forged) != 3 {
		t.Fatalf("%d wrong-state redirects answered, want 3", len(forged))
	}
	for i, a := range forged {
		if a.status != http.StatusBadRequest {
			t.Errorf("wrong-state redirect %d: status %d, want 400", i+1, a.status)
		}
		if strings.Contains(a.body, code) {
			t.Errorf("wrong-state redirect %d: the answer shows the code: %s", i+1, a.body)
		}
	}
	if got := srv.TokenRequests(""); got != 1 {
		t.Errorf("token requests = %d, want 1 (the login's own code only)", got)
	}
}

// An error from the authorization server with the login's state ends the
// login, with the error's code.
func TestLoginWithBrowserDenied(t *testing.T) {
	t.Parallel()
	srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, newFakeClock())
	_, err := gototraining.LoginWithBrowser(t.Context(), srv.OAuthConfig(""), func(authURL string) error {
		u, err := url.Parse(authURL)
		if err != nil {
			return err
		}
		q := u.Query()
		back := q.Get("redirect_uri") + "?" + url.Values{"state": {q.Get("state")}, "error": {"access_denied"}}.Encode()
		return browser(t.Context())(back)
	})
	if err == nil || !strings.Contains(err.Error(), "access_denied") {
		t.Errorf("err = %v, want the authorization server's access_denied", err)
	}
	if got := srv.TokenRequests(""); got != 0 {
		t.Errorf("token requests = %d, want 0", got)
	}
}

// closeWatch is a listener that records that it was closed.
type closeWatch struct {
	net.Listener
	closed atomic.Bool
}

func (l *closeWatch) Close() error {
	l.closed.Store(true)
	return l.Listener.Close()
}

// watchListener returns a wrap for LoginWithBrowserListener and the
// listener it wrapped.
func watchListener() (func(net.Listener) net.Listener, func() *closeWatch) {
	var w atomic.Pointer[closeWatch]
	wrap := func(ln net.Listener) net.Listener {
		cw := &closeWatch{Listener: ln}
		w.Store(cw)
		return cw
	}
	return wrap, w.Load
}

// The login is bounded by the caller's context, and the listener is closed
// when it gives up.
func TestLoginWithBrowserContext(t *testing.T) {
	t.Parallel()
	srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, newFakeClock())
	ctx, cancel := context.WithCancel(t.Context())
	wrap, watched := watchListener()
	_, err := gototraining.LoginWithBrowserListener(ctx, srv.OAuthConfig(""), func(string) error {
		cancel() // the user never comes back
		return nil
	}, wrap)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if ln := watched(); ln == nil || !ln.closed.Load() {
		t.Error("the loopback listener is not closed after the login gave up")
	}
}

func TestLoginWithBrowserRefusesBadConfig(t *testing.T) {
	t.Parallel()
	srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, newFakeClock())
	never := func(string) error { t.Error("openBrowser called for a bad config"); return nil }
	for _, redirect := range []string{
		"https://127.0.0.1:8765/callback",
		"http://example.com:8765/callback",
		"http://10.0.0.1:8765/callback",
		"http://localhost:8765/callback",
		"http://127.0.0.1/callback",
		"http://127.0.0.1:8765/callback?x=1",
	} {
		if _, err := gototraining.LoginWithBrowser(t.Context(), srv.OAuthConfig(redirect), never); err == nil {
			t.Errorf("RedirectURL %q accepted", redirect)
		}
	}
	if _, err := gototraining.LoginWithBrowser(t.Context(), srv.OAuthConfig(""), nil); err == nil {
		t.Error("a nil openBrowser accepted")
	}
	if _, err := gototraining.LoginWithBrowser(t.Context(), &oauth2.Config{ClientID: "x", Endpoint: oauth2.Endpoint{TokenURL: "http://127.0.0.1:9/t"}}, never); err == nil {
		t.Error("a config without AuthURL accepted")
	}
}

// A registered redirect URL on a fixed port is listened on as given, and
// sent to GoTo unchanged (its redirect_uri must match the registration).
func TestLoginWithBrowserFixedRedirect(t *testing.T) {
	t.Parallel()
	srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, newFakeClock())
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + ln.Addr().String() + "/goto/callback"
	_ = ln.Close() // free the port for the login
	var sent string
	tok, err := gototraining.LoginWithBrowser(t.Context(), srv.OAuthConfig(redirect), func(authURL string) error {
		u, _ := url.Parse(authURL)
		sent = u.Query().Get("redirect_uri")
		return browser(t.Context())(authURL)
	})
	if err != nil {
		t.Fatal(err)
	}
	if sent != redirect || tok.RefreshToken == "" {
		t.Errorf("redirect_uri sent %q, want %q; refresh token present %t", sent, redirect, tok.RefreshToken != "")
	}
}
