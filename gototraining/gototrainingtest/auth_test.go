package gototrainingtest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// testClock is a clock a test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 3, 26, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// tokenW is GoTo's token answer, and the RFC 6749 error fields.
type tokenW struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	Scope        string `json:"scope"`
	Principal    string `json:"principal"`
	Error        string `json:"error"`
}

// postToken sends a form to the token endpoint with the given client
// credentials (none when id is "").
func (c *tc) postToken(form url.Values, id, secret string) (int, tokenW) {
	c.t.Helper()
	req, err := http.NewRequestWithContext(c.t.Context(), http.MethodPost, c.s.OAuthEndpoint().TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(id, secret)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var w tokenW
	if err := json.NewDecoder(resp.Body).Decode(&w); err != nil {
		c.t.Fatalf("token answer: %v", err)
	}
	return resp.StatusCode, w
}

func (c *tc) grant(form url.Values) (int, tokenW) {
	c.t.Helper()
	return c.postToken(form, c.s.ClientID(), c.s.ClientSecret())
}

// apiStatus calls getAllTrainings with token and returns the status.
func (c *tc) apiStatus(token string) (int, errorW) {
	c.t.Helper()
	res := c.do(http.MethodGet, trainingsPath(c.s.OrganizerKey()), nil, hdr{"Authorization": "Bearer " + token})
	var e errorW
	if res.Status != http.StatusOK {
		_ = json.Unmarshal(res.Body, &e)
	}
	return res.Status, e
}

// authorize follows /oauth/authorize and returns the redirect's query.
func (c *tc) authorize(q url.Values) (int, url.Values) {
	c.t.Helper()
	res := c.do(http.MethodGet, "/oauth/authorize?"+q.Encode(), nil)
	if res.Status != http.StatusFound {
		return res.Status, nil
	}
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		c.t.Fatal(err)
	}
	return res.Status, loc.Query()
}

func TestAuthServerOffByDefault(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	if s.AuthServer() || s.ClientSecret() != "" || s.IssueToken() != nil || s.IssuePersonalAccessToken() != "" {
		t.Error("the authorization server is on without WithAuthServer")
	}
	res := c.do(http.MethodPost, "/oauth/token", "grant_type=refresh_token", hdr{"Content-Type": "application/x-www-form-urlencoded"})
	if res.Status != http.StatusNotFound {
		t.Errorf("POST /oauth/token without the auth server: %d, want 404", res.Status)
	}
	if got, _ := c.apiStatus(s.Token()); got != http.StatusOK {
		t.Errorf("static token: %d, want 200", got)
	}
}

func TestAuthServerAPIAcceptsOnlyIssuedLiveTokens(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	s, c := newFake(t, gototrainingtest.WithAuthServer(gototrainingtest.RotateWhenExpired), gototrainingtest.WithClock(clock.Now))
	invalid := errorW{IntErrCode: "InvalidToken", Msg: "Invalid token passed"}
	check := func(name, token string, want int) {
		t.Helper()
		got, body := c.apiStatus(token)
		if got != want {
			t.Errorf("%s: status %d, want %d", name, got, want)
		}
		if want == http.StatusForbidden {
			if diff := cmp.Diff(invalid, body); diff != "" {
				t.Errorf("%s: body (-want +got):\n%s", name, diff)
			}
		}
	}
	check("the static token", s.Token(), http.StatusForbidden)
	tok := s.IssueToken()
	check("an issued token", tok.AccessToken, http.StatusOK)
	clock.Advance(gototrainingtest.AccessTokenLifetime - time.Second)
	check("a token one second before expiry", tok.AccessToken, http.StatusOK)
	clock.Advance(time.Second)
	check("an expired token", tok.AccessToken, http.StatusForbidden)

	fresh := s.IssueToken()
	if !s.Revoke(fresh.AccessToken) {
		t.Error("Revoke of an issued access token reported false")
	}
	check("a revoked token", fresh.AccessToken, http.StatusForbidden)
	if s.Revoke("never-issued") {
		t.Error("Revoke of an unknown token reported true")
	}
}

