package gototraining_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/gototraining-go/gototraining/gototraining"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// fakeClock is a clock the test moves by hand, shared by the fake and the
// token sources so that expiries agree.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 26, 8, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newAuthFake starts the fake with its authorization server on clock.
func newAuthFake(t *testing.T, r gototrainingtest.Rotation, clock *fakeClock) *gototrainingtest.Server {
	t.Helper()
	return gototrainingtest.NewServer(t, fakeOptions(
		gototrainingtest.WithAuthServer(r),
		gototrainingtest.WithClock(clock.Now),
	)...)
}

func newAuthClient(t *testing.T, srv *gototrainingtest.Server, ts oauth2.TokenSource) *gototraining.Client {
	t.Helper()
	c, err := gototraining.NewClient(gototraining.WithBaseURL(srv.URL), gototraining.WithTokenSource(ts))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// recordingStore is a TokenStore that keeps every saved token, over a file.
type recordingStore struct {
	gototraining.TokenStore
	mu    sync.Mutex
	saved []*oauth2.Token
}

func (s *recordingStore) Save(ctx context.Context, tok *oauth2.Token) error {
	if err := s.TokenStore.Save(ctx, tok); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saved = append(s.saved, tok)
	return nil
}

func (s *recordingStore) refreshTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, t := range s.saved {
		out = append(out, t.RefreshToken)
	}
	return out
}

func newFileStore(t *testing.T) *gototraining.FileTokenStore {
	t.Helper()
	st, err := gototraining.NewFileTokenStore(filepath.Join(t.TempDir(), "state", "goto-token.json"))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// everyService makes one call of each service (a creating call among them)
// and returns the errors.
func everyService(ctx context.Context, c *gototraining.Client, srv *gototrainingtest.Server, round int) []error {
	org := gototraining.OrganizerKey(srv.OrganizerKey())
	var errs []error
	add := func(what string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("round %d, %s: %w", round, what, err))
		}
	}
	_, err := c.Organizers.List(ctx, gototraining.AccountKey(srv.AccountKey()))
	add("Organizers.List", err)
	start := time.Date(2026, 4, 1, 15, 0, 0, 0, time.UTC)
	key, err := c.Trainings.Schedule(ctx, org, gototraining.ScheduleTrainingRequest{
		Name: fmt.Sprintf("Session %d", round), TimeZone: "UTC",
		Times: []gototraining.TimeRange{{Start: start, End: start.Add(time.Hour)}},
	})
	add("Trainings.Schedule", err)
	if err != nil {
		return errs
	}
	_, err = c.Trainings.Get(ctx, org, key)
	add("Trainings.Get", err)
	_, err = c.Trainings.List(ctx, org)
	add("Trainings.List", err)
	_, err = c.Registrants.Register(ctx, org, key, gototraining.RegisterForTrainingRequest{Email: fmt.Sprintf("l%d@example.com", round), GivenName: "Ada", Surname: "Lovelace"})
	add("Registrants.Register", err)
	_, err = c.Registrants.List(ctx, org, key)
	add("Registrants.List", err)
	_, err = c.Reports.Sessions(ctx, org, start.Add(-24*time.Hour), start)
	add("Reports.Sessions", err)
	_, err = c.Recordings.List(ctx, key)
	add("Recordings.List", err)
	return errs
}

