package gototraining_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/gototraining-go/gototraining/gototraining"
)

// The secrets of the credential tests: distinctive, so that any 12
// characters of one are easy to find, and with the characters a form
// escapes (+ / =), as base64 secrets have, so that the escaped forms a
// token endpoint may echo are exercised too.
const (
	secretClient  = "gtt-CLIENT+SECRET/9d41c07e=never+print/A="
	secretRefresh = "gtt-REFRESH+TOKEN/52be18aa=never+print/B="
	secretPAT     = "gtt-PERSONAL+TOKEN/7a0f33c1=never+print/C="
	secretCode    = "gtt-AUTH+CODE/e81d4b09=never+print/D=="
)

var credentialSecrets = func() []string {
	var out []string
	for _, sec := range []string{secretClient, secretRefresh, secretPAT, secretCode} {
		// As is, and form-escaped as x/oauth2 sends it (+ as %2B, / as
		// %2F, = as %3D).
		out = append(out, sec, url.QueryEscape(sec))
	}
	// The Basic header x/oauth2 sends carries the client secret in base64,
	// form-escaped first (RFC 6749 §2.3.1).
	return append(out,
		base64.StdEncoding.EncodeToString([]byte("client-id:"+url.QueryEscape(secretClient))),
		base64.StdEncoding.EncodeToString([]byte("client-id:"+secretClient)))
}()

// assertNoCredentialSecret fails t for every captured text holding any 12
// characters of a credential secret.
func (s *textSink) assertNoCredentialSecret(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.texts {
		for _, sec := range credentialSecrets {
			if piece, ok := leaks(c.text, sec); ok {
				t.Errorf("%s (%s) carries %q of a secret: %s", c.kind, c.where, piece, c.text)
			}
		}
	}
}

// echoingTokenServer is a hostile token endpoint that answers status with
// everything it was sent (the Authorization header and the form) in the
// error description, or, for a non-JSON answer, in the body.
func echoingTokenServer(t *testing.T, status int, asJSON bool) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		echo := fmt.Sprintf("you sent %s with %s and %v", r.Header.Get("Authorization"), body, form)
		if !asJSON {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, echo)
			return
		}
		code := "invalid_grant"
		if status == http.StatusUnauthorized {
			code = "invalid_client"
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": echo})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func hostileConfig(tokenURL string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: "client-id", ClientSecret: secretClient,
		Endpoint: oauth2.Endpoint{AuthURL: tokenURL + "/authorize", TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInHeader},
	}
}

// No error of the new credential code, whatever a token endpoint answers,
// and no log line or printed form of its types, shows a client secret,
// refresh token, personal access token or authorization code.
func TestCredentialErrorsDoNotCarrySecrets(t *testing.T) {
	t.Parallel()
	sink := &textSink{}
	for _, answer := range []struct {
		status int
		json   bool
	}{{400, true}, {401, true}, {500, false}, {400, false}} {
		where := fmt.Sprintf("%d json=%t", answer.status, answer.json)
		conf := hostileConfig(echoingTokenServer(t, answer.status, answer.json))

		refresh, err := gototraining.RefreshingTokenSource(context.Background(), conf, &oauth2.Token{RefreshToken: secretRefresh})
		if err != nil {
			t.Fatal(err)
		}
		_, err = refresh.Token()
		if err == nil {
			t.Fatalf("%s: refresh against a refusing endpoint succeeded", where)
		}
		sink.addError("refresh "+where, err)

		pat, err := gototraining.PersonalAccessTokenSource(context.Background(), conf, secretPAT)
		if err != nil {
			t.Fatal(err)
		}
		_, err = pat.Token()
		sink.addError("pat "+where, err)

		// The same through a client, with its logger on.
		c, err := gototraining.NewClient(gototraining.WithBaseURL("http://127.0.0.1:9"), gototraining.WithTokenSource(pat),
			gototraining.WithLogger(sink.logger("client "+where)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Trainings.List(t.Context(), 1)
		sink.addError("client "+where, err)

		_, err = gototraining.LoginWithBrowser(t.Context(), conf, func(authURL string) error {
			u, _ := url.Parse(authURL)
			q := u.Query()
			back := q.Get("redirect_uri") + "?" + url.Values{"state": {q.Get("state")}, "code": {secretCode}}.Encode()
			return browser(t.Context())(back)
		})
		if err == nil {
			t.Fatalf("%s: login against a refusing endpoint succeeded", where)
		}
		sink.addError("login "+where, err)

		for _, v := range []any{refresh, pat} {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
				sink.add("source "+verb, where, fmt.Sprintf(verb, v))
			}
		}
	}
	if n := sink.count("error"); n < 16 {
		t.Fatalf("only %d errors captured; the test did not run its cases", n)
	}
	sink.assertNoCredentialSecret(t)
}

// A refused refresh at GoTo's documented endpoint says what to do next.
func TestTokenErrorText(t *testing.T) {
	t.Parallel()
	conf := hostileConfig(echoingTokenServer(t, 400, true))
	ts, err := gototraining.RefreshingTokenSource(context.Background(), conf, &oauth2.Token{RefreshToken: secretRefresh})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.Token()
	if err == nil || !strings.Contains(err.Error(), "invalid_grant") || !strings.Contains(err.Error(), "authorize again") {
		t.Errorf("err = %v, want invalid_grant and what to do", err)
	}
}
