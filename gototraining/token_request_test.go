package gototraining_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/gototraining-go/gototraining/gototraining"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// stallingTokenEndpoint is the fake's token endpoint behind a proxy whose
// first request hangs until the client gives up (or the test ends). It
// returns the token URL and the count of requests it received.
func stallingTokenEndpoint(t *testing.T, srv *gototrainingtest.Server) (string, *atomic.Int32) {
	t.Helper()
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var requests atomic.Int32
	release := make(chan struct{})
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			select {
			case <-r.Context().Done(): // the client abandoned the request
			case <-release: // the test is over
			}
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(stall.Close)
	t.Cleanup(func() { close(release) }) // runs first: Close waits for the handler
	return stall.URL + "/oauth/token", &requests
}

// A token request that hangs is abandoned after its bound: the call that
// waited for it fails, and the next call sends a fresh request and
// succeeds, for the refresh and the personal-access-token grants alike.
// The bound is 100 ms for the hung request, then the default again, so
// that the fresh request has room on a loaded machine; each call allows
// 10 s. Without the bound the hung request is shared by every later call,
// which then all run out of time.
func TestTokenRequestStallIsAbandoned(t *testing.T) {
	t.Parallel()
	for name, newSource := range map[string]func(*gototrainingtest.Server, *oauth2.Config) (*gototraining.TokenSource, error){
		"refresh": func(srv *gototrainingtest.Server, conf *oauth2.Config) (*gototraining.TokenSource, error) {
			tok := srv.IssueToken()
			tok.AccessToken = "" // so that the first call refreshes
			return gototraining.RefreshingTokenSource(context.Background(), conf, tok)
		},
		"personal access token": func(srv *gototrainingtest.Server, conf *oauth2.Config) (*gototraining.TokenSource, error) {
			return gototraining.PersonalAccessTokenSource(context.Background(), conf, srv.IssuePersonalAccessToken())
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clock := newFakeClock()
			srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, clock)
			tokenURL, requests := stallingTokenEndpoint(t, srv)
			conf := srv.OAuthConfig("")
			conf.Endpoint.TokenURL = tokenURL
			ts, err := newSource(srv, conf)
			if err != nil {
				t.Fatal(err)
			}
			gototraining.SetTokenSourceClock(ts, clock.Now)
			gototraining.SetTokenRequestTimeout(ts, 100*time.Millisecond)
			c := newAuthClient(t, srv, ts)
			org := gototraining.OrganizerKey(srv.OrganizerKey())
			call := func() error {
				ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
				defer cancel()
				_, err := c.Trainings.List(ctx, org)
				return err
			}
			if err := call(); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("the call that waited for the hung request: %v, want a deadline error", err)
			}
			gototraining.SetTokenRequestTimeout(ts, gototraining.TokenRequestTimeout)
			if err := call(); err != nil {
				t.Errorf("the call after the hung request: %v", err)
			}
			if got := requests.Load(); got != 2 {
				t.Errorf("token requests = %d, want 2 (the hung one, then a fresh one)", got)
			}
		})
	}
}

// A config that leaves AuthStyle to auto-detection would make x/oauth2
// send a refused refresh token or code a second time, in the form: the
// sources use GoTo's Basic authentication, so each is sent once.
func TestRefusedGrantIsSentOnce(t *testing.T) {
	t.Parallel()
	autoDetect := func(srv *gototrainingtest.Server) *oauth2.Config {
		conf := srv.OAuthConfig("")
		conf.Endpoint.AuthStyle = oauth2.AuthStyleAutoDetect
		return conf
	}
	t.Run("refresh", func(t *testing.T) {
		t.Parallel()
		srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, newFakeClock())
		tok := srv.IssueToken()
		srv.Revoke(tok.RefreshToken)
		ts, err := gototraining.RefreshingTokenSource(context.Background(), autoDetect(srv), tok)
		if err != nil {
			t.Fatal(err)
		}
		ts.Invalidate(tok.AccessToken)
		if _, err := ts.Token(); !errors.Is(err, gototraining.ErrReauthorizationRequired) {
			t.Errorf("refresh with a revoked refresh token: %v, want ErrReauthorizationRequired", err)
		}
		if got := srv.TokenRequests(gototrainingtest.GrantRefreshToken); got != 1 {
			t.Errorf("refresh requests = %d, want 1", got)
		}
	})
	t.Run("authorization code", func(t *testing.T) {
		t.Parallel()
		srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, newFakeClock())
		_, err := gototraining.LoginWithBrowser(t.Context(), autoDetect(srv), func(authURL string) error {
			u, err := url.Parse(authURL)
			if err != nil {
				return err
			}
			q := u.Query()
			back := q.Get("redirect_uri") + "?" + url.Values{"state": {q.Get("state")}, "code": {"gtt-code-never-issued-0000"}}.Encode()
			return browser(t.Context())(back)
		})
		if !errors.Is(err, gototraining.ErrReauthorizationRequired) {
			t.Errorf("a refused code: %v, want invalid_grant", err)
		}
		if got := srv.TokenRequests(gototrainingtest.GrantAuthorizationCode); got != 1 {
			t.Errorf("code exchanges = %d, want 1", got)
		}
	})
}
