package gototraining

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// PersonalAccessTokenSource returns a source of access tokens for GoTo's
// personal_access_token grant, for services without a browser: a user makes
// a personal access token in GoTo's web interface, and the OAuth client
// (conf's ClientID and ClientSecret, with the grant enabled on it) trades it
// for one-hour access tokens, again whenever one nears its expiry or GoTo
// refuses it. conf.RedirectURL and conf.Scopes are not used. A personal
// access token that GoTo refuses (invalid_grant: revoked or expired) returns
// an error matching ErrReauthorizationRequired: the user must make a new
// one.
//
// Source: developer.goto.com/guides/Authentication/03.1_HOW_accessTokenPAT
// (grant_type=personal_access_token&pat=..., Basic client authentication).
//
// ctx carries the HTTP client for the token endpoint, as with x/oauth2; it
// is kept, so it should not be a request's context. Each token request is
// bounded by [TokenRequestTimeout].
func PersonalAccessTokenSource(ctx context.Context, conf *oauth2.Config, pat string) (*TokenSource, error) {
	if err := checkConfig("PersonalAccessTokenSource", conf, false); err != nil {
		return nil, err
	}
	pat = strings.TrimSpace(pat) // the newline at the end of a secret file
	if pat == "" {
		return nil, errors.New("gototraining: PersonalAccessTokenSource: the personal access token is empty")
	}
	if i := strings.IndexFunc(pat, func(r rune) bool { return r <= 0x20 || r >= 0x7f }); i >= 0 {
		return nil, fmt.Errorf("gototraining: PersonalAccessTokenSource: the personal access token has a character that is not visible ASCII (byte %d of %d)", i, len(pat))
	}
	conf = basicAuthConfig(conf) // what GoTo documents; no probing with the PAT
	cc := &clientcredentials.Config{
		ClientID:     conf.ClientID,
		ClientSecret: conf.ClientSecret,
		TokenURL:     conf.Endpoint.TokenURL,
		AuthStyle:    conf.Endpoint.AuthStyle,
		// clientcredentials lets EndpointParams override grant_type, for
		// servers with grants of their own such as GoTo's.
		EndpointParams: url.Values{"grant_type": {"personal_access_token"}, "pat": {pat}},
	}
	secrets := append(clientSecrets(conf), pat)
	s := &TokenSource{kind: "personal access token", now: time.Now, timeout: TokenRequestTimeout, ctx: ctx}
	s.mint = func(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
		tok, err := cc.Token(ctx)
		if err != nil {
			return nil, tokenEndpointError("personal access token", err, secrets...)
		}
		return tok, nil
	}
	return s, nil
}
