// Package gototrainingtest is an in-memory fake of the GoToTraining REST API,
// for testing code that uses it: the gototraining client, and your own code
// built on that client.
//
// The fake serves every operation of api/openapi.yaml, keeps what they
// create (trainings, registrants, organizers) in memory, and checks every
// request and every answer of its own against the spec with kin-openapi.
// A request that breaks the spec is answered 400 with a JSON error body that
// names the field; an answer of the fake that breaks the spec fails the test
// (with [NewServer]). Authentication works as with GoTo: no Authorization
// header is answered 401, a wrong bearer token 403 with
// {"int_err_code":"InvalidToken","msg":"Invalid token passed"}.
//
// Keys are random 19-digit integers above 2^53, as GoTo's are, so a client
// that reads them through a float64 fails against the fake too. They travel
// as JSON strings, except where GoTo sends numbers (the answer of
// registerForTraining, and recordings).
//
// # Use in tests
//
// Start a [Server] with [NewServer], point the client at its URL with its
// token, and check the outcome over the API or with the inspection methods
// ([Fake.Trainings], [Fake.Registrants], [Fake.Calls], ...):
//
//	func TestEnrol(t *testing.T) {
//		srv := gototrainingtest.NewServer(t)
//		c, err := gototraining.NewClient(
//			gototraining.WithBaseURL(srv.URL),
//			gototraining.WithAccessToken(srv.Token()),
//		)
//		if err != nil {
//			t.Fatal(err)
//		}
//		org := gototraining.OrganizerKey(srv.OrganizerKey())
//		key, err := c.Trainings.Schedule(t.Context(), org, gototraining.ScheduleTrainingRequest{ /* ... */ })
//		// ... run the code under test, then:
//		if got := srv.Registrants(int64(key)); len(got) != 1 {
//			t.Errorf("registrants = %v", got)
//		}
//	}
//
// The base URL is the server's URL itself: the fake has no /G2T/rest prefix.
//
// # What the API cannot do
//
// Sessions are held, trainings completed and recordings made outside the
// API. [Fake.CompleteSession], [Fake.CompleteTraining] and
// [Fake.AddRecording] do it, so that reports and downloads have something to
// show. Recording downloads redirect (302) to a second origin,
// [Server.DownloadURL], whose host name (localhost) differs from the API's
// (127.0.0.1), as GoTo's storage does; [Fake.DownloadRequests] shows what
// reached it, to prove that no Authorization header did.
//
// # Failures
//
// [Fake.FailNext] makes the next requests of one operation fail: a status
// (503, 429 with Retry-After, ...), a delay, a connection cut in the middle
// of the body, or a truncated JSON body. [Fake.SetLatency] delays every
// request; [WithRateLimit] answers 429 past a number of requests per second.
// [Fake.Calls] counts the requests of each operation, faulted ones included,
// so that a test can prove a request was sent exactly once.
//
// # GoTo's real-world quirks
//
// [WithRealWorldQuirks] makes the answers look like GoTo's rather than the
// spec's strictest reading: keys inside objects as JSON numbers, trainings
// without trainingId, an empty timeZone in getAllTrainings, an unknown
// member ([QuirkUnknownField]) in every object, and errors in the
// {"errorCode","message"} envelope. The answers are still checked against
// the spec before the quirks are applied. Run your tests with it once, so
// that they see what GoTo really sends.
//
// # Authorization server
//
// [WithAuthServer] adds GoTo's OAuth 2.0 authorization server at
// POST /oauth/token (grants authorization_code, refresh_token and
// personal_access_token, client authenticated by HTTP Basic, RFC 6749 error
// bodies) and GET /oauth/authorize (approves at once and redirects with
// code and state). The API then accepts only the access tokens it issued,
// until they expire on the fake's clock ([WithClock]) or are revoked
// ([Fake.Revoke]), so a test lives through hours of token expiry, refresh
// token rotation ([Rotation]) and revocation in milliseconds.
// [Server.OAuthConfig] is the matching oauth2.Config; [Fake.IssueToken]
// and [Fake.IssuePersonalAccessToken] stand in for a user's sign-in;
// [Fake.TokenRequests] counts the token requests by grant.
//
// # Outside tests
//
// [Start] runs the same server for programs, and a [Fake] is an
// [net/http.Handler] that can be mounted anywhere; the gototraining-fake
// command serves one on a loopback port for other languages and manual
// tests.
//
// [Fake.ControlHandler] gives a client outside the Go process what the
// inspection and event methods give a Go test: a JSON API, on an origin of
// its own (never under the API's paths, whose validation it leaves alone),
// to add organizers, complete sessions and trainings, add recordings, and
// read the fake's state with keys as decimal strings. The gototraining-fake
// command serves it on a third loopback port, printed as control_url.
package gototrainingtest
