package gototraining

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// RenewableTokenSource is a token source that can mint a new access token on
// demand. GoTo may drop an access token before its expiry (a revoked grant, a
// refresh elsewhere); it then answers 401 or 403 InvalidToken. With such a
// source, the client calls Invalidate with the refused token, gets a fresh
// one, and sends the call once more: every operation, creating calls
// included, since GoTo refused before acting. A second refusal is returned
// as ErrUnauthorized.
//
// The sources of this package implement it: [RefreshingTokenSource],
// [StoredTokenSource] and [PersonalAccessTokenSource]. A plain
// oauth2.TokenSource (oauth2.Config.TokenSource, oauth2.ReuseTokenSource)
// does not: its cache cannot be dropped, so asking it again would give the
// same refused token. With one, a refused call is returned as
// ErrUnauthorized and the source refreshes only at the expiry it knows of.
type RenewableTokenSource interface {
	oauth2.TokenSource
	// Invalidate drops the cached access token if it is accessToken, so that
	// the next Token call mints a new one. A token no longer cached is
	// ignored: callers refused with the same old token cause one new token,
	// not one each.
	Invalidate(accessToken string)
}

// expiryMargin is how long before its expiry an access token is replaced:
// a token that expires on its way to GoTo would be refused.
const expiryMargin = time.Minute

// TokenRequestTimeout bounds each request of the token sources of this
// package to GoTo's token endpoint. The client waits for one token request
// shared by all its callers (see RenewableTokenSource); a request that
// never ends would make every later call fail at its own deadline. A
// request past this bound is abandoned, its caller gets an error matching
// context.DeadlineExceeded, and the next call sends a new one. GoTo
// answers in well under a second; 30 seconds leaves room for a slow
// network without holding callers for minutes.
const TokenRequestTimeout = 30 * time.Second

// TokenSource is the token source of this package: it caches an access
// token, mints a new one when it nears its expiry or after Invalidate, and,
// when built over a store, saves every new token. It is safe for
// concurrent use; at most one token request is in flight at a time. Its
// String and GoString show no secret.
type TokenSource struct {
	kind string // what it mints from, for errors and String
	now  func() time.Time

	// ctx is the constructor's: it carries the HTTP client for the token
	// endpoint. mint asks the token endpoint for a new token, given the
	// current one (nil at first), within ctx bounded by timeout. save, if
	// set, stores every new token.
	ctx  context.Context
	mint func(ctx context.Context, prev *oauth2.Token) (*oauth2.Token, error)
	save func(*oauth2.Token) error

	// reload, if set, reads the token saved in the store, which another
	// process sharing it may have replaced.
	reload func() (*oauth2.Token, error)

	mintMu sync.Mutex // held while minting: one token request at a time

	mu          sync.Mutex // guards the fields below; never held while minting
	tok         *oauth2.Token
	forced      bool          // Invalidate dropped tok's access token
	unsaved     bool          // tok is not in the store yet (the last Save failed)
	dead        error         // the grant was refused for good (ErrReauthorizationRequired)
	deadRefresh string        // the refresh token that was refused
	timeout     time.Duration // bound of one token request (TokenRequestTimeout)
}

var _ RenewableTokenSource = (*TokenSource)(nil)

// Token returns a valid access token, minting one if needed.
func (s *TokenSource) Token() (*oauth2.Token, error) {
	s.mintMu.Lock()
	defer s.mintMu.Unlock()
	s.mu.Lock()
	tok, forced, unsaved, dead, deadRefresh := s.tok, s.forced, s.unsaved, s.dead, s.deadRefresh
	s.mu.Unlock()
	if dead != nil {
		// Another process sharing the store may have saved a token since
		// (the rotation it won, or a new login): then this one lives again.
		saved := s.reloadOther(deadRefresh)
		if saved == nil {
			return nil, dead
		}
		s.adopt(saved)
		tok, forced, unsaved = saved, false, false
	}
	if !forced && s.valid(tok) {
		if unsaved {
			if err := s.store(tok); err != nil {
				return nil, err
			}
		}
		return cloneToken(tok), nil
	}
	next, err := s.mintBounded(tok)
	if errors.Is(err, ErrReauthorizationRequired) && tok != nil {
		// Another process may have rotated the refresh token and saved
		// the new one; this one's copy is then stale, not revoked. Its
		// access token, if still good, is used as is: refreshing would
		// rotate the other process's refresh token away in turn.
		if saved := s.reloadOther(tok.RefreshToken); saved != nil {
			s.adopt(saved)
			if s.valid(saved) && saved.AccessToken != tok.AccessToken {
				return cloneToken(saved), nil
			}
			tok = saved
			next, err = s.mintBounded(saved)
		}
	}
	if err != nil {
		if errors.Is(err, ErrReauthorizationRequired) {
			s.mu.Lock()
			s.dead = err
			if tok != nil {
				s.deadRefresh = tok.RefreshToken
			}
			s.mu.Unlock()
		}
		return nil, err
	}
	if next == nil || next.AccessToken == "" {
		return nil, fmt.Errorf("gototraining: %s: the token endpoint answered no access token", s.kind)
	}
	if next.ExpiresIn > 0 {
		// x/oauth2 dates the expiry on the wall clock; date it on ours, so
		// that a test clock and the fake's agree.
		next.Expiry = s.now().Add(time.Duration(next.ExpiresIn) * time.Second)
	}
	s.mu.Lock()
	s.tok, s.forced = next, false
	s.mu.Unlock()
	if s.save != nil {
		if err := s.store(next); err != nil {
			return nil, err
		}
	}
	return cloneToken(next), nil
}

