package gototraining

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"
)

func TestInvalidInputIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, answer(500, "", ""))
	c, _ := newClient(t, srv.URL)
	start := time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC)
	sched := func(edit func(*ScheduleTrainingRequest)) func(context.Context) error {
		return func(ctx context.Context) error {
			r := validSchedule()
			edit(&r)
			_, err := c.Trainings.Schedule(ctx, orgKey, r)
			return err
		}
	}
	register := func(r RegisterForTrainingRequest) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := c.Registrants.Register(ctx, orgKey, trainingKey, r)
			return err
		}
	}
	okPerson := RegisterForTrainingRequest{Email: "ada@example.com", GivenName: "Ada", Surname: "Ng"}
	withEmail := func(e string) RegisterForTrainingRequest { p := okPerson; p.Email = e; return p }
	cases := []struct {
		name  string
		call  func(context.Context) error
		field string
	}{
		{"no name", sched(func(r *ScheduleTrainingRequest) { r.Name = " " }), "Name"},
		{"no times", sched(func(r *ScheduleTrainingRequest) { r.Times = nil }), "Times"},
		{"no start", sched(func(r *ScheduleTrainingRequest) { r.Times[0].Start = time.Time{} }), "Times[0].Start"},
		{"no end", sched(func(r *ScheduleTrainingRequest) { r.Times[0].End = time.Time{} }), "Times[0].End"},
		{"end before start", sched(func(r *ScheduleTrainingRequest) {
			r.Times = append(r.Times, TimeRange{Start: start, End: start.Add(-time.Minute)})
		}), "Times[1].End"},
		{"end equals start", sched(func(r *ScheduleTrainingRequest) { r.Times[0].End = r.Times[0].Start }), "Times[0].End"},
		{"unknown time zone", sched(func(r *ScheduleTrainingRequest) { r.TimeZone = "Mars/Olympus_Mons" }), "TimeZone"},
		{"no time zone", sched(func(r *ScheduleTrainingRequest) { r.TimeZone = "" }), "TimeZone"},
		{"Local time zone", sched(func(r *ScheduleTrainingRequest) { r.TimeZone = "Local" }), "TimeZone"},
		{"zero co-organizer", sched(func(r *ScheduleTrainingRequest) { r.CoOrganizers = []OrganizerKey{5, 0} }), "CoOrganizers[1]"},
		{"zero organizer key", func(ctx context.Context) error {
			_, err := c.Trainings.Schedule(ctx, 0, validSchedule())
			return err
		}, "organizerKey"},
		{"zero training key", func(ctx context.Context) error {
			_, err := c.Trainings.Get(ctx, orgKey, 0)
			return err
		}, "trainingKey"},
		{"negative registrant key", func(ctx context.Context) error {
			return c.Registrants.Cancel(ctx, orgKey, trainingKey, -5)
		}, "registrantKey"},
		{"malformed email", register(withEmail("ada.example.com")), "Email"},
		{"email with a name", register(withEmail("Ada <ada@example.com>")), "Email"},
		{"email without domain dot", register(withEmail("ada@localhost")), "Email"},
		{"empty email", register(withEmail("")), "Email"},
		{"no given name", register(RegisterForTrainingRequest{Email: "ada@example.com", Surname: "Ng"}), "GivenName"},
		{"no surname", register(RegisterForTrainingRequest{Email: "ada@example.com", GivenName: "Ada"}), "Surname"},
		{"empty new name", func(ctx context.Context) error {
			return c.Trainings.UpdateNameDescription(ctx, orgKey, trainingKey, UpdateTrainingNameDescriptionRequest{Description: "d"})
		}, "Name"},
		{"update times end before start", func(ctx context.Context) error {
			_, err := c.Trainings.UpdateTimes(ctx, orgKey, trainingKey, UpdateTrainingTimesRequest{
				TimeZone: "Europe/Berlin", Times: []TimeRange{{Start: start, End: start.Add(-time.Hour)}},
			})
			return err
		}, "Times[0].End"},
		{"update times bad zone", func(ctx context.Context) error {
			_, err := c.Trainings.UpdateTimes(ctx, orgKey, trainingKey, UpdateTrainingTimesRequest{
				TimeZone: "Europe/Nowhere", Times: []TimeRange{{Start: start, End: start.Add(time.Hour)}},
			})
			return err
		}, "TimeZone"},
		{"report range reversed", func(ctx context.Context) error {
			_, err := c.Reports.Sessions(ctx, orgKey, start, start.Add(-time.Hour))
			return err
		}, "to"},
		{"report no from", func(ctx context.Context) error {
			_, err := c.Reports.Sessions(ctx, orgKey, time.Time{}, start)
			return err
		}, "from"},
		{"zero session", func(ctx context.Context) error {
			_, err := c.Reports.Attendance(ctx, orgKey, 0)
			return err
		}, "sessionKey"},
		{"zero recording", func(ctx context.Context) error {
			_, err := c.Recordings.Download(ctx, trainingKey, 0)
			return err
		}, "recordingId"},
		{"zero account", func(ctx context.Context) error {
			_, err := c.Organizers.List(ctx, 0)
			return err
		}, "accountKey"},
		{"zero co-organizer on replace", func(ctx context.Context) error {
			return c.Trainings.ReplaceOrganizers(ctx, orgKey, trainingKey, ReplaceTrainingOrganizersRequest{CoOrganizers: []OrganizerKey{0}})
		}, "CoOrganizers[0]"},
		{"All with a zero key", func(ctx context.Context) error {
			for _, err := range c.Registrants.All(ctx, orgKey, 0) {
				return err
			}
			return nil
		}, "trainingKey"},
	}
	for _, tc := range cases {
		err := tc.call(t.Context())
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: got %v, want *ValidationError", tc.name, err)
			continue
		}
		if diff := cmp.Diff(tc.field, ve.Field); diff != "" {
			t.Errorf("%s: field (-want +got): %s (%v)", tc.name, diff, err)
		}
	}
	if n := hits.n.Load(); n != 0 {
		t.Errorf("the server received %d requests for invalid input", n)
	}
}