func TestAuthServerRefreshRotation(t *testing.T) {
	t.Parallel()
	t.Run("when expired", func(t *testing.T) {
		t.Parallel()
		clock := newTestClock()
		s, c := newFake(t, gototrainingtest.WithAuthServer(gototrainingtest.RotateWhenExpired), gototrainingtest.WithClock(clock.Now))
		rt := s.IssueToken().RefreshToken
		status, ans := c.grant(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
		want := tokenW{TokenType: "Bearer", ExpiresIn: 3600, Scope: "collab:", Principal: gototrainingtest.SeedOrganizerEmail}
		if diff := cmp.Diff(want, ans, ignoreAccess); status != http.StatusOK || diff != "" || ans.AccessToken == "" {
			t.Errorf("refresh before expiry: %d (-want +got):\n%s", status, diff)
		}
		clock.Advance(gototrainingtest.RefreshTokenLifetime)
		status, ans = c.grant(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
		if status != http.StatusOK || ans.RefreshToken == "" || ans.RefreshToken == rt {
			t.Fatalf("refresh with the expired refresh token: %d, new refresh token %t; want 200 and a new one", status, ans.RefreshToken != "" && ans.RefreshToken != rt)
		}
		if status, ans := c.grant(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}); status != http.StatusBadRequest || ans.Error != "invalid_grant" {
			t.Errorf("the rotated-away refresh token: %d %q, want 400 invalid_grant", status, ans.Error)
		}
	})
	t.Run("always", func(t *testing.T) {
		t.Parallel()
		s, c := newFake(t, gototrainingtest.WithAuthServer(gototrainingtest.RotateAlways))
		rt := s.IssueToken().RefreshToken
		status, ans := c.grant(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
		if status != http.StatusOK || ans.RefreshToken == "" || ans.RefreshToken == rt {
			t.Fatalf("refresh: %d; want 200 with a new refresh token", status)
		}
		if status, ans := c.grant(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}); status != http.StatusBadRequest || ans.Error != "invalid_grant" {
			t.Errorf("the old refresh token: %d %q, want 400 invalid_grant", status, ans.Error)
		}
		if got := s.TokenRequests(gototrainingtest.GrantRefreshToken); got != 2 {
			t.Errorf("TokenRequests(refresh_token) = %d, want 2", got)
		}
	})
	t.Run("always, expired", func(t *testing.T) {
		t.Parallel()
		clock := newTestClock()
		s, c := newFake(t, gototrainingtest.WithAuthServer(gototrainingtest.RotateAlways), gototrainingtest.WithClock(clock.Now))
		rt := s.IssueToken().RefreshToken
		clock.Advance(gototrainingtest.RefreshTokenLifetime - time.Second)
		status, ans := c.grant(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
		if status != http.StatusOK || ans.RefreshToken == "" {
			t.Fatalf("refresh a second before the refresh token expires: %d %q; want 200 with a new refresh token", status, ans.Error)
		}
		clock.Advance(gototrainingtest.RefreshTokenLifetime)
		if status, got := c.grant(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ans.RefreshToken}}); status != http.StatusBadRequest || got.Error != "invalid_grant" {
			t.Errorf("refresh with an expired refresh token: %d %q, want 400 invalid_grant", status, got.Error)
		}
	})
}

var ignoreAccess = cmp.FilterPath(func(p cmp.Path) bool {
	return p.Last().String() == ".AccessToken"
}, cmp.Ignore())

func TestAuthServerAuthorizationCode(t *testing.T) {
	t.Parallel()
	s, c := newFake(t, gototrainingtest.WithAuthServer(gototrainingtest.RotateWhenExpired))
	const redirect = "http://127.0.0.1:9/callback"
	status, back := c.authorize(url.Values{"client_id": {s.ClientID()}, "response_type": {"code"}, "redirect_uri": {redirect}, "state": {"st-1"}})
	if status != http.StatusFound || back.Get("state") != "st-1" || back.Get("code") == "" {
		t.Fatalf("authorize: %d, state %q, code present %t", status, back.Get("state"), back.Get("code") != "")
	}
	code := back.Get("code")

	if status, ans := c.grant(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://127.0.0.1:9/other"}}); status != http.StatusBadRequest || ans.Error != "invalid_grant" {
		t.Errorf("another redirect_uri: %d %q, want 400 invalid_grant", status, ans.Error)
	}
	// The failed exchange used the code up, as a single-use code must be.
	_, back = c.authorize(url.Values{"client_id": {s.ClientID()}, "response_type": {"code"}, "redirect_uri": {redirect}})
	code = back.Get("code")
	status, ans := c.grant(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}})
	if status != http.StatusOK || ans.AccessToken == "" || ans.RefreshToken == "" {
		t.Fatalf("exchange: %d, want 200 with both tokens", status)
	}
	if got, _ := c.apiStatus(ans.AccessToken); got != http.StatusOK {
		t.Errorf("the exchanged token on the API: %d, want 200", got)
	}
	if status, ans := c.grant(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}); status != http.StatusBadRequest || ans.Error != "invalid_grant" {
		t.Errorf("second exchange of a code: %d %q, want 400 invalid_grant", status, ans.Error)
	}

	if status, _ := c.authorize(url.Values{"client_id": {"someone-else"}, "response_type": {"code"}, "redirect_uri": {redirect}}); status != http.StatusBadRequest {
		t.Errorf("authorize with an unknown client: %d, want 400 (no redirect)", status)
	}
	if status, _ := c.authorize(url.Values{"client_id": {s.ClientID()}, "response_type": {"code"}, "redirect_uri": {"not a url"}}); status != http.StatusBadRequest {
		t.Errorf("authorize with a bad redirect_uri: %d, want 400 (no redirect)", status)
	}
	if _, back := c.authorize(url.Values{"client_id": {s.ClientID()}, "response_type": {"token"}, "redirect_uri": {redirect}}); back.Get("error") != "unsupported_response_type" {
		t.Errorf("response_type=token: error %q, want unsupported_response_type", back.Get("error"))
	}
}