// reloadOther returns the token in the store if it holds a refresh token
// other than refused, or nil (no store, an unreadable one, the same token).
func (s *TokenSource) reloadOther(refused string) *oauth2.Token {
	if s.reload == nil {
		return nil
	}
	saved, err := s.reload()
	if err != nil || saved == nil || saved.RefreshToken == "" || saved.RefreshToken == refused {
		return nil
	}
	return saved
}

// adopt makes saved, read from the store, the current token.
func (s *TokenSource) adopt(saved *oauth2.Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tok, s.forced, s.unsaved = cloneToken(saved), false, false
	s.dead, s.deadRefresh = nil, ""
}

// mintBounded mints within TokenRequestTimeout (x/oauth2 sends the token
// request with the context it is given), so that a hung request is
// abandoned and the next Token call sends a new one.
func (s *TokenSource) mintBounded(prev *oauth2.Token) (*oauth2.Token, error) {
	s.mu.Lock()
	bound := s.timeout // set once, but tests change it between calls
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(s.ctx, bound)
	defer cancel()
	next, err := s.mint(ctx, prev)
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && s.ctx.Err() == nil {
		return nil, fmt.Errorf("%w (no answer from the token endpoint within %v; the next call asks again)", err, bound)
	}
	return next, err
}

// store saves tok, remembering a failure so that the next Token tries again
// before handing the token out: a rotated refresh token that is only in
// memory is lost when the process ends.
func (s *TokenSource) store(tok *oauth2.Token) error {
	err := s.save(cloneToken(tok))
	s.mu.Lock()
	s.unsaved = err != nil
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("gototraining: %s: the new token could not be saved (it is kept in memory and saving is tried again): %w", s.kind, err)
	}
	return nil
}

// Invalidate drops the cached access token if it is accessToken.
func (s *TokenSource) Invalidate(accessToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && accessToken != "" && s.tok.AccessToken == accessToken {
		s.forced = true
	}
}

func (s *TokenSource) valid(tok *oauth2.Token) bool {
	if tok == nil || tok.AccessToken == "" {
		return false
	}
	return tok.Expiry.IsZero() || s.now().Add(expiryMargin).Before(tok.Expiry)
}

// String names the source without its secrets.
func (s *TokenSource) String() string { return "gototraining.TokenSource(" + s.kind + ")" }

// GoString is String, so that %#v shows no secret either.
func (s *TokenSource) GoString() string { return s.String() }

func cloneToken(t *oauth2.Token) *oauth2.Token {
	c := *t // the copy keeps the raw answer, so Extra("principal") still works
	return &c
}

// RefreshingTokenSource returns a source that starts from tok and refreshes
// it through conf (normally on [Endpoint]) when it nears its expiry or when
// GoTo refuses it. tok needs a refresh token. Each new token, with the
// refresh token GoTo may have rotated, is only in memory; use
// [StoredTokenSource] to keep it across restarts. A refresh refused with
// invalid_grant (the grant was revoked, or the refresh token rotated away)
// returns an error matching ErrReauthorizationRequired, then and on every
// later call, without asking GoTo again.
//
// ctx carries the HTTP client for the token endpoint, as with x/oauth2
// (oauth2.HTTPClient); it is kept, so it should not be a request's context.
// Each token request is bounded by [TokenRequestTimeout]. The client
// credentials go in a Basic header, as GoTo documents, whatever
// conf.Endpoint.AuthStyle says.
func RefreshingTokenSource(ctx context.Context, conf *oauth2.Config, tok *oauth2.Token) (*TokenSource, error) {
	if err := checkConfig("RefreshingTokenSource", conf, false); err != nil {
		return nil, err
	}
	if tok == nil || tok.RefreshToken == "" {
		return nil, errors.New("gototraining: RefreshingTokenSource: the token has no refresh token")
	}
	return newRefreshing(ctx, conf, tok, nil), nil
}