// A three-hour session, a call round every ten minutes, lives through three
// access-token expiries: no call fails, every rotated token is saved, and
// the file holds the last one. Once with the client's clock in step with
// GoTo's (the source refreshes ahead of expiry), once with the client
// unaware of the expiry (GoTo refuses the token; the call is repeated).
func TestCredentialsThreeHourSession(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		inStep    bool
		wantCalls int // requests of getAllOrganisers, each round's first call: one per round, plus the refused ones
	}{
		{"refresh ahead of expiry", true, 19},
		{"refresh when refused", false, 19 + 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := newFakeClock()
			srv := newAuthFake(t, gototrainingtest.RotateAlways, clock)
			file := newFileStore(t)
			store := &recordingStore{TokenStore: file}
			first := srv.IssueToken()
			if !tc.inStep {
				first.Expiry = time.Time{} // the client knows nothing of GoTo's clock
			}
			if err := file.Save(t.Context(), first); err != nil {
				t.Fatal(err)
			}
			ts, err := gototraining.StoredTokenSource(context.Background(), srv.OAuthConfig(""), store)
			if err != nil {
				t.Fatal(err)
			}
			if tc.inStep {
				gototraining.SetTokenSourceClock(ts, clock.Now)
			}
			c := newAuthClient(t, srv, ts)

			failed := 0
			for round := range 19 { // 0, 10, ..., 180 minutes
				for _, err := range everyService(t.Context(), c, srv, round) {
					failed++
					t.Error(err)
				}
				clock.Advance(10 * time.Minute)
			}
			if failed != 0 {
				t.Errorf("%d calls failed, want 0", failed)
			}
			if got := srv.TokenRequests(gototrainingtest.GrantRefreshToken); got != 3 {
				t.Errorf("refresh requests = %d, want 3 (one per expiry)", got)
			}
			if got := srv.Calls("getAllOrganisers"); got != tc.wantCalls {
				t.Errorf("getAllOrganisers requests = %d, want %d", got, tc.wantCalls)
			}
			saved := store.refreshTokens()
			if len(saved) != 3 {
				t.Fatalf("saved %d tokens, want 3 (one per rotation)", len(saved))
			}
			seen := map[string]bool{first.RefreshToken: true}
			for i, rt := range saved {
				if rt == "" || seen[rt] {
					t.Errorf("saved token %d does not carry a new refresh token", i)
				}
				seen[rt] = true
			}
			onDisk, err := file.Load(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if onDisk.RefreshToken != saved[len(saved)-1] {
				t.Error("the file does not hold the last rotated refresh token")
			}
			fi, err := os.Stat(file.Path())
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != 0o600 {
				t.Errorf("token file mode %04o, want 0600", got)
			}
			t.Logf("token requests: %d refresh; calls failed: %d; file mode %04o", srv.TokenRequests(gototrainingtest.GrantRefreshToken), failed, fi.Mode().Perm())
		})
	}
}

// A token revoked mid-session costs one token request and one repeat, for
// a read and for a creating call, which is not made twice.
func TestCredentialsRevokedMidSession(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, clock)
	tok := srv.IssueToken()
	ts, err := gototraining.RefreshingTokenSource(context.Background(), srv.OAuthConfig(""), tok)
	if err != nil {
		t.Fatal(err)
	}
	gototraining.SetTokenSourceClock(ts, clock.Now)
	c := newAuthClient(t, srv, ts)
	org := gototraining.OrganizerKey(srv.OrganizerKey())
	if _, err := c.Trainings.List(t.Context(), org); err != nil {
		t.Fatal(err)
	}
	srv.Revoke(tok.AccessToken)
	start := time.Date(2026, 4, 1, 15, 0, 0, 0, time.UTC)
	if _, err := c.Trainings.Schedule(t.Context(), org, gototraining.ScheduleTrainingRequest{
		Name: "After revocation", TimeZone: "UTC",
		Times: []gototraining.TimeRange{{Start: start, End: start.Add(time.Hour)}},
	}); err != nil {
		t.Fatalf("Schedule after the token was revoked: %v", err)
	}
	got := map[string]int{
		"refresh requests":         srv.TokenRequests(gototrainingtest.GrantRefreshToken),
		"scheduleTraining sent":    srv.Calls("scheduleTraining"),
		"trainings made":           len(srv.Trainings()),
		"getAllTrainings sent":     srv.Calls("getAllTrainings"),
		"token requests, in total": srv.TokenRequests(""),
	}
	want := map[string]int{
		"refresh requests":         1,
		"scheduleTraining sent":    2, // refused, then repeated
		"trainings made":           1,
		"getAllTrainings sent":     1,
		"token requests, in total": 1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}

// 32 callers on the same dead token cause exactly one token request, and
// none of them fails.
func TestCredentialsDeadTokenConcurrent(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newAuthFake(t, gototrainingtest.RotateAlways, clock)
	tok := srv.IssueToken()
	ts, err := gototraining.RefreshingTokenSource(context.Background(), srv.OAuthConfig(""), tok)
	if err != nil {
		t.Fatal(err)
	}
	gototraining.SetTokenSourceClock(ts, clock.Now)
	c := newAuthClient(t, srv, ts)
	org := gototraining.OrganizerKey(srv.OrganizerKey())
	srv.Revoke(tok.AccessToken)

	const callers = 32
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			<-start
			_, err := c.Trainings.List(t.Context(), org)
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			failed++
			t.Error(err)
		}
	}
	if got := srv.TokenRequests(""); got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
	// Each caller succeeds once, so 32 sends succeed; before them, each
	// caller sent the dead token at most once (a repeat is made once), and
	// at least one caller sent it to learn that it is dead.
	if got := srv.Calls("getAllTrainings"); got < callers+1 || got > 2*callers {
		t.Errorf("getAllTrainings sent %d times, want %d to %d (each caller at most once with the dead token, once with the new one)", got, callers+1, 2*callers)
	}
	t.Logf("%d callers: %d token request, %d failed, %d requests of getAllTrainings", callers, srv.TokenRequests(""), failed, srv.Calls("getAllTrainings"))
}

