package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/gototraining-go/gototraining/gototraining"
)

// profile is what login saves beside the token: how to mint the next
// token, and whom the commands act for. It holds the client secret (and a
// personal access token), so it is written like the token: owner-only.
type profile struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	AuthURL      string `json:"authorize_url"`
	TokenURL     string `json:"token_url"`
	// Grant is "authorization_code" (the browser login) or
	// "personal_access_token".
	Grant               string `json:"grant"`
	PersonalAccessToken string `json:"personal_access_token,omitempty"`
	Principal           string `json:"principal,omitempty"`
	OrganizerKey        string `json:"organizer_key,omitempty"`
	AccountKey          string `json:"account_key,omitempty"`
	BaseURL             string `json:"base_url,omitempty"`
}

func (p *profile) config() *oauth2.Config {
	return &oauth2.Config{
		ClientID: p.ClientID, ClientSecret: p.ClientSecret,
		Endpoint: oauth2.Endpoint{AuthURL: p.AuthURL, TokenURL: p.TokenURL, AuthStyle: oauth2.AuthStyleInHeader},
	}
}

// configDir is where login keeps its files: $GOTOTRAINING_CONFIG_DIR, else
// gototraining under the user's configuration folder (os.UserConfigDir,
// which honours $XDG_CONFIG_HOME).
func (a *app) configDir() (string, error) {
	if d := a.getenv("GOTOTRAINING_CONFIG_DIR"); d != "" {
		return d, nil
	}
	if x := a.getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "gototraining"), nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no folder for the saved login (%w); set GOTOTRAINING_CONFIG_DIR", err)
	}
	return filepath.Join(base, "gototraining"), nil
}

func (a *app) loadProfile() (*profile, string, error) {
	dir, err := a.configDir()
	if err != nil {
		return nil, "", err
	}
	path := filepath.Join(dir, "login.json")
	fi, err := os.Stat(path)
	if err != nil {
		return nil, dir, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, dir, fmt.Errorf("%s may be read by others (mode %04o): it holds the client secret; chmod 600 it or log in again", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, dir, err
	}
	var p profile
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, dir, fmt.Errorf("%s: %w; log in again", path, err)
	}
	return &p, dir, nil
}

// savedTokenSource builds the token source of a saved login.
func (a *app) savedTokenSource(ctx context.Context, p *profile, dir string) (oauth2.TokenSource, error) {
	conf := p.config()
	if p.Grant == "personal_access_token" {
		return gototraining.PersonalAccessTokenSource(ctx, conf, p.PersonalAccessToken)
	}
	store, err := gototraining.NewFileTokenStore(filepath.Join(dir, "token.json"))
	if err != nil {
		return nil, err
	}
	return gototraining.StoredTokenSource(ctx, conf, store)
}

// writePrivate replaces path with data, readable by its owner only, through
// a temporary file and a rename, so a crash leaves the old file or the new.
func writePrivate(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// Another user who may write the folder may replace the file.
	if fi, err := os.Stat(dir); err != nil {
		return err
	} else if runtime.GOOS != "windows" && fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%s may be written by others (mode %04o): run chmod go-w on it, or set GOTOTRAINING_CONFIG_DIR to a folder of your own", dir, fi.Mode().Perm())
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp") // 0600
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}

// openBrowser opens authURL for the user; tests replace it.
var openBrowser = func(ctx context.Context, authURL string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.CommandContext(ctx, "open", authURL)
	case "windows":
		cmd = exec.CommandContext(ctx, "rundll32", "url.dll,FileProtocolHandler", authURL)
	default:
		cmd = exec.CommandContext(ctx, "xdg-open", authURL)
	}
	return cmd.Start()
}

