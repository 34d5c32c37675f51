package gototraining

import (
	"fmt"
	"net/url"
	"strings"
)

// Some answers hand the caller a URL: the recording download's Location,
// the manage and start links, the host URL. A hostile or broken server
// could put anything there, so each is checked the same way before it is
// returned or fetched.

// checkLink refuses a URL that is not absolute with a host, carries user
// info or the access token, or is not https. Plain http is accepted only
// where the API itself is plain http (a local fake or WithInsecureHTTP),
// and then, without WithInsecureHTTP, only towards a loopback host: an
// https API may never send the client to http://127.0.0.1 or a private
// address, where a local service could answer.
func (c *Client) checkLink(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, fmt.Errorf("the URL %s does not parse", quoteShort([]byte(c.tr.redact(raw))))
	case !u.IsAbs() || u.Host == "":
		return nil, fmt.Errorf("the URL %s is not absolute with a host", quoteShort([]byte(c.tr.redact(raw))))
	case c.tr.holdsToken(raw):
		return nil, fmt.Errorf("the URL carries the access token; it is refused so the token goes nowhere else")
	case u.User != nil:
		return nil, fmt.Errorf("the URL %s carries user info", quoteShort([]byte(sanitizeURL(u))))
	case u.Scheme == "https":
		return u, nil
	case u.Scheme == "http" && c.cfg.baseURL.Scheme == "http" && (c.cfg.allowHTTP || isLoopback(u.Hostname())):
		return u, nil
	}
	return nil, fmt.Errorf("the URL %s is %q, not https", quoteShort([]byte(sanitizeURL(u))), u.Scheme)
}

// holdsToken reports whether s carries the last access token sent, as it
// is or percent-encoded. Tokens shorter than minRedactedToken are not
// looked for: they would match ordinary text.
func (t *transport) holdsToken(s string) bool {
	p := t.lastToken.Load()
	if p == nil || len(*p) < minRedactedToken {
		return false
	}
	if strings.Contains(s, *p) {
		return true
	}
	for _, unescape := range []func(string) (string, error){url.PathUnescape, url.QueryUnescape} {
		if u, err := unescape(s); err == nil && strings.Contains(u, *p) {
			return true
		}
	}
	return false
}
