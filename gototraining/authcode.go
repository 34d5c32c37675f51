package gototraining

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// LoginWithBrowser runs GoTo's authorization-code flow for a command-line
// program: it listens on 127.0.0.1, calls openBrowser with the authorize
// URL (which carries a random state), waits for GoTo to redirect the
// browser back with a code and the login's state, exchanges the code (once) and
// returns the token, with its refresh token: Save it in a [TokenStore] and
// build clients from [StoredTokenSource]. A request to the listener without
// the login's state (a stale tab, another local program) is answered 400
// and the login keeps waiting; an error from GoTo with the login's state
// (the user refused) ends it. The listener is closed before it returns;
// ctx bounds the whole login, and the code exchange is also bounded by
// [TokenRequestTimeout].
//
// The redirect URL is conf.RedirectURL, which must then be an http URL on
// 127.0.0.1 with a port, such as http://127.0.0.1:8765/callback, registered
// on the OAuth client in GoTo's developer portal. Without one, a free port
// is picked and http://127.0.0.1:PORT/callback is used, which works only
// with servers that accept any loopback port (RFC 8252 §7.3).
//
// openBrowser is called once; it may start a browser (for example with
// xdg-open or open) or print the URL for the user to open. Tests pass a
// function that follows the URL with an http.Client.
//
// GoTo's documentation of the flow (developer.goto.com/guides/
// Authentication/03_HOW_accessToken) mentions no PKCE, so none is sent.
func LoginWithBrowser(ctx context.Context, conf *oauth2.Config, openBrowser func(authURL string) error) (*oauth2.Token, error) {
	return loginWithBrowser(ctx, conf, openBrowser, nil)
}

// loginWithBrowser is LoginWithBrowser; tests pass wrap to watch the
// listener (nil leaves it as it is).
func loginWithBrowser(ctx context.Context, conf *oauth2.Config, openBrowser func(authURL string) error, wrap func(net.Listener) net.Listener) (*oauth2.Token, error) {
	if err := checkConfig("LoginWithBrowser", conf, true); err != nil {
		return nil, err
	}
	if openBrowser == nil {
		return nil, errors.New("gototraining: LoginWithBrowser: openBrowser is nil")
	}
	addr, path, err := loopbackRedirect(conf.RedirectURL)
	if err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("gototraining: LoginWithBrowser: listening for the redirect: %w", err)
	}
	if wrap != nil {
		ln = wrap(ln)
	}
	c := *basicAuthConfig(conf) // no second try of a refused code in the form
	if c.RedirectURL == "" {
		c.RedirectURL = "http://" + ln.Addr().String() + path
	}
	state, err := randomState()
	if err != nil {
		_ = ln.Close()
		return nil, err
	}

	type result struct {
		tok *oauth2.Token
		err error
	}
	results := make(chan result, 1)
	var claimed atomic.Bool // a redirect with the login's state came
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		q := r.URL.Query()
		// Only the redirect that carries this login's state ends it: a
		// request from a stale tab or from any local program is refused
		// and the login keeps waiting, so it cannot be aborted by them.
		if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprintln(w, "This is not the redirect of the login in progress (its state does not match); the login is still waiting.")
			return
		}
		if !claimed.CompareAndSwap(false, true) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprintln(w, "This login has already received its redirect.")
			return
		}
		tok, err := exchangeCallback(ctx, &c, q)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprintln(w, "Login failed; see the program's output.")
		} else {
			_, _ = fmt.Fprintln(w, "Logged in to GoTo; you may close this window.")
		}
		results <- result{tok, err}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		// Shutdown lets the handler finish its answer to the browser;
		// Close then drops whatever is left. Serve may not have started
		// yet (it would then close ln only when it does): close ln here,
		// so that nothing listens once the login returns.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		_ = srv.Close()
		_ = ln.Close()
	}()

	if err := openBrowser(c.AuthCodeURL(state)); err != nil {
		return nil, fmt.Errorf("gototraining: LoginWithBrowser: opening the browser: %w", err)
	}
	select {
	case r := <-results:
		return r.tok, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("gototraining: LoginWithBrowser: waiting for the browser: %w", ctx.Err())
	}
}

// exchangeCallback checks the query of the redirect that carries the
// login's state and exchanges its code. Errors never quote the code or the
// state.
func exchangeCallback(ctx context.Context, c *oauth2.Config, q url.Values) (*oauth2.Token, error) {
	if e := q.Get("error"); e != "" {
		return nil, fmt.Errorf("gototraining: LoginWithBrowser: GoTo refused the authorization: %s %s", strconv.Quote(e), strconv.Quote(q.Get("error_description")))
	}
	code := q.Get("code")
	if code == "" {
		return nil, errors.New("gototraining: LoginWithBrowser: the redirect has no code")
	}
	ctx, cancel := context.WithTimeout(ctx, TokenRequestTimeout)
	defer cancel()
	tok, err := c.Exchange(ctx, code)
	if err != nil {
		return nil, tokenEndpointError("authorization code", err, append(clientSecrets(c), code)...)
	}
	return tok, nil
}

// loopbackRedirect returns where to listen for redirect (empty: any free
// port on 127.0.0.1) and the callback path.
func loopbackRedirect(redirect string) (addr, path string, err error) {
	if redirect == "" {
		return "127.0.0.1:0", "/callback", nil
	}
	u, err := url.Parse(redirect)
	if err != nil {
		return "", "", fmt.Errorf("gototraining: LoginWithBrowser: RedirectURL: %w", err)
	}
	host, port := u.Hostname(), u.Port()
	ip := net.ParseIP(host)
	switch {
	case u.Scheme != "http":
		return "", "", fmt.Errorf("gototraining: LoginWithBrowser: RedirectURL %q: the scheme must be http (http://127.0.0.1:PORT/...); the program listens there itself", redirect)
	case ip == nil || !ip.IsLoopback() || ip.To4() == nil:
		// Not "localhost": a browser may resolve it to ::1, where nothing
		// listens (RFC 8252 §8.3 recommends the literal).
		return "", "", fmt.Errorf("gototraining: LoginWithBrowser: RedirectURL %q: the host must be the loopback address 127.0.0.1", redirect)
	case port == "" || port == "0":
		return "", "", fmt.Errorf("gototraining: LoginWithBrowser: RedirectURL %q: needs an explicit port, the one registered on the OAuth client", redirect)
	case u.RawQuery != "" || u.Fragment != "":
		return "", "", fmt.Errorf("gototraining: LoginWithBrowser: RedirectURL %q: a query or fragment is not allowed", redirect)
	}
	path = u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return net.JoinHostPort("127.0.0.1", port), path, nil
}

// randomState is 256 bits from crypto/rand, URL-safe.
func randomState() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("gototraining: LoginWithBrowser: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
