package gototrainingtest

import (
	"crypto/rand"
	"crypto/subtle"
	"time"

	"golang.org/x/oauth2"
)

// DefaultClientID is the OAuth client id of the fake's authorization server
// (see [WithAuthServer]). Its secret is random; [Fake.ClientSecret] gives it.
const DefaultClientID = "gototrainingtest-client"

// Lifetimes of what the fake's authorization server issues, on the fake's
// clock. GoTo documents 60 minutes for access tokens. Its current guide
// says only that refresh tokens are "good for longer periods"; its older
// one (goto-developer.logmeininc.com/how-use-refresh-tokens) gave 30 days,
// which the fake uses. Authorization codes live a short while.
const (
	AccessTokenLifetime  = time.Hour
	RefreshTokenLifetime = 30 * 24 * time.Hour
	codeLifetime         = 10 * time.Minute
)

// The grant types the fake's token endpoint knows, as GoTo names them.
const (
	GrantAuthorizationCode   = "authorization_code"
	GrantRefreshToken        = "refresh_token"
	GrantPersonalAccessToken = "personal_access_token"
)

// Rotation says when a refresh answers with a new refresh token.
type Rotation int

const (
	// RotateWhenExpired is what GoTo documents: a refresh answer carries a
	// new refresh token only when the old one has expired (the expired one
	// is still accepted that one last time); otherwise the answer has no
	// refresh_token and the old one stays good.
	RotateWhenExpired Rotation = iota
	// RotateAlways answers every refresh with a new refresh token and
	// retires the old one at once, and refuses an expired refresh token
	// (older than RefreshTokenLifetime on the fake's clock) with
	// invalid_grant, as strict authorization servers do.
	RotateAlways
)

// WithAuthServer turns on the fake's OAuth 2.0 authorization server, at
// POST /oauth/token and GET /oauth/authorize (see [Server.OAuthEndpoint]),
// with the client id [DefaultClientID] and a random secret. The API then
// accepts only access tokens this server issued, not revoked and not
// expired on the fake's clock ([WithClock]); any other token is answered 403
// {"int_err_code":"InvalidToken","msg":"Invalid token passed"}, as GoTo
// does. The token of [WithToken] is no longer accepted.
func WithAuthServer(r Rotation) Option {
	return func(c *config) {
		c.auth = true
		c.rotation = r
	}
}

// authState is the authorization server's memory. It is guarded by Fake.mu.
type authState struct {
	clientSecret string
	access       map[string]time.Time // access token → expiry
	refresh      map[string]time.Time // refresh token → expiry
	codes        map[string]authCode
	pats         map[string]bool
	requests     map[string]int // token requests by grant_type as sent
}

type authCode struct {
	redirectURI string
	expiry      time.Time
}

func newAuthState() *authState {
	return &authState{
		clientSecret: secret("cs"),
		access:       map[string]time.Time{},
		refresh:      map[string]time.Time{},
		codes:        map[string]authCode{},
		pats:         map[string]bool{},
		requests:     map[string]int{},
	}
}

// secret returns a new random credential: a prefix naming its kind and 128
// bits of randomness, long enough for the client's redaction to apply.
func secret(kind string) string { return "gtt-" + kind + "-" + rand.Text() }

// AuthServer reports whether the fake's authorization server is on.
func (f *Fake) AuthServer() bool { return f.auth != nil }

// ClientID returns the OAuth client id of the authorization server.
func (f *Fake) ClientID() string { return DefaultClientID }

// ClientSecret returns the OAuth client secret of the authorization server,
// or "" when it is off.
func (f *Fake) ClientSecret() string {
	if f.auth == nil {
		return ""
	}
	return f.auth.clientSecret
}

// IssuePersonalAccessToken makes a personal access token that the token
// endpoint accepts with grant_type=personal_access_token, as one made in
// GoTo's web interface. It returns "" when the authorization server is off.
func (f *Fake) IssuePersonalAccessToken() string {
	if f.auth == nil {
		return ""
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	pat := secret("pat")
	f.auth.pats[pat] = true
	return pat
}

// IssueToken issues an access token and a refresh token as an authorization
// code exchange would, without the browser step, for tests that start from a
// stored token. Expiry is on the fake's clock. It returns nil when the
// authorization server is off.
func (f *Fake) IssueToken() *oauth2.Token {
	if f.auth == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ans := f.issueLocked(true)
	return &oauth2.Token{AccessToken: ans.AccessToken, TokenType: ans.TokenType, RefreshToken: ans.RefreshToken, Expiry: f.cfg.now().Add(AccessTokenLifetime)}
}

// Revoke makes an access token, refresh token or personal access token
// invalid at once, as a user removing the app's access would. It reports
// whether the token was known.
func (f *Fake) Revoke(token string) bool {
	if f.auth == nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.auth
	_, isAccess := a.access[token]
	_, isRefresh := a.refresh[token]
	isPAT := a.pats[token]
	delete(a.access, token)
	delete(a.refresh, token)
	delete(a.pats, token)
	return isAccess || isRefresh || isPAT
}

// TokenRequests counts the requests to the token endpoint with the given
// grant_type (see GrantRefreshToken and the others), refused ones included.
// An empty grant counts them all.
func (f *Fake) TokenRequests(grant string) int {
	if f.auth == nil {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if grant != "" {
		return f.auth.requests[grant]
	}
	n := 0
	for _, c := range f.auth.requests {
		n += c
	}
	return n
}

// accessTokenOK reports whether token is an access token the authorization
// server issued, not revoked and not expired on the fake's clock.
func (f *Fake) accessTokenOK(token string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	exp, ok := f.auth.access[token]
	return ok && f.cfg.now().Before(exp)
}

// tokenAnswer is GoTo's token answer (API-FACTS §2c): no organizer_key or
// account_key any more, but the principal (the user's email).
type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ExpiresIn    int    `json:"expires_in"`
	Scope        string `json:"scope"`
	Principal    string `json:"principal"`
}

// issueLocked makes a new access token, and a refresh token if withRefresh.
func (f *Fake) issueLocked(withRefresh bool) tokenAnswer {
	now := f.cfg.now()
	ans := tokenAnswer{
		AccessToken: secret("at"),
		TokenType:   "Bearer",
		ExpiresIn:   int(AccessTokenLifetime / time.Second),
		Scope:       "collab:",
		Principal:   SeedOrganizerEmail,
	}
	f.auth.access[ans.AccessToken] = now.Add(AccessTokenLifetime)
	if withRefresh {
		ans.RefreshToken = secret("rt")
		f.auth.refresh[ans.RefreshToken] = now.Add(RefreshTokenLifetime)
	}
	return ans
}

// clientOK checks the client's Basic credentials in constant time.
func (f *Fake) clientOK(id, sec string) bool {
	idOK := subtle.ConstantTimeCompare([]byte(id), []byte(DefaultClientID))
	secOK := subtle.ConstantTimeCompare([]byte(sec), []byte(f.auth.clientSecret))
	return idOK&secOK == 1
}