func TestAuthServerPersonalAccessToken(t *testing.T) {
	t.Parallel()
	s, c := newFake(t, gototrainingtest.WithAuthServer(gototrainingtest.RotateWhenExpired))
	pat := s.IssuePersonalAccessToken()
	status, ans := c.grant(url.Values{"grant_type": {"personal_access_token"}, "pat": {pat}})
	if status != http.StatusOK || ans.AccessToken == "" || ans.RefreshToken != "" {
		t.Fatalf("PAT grant: %d, access token %t, refresh token %t; want 200, an access token and no refresh token", status, ans.AccessToken != "", ans.RefreshToken != "")
	}
	if got, _ := c.apiStatus(ans.AccessToken); got != http.StatusOK {
		t.Errorf("the PAT's access token on the API: %d, want 200", got)
	}
	s.Revoke(pat)
	if status, ans := c.grant(url.Values{"grant_type": {"personal_access_token"}, "pat": {pat}}); status != http.StatusBadRequest || ans.Error != "invalid_grant" {
		t.Errorf("revoked PAT: %d %q, want 400 invalid_grant", status, ans.Error)
	}
	if got := s.TokenRequests(gototrainingtest.GrantPersonalAccessToken); got != 2 {
		t.Errorf("TokenRequests(personal_access_token) = %d, want 2", got)
	}
}

func TestAuthServerTokenErrors(t *testing.T) {
	t.Parallel()
	s, c := newFake(t, gototrainingtest.WithAuthServer(gototrainingtest.RotateWhenExpired))
	rt := s.IssueToken().RefreshToken
	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	for _, tc := range []struct {
		name       string
		form       url.Values
		id, secret string
		status     int
		error      string
	}{
		{"no client credentials", refresh, "", "", http.StatusUnauthorized, "invalid_client"},
		{"wrong client secret", refresh, s.ClientID(), "wrong", http.StatusUnauthorized, "invalid_client"},
		{"wrong client id", refresh, "other", s.ClientSecret(), http.StatusUnauthorized, "invalid_client"},
		{"unknown grant", url.Values{"grant_type": {"password"}}, s.ClientID(), s.ClientSecret(), http.StatusBadRequest, "unsupported_grant_type"},
		{"no grant", url.Values{}, s.ClientID(), s.ClientSecret(), http.StatusBadRequest, "invalid_request"},
		{"no refresh token", url.Values{"grant_type": {"refresh_token"}}, s.ClientID(), s.ClientSecret(), http.StatusBadRequest, "invalid_request"},
		{"no code", url.Values{"grant_type": {"authorization_code"}}, s.ClientID(), s.ClientSecret(), http.StatusBadRequest, "invalid_request"},
		{"no pat", url.Values{"grant_type": {"personal_access_token"}}, s.ClientID(), s.ClientSecret(), http.StatusBadRequest, "invalid_request"},
		{"unknown refresh token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}}, s.ClientID(), s.ClientSecret(), http.StatusBadRequest, "invalid_grant"},
	} {
		status, ans := c.postToken(tc.form, tc.id, tc.secret)
		if status != tc.status || ans.Error != tc.error {
			t.Errorf("%s: %d %q, want %d %q", tc.name, status, ans.Error, tc.status, tc.error)
		}
	}
	// None of the refusals used the refresh token up.
	if status, _ := c.grant(refresh); status != http.StatusOK {
		t.Errorf("refresh after the refusals: %d, want 200", status)
	}
	res := c.do(http.MethodPost, "/oauth/token", `{"grant_type":"refresh_token"}`)
	var e tokenW
	_ = json.Unmarshal(res.Body, &e)
	if res.Status != http.StatusBadRequest || e.Error != "invalid_request" {
		t.Errorf("a JSON body: %d %q, want 400 invalid_request", res.Status, e.Error)
	}
	if res := c.do(http.MethodGet, "/oauth/token", nil); res.Status != http.StatusMethodNotAllowed {
		t.Errorf("GET /oauth/token: %d, want 405", res.Status)
	}
}
