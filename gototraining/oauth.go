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
//	// 3. Store tok.RefreshToken; build clients from a refreshing source:
//	c, err := gototraining.NewClient(gototraining.WithTokenSource(conf.TokenSource(ctx, tok)))
//
// Access tokens live 60 minutes; the token source refreshes them.
var Endpoint = oauth2.Endpoint{
	AuthURL:   "https://authentication.logmeininc.com/oauth/authorize",
	TokenURL:  "https://authentication.logmeininc.com/oauth/token",
	AuthStyle: oauth2.AuthStyleInHeader,
}