// A revoked refresh token: the caller learns that the user must authorize
// again; the API call is not sent twice, and later calls send nothing.
func TestCredentialsRevokedRefreshToken(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, clock)
	tok := srv.IssueToken()
	ts, err := gototraining.RefreshingTokenSource(context.Background(), srv.OAuthConfig(""), tok)
	if err != nil {
		t.Fatal(err)
	}
	gototraining.SetTokenSourceClock(ts, clock.Now)
	c := newAuthClient(t, srv, ts)
	org := gototraining.OrganizerKey(srv.OrganizerKey())
	srv.Revoke(tok.AccessToken)
	srv.Revoke(tok.RefreshToken)

	start := time.Date(2026, 4, 1, 15, 0, 0, 0, time.UTC)
	for i := range 2 {
		_, err := c.Trainings.Schedule(t.Context(), org, gototraining.ScheduleTrainingRequest{
			Name: "Never made", TimeZone: "UTC",
			Times: []gototraining.TimeRange{{Start: start, End: start.Add(time.Hour)}},
		})
		if !errors.Is(err, gototraining.ErrReauthorizationRequired) {
			t.Errorf("call %d: %v, want ErrReauthorizationRequired", i+1, err)
		}
		if errors.Is(err, gototraining.ErrOutcomeUnknown) {
			t.Errorf("call %d: %v matches ErrOutcomeUnknown, but GoTo refused before acting", i+1, err)
		}
		var te *gototraining.TokenError
		if !errors.As(err, &te) || te.Code != "invalid_grant" {
			t.Errorf("call %d: %v, want a *TokenError with invalid_grant", i+1, err)
		}
	}
	if got := srv.Calls("scheduleTraining"); got != 1 {
		t.Errorf("scheduleTraining sent %d times, want 1 (the refused one)", got)
	}
	if got := srv.TokenRequests(gototrainingtest.GrantRefreshToken); got != 1 {
		t.Errorf("refresh requests = %d, want 1", got)
	}
	if n := len(srv.Trainings()); n != 0 {
		t.Errorf("%d trainings made, want 0", n)
	}
}

// A static token, and a plain oauth2.TokenSource that cannot be told to
// drop its token, are never repeated: the refusal is ErrUnauthorized.
func TestCredentialsNoRepeatWithoutRenewableSource(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, clock)
	org := gototraining.OrganizerKey(srv.OrganizerKey())
	for i, opt := range []func(*oauth2.Token) gototraining.Option{
		func(tok *oauth2.Token) gototraining.Option { return gototraining.WithAccessToken(tok.AccessToken) },
		func(tok *oauth2.Token) gototraining.Option {
			return gototraining.WithTokenSource(srv.OAuthConfig("").TokenSource(context.Background(), tok))
		},
	} {
		tok := srv.IssueToken()
		tok.Expiry = time.Time{} // dated on the fake's clock, which x/oauth2 does not share
		c, err := gototraining.NewClient(gototraining.WithBaseURL(srv.URL), opt(tok))
		if err != nil {
			t.Fatal(err)
		}
		srv.Revoke(tok.AccessToken)
		before := srv.Calls("getAllTrainings")
		if _, err := c.Trainings.List(t.Context(), org); !errors.Is(err, gototraining.ErrUnauthorized) {
			t.Errorf("source %d: %v, want ErrUnauthorized", i, err)
		}
		if got := srv.Calls("getAllTrainings") - before; got != 1 {
			t.Errorf("source %d: sent %d times, want 1", i, got)
		}
	}
	if got := srv.TokenRequests(""); got != 0 {
		t.Errorf("token requests = %d, want 0", got)
	}
}

// badSource mints tokens GoTo never issued.
type badSource struct {
	mu    sync.Mutex
	mints int
	cur   string
}

func (s *badSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == "" {
		s.mints++
		s.cur = fmt.Sprintf("never-issued-token-%d", s.mints)
	}
	return &oauth2.Token{AccessToken: s.cur}, nil
}

func (s *badSource) Invalidate(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok == s.cur {
		s.cur = ""
	}
}

