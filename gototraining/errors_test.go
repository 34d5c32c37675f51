package gototraining

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var sentinels = []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrRateLimited, ErrServer, ErrOutcomeUnknown}

func TestErrorMatrix(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status    int
		gotoBody  string
		sentinel  error // with the GoTo body
		bare      error // with an empty or HTML body
		gotoField APIError
	}{
		{400, `{"errorCode":"InvalidRequest","description":"endDate must be after startDate","incident":"i-1"}`, ErrBadRequest, ErrBadRequest,
			APIError{ErrorCode: "InvalidRequest", Description: "endDate must be after startDate", Incident: "i-1"}},
		{401, `{"int_err_code":"MissingToken","msg":"No token"}`, ErrUnauthorized, ErrUnauthorized,
			APIError{IntErrCode: "MissingToken", Msg: "No token"}},
		{403, `{"errorCode":"AccessDenied","description":"not your training"}`, ErrForbidden, ErrForbidden,
			APIError{ErrorCode: "AccessDenied", Description: "not your training"}},
		{403, `{"int_err_code":"InvalidToken","msg":"Invalid token passed"}`, ErrUnauthorized, ErrForbidden,
			APIError{IntErrCode: "InvalidToken", Msg: "Invalid token passed"}},
		{404, `{"errorCode":"NotFound","message":"Training not found"}`, ErrNotFound, ErrNotFound,
			APIError{ErrorCode: "NotFound", Description: "Training not found"}},
		{409, `{"errorCode":"DuplicateRegistrant","description":"already registered"}`, ErrConflict, ErrConflict,
			APIError{ErrorCode: "DuplicateRegistrant", Description: "already registered"}},
		{429, `{"errorCode":"TooManyRequests","description":"slow down"}`, ErrRateLimited, ErrRateLimited,
			APIError{ErrorCode: "TooManyRequests", Description: "slow down"}},
		{500, `{"errorCode":"InternalError","description":"oops","incident":"i-2"}`, ErrServer, ErrServer,
			APIError{ErrorCode: "InternalError", Description: "oops", Incident: "i-2"}},
		{503, `{"errorCode":"Unavailable","description":"maintenance"}`, ErrServer, ErrServer,
			APIError{ErrorCode: "Unavailable", Description: "maintenance"}},
	}
	bodies := []struct {
		name, contentType string
		body              func(goto_ string) string
	}{
		{"goto-json", "application/json", func(b string) string { return b }},
		{"empty", "", func(string) string { return "" }},
		{"html", "text/html", func(string) string {
			return "<html><body><h1>Bad Gateway</h1>" + testToken[:3] + "</body></html>"
		}},
	}
	for _, tc := range cases {
		for _, b := range bodies {
			name := fmt.Sprintf("%d/%s/%s", tc.status, b.name, strings.SplitN(tc.gotoBody, `"`, 5)[3])
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				srv, _ := serve(t, answer(tc.status, b.contentType, b.body(tc.gotoBody), "Retry-After", "7"))
				c, _ := newClient(t, srv.URL, WithRetry(NoRetries()))
				_, err := c.Trainings.Get(t.Context(), orgKey, trainingKey)
				var apiErr *APIError
				if !errors.As(err, &apiErr) {
					t.Fatalf("got %T %v, want *APIError", err, err)
				}
				wantSentinel := tc.bare
				wantFields := APIError{}
				if b.name == "goto-json" {
					wantSentinel, wantFields = tc.sentinel, tc.gotoField
				}
				for _, s := range sentinels {
					if got, want := errors.Is(err, s), errors.Is(s, wantSentinel); got != want {
						t.Errorf("errors.Is(err, %v) = %v, want %v", s, got, want)
					}
				}
				want := wantFields
				want.StatusCode, want.Operation, want.Method = tc.status, "getTraining", http.MethodGet
				want.URL = srv.URL + "/organizers/8439885694023994630/trainings/8178251407424893697"
				want.RetryAfter = 7 * time.Second
				if diff := cmp.Diff(&want, apiErr, cmpopts.IgnoreFields(APIError{}, "Body"), cmpopts.IgnoreUnexported(APIError{})); diff != "" {
					t.Errorf("APIError (-want +got):\n%s", diff)
				}
				if strings.Contains(err.Error(), testToken) {
					t.Errorf("error text carries the token: %s", err)
				}
			})
		}
	}
}

func TestErrorBodyEchoingTheTokenIsRedacted(t *testing.T) {
	t.Parallel()
	body := `{"int_err_code":"InvalidToken","msg":"Invalid token passed: Bearer ` + testToken + `"}`
	srv, _ := serve(t, answer(403, "application/json", body))
	c, _ := newClient(t, srv.URL)
	_, err := c.Trainings.Get(t.Context(), orgKey, trainingKey)
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("got %v", err)
	}
	for _, s := range []string{err.Error(), string(apiErr.Body), apiErr.Msg, fmt.Sprintf("%+v", apiErr)} {
		if strings.Contains(s, testToken) {
			t.Errorf("token leaked in %q", s)
		}
	}
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("want ErrUnauthorized, got %v", err)
	}
}

func TestErrorBodyIsCapped(t *testing.T) {
	t.Parallel()
	huge := `{"errorCode":"X","description":"` + strings.Repeat("a", 3<<20) + `"}`
	srv, _ := serve(t, answer(500, "application/json", huge))
	c, _ := newClient(t, srv.URL, WithRetry(NoRetries()))
	_, err := c.Trainings.Get(t.Context(), orgKey, trainingKey)
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("got %v", err)
	}
	if len(apiErr.Body) > keptErrorBody {
		t.Errorf("kept %d bytes of body, cap is %d", len(apiErr.Body), keptErrorBody)
	}
	if apiErr.ErrorCode != "" {
		t.Errorf("a body cut at the cap is not JSON, yet ErrorCode = %q", apiErr.ErrorCode)
	}
	if !errors.Is(err, ErrServer) {
		t.Errorf("want ErrServer: %v", err)
	}
}

func TestTransportAndContextErrorsPassThrough(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, answer(200, "application/json", trainingJSON))
	c, _ := newClient(t, srv.URL)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.Trainings.Get(ctx, orgKey, trainingKey)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: got %v", err)
	}
	srv.Close()
	c2, s := newClient(t, srv.URL)
	_, err = c2.Trainings.Get(t.Context(), orgKey, trainingKey)
	if err == nil || strings.Contains(err.Error(), testToken) {
		t.Errorf("closed server: got %v", err)
	}
	if got := len(s.all()); got != DefaultRetryPolicy().MaxAttempts-1 {
		t.Errorf("closed server: %d backoffs, want %d", got, DefaultRetryPolicy().MaxAttempts-1)
	}
}

func TestDecodeErrorKeepsTheStatus(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, answer(200, "application/json", `{"trainingKey":"81782514`))
	c, _ := newClient(t, srv.URL)
	_, err := c.Trainings.Get(t.Context(), orgKey, trainingKey)
	var de *DecodeError
	if !errors.As(err, &de) || de.StatusCode != http.StatusOK || de.Operation != "getTraining" {
		t.Fatalf("got %#v", err)
	}
}
