package gototraining

import (
	"context"
	"net"
	"os"
	"time"

	"golang.org/x/oauth2"
)

// SetTokenSourceClock makes s date and check expiries on now, so that tests
// can share the fake's clock.
func SetTokenSourceClock(s *TokenSource, now func() time.Time) { s.now = now }

// SetFileTokenStoreHooks replaces the write and rename steps of Save (nil
// keeps a step as it is), to simulate a crash between them.
func SetFileTokenStoreHooks(s *FileTokenStore, write func(*os.File, []byte) (int, error), rename func(oldpath, newpath string) error) {
	if write != nil {
		s.write = write
	}
	if rename != nil {
		s.rename = rename
	}
}

// SetTokenRequestTimeout bounds each token request of s by d instead of
// TokenRequestTimeout, so that a test of a hung request is short.
func SetTokenRequestTimeout(s *TokenSource, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.timeout = d
}

// SetFileTokenStoreUID makes s take uid() as the current user's id, so that
// a test can present a file owned by someone else.
func SetFileTokenStoreUID(s *FileTokenStore, uid func() int) { s.uid = uid }

// LoginWithBrowserListener is LoginWithBrowser with wrap applied to its
// loopback listener, so that a test can see it closed.
func LoginWithBrowserListener(ctx context.Context, conf *oauth2.Config, openBrowser func(string) error, wrap func(net.Listener) net.Listener) (*oauth2.Token, error) {
	return loginWithBrowser(ctx, conf, openBrowser, wrap)
}
