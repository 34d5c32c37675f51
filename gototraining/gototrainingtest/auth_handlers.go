package gototrainingtest

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"golang.org/x/oauth2"
)

// The paths of the authorization server, as on authentication.logmeininc.com.
const (
	tokenPath     = "/oauth/token"
	authorizePath = "/oauth/authorize"
)

// OAuthEndpoint is the fake's authorization server for golang.org/x/oauth2:
// client credentials in an HTTP Basic header, as GoTo takes them. It needs
// [WithAuthServer].
func (s *Server) OAuthEndpoint() oauth2.Endpoint {
	return oauth2.Endpoint{
		AuthURL:   s.URL + authorizePath,
		TokenURL:  s.URL + tokenPath,
		AuthStyle: oauth2.AuthStyleInHeader,
	}
}

// OAuthConfig is an oauth2.Config for the fake's authorization server with
// its client id and secret, and the given redirect URL (may be empty).
func (s *Server) OAuthConfig(redirectURL string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     s.ClientID(),
		ClientSecret: s.ClientSecret(),
		Endpoint:     s.OAuthEndpoint(),
		RedirectURL:  redirectURL,
	}
}

// serveAuth answers the authorization server's paths and reports whether
// r was one of them.
func (f *Fake) serveAuth(w http.ResponseWriter, r *http.Request) bool {
	if f.auth == nil {
		return false
	}
	switch r.URL.Path {
	case tokenPath:
		f.serveToken(w, r)
	case authorizePath:
		f.serveAuthorize(w, r)
	default:
		return false
	}
	return true
}

// oauthError is an RFC 6749 §5.2 error body.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func oauthFail(w http.ResponseWriter, status int, code, description string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth"`)
	}
	writeJSON(w, status, oauthError{Error: code, Description: description})
}