func init() {
	register(&command{
		group: "login", offline: true,
		summary: "Sign in and save the login for later commands: in the browser (GoTo's\nauthorization-code flow), or with a personal access token read from\n$GOTOTRAINING_PERSONAL_ACCESS_TOKEN or the first line of stdin.\nThe OAuth client comes from --client-id and $GOTOTRAINING_CLIENT_SECRET.",
		examples: []string{
			"GOTOTRAINING_CLIENT_SECRET=... gototraining login --client-id 0a1b2c... --account 1234567890123456789",
			"gototraining login --client-id 0a1b2c... --personal-access-token < pat.txt",
		},
		setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			clientID := fs.String("client-id", "", "the OAuth client `id` (default $GOTOTRAINING_CLIENT_ID)")
			usePAT := fs.Bool("personal-access-token", false, "sign in with a personal access token instead of the browser")
			authURL := fs.String("authorize-url", "", "the authorization endpoint `URL` (default GoTo's; $GOTOTRAINING_AUTHORIZE_URL)")
			tokenURL := fs.String("token-url", "", "the token endpoint `URL` (default GoTo's; $GOTOTRAINING_TOKEN_URL)")
			redirect := fs.String("redirect-url", "", "the loopback redirect `URL` registered on the OAuth client, e.g. http://127.0.0.1:8765/callback")
			account := fs.String("account", "", "the account `key`: login then finds your organizer key in the account's organizers")
			organizer := fs.String("organizer", "", "the organizer `key` to save for later commands")
			noBrowser := fs.Bool("no-browser", false, "print the sign-in URL instead of opening a browser")
			return func(ctx context.Context, a *app, args []string) error {
				if err := wantArgs(args); err != nil {
					return err
				}
				p := &profile{
					ClientID:     firstNonEmpty(*clientID, a.getenv("GOTOTRAINING_CLIENT_ID")),
					ClientSecret: a.getenv("GOTOTRAINING_CLIENT_SECRET"),
					AuthURL:      firstNonEmpty(*authURL, a.getenv("GOTOTRAINING_AUTHORIZE_URL"), gototraining.Endpoint.AuthURL),
					TokenURL:     firstNonEmpty(*tokenURL, a.getenv("GOTOTRAINING_TOKEN_URL"), gototraining.Endpoint.TokenURL),
					BaseURL:      a.baseURL,
				}
				if p.ClientID == "" || p.ClientSecret == "" {
					return usagef("the OAuth client is missing: pass --client-id (or set GOTOTRAINING_CLIENT_ID) and set GOTOTRAINING_CLIENT_SECRET")
				}
				for _, k := range []struct{ name, v string }{{"--account", *account}, {"--organizer", *organizer}} {
					if k.v != "" {
						if _, err := parseKey(k.name+" key", k.v); err != nil {
							return err
						}
					}
				}
				p.AccountKey, p.OrganizerKey = *account, *organizer
				dir, err := a.configDir()
				if err != nil {
					return err
				}
				var ts oauth2.TokenSource
				var tok *oauth2.Token
				if *usePAT {
					pat := strings.TrimSpace(a.getenv("GOTOTRAINING_PERSONAL_ACCESS_TOKEN"))
					if pat == "" {
						line, err := bufio.NewReader(a.io.in).ReadString('\n')
						if err != nil && line == "" {
							return usagef("no personal access token: set GOTOTRAINING_PERSONAL_ACCESS_TOKEN or give it on stdin")
						}
						pat = strings.TrimSpace(line)
					}
					p.Grant, p.PersonalAccessToken = "personal_access_token", pat
					src, err := gototraining.PersonalAccessTokenSource(ctx, p.config(), pat)
					if err != nil {
						return err
					}
					//nolint:contextcheck // oauth2.TokenSource takes no context; the source keeps the one it was built with
					if tok, err = src.Token(); err != nil {
						return fmt.Errorf("GoTo refused the personal access token (revoked, expired, or the grant is not enabled on the OAuth client): %w", err)
					}
					ts = src
				} else {
					p.Grant = "authorization_code"
					conf := p.config()
					conf.RedirectURL = *redirect
					open := func(u string) error {
						fmt.Fprintf(a.io.err, "Sign in to GoTo in your browser; if it does not open, visit:\n  %s\n", u)
						if *noBrowser {
							return nil
						}
						if err := openBrowser(ctx, u); err != nil {
							fmt.Fprintf(a.io.err, "(could not open a browser: %v)\n", err)
						}
						return nil
					}
					if tok, err = gototraining.LoginWithBrowser(ctx, conf, open); err != nil {
						return err
					}
					store, err := gototraining.NewFileTokenStore(filepath.Join(dir, "token.json"))
					if err != nil {
						return err
					}
					if err := store.Save(ctx, tok); err != nil {
						return err
					}
					if ts, err = gototraining.StoredTokenSource(ctx, conf, store); err != nil {
						return err
					}
				}
				p.Principal, _ = tok.Extra("principal").(string)
				if p.OrganizerKey == "" && p.AccountKey != "" && p.Principal != "" {
					key, err := findOrganizer(ctx, ts, p)
					if err != nil {
						return err
					}
					p.OrganizerKey = key
				}
				b, err := json.MarshalIndent(p, "", "  ")
				if err != nil {
					return err
				}
				if err := writePrivate(filepath.Join(dir, "login.json"), b); err != nil {
					return fmt.Errorf("saving the login: %w", err)
				}
				return a.printWho(p, "saved login in "+dir, tok.Expiry)
			}
		},
	})
	register(&command{
		group: "logout", offline: true,
		summary:  "Forget the saved login (the token and the OAuth client). Tokens already\nissued stay valid at GoTo until they expire (60 minutes).",
		examples: []string{"gototraining logout"},
		setup: func(*flag.FlagSet) func(context.Context, *app, []string) error {
			return func(_ context.Context, a *app, args []string) error {
				if err := wantArgs(args); err != nil {
					return err
				}
				dir, err := a.configDir()
				if err != nil {
					return err
				}
				removed := 0
				for _, name := range []string{"login.json", "token.json"} {
					err := os.Remove(filepath.Join(dir, name))
					switch {
					case err == nil:
						removed++
					case !errors.Is(err, fs.ErrNotExist):
						return err
					}
				}
				if removed == 0 {
					return a.done("not logged in")
				}
				return a.done("logged out: removed the saved login from %s", dir)
			}
		},
	})
	register(&command{
		group: "whoami", offline: true,
		summary:  "Show who the commands act as: the signed-in user, the organizer and account\nkeys, and where the credentials come from.",
		examples: []string{"gototraining whoami", "gototraining whoami --json"},
		setup: func(*flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				if err := wantArgs(args); err != nil {
					return err
				}
				if a.getenv("GOTOTRAINING_ACCESS_TOKEN") != "" {
					p := &profile{OrganizerKey: a.getenv("GOTOTRAINING_ORGANIZER_KEY")}
					return a.printWho(p, "GOTOTRAINING_ACCESS_TOKEN", time.Time{})
				}
				p, dir, err := a.loadProfile()
				if errors.Is(err, fs.ErrNotExist) {
					return &noTokenError{}
				}
				if err != nil {
					return err
				}
				ts, err := a.savedTokenSource(ctx, p, dir)
				if err != nil {
					return err
				}
				tok, err := ts.Token() // proves the login still works, refreshing if due
				if err != nil {
					return err
				}
				if org := a.getenv("GOTOTRAINING_ORGANIZER_KEY"); org != "" {
					p.OrganizerKey = org
				}
				return a.printWho(p, "saved login in "+dir, tok.Expiry)
			}
		},
	})
}