// A call refused again with the new token is returned as ErrUnauthorized
// after exactly one repeat.
func TestCredentialsSecondRefusal(t *testing.T) {
	t.Parallel()
	srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, newFakeClock())
	src := &badSource{}
	c := newAuthClient(t, srv, src)
	_, err := c.Trainings.List(t.Context(), gototraining.OrganizerKey(srv.OrganizerKey()))
	if !errors.Is(err, gototraining.ErrUnauthorized) {
		t.Errorf("err = %v, want ErrUnauthorized", err)
	}
	if got := srv.Calls("getAllTrainings"); got != 2 {
		t.Errorf("sent %d times, want 2 (the call and its one repeat)", got)
	}
	if src.mints != 2 {
		t.Errorf("tokens minted = %d, want 2", src.mints)
	}
}

// The personal-access-token source mints a token, mints again when it
// expires, and reports a revoked PAT as ErrReauthorizationRequired.
func TestCredentialsPersonalAccessToken(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, clock)
	pat := srv.IssuePersonalAccessToken()
	ts, err := gototraining.PersonalAccessTokenSource(context.Background(), srv.OAuthConfig(""), pat+"\n")
	if err != nil {
		t.Fatal(err)
	}
	gototraining.SetTokenSourceClock(ts, clock.Now)
	c := newAuthClient(t, srv, ts)
	org := gototraining.OrganizerKey(srv.OrganizerKey())
	for range 3 {
		if _, err := c.Trainings.List(t.Context(), org); err != nil {
			t.Fatal(err)
		}
		clock.Advance(30 * time.Minute)
	}
	if got := srv.TokenRequests(gototrainingtest.GrantPersonalAccessToken); got != 2 {
		t.Errorf("PAT token requests over 90 minutes = %d, want 2", got)
	}
	srv.Revoke(pat)
	clock.Advance(time.Hour)
	if _, err := c.Trainings.List(t.Context(), org); !errors.Is(err, gototraining.ErrReauthorizationRequired) {
		t.Errorf("revoked PAT: %v, want ErrReauthorizationRequired", err)
	}
	for _, bad := range []string{"", "  ", "has space"} {
		if _, err := gototraining.PersonalAccessTokenSource(context.Background(), srv.OAuthConfig(""), bad); err == nil {
			t.Errorf("PAT %q accepted", bad)
		}
	}
	if _, err := gototraining.PersonalAccessTokenSource(context.Background(), &oauth2.Config{ClientID: "x"}, pat); err == nil {
		t.Error("a config without TokenURL accepted")
	}
}

func TestStoredTokenSourceEmptyStore(t *testing.T) {
	t.Parallel()
	srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, newFakeClock())
	_, err := gototraining.StoredTokenSource(context.Background(), srv.OAuthConfig(""), newFileStore(t))
	if !errors.Is(err, gototraining.ErrReauthorizationRequired) {
		t.Errorf("empty store: %v, want ErrReauthorizationRequired", err)
	}
}

// Another process sharing the store rotated the refresh token: this one
// picks the new token up from the store instead of failing, and uses its
// still valid access token rather than refreshing (which would rotate the
// other process's refresh token away in turn).
func TestStoredTokenSourceSharedStore(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newAuthFake(t, gototrainingtest.RotateAlways, clock)
	file := newFileStore(t)
	if err := file.Save(t.Context(), srv.IssueToken()); err != nil {
		t.Fatal(err)
	}
	var sources []*gototraining.TokenSource
	for range 2 {
		ts, err := gototraining.StoredTokenSource(context.Background(), srv.OAuthConfig(""), file)
		if err != nil {
			t.Fatal(err)
		}
		gototraining.SetTokenSourceClock(ts, clock.Now)
		sources = append(sources, ts)
	}
	clock.Advance(time.Hour)
	var access []string
	for i, ts := range sources {
		tok, err := ts.Token()
		if err != nil {
			t.Fatalf("process %d: %v", i+1, err)
		}
		access = append(access, tok.AccessToken)
	}
	if access[0] != access[1] {
		t.Error("the second process does not use the access token the first one saved")
	}
	if got := srv.TokenRequests(gototrainingtest.GrantRefreshToken); got != 2 {
		t.Errorf("refresh requests = %d, want 2 (one, one refused)", got)
	}
}