// serveToken is POST /oauth/token. Error descriptions never quote what the
// client sent: a client that logs them must not log its secrets.
func (f *Fake) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		oauthFail(w, http.StatusMethodNotAllowed, "invalid_request", "the token endpoint takes POST")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		f.countGrant("")
		oauthFail(w, http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		f.countGrant("")
		oauthFail(w, http.StatusBadRequest, "invalid_request", "the form could not be read")
		return
	}
	form := r.PostForm
	grant := form.Get("grant_type")
	f.countGrant(grant)
	id, sec, ok := r.BasicAuth()
	if !ok || !f.clientOK(id, sec) {
		oauthFail(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	var (
		ans    tokenAnswer
		status = http.StatusOK
		fail   oauthError
	)
	f.mu.Lock()
	switch grant {
	case GrantAuthorizationCode:
		ans, fail = f.grantCodeLocked(form)
	case GrantRefreshToken:
		ans, fail = f.grantRefreshLocked(form)
	case GrantPersonalAccessToken:
		ans, fail = f.grantPATLocked(form)
	case "":
		fail = oauthError{Error: "invalid_request", Description: "grant_type is missing"}
	default:
		fail = oauthError{Error: "unsupported_grant_type", Description: "the grant type is not supported"}
	}
	f.mu.Unlock()
	if fail.Error != "" {
		status = http.StatusBadRequest
		writeJSON(w, status, fail)
		return
	}
	writeJSON(w, status, ans)
}

func (f *Fake) countGrant(grant string) {
	f.mu.Lock()
	f.auth.requests[grant]++
	f.mu.Unlock()
}

func missing(field string) oauthError {
	return oauthError{Error: "invalid_request", Description: field + " is missing"}
}

// grantCodeLocked exchanges an authorization code: once, and only with the
// redirect_uri given at /oauth/authorize.
func (f *Fake) grantCodeLocked(form url.Values) (tokenAnswer, oauthError) {
	code := form.Get("code")
	if code == "" {
		return tokenAnswer{}, missing("code")
	}
	c, ok := f.auth.codes[code]
	delete(f.auth.codes, code) // single use, even when this exchange fails
	switch {
	case !ok || !f.cfg.now().Before(c.expiry):
		return tokenAnswer{}, oauthError{Error: "invalid_grant", Description: "the authorization code is invalid, used or expired"}
	case form.Get("redirect_uri") != c.redirectURI:
		return tokenAnswer{}, oauthError{Error: "invalid_grant", Description: "redirect_uri does not match the authorization request"}
	}
	return f.issueLocked(true), oauthError{}
}

// grantRefreshLocked refreshes, rotating the refresh token as configured.
// A refresh token lives RefreshTokenLifetime on the fake's clock. Past it,
// RotateWhenExpired accepts it that one last time and answers a new one,
// as GoTo documents; RotateAlways refuses it with invalid_grant, as strict
// servers do.
func (f *Fake) grantRefreshLocked(form url.Values) (tokenAnswer, oauthError) {
	rt := form.Get("refresh_token")
	if rt == "" {
		return tokenAnswer{}, missing("refresh_token")
	}
	exp, ok := f.auth.refresh[rt]
	if !ok {
		return tokenAnswer{}, oauthError{Error: "invalid_grant", Description: "the refresh token is invalid or revoked"}
	}
	expired := !f.cfg.now().Before(exp)
	if expired && f.cfg.rotation == RotateAlways {
		delete(f.auth.refresh, rt)
		return tokenAnswer{}, oauthError{Error: "invalid_grant", Description: "the refresh token has expired"}
	}
	rotate := f.cfg.rotation == RotateAlways || expired
	if rotate {
		delete(f.auth.refresh, rt)
	}
	return f.issueLocked(rotate), oauthError{}
}

// grantPATLocked is GoTo's personal_access_token grant: the token comes in
// the pat field, and the answer has no refresh token (the PAT is one).
func (f *Fake) grantPATLocked(form url.Values) (tokenAnswer, oauthError) {
	pat := form.Get("pat")
	if pat == "" {
		return tokenAnswer{}, missing("pat")
	}
	if !f.auth.pats[pat] {
		return tokenAnswer{}, oauthError{Error: "invalid_grant", Description: "the personal access token is invalid or revoked"}
	}
	return f.issueLocked(false), oauthError{}
}

// serveAuthorize is GET /oauth/authorize. There is no login page: the
// request is approved at once and redirected with code and state, as if the
// user had signed in and clicked Allow. A bad client_id or redirect_uri is
// answered 400 here rather than redirected, as RFC 6749 §4.1.2.1 requires.
//
// redirect_uri is required here although GoTo calls it optional: GoTo
// falls back on the redirect URI registered on the client, and the fake
// registers none (it takes any absolute http(s) URL, so that a test can
// listen on a free loopback port), so there is nothing to fall back on.
// golang.org/x/oauth2 and LoginWithBrowser always send it.
func (f *Fake) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "the authorize endpoint takes GET", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	if q.Get("client_id") != DefaultClientID {
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	}
	redirect := q.Get("redirect_uri")
	target, err := url.Parse(redirect)
	if redirect == "" || err != nil || !target.IsAbs() || target.Host == "" || target.Fragment != "" ||
		(target.Scheme != "http" && target.Scheme != "https") {
		http.Error(w, "redirect_uri must be an absolute http(s) URL without fragment", http.StatusBadRequest)
		return
	}
	back := target.Query()
	if state := q.Get("state"); state != "" {
		back.Set("state", state)
	}
	if q.Get("response_type") != "code" {
		back.Set("error", "unsupported_response_type")
	} else {
		code := secret("code")
		f.mu.Lock()
		f.auth.codes[code] = authCode{redirectURI: redirect, expiry: f.cfg.now().Add(codeLifetime)}
		f.mu.Unlock()
		back.Set("code", code)
	}
	target.RawQuery = back.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target.String(), http.StatusFound)
}
