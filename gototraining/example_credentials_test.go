package gototraining_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"

	"golang.org/x/oauth2"

	"github.com/gototraining-go/gototraining/gototraining"
	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// startAuthFake starts the fake with its authorization server, and returns
// the OAuth config a program would build from its OAuth client. With a real
// account: ClientID and ClientSecret from developer.goto.com's OAuth
// Clients page, Endpoint: gototraining.Endpoint, and no WithBaseURL.
func startAuthFake() (*gototrainingtest.Server, *oauth2.Config) {
	srv, err := gototrainingtest.Start(fakeOptions(gototrainingtest.WithAuthServer(gototrainingtest.RotateWhenExpired))...)
	if err != nil {
		log.Fatal(err)
	}
	return srv, &oauth2.Config{
		ClientID:     srv.ClientID(),
		ClientSecret: srv.ClientSecret(),
		Endpoint:     srv.OAuthEndpoint(), // gototraining.Endpoint with GoTo
	}
}

// organizerKeyOf finds the organizer key of the signed-in user: GoTo's
// token answer names the user (principal, an email address) but no longer
// carries organizer_key, and the account's organizers list has both.
func organizerKeyOf(ctx context.Context, c *gototraining.Client, account gototraining.AccountKey, principal string) (gototraining.OrganizerKey, error) {
	orgs, err := c.Organizers.List(ctx, account)
	if err != nil {
		return 0, err
	}
	for _, o := range orgs {
		if o.Email == principal {
			return o.Key, nil
		}
	}
	return 0, fmt.Errorf("no organizer with the email %s in account %d", principal, account)
}

// A service without a browser: a personal access token, made once in
// GoTo's web interface, traded for one-hour access tokens as needed.
func ExamplePersonalAccessTokenSource() {
	srv, conf := startAuthFake()
	ctx := context.Background()
	pat := srv.IssuePersonalAccessToken() // with GoTo: os.Getenv("GOTO_PERSONAL_ACCESS_TOKEN")

	ts, err := gototraining.PersonalAccessTokenSource(ctx, conf, pat)
	if err != nil {
		log.Fatal(err)
	}
	c, err := gototraining.NewClient(gototraining.WithTokenSource(ts), gototraining.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	orgs, err := c.Organizers.List(ctx, gototraining.AccountKey(srv.AccountKey()))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("organizers:", len(orgs), orgs[0].Email)
	srv.Close()
	// Output: organizers: 1 c.waters@example.com
}

// A command-line program: the user signs in once in the browser; the token,
// with its refresh token, is saved to a file readable by the user only, and
// every later run starts from the file.
func ExampleLoginWithBrowser() {
	srv, conf := startAuthFake()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "example") // with GoTo: os.UserConfigDir()
	if err != nil {
		log.Fatal(err)
	}

	// The first run. A real program opens the user's browser (xdg-open,
	// open, or printing the URL); the fake approves at once, so following
	// the URL stands in for the user here.
	openBrowser := func(authURL string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		return resp.Body.Close()
	}
	tok, err := gototraining.LoginWithBrowser(ctx, conf, openBrowser)
	if err != nil {
		log.Fatal(err)
	}
	store, err := gototraining.NewFileTokenStore(filepath.Join(dir, "lms-sync", "goto-token.json"))
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Save(ctx, tok); err != nil {
		log.Fatal(err)
	}
	principal, _ := tok.Extra("principal").(string)
	fmt.Println("signed in as", principal)

	// Every run: tokens from the store, refreshed and saved as they rotate.
	ts, err := gototraining.StoredTokenSource(ctx, conf, store)
	if err != nil {
		log.Fatal(err) // errors.Is(err, gototraining.ErrReauthorizationRequired): sign in again
	}
	c, err := gototraining.NewClient(gototraining.WithTokenSource(ts), gototraining.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	org, err := organizerKeyOf(ctx, c, gototraining.AccountKey(srv.AccountKey()), principal)
	if err != nil {
		log.Fatal(err)
	}
	trainings, err := c.Trainings.List(ctx, org)
	if err != nil {
		log.Fatal(err)
	}
	fi, err := os.Stat(store.Path())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("organizer found:", org == gototraining.OrganizerKey(srv.OrganizerKey()))
	fmt.Println("trainings:", len(trainings))
	fmt.Printf("token file mode: %04o\n", fi.Mode().Perm())
	srv.Close()
	_ = os.RemoveAll(dir)
	// Output:
	// signed in as c.waters@example.com
	// organizer found: true
	// trainings: 0
	// token file mode: 0600
}
