// Package gototraining is a client for the GoToTraining REST API: schedule
// trainings, register learners, and read attendance and recordings.
//
// # A tour
//
// Make one Client and share it; it is safe for concurrent use:
//
//	c, err := gototraining.NewClient(
//		gototraining.WithAccessToken(os.Getenv("GOTOTRAINING_ACCESS_TOKEN")),
//		gototraining.WithUserAgent("lms-sync/1.4"),
//	)
//
// For a long-running program, authenticate with a refreshing
// golang.org/x/oauth2 token source instead (see Endpoint).
//
// Each resource of the API has a service on the client: Organizers,
// Trainings, Registrants, Reports and Recordings. Methods take a context
// first, then the keys that locate the resource, then the input:
//
//	key, err := c.Trainings.Schedule(ctx, org, gototraining.ScheduleTrainingRequest{
//		Name:     "Intro to Go",
//		TimeZone: "Europe/Berlin",
//		Times:    []gototraining.TimeRange{{Start: start, End: start.Add(2 * time.Hour)}},
//	})
//	reg, err := c.Registrants.Register(ctx, org, key, gototraining.RegisterForTrainingRequest{
//		Email: "ada@example.com", GivenName: "Ada", Surname: "Lovelace",
//	})
//
// # Keys
//
// GoTo's keys are 64-bit integers of up to 19 digits, larger than a float64
// holds exactly, and GoTo sends them sometimes as JSON strings and sometimes
// as JSON numbers. Each kind of key has its own type (OrganizerKey,
// TrainingKey, RegistrantKey, ...) that decodes either form exactly and
// encodes as a JSON string, so they survive a trip through JavaScript.
//
// # Lists
//
// The API returns every list whole; there is no paging. Each list operation
// has a List method, which returns a slice, and an All method, which returns
// an iter.Seq2 that sends nothing until it is ranged over and decodes the
// answer one element at a time, so memory stays flat for any list size:
//
//	for r, err := range c.Registrants.All(ctx, org, key) {
//		if err != nil {
//			return err // yielded once, last
//		}
//		fmt.Println(r.Email, r.Status)
//	}
//
// List holds at most WithListLimit bytes of decoded data (128 MiB by
// default); past that it fails with ErrListTooLong, and All is the way.
// Lists nested in an answer (a training's times, an attendee's periods)
// are capped at 10,000 elements, so no answer decodes to far more memory
// than its bytes.
//
// # Errors
//
// Bad input is refused before anything is sent, with a *ValidationError
// naming the field. Any answer but the expected one is an *APIError with
// the status, the operation and GoTo's error fields; it matches the
// sentinels ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound,
// ErrConflict, ErrRateLimited and ErrServer with errors.Is. GoTo answers a
// bad or expired token with 403 and int_err_code InvalidToken; that
// matches ErrUnauthorized. A success whose body cannot be read is a
// *DecodeError. Network and context errors come back unchanged. No error
// text or log line carries the access token.
//
// # Retries
//
// Each method's documentation names its retry class ("Retries: always.").
// Within what the class allows, calls are retried on network errors, 429,
// 502, 503 and 504, with jittered exponential backoff and Retry-After
// honoured; RetryPolicy says how often and how long. The classes:
//
//   - always: reads, the read-only report POST, plain updates and deletes.
//   - only when GoTo provably did not act (nothing was written, or the
//     answer was 429 or 503): Trainings.UpdateTimes and
//     Trainings.ReplaceOrganizers, which email people; a repeat after a
//     lost answer would email everyone twice.
//   - never: Trainings.Schedule and Registrants.Register. GoTo has no
//     idempotency key, and a repeat would create a second training or
//     registration. When such a call may have reached GoTo but no answer
//     came back, its error matches ErrOutcomeUnknown; look before trying
//     again, or let WithRegistrationReconciliation do it for registrations.
//
// # Cohorts
//
// Registrants.RegisterAll registers a whole cohort: every learner is
// validated before the first request, repeated emails are sent once, at
// most DefaultBulkConcurrency calls are in flight, and the run keeps to the
// client's limiter or, without one, to DefaultBulkInterval (9.6 requests
// per second, under GoTo's 10). It yields one RegisterAllResult per learner
// as they complete: registered, already registered (with the key, from one
// read of the registrant list for the whole run), duplicate, invalid,
// failed, outcome unknown, or not attempted when the context ended.
//
// # Connections
//
// Without WithHTTPClient, clients send through one transport of this
// package, shared by all of them: http.DefaultTransport's settings (proxy
// from the environment, dial and TLS timeouts, HTTP/2 over TLS), with
// DefaultMaxIdleConnsPerHost (32) idle connections kept per host instead of
// Go's 2, so that concurrent callers reuse their connections instead of
// opening one (a TCP and TLS handshake) per call, and at most
// DefaultMaxConnsPerHost (16) calls at once per host, so that N callers hold
// at most N connections; All's streams, which hold a connection while the
// caller's loop runs, go through a second pool without that cap, so loops
// nested in each other never wait for one another. To tune it, pass your own
// http.Client with WithHTTPClient: clone http.DefaultTransport, set
// MaxIdleConnsPerHost to at least the calls you run at once, leave
// ForceAttemptHTTP2 on, and set MaxConnsPerHost only if you must cap
// sockets (calls past it wait for a connection; nested All loops each hold
// one). The client copies yours and never changes it.
//
// # Testing
//
// Package gototrainingtest is a fake GoToTraining server that keeps state
// and checks every request and answer against the API's OpenAPI
// description. Point a client at it with WithBaseURL; no account needed.
//
// # Beyond this package
//
// Raw returns the generated low-level client (package gen), sending through
// this client's authentication and retries, for anything not covered here.
package gototraining