func TestFileTokenStore(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a", "b")
	store, err := gototraining.NewFileTokenStore(filepath.Join(dir, "token.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Load(t.Context()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load before Save: %v, want fs.ErrNotExist", err)
	}
	old := &oauth2.Token{AccessToken: "at-old", RefreshToken: "rt-old", TokenType: "Bearer", Expiry: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := store.Save(t.Context(), old); err != nil {
		t.Fatal(err)
	}
	modes := map[string]fs.FileMode{}
	for _, p := range []string{dir, store.Path()} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		modes[filepath.Base(p)] = fi.Mode().Perm()
	}
	if diff := cmp.Diff(map[string]fs.FileMode{"b": 0o700, "token.json": 0o600}, modes); diff != "" {
		t.Errorf("modes (-want +got):\n%s", diff)
	}
	got, err := store.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(old, got, cmp.Comparer(func(a, b *oauth2.Token) bool {
		return a.AccessToken == b.AccessToken && a.RefreshToken == b.RefreshToken && a.TokenType == b.TokenType && a.Expiry.Equal(b.Expiry)
	})); diff != "" {
		t.Errorf("loaded token (-want +got):\n%s", diff)
	}

	// A crash mid-write, or before the rename, leaves the old token and no
	// temporary file.
	crash := errors.New("simulated crash")
	for name, hook := range map[string]func(*gototraining.FileTokenStore){
		"write": func(s *gototraining.FileTokenStore) {
			gototraining.SetFileTokenStoreHooks(s, func(f *os.File, b []byte) (int, error) {
				n, _ := f.Write(b[:len(b)/2])
				return n, crash
			}, nil)
		},
		"rename": func(s *gototraining.FileTokenStore) {
			gototraining.SetFileTokenStoreHooks(s, nil, func(string, string) error { return crash })
		},
	} {
		crashing, err := gototraining.NewFileTokenStore(store.Path())
		if err != nil {
			t.Fatal(err)
		}
		hook(crashing)
		if err := crashing.Save(t.Context(), &oauth2.Token{AccessToken: "at-new", RefreshToken: "rt-new"}); !errors.Is(err, crash) {
			t.Errorf("%s: Save = %v, want the crash", name, err)
		}
		got, err := store.Load(t.Context())
		if err != nil || got.RefreshToken != "rt-old" {
			t.Errorf("%s: after the crash Load = %v, %v; want the old token", name, got, err)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("%s: %d files in the directory after the crash, want 1 (no temporary file left)", name, len(entries))
		}
	}

	if err := os.Chmod(store.Path(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Load(t.Context()); err == nil {
		t.Error("Load of a world-readable token file succeeded")
	} else {
		t.Logf("mode 0644 refused: %v", err)
	}
	if _, err := gototraining.NewFileTokenStore(""); err == nil {
		t.Error("NewFileTokenStore(\"\") succeeded")
	}
	if _, err := gototraining.NewFileTokenStore(dir); err == nil {
		t.Error("NewFileTokenStore of a directory succeeded")
	}
}

// Only a refusal of the token is repeated: a 401 is, a 403 for another
// reason is not, and its body still reaches the caller's error.
func TestCredentialsRepeatOnlyTokenRefusals(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newAuthFake(t, gototrainingtest.RotateWhenExpired, clock)
	ts, err := gototraining.RefreshingTokenSource(context.Background(), srv.OAuthConfig(""), srv.IssueToken())
	if err != nil {
		t.Fatal(err)
	}
	gototraining.SetTokenSourceClock(ts, clock.Now)
	c := newAuthClient(t, srv, ts)
	org := gototraining.OrganizerKey(srv.OrganizerKey())

	srv.FailNext("getAllTrainings", 1, gototrainingtest.Fault{Status: http.StatusForbidden})
	_, err = c.Trainings.List(t.Context(), org)
	var apiErr *gototraining.APIError
	if !errors.Is(err, gototraining.ErrForbidden) || !errors.As(err, &apiErr) || apiErr.Code() != "AccessDenied" {
		t.Errorf("403 AccessDenied: %v, want ErrForbidden with its code", err)
	}
	srv.FailNext("getAllTrainings", 1, gototrainingtest.Fault{Status: http.StatusUnauthorized})
	if _, err := c.Trainings.List(t.Context(), org); err != nil {
		t.Errorf("401 then a new token: %v", err)
	}
	if got, want := srv.Calls("getAllTrainings"), 3; got != want {
		t.Errorf("getAllTrainings sent %d times, want %d (403 once, 401 and its repeat)", got, want)
	}
	if got := srv.TokenRequests(""); got != 1 {
		t.Errorf("token requests = %d, want 1 (for the 401)", got)
	}
}