func TestNewClientRefusesBadOptions(t *testing.T) {
	t.Parallel()
	cases := map[string][]Option{
		"no token":           {},
		"empty token":        {WithAccessToken(" ")},
		"two credentials":    {WithAccessToken("a"), WithTokenSource(nil)},
		"both credentials":   {WithAccessToken("a"), WithAccessToken("b")},
		"http to a remote":   {WithAccessToken("a"), WithBaseURL("http://api.example.com/G2T/rest")},
		"ftp":                {WithAccessToken("a"), WithBaseURL("ftp://127.0.0.1/")},
		"no host":            {WithAccessToken("a"), WithBaseURL("https:///x")},
		"user info":          {WithAccessToken("a"), WithBaseURL("https://u:p@api.example.com")},
		"query":              {WithAccessToken("a"), WithBaseURL("https://api.example.com/?x=1")},
		"unparsable":         {WithAccessToken("a"), WithBaseURL("https://a b\x7f")},
		"nil http client":    {WithAccessToken("a"), WithHTTPClient(nil)},
		"user agent newline": {WithAccessToken("a"), WithUserAgent("x\r\nInjected: 1")},
		"negative retries":   {WithAccessToken("a"), WithRetry(RetryPolicy{MaxAttempts: -1})},
		"min above max":      {WithAccessToken("a"), WithRetry(RetryPolicy{MinBackoff: time.Hour, MaxBackoff: time.Second})},
		"zero rate":          {WithAccessToken("a"), WithRateLimit(0)},
		"nil limiter":        {WithAccessToken("a"), WithRateLimiter(nil)},
		"rate then limiter":  {WithAccessToken("a"), WithRateLimit(10), WithRateLimiter(rate.NewLimiter(1, 1))},
		"limiter then rate":  {WithAccessToken("a"), WithRateLimiter(rate.NewLimiter(1, 1)), WithRateLimit(10)},
		"nil logger":         {WithAccessToken("a"), WithLogger(nil)},
		"nil token source":   {WithTokenSource(nil)},
	}
	for name, opts := range cases {
		if c, err := NewClient(opts...); err == nil {
			t.Errorf("%s: NewClient succeeded: %v", name, c)
		}
	}
	for name, opts := range map[string][]Option{
		"default":          {WithAccessToken("a")},
		"loopback http":    {WithAccessToken("a"), WithBaseURL("http://127.0.0.1:8080/G2T/rest/")},
		"localhost http":   {WithAccessToken("a"), WithBaseURL("http://localhost:1")},
		"ipv6 loopback":    {WithAccessToken("a"), WithBaseURL("http://[::1]:1")},
		"insecure opt-in":  {WithAccessToken("a"), WithBaseURL("http://fake.internal"), WithInsecureHTTP()},
		"nil option":       {WithAccessToken("a"), nil},
		"retry zero fills": {WithAccessToken("a"), WithRetry(RetryPolicy{MaxAttempts: 2})},
	} {
		if _, err := NewClient(opts...); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestClientStringHidesTheToken(t *testing.T) {
	t.Parallel()
	c, err := NewClient(WithAccessToken(testToken))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{c.String(), c.GoString()} {
		if s == "" || strings.Contains(s, testToken) {
			t.Errorf("%q", s)
		}
	}
	if c.BaseURL() != DefaultBaseURL {
		t.Errorf("BaseURL %s", c.BaseURL())
	}
}
