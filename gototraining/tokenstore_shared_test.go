package gototraining_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/gototraining-go/gototraining/gototraining"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// slowSaveStore holds its first Save until release is closed, after
// closing saving: a process whose refresh GoTo has answered but whose
// token is not in the file yet.
type slowSaveStore struct {
	gototraining.TokenStore
	once    sync.Once
	saving  chan struct{}
	release chan struct{}
}

func (s *slowSaveStore) Save(ctx context.Context, tok *oauth2.Token) error {
	s.once.Do(func() {
		close(s.saving)
		<-s.release
	})
	return s.TokenStore.Save(ctx, tok)
}

// Two processes share a store and refresh at the same moment under
// RotateAlways. The loser's refresh token was rotated away, and the store
// still holds it because the winner's Save has not finished: the loser's
// call fails. Once the winner's token is saved, the loser's next call
// takes it from the store (its access token is still valid: no refresh).
func TestStoredTokenSourceLoserRecovers(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newAuthFake(t, gototrainingtest.RotateAlways, clock)
	file := newFileStore(t)
	if err := file.Save(t.Context(), srv.IssueToken()); err != nil {
		t.Fatal(err)
	}
	slow := &slowSaveStore{TokenStore: file, saving: make(chan struct{}), release: make(chan struct{})}
	newSource := func(store gototraining.TokenStore) *gototraining.TokenSource {
		ts, err := gototraining.StoredTokenSource(context.Background(), srv.OAuthConfig(""), store)
		if err != nil {
			t.Fatal(err)
		}
		gototraining.SetTokenSourceClock(ts, clock.Now)
		return ts
	}
	winner, loser := newSource(slow), newSource(file)
	clock.Advance(time.Hour) // both access tokens expire

	type result struct {
		tok *oauth2.Token
		err error
	}
	won := make(chan result, 1)
	go func() {
		tok, err := winner.Token()
		won <- result{tok, err}
	}()
	<-slow.saving // the winner refreshed; its Save is in progress
	if _, err := loser.Token(); !errors.Is(err, gototraining.ErrReauthorizationRequired) {
		t.Errorf("the loser during the winner's Save: %v, want ErrReauthorizationRequired", err)
	}
	close(slow.release)
	w := <-won
	if w.err != nil {
		t.Fatalf("the winner: %v", w.err)
	}
	got, err := loser.Token()
	if err != nil {
		t.Fatalf("the loser after the winner saved: %v", err)
	}
	if got.AccessToken != w.tok.AccessToken {
		t.Error("the loser does not use the winner's saved access token")
	}
	if n := srv.TokenRequests(gototrainingtest.GrantRefreshToken); n != 2 {
		t.Errorf("refresh requests = %d, want 2 (the winner's, the loser's refused one)", n)
	}
}

// A source that was refused stays refused, without asking GoTo, while the
// store holds the same refresh token; a new login saved there by another
// process brings it back.
func TestStoredTokenSourceDeadUntilNewLogin(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, clock)
	file := newFileStore(t)
	first := srv.IssueToken()
	if err := file.Save(t.Context(), first); err != nil {
		t.Fatal(err)
	}
	ts, err := gototraining.StoredTokenSource(context.Background(), srv.OAuthConfig(""), file)
	if err != nil {
		t.Fatal(err)
	}
	gototraining.SetTokenSourceClock(ts, clock.Now)
	srv.Revoke(first.RefreshToken)
	clock.Advance(time.Hour)
	for i := range 3 {
		if _, err := ts.Token(); !errors.Is(err, gototraining.ErrReauthorizationRequired) {
			t.Errorf("call %d with a revoked grant: %v, want ErrReauthorizationRequired", i+1, err)
		}
	}
	if n := srv.TokenRequests(gototrainingtest.GrantRefreshToken); n != 1 {
		t.Errorf("refresh requests while refused = %d, want 1", n)
	}
	login := srv.IssueToken() // another process signs in again and saves
	if err := file.Save(t.Context(), login); err != nil {
		t.Fatal(err)
	}
	got, err := ts.Token()
	if err != nil {
		t.Fatalf("after a new login was saved: %v", err)
	}
	if got.AccessToken != login.AccessToken {
		t.Error("the source does not use the newly saved access token")
	}
}