func newRefreshing(ctx context.Context, conf *oauth2.Config, tok *oauth2.Token, save func(*oauth2.Token) error) *TokenSource {
	c := basicAuthConfig(conf)
	s := &TokenSource{kind: "refresh", now: time.Now, timeout: TokenRequestTimeout, ctx: ctx, save: save, tok: cloneToken(tok)}
	s.mint = func(ctx context.Context, prev *oauth2.Token) (*oauth2.Token, error) {
		if prev == nil || prev.RefreshToken == "" {
			return nil, fmt.Errorf("gototraining: refresh: no refresh token: %w", ErrReauthorizationRequired)
		}
		// A one-off source: x/oauth2 refreshes a token without an access
		// token at once, and keeps the refresh token sent when the answer
		// brings none (GoTo rotates only an expired one).
		next, err := c.TokenSource(ctx, &oauth2.Token{RefreshToken: prev.RefreshToken}).Token()
		if err != nil {
			return nil, tokenEndpointError("refresh", err, append(clientSecrets(c), prev.RefreshToken)...)
		}
		return next, nil
	}
	return s
}

// basicAuthConfig returns a copy of conf (the caller's may change later)
// that sends the client credentials in a Basic header, as GoTo documents.
// With AuthStyleAutoDetect, x/oauth2 would send a refused refresh token,
// code or personal access token a second time in the form.
func basicAuthConfig(conf *oauth2.Config) *oauth2.Config {
	c := *conf
	if c.Endpoint.AuthStyle == oauth2.AuthStyleAutoDetect {
		c.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
	}
	return &c
}

// checkConfig refuses a config that cannot reach a token endpoint.
func checkConfig(fn string, conf *oauth2.Config, needAuthURL bool) error {
	switch {
	case conf == nil:
		return fmt.Errorf("gototraining: %s: the oauth2.Config is nil", fn)
	case conf.ClientID == "":
		return fmt.Errorf("gototraining: %s: the oauth2.Config has no ClientID", fn)
	case conf.Endpoint.TokenURL == "":
		return fmt.Errorf("gototraining: %s: the oauth2.Config has no Endpoint.TokenURL (use gototraining.Endpoint)", fn)
	case needAuthURL && conf.Endpoint.AuthURL == "":
		return fmt.Errorf("gototraining: %s: the oauth2.Config has no Endpoint.AuthURL (use gototraining.Endpoint)", fn)
	}
	return nil
}

// TokenError is a refusal of GoTo's token endpoint. It carries the OAuth
// error code and description (RFC 6749 §5.2), with any secret the request
// held (client secret, refresh token, code, personal access token) removed;
// never the raw body. A refused grant (invalid_grant) matches
// ErrReauthorizationRequired.
type TokenError struct {
	Grant       string // what was asked: "refresh", "personal access token", "authorization code"
	StatusCode  int    // HTTP status of the answer
	Code        string // OAuth error code, e.g. "invalid_grant", "invalid_client"
	Description string // OAuth error_description, secrets removed
}

func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "gototraining: %s: the token endpoint answered %d", e.Grant, e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, ": %s", e.Description)
	}
	switch e.Code {
	case "invalid_grant":
		b.WriteString(" (the user must authorize again)")
	case "invalid_client":
		b.WriteString(" (check the client id and secret)")
	}
	return b.String()
}

// Is matches ErrReauthorizationRequired for a refused grant.
func (e *TokenError) Is(target error) bool {
	return target == ErrReauthorizationRequired && e.Code == "invalid_grant"
}

// tokenEndpointError turns an x/oauth2 error into one that holds none of
// the secrets: oauth2.RetrieveError prints the whole answer body, which a
// misbehaving server may fill with what it was sent.
func tokenEndpointError(grant string, err error, secrets ...string) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		te := &TokenError{Grant: grant, Code: redactSecrets(re.ErrorCode, secrets), Description: redactSecrets(re.ErrorDescription, secrets)}
		if re.Response != nil {
			te.StatusCode = re.Response.StatusCode
		}
		if te.Code == "" && te.StatusCode == http.StatusUnauthorized {
			te.Code = "invalid_client"
		}
		return te
	}
	msg := fmt.Sprintf("gototraining: %s: %s", grant, err.Error())
	if clean := redactSecrets(msg, secrets); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return fmt.Errorf("gototraining: %s: %w", grant, err)
}

// minRedactedSecret is the shortest secret removed from error text; shorter
// ones would rewrite ordinary words.
const minRedactedSecret = 6

func redactSecrets(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) < minRedactedSecret {
			continue
		}
		// As sent in a form, and as a server may echo it in a URL.
		for _, form := range []string{sec, url.QueryEscape(sec), url.PathEscape(sec)} {
			s = strings.ReplaceAll(s, form, "[REDACTED]")
		}
	}
	return s
}

// clientSecrets are the forms in which the client secret travels: as is,
// and inside the Basic header x/oauth2 sends (RFC 6749 §2.3.1 escaping).
func clientSecrets(c *oauth2.Config) []string {
	if c.ClientSecret == "" {
		return nil
	}
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(c.ClientID) + ":" + url.QueryEscape(c.ClientSecret)))
	return []string{c.ClientSecret, basic}
}
