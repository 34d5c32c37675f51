package gototraining_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/gototraining-go/gototraining/gototraining"
)

// A directory that its group or others may write lets them replace the
// token file: the store refuses it, when made and when used, and says how
// to fix it.
func TestFileTokenStoreRefusesSharedDirectory(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("file modes do not express Windows ACLs; the check is skipped there")
	}
	for _, mode := range []os.FileMode{0o770, 0o707, 0o1777} {
		dir := filepath.Join(t.TempDir(), "shared")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		_, err := gototraining.NewFileTokenStore(filepath.Join(dir, "token.json"))
		if err == nil || !strings.Contains(err.Error(), "chmod go-w") {
			t.Errorf("directory mode %04o: NewFileTokenStore = %v, want a refusal that says chmod go-w", mode, err)
		}
	}

	dir := filepath.Join(t.TempDir(), "own")
	store, err := gototraining.NewFileTokenStore(filepath.Join(dir, "token.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Save(t.Context(), &oauth2.Token{AccessToken: "at", RefreshToken: "rt"}); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Load(t.Context()); err == nil || !strings.Contains(err.Error(), "chmod go-w") {
		t.Errorf("Load in a directory made world-writable later: %v, want a refusal", err)
	}
	if err := store.Save(t.Context(), &oauth2.Token{AccessToken: "at2", RefreshToken: "rt2"}); err == nil {
		t.Error("Save in a world-writable directory succeeded")
	}
}

// A token file that another user owns could have been planted by them:
// Load refuses it and says how to fix it.
func TestFileTokenStoreRefusesForeignOwner(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("file owners are not checked on Windows")
	}
	store, err := gototraining.NewFileTokenStore(filepath.Join(t.TempDir(), "state", "token.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Save(t.Context(), &oauth2.Token{AccessToken: "at", RefreshToken: "rt"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Load(t.Context()); err != nil {
		t.Fatalf("Load of the user's own file: %v", err)
	}
	// The same file, seen by another user.
	gototraining.SetFileTokenStoreUID(store, func() int { return os.Getuid() + 1 })
	_, err = store.Load(t.Context())
	if err == nil || !strings.Contains(err.Error(), "owned by") || !strings.Contains(err.Error(), "chown") {
		t.Errorf("Load of a file another user owns: %v, want a refusal naming the owner and the fix", err)
	}
}