// findOrganizer finds the signed-in user among the account's organizers:
// GoTo's token answer names the user (principal, an email address) but no
// longer carries organizer_key.
func findOrganizer(ctx context.Context, ts oauth2.TokenSource, p *profile) (string, error) {
	opts := []gototraining.Option{gototraining.WithTokenSource(ts), gototraining.WithUserAgent("gototraining-cli")}
	if p.BaseURL != "" {
		opts = append(opts, gototraining.WithBaseURL(p.BaseURL))
	}
	c, err := gototraining.NewClient(opts...)
	if err != nil {
		return "", usagef("%v", strings.TrimPrefix(err.Error(), "gototraining: "))
	}
	acct, _ := strconv.ParseInt(p.AccountKey, 10, 64)
	//nolint:staticcheck // GoTo deprecated getAllOrganisers, but it is the documented way from a principal to an organizer key (see gototraining.Endpoint).
	for o, err := range c.Organizers.All(ctx, gototraining.AccountKey(acct)) {
		if err != nil {
			return "", fmt.Errorf("finding your organizer key: %w", err)
		}
		if strings.EqualFold(o.Email, p.Principal) {
			return o.Key.String(), nil
		}
	}
	return "", fmt.Errorf("no organizer of account %s has the email %s; pass --organizer", p.AccountKey, p.Principal)
}

type whoOut struct {
	Principal    string     `json:"principal,omitempty"`
	OrganizerKey string     `json:"organizerKey,omitempty"`
	AccountKey   string     `json:"accountKey,omitempty"`
	Credentials  string     `json:"credentials"`
	Grant        string     `json:"grant,omitempty"`
	Expires      *time.Time `json:"accessTokenExpires,omitempty"`
}

func (a *app) printWho(p *profile, from string, expiry time.Time) error {
	w := whoOut{Principal: p.Principal, OrganizerKey: p.OrganizerKey, AccountKey: p.AccountKey, Credentials: from, Grant: p.Grant}
	if !expiry.IsZero() {
		e := expiry.UTC().Truncate(time.Second)
		w.Expires = &e
	}
	exp := ""
	if w.Expires != nil {
		exp = ts(*w.Expires)
	}
	return a.print(table{
		header: []string{"USER", "ORGANIZER", "ACCOUNT", "CREDENTIALS", "TOKEN EXPIRES"},
		rows:   [][]string{{orDash(w.Principal), orDash(w.OrganizerKey), orDash(w.AccountKey), from, orDash(exp)}},
		json:   w,
	})
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
