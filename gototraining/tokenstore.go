package gototraining

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/oauth2"
)

// TokenStore keeps a token between runs of a program, so that a refresh
// token GoTo rotated is not lost when the process ends. Implementations
// must be safe for concurrent use.
type TokenStore interface {
	// Load returns the saved token, or an error matching fs.ErrNotExist
	// when none was saved yet.
	Load(ctx context.Context) (*oauth2.Token, error)
	// Save replaces the saved token with tok. A failed Save must leave the
	// previous token in place.
	Save(ctx context.Context, tok *oauth2.Token) error
}

// StoredTokenSource returns a source that starts from the token in store,
// refreshes it through conf (normally on [Endpoint]) like
// [RefreshingTokenSource], and saves every new token to store before
// handing it out.
//
// Processes may share one store. A refresh refused with invalid_grant reads
// the store once more, in case another process rotated the refresh token:
// the saved access token is then used as it is while still valid, and
// otherwise refreshed with the saved refresh token. If the store holds the
// refused refresh token, the call returns an error matching
// ErrReauthorizationRequired, and so does every later call, each of which
// reads the store again (no request to GoTo) and resumes as soon as it
// holds another refresh token: the rotation another process was still
// saving, or a new login saved there. An empty
// store also matches ErrReauthorizationRequired: authorize first (see
// [LoginWithBrowser]) and Save the token.
//
// ctx carries the HTTP client for the token endpoint and is passed to the
// store; it is kept, so it should not be a request's context. Each token
// request is bounded by [TokenRequestTimeout].
func StoredTokenSource(ctx context.Context, conf *oauth2.Config, store TokenStore) (*TokenSource, error) {
	if err := checkConfig("StoredTokenSource", conf, false); err != nil {
		return nil, err
	}
	if store == nil {
		return nil, errors.New("gototraining: StoredTokenSource: the store is nil")
	}
	tok, err := store.Load(ctx)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("gototraining: StoredTokenSource: no token saved yet: %w", ErrReauthorizationRequired)
	case err != nil:
		return nil, fmt.Errorf("gototraining: StoredTokenSource: %w", err)
	case tok == nil || tok.RefreshToken == "":
		return nil, fmt.Errorf("gototraining: StoredTokenSource: the saved token has no refresh token: %w", ErrReauthorizationRequired)
	}
	s := newRefreshing(ctx, conf, tok, func(t *oauth2.Token) error { return store.Save(ctx, t) })
	s.reload = func() (*oauth2.Token, error) { return store.Load(ctx) }
	return s, nil
}

// FileTokenStore is a TokenStore in one JSON file, readable by its owner
// only. Save writes a temporary file in the same directory, syncs it and
// renames it over the old one, so a crash leaves either the old token or
// the new one, never half of one. Missing directories are made owner-only
// (0700).
//
// The refresh token in the file is as good as the user's login, so on Unix
// the store refuses, with an error that says how to fix it: a file that its
// group or others may read or write, a file owned by another user (it may
// have been planted), and a directory that its group or others may write
// (they could replace the file), whether the store made it or not. On
// Windows these checks are skipped: file modes do not express its ACLs;
// keep the file in the user's profile.
type FileTokenStore struct {
	path string
	mu   sync.Mutex

	// Replaced by tests to simulate a crash between the steps of Save.
	write  func(f *os.File, b []byte) (int, error)
	rename func(oldpath, newpath string) error
	// The user the file must belong to; replaced by tests.
	uid func() int
}

var _ TokenStore = (*FileTokenStore)(nil)

// NewFileTokenStore returns a store in the file at path (for example under
// os.UserConfigDir()), creating its missing directories with mode 0700.
// The file itself is created by the first Save, with mode 0600. It refuses
// a directory that its group or others may write (see [FileTokenStore]).
func NewFileTokenStore(path string) (*FileTokenStore, error) {
	if path == "" {
		return nil, errors.New("gototraining: NewFileTokenStore: the path is empty")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("gototraining: NewFileTokenStore: %w", err)
	}
	if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("gototraining: NewFileTokenStore: %s is a directory; give a file path", abs)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("gototraining: NewFileTokenStore: %w", err)
	}
	if err := checkDir(filepath.Dir(abs)); err != nil {
		return nil, fmt.Errorf("gototraining: NewFileTokenStore: %w", err)
	}
	return &FileTokenStore{path: abs, write: (*os.File).Write, rename: os.Rename, uid: os.Getuid}, nil
}

// Path returns the file's absolute path.
func (s *FileTokenStore) Path() string { return s.path }

// String names the file; a store holds no secret itself.
func (s *FileTokenStore) String() string { return "gototraining.FileTokenStore(" + s.path + ")" }

// Load reads the token. It refuses a file whose mode lets the group or
// others read or write it, a file another user owns, and a directory that
// its group or others may write, naming the problem and the fix.
func (s *FileTokenStore) Load(context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := checkDir(filepath.Dir(s.path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("gototraining: token store: %w", err)
	}
	f, err := os.Open(s.path)
	if err != nil {
		return nil, fmt.Errorf("gototraining: token store: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("gototraining: token store: %w", err)
	}
	if err := s.checkFile(fi); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("gototraining: token store: reading %s: %w", s.path, err)
	}
	var tok oauth2.Token
	if err := json.Unmarshal(b, &tok); err != nil {
		// json's errors quote at most one character of the input, never a token.
		return nil, fmt.Errorf("gototraining: token store: %s is not a saved token: %w", s.path, err)
	}
	return &tok, nil
}

// Save replaces the token atomically: temporary file (mode 0600) in the same
// directory, write, fsync, rename, then fsync of the directory so the rename
// itself survives a power loss.
func (s *FileTokenStore) Save(_ context.Context, tok *oauth2.Token) error {
	if tok == nil {
		return errors.New("gototraining: token store: the token is nil")
	}
	b, err := json.Marshal(tok)
	if err != nil {
		return fmt.Errorf("gototraining: token store: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	dir := filepath.Dir(s.path)
	if err := checkDir(dir); err != nil {
		return fmt.Errorf("gototraining: token store: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(s.path)+".*.tmp") // mode 0600
	if err != nil {
		return fmt.Errorf("gototraining: token store: %w", err)
	}
	done := false
	defer func() {
		if !done {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := s.write(tmp, b); err != nil {
		return fmt.Errorf("gototraining: token store: writing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("gototraining: token store: syncing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("gototraining: token store: closing %s: %w", tmp.Name(), err)
	}
	if err := s.rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("gototraining: token store: replacing %s: %w", s.path, err)
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: not every file system syncs directories
		_ = d.Close()
	}
	return nil
}

// checkFile refuses a token file that others may read or write, or that
// another user owns.
func (s *FileTokenStore) checkFile(fi fs.FileInfo) error {
	if !checkOwnership {
		return nil
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("gototraining: token store: %s has mode %04o, so others may read the refresh token in it; run chmod 600 on it (and think about revoking the token) before using it", s.path, perm)
	}
	if owner, ok := fileOwner(fi); ok && owner != s.uid() {
		return fmt.Errorf("gototraining: token store: %s is owned by user id %d, not by this program's user (id %d), so another user may have written it; if it is yours, chown it to your user, otherwise remove it and sign in again", s.path, owner, s.uid())
	}
	return nil
}

// checkDir refuses a directory that its group or others may write: they
// could replace the token file with one of theirs, or remove it.
func checkDir(dir string) error {
	if !checkOwnership {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("the directory %s has mode %04o, so its group or others may replace the token file in it; run chmod go-w on it, or keep the token in a directory of your own (such as under os.UserConfigDir())", dir, perm)
	}
	return nil
}
