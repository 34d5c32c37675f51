package gototraining

import "golang.org/x/oauth2"

// Endpoint is GoTo's OAuth 2.0 endpoint (authentication.logmeininc.com), for
// golang.org/x/oauth2. GoTo takes the client credentials in an HTTP Basic
// header. The older api.getgo.com/oauth/v2 endpoints no longer work.
//
// The authorization-code flow, in short:
//
//	conf := &oauth2.Config{
//		ClientID:     os.Getenv("GOTO_CLIENT_ID"),
//		ClientSecret: os.Getenv("GOTO_CLIENT_SECRET"),
//		RedirectURL:  "https://lms.example.com/goto/callback",
//		Endpoint:     gototraining.Endpoint,
//	}
//	// 1. Send the organizer's browser to conf.AuthCodeURL(state).
//	// 2. In the callback, exchange the code (each code works once):
//	tok, err := conf.Exchange(ctx, r.URL.Query().Get("code"))
//	// 3. Save tok (with its refresh token) in a TokenStore; build clients
//	// from a source that refreshes it and saves every rotated token:
//	ts, err := gototraining.StoredTokenSource(ctx, conf, store)
//	c, err := gototraining.NewClient(gototraining.WithTokenSource(ts))
//
// Access tokens live 60 minutes; the token source refreshes them, and,
// being a RenewableTokenSource, also replaces one GoTo refuses earlier.
// LoginWithBrowser runs steps 1 and 2 for a command-line program, and
// PersonalAccessTokenSource serves programs without a browser.
//
// The token answer names the user (Extra("principal"), an email address)
// but has no organizer_key or account_key any more. GoTo documents no
// route to them that works for every organizer:
//   - An account admin can take the account key from GoTo's Admin API,
//     GET https://api.getgo.com/admin/rest/v1/me ("accounts": [{"key": ...}]),
//     as developer.goto.com/guides/GoToConnect/09_HOW_fetchAccountUsers
//     shows; that guide assumes a super admin's token. Then Organizers.List
//     of the account gives each organizer's key, by email; but
//     getAllOrganisers is deprecated and account-level, and so likely
//     refused to an ordinary organizer.
//   - An ordinary organizer should get the organizer key from the account
//     admin. We found no GoTo documentation of a place in the GoTo web app
//     that shows it.
//
// The GoToWebinar API reference (goto-developer.logmeininc.com/content/
// gotowebinar-api-reference-v2), not GoToTraining's, documents organizerKey
// and userKey as the same value. This package does not call the Admin API:
// the rest of its /me answer is not documented.
var Endpoint = oauth2.Endpoint{
	AuthURL:   "https://authentication.logmeininc.com/oauth/authorize",
	TokenURL:  "https://authentication.logmeininc.com/oauth/token",
	AuthStyle: oauth2.AuthStyleInHeader,
}
