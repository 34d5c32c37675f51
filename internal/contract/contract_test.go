//go:build contract

package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/gototraining-go/gototraining/api"
	"github.com/gototraining-go/gototraining/gen"
)

// Real GoTo keys are 19 digits, beyond 2^53; the largest int64 is the edge.
const (
	accountKey    gen.AccountKey    = 6504139721386715397
	organizerKey  gen.OrganizerKey  = 8439885694023994630
	trainingKey   gen.TrainingKey   = 8178251407424893697
	registrantKey gen.RegistrantKey = 5646167387902096129
	sessionKey    gen.SessionKey    = 6581094230817947905
	recordingID   gen.RecordingId   = 9223372036854775807 // math.MaxInt64

	coOrganizerKey int64 = 7014338517301284865

	accessToken = "test-token"
)

// TestContract starts one Prism mock of api/openapi.yaml and runs every
// operation against it, then requests Prism must reject.
func TestContract(t *testing.T) {
	baseURL := startPrism(t)

	hc := &http.Client{
		Timeout: 30 * time.Second,
		// getRecordingDownloadById answers 302: read it, do not follow it.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	bearer := gen.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+accessToken)
		return nil
	})
	client, err := gen.NewClient(baseURL, gen.WithHTTPClient(hc), bearer)
	if err != nil {
		t.Fatalf("gen.NewClient: %v", err)
	}
	anonymous, err := gen.NewClient(baseURL, gen.WithHTTPClient(hc))
	if err != nil {
		t.Fatalf("gen.NewClient: %v", err)
	}

	t.Run("operations", func(t *testing.T) {
		declared := successStatuses(t)
		cases := operationCases()
		var tested []string
		for _, tc := range cases {
			tested = append(tested, tc.op)
		}
		if diff := cmp.Diff(slices.Sorted(maps.Keys(declared)), slices.Sorted(slices.Values(tested))); diff != "" {
			t.Errorf("operations in the spec (-) and in this test (+) differ:\n%s", diff)
		}
		for _, tc := range cases {
			t.Run(tc.op, func(t *testing.T) {
				if !slices.Contains(declared[tc.op], tc.status) {
					t.Fatalf("%s: the test expects %d, the spec declares %v", tc.op, tc.status, declared[tc.op])
				}
				rsp, err := tc.call(t.Context(), client)
				if err != nil {
					t.Fatalf("%s: %v", tc.op, err)
				}
				defer rsp.Body.Close()
				checkNoViolations(t, rsp)
				if rsp.StatusCode != tc.status {
					t.Fatalf("%s: status %d, want %d", tc.op, rsp.StatusCode, tc.status)
				}
				tc.verify.verify(t, rsp)
			})
		}
	})

	t.Run("rejected", func(t *testing.T) {
		for _, tc := range rejectedCases(baseURL, hc, client, anonymous) {
			t.Run(tc.name, func(t *testing.T) {
				rsp, err := tc.call(t.Context())
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				defer rsp.Body.Close()
				if rsp.StatusCode != tc.status {
					t.Errorf("%s: status %d, want %d (sl-violations: %q)",
						tc.name, rsp.StatusCode, tc.status, rsp.Header.Get("sl-violations"))
				}
				// Prism names what it rejected in the header that
				// checkNoViolations watches: proof that the check can fail.
				if tc.reported && len(rsp.Header.Values("sl-violations")) == 0 {
					t.Errorf("%s: Prism reported no violation", tc.name)
				}
			})
		}
	})
}

// successStatuses returns, for each operationId in api/openapi.yaml, the
// 2xx and 3xx statuses it declares.
func successStatuses(t *testing.T) map[string][]int {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatalf("loading api/openapi.yaml: %v", err)
	}
	out := map[string][]int{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				t.Errorf("%s %s has no operationId", method, path)
				continue
			}
			var codes []int
			for code := range op.Responses.Map() {
				n, err := strconv.Atoi(code)
				if err == nil && n >= 200 && n < 400 {
					codes = append(codes, n)
				}
			}
			out[op.OperationID] = codes
		}
	}
	return out
}

// opCase is one operation sent with a valid request.
type opCase struct {
	op     string // operationId
	status int    // the success status the spec declares
	call   func(ctx context.Context, c *gen.Client) (*http.Response, error)
	verify verifier
}

// verifier checks a success response; it may read the body, and need not close it.
type verifier interface {
	verify(t *testing.T, rsp *http.Response)
}

func operationCases() []opCase {
	start := time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC)
	times := []gen.DateTimeRange{{StartDate: start, EndDate: start.Add(8 * time.Hour)}}
	description := "Three evenings on the building blocks of the web."
	notify := true

	return []opCase{
		{
			op: "getAllOrganisers", status: http.StatusOK,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.GetAllOrganisers(ctx, accountKey)
			},
			verify: jsonCheck[gen.GetAllOrganisersResponse]{gen.ParseGetAllOrganisersResponse, func(r *gen.GetAllOrganisersResponse) ([]byte, any) {
				return r.Body, r.JSON200
			}},
		},
		{
			op: "getAllTrainings", status: http.StatusOK,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.GetAllTrainings(ctx, organizerKey)
			},
			verify: jsonCheck[gen.GetAllTrainingsResponse]{gen.ParseGetAllTrainingsResponse, func(r *gen.GetAllTrainingsResponse) ([]byte, any) {
				return r.Body, r.JSON200
			}},
		},
		{
			op: "scheduleTraining", status: http.StatusCreated,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.ScheduleTraining(ctx, organizerKey, gen.TrainingReqCreate{
					Name:        "Intro to HTML, CSS and JavaScript",
					Description: &description,
					TimeZone:    "America/New_York",
					Times:       times,
					RegistrationSettings: &gen.RegistrationSettings{
						DisableConfirmationEmail: false,
						DisableWebRegistration:   true,
					},
					Organizers: &[]int64{coOrganizerKey},
				})
			},
			verify: jsonCheck[gen.ScheduleTrainingResponse]{gen.ParseScheduleTrainingResponse, func(r *gen.ScheduleTrainingResponse) ([]byte, any) {
				return r.Body, r.JSON201
			}},
		},
		{
			op: "cancelTraining", status: http.StatusNoContent,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.CancelTraining(ctx, organizerKey, trainingKey)
			},
			verify: emptyCheck[gen.CancelTrainingResponse]{gen.ParseCancelTrainingResponse, func(r *gen.CancelTrainingResponse) []byte { return r.Body }},
		},
		{
			op: "getTraining", status: http.StatusOK,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.GetTraining(ctx, organizerKey, trainingKey)
			},
			verify: jsonCheck[gen.GetTrainingResponse]{gen.ParseGetTrainingResponse, func(r *gen.GetTrainingResponse) ([]byte, any) {
				return r.Body, r.JSON200
			}},
		},
		{
			op: "getManageTrainingURL", status: http.StatusOK,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.GetManageTrainingURL(ctx, organizerKey, trainingKey)
			},
			verify: jsonCheck[gen.GetManageTrainingURLResponse]{gen.ParseGetManageTrainingURLResponse, func(r *gen.GetManageTrainingURLResponse) ([]byte, any) {
				return r.Body, r.JSON200
			}},
		},
		{
			op: "updateTrainingNameDescription", status: http.StatusNoContent,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.UpdateTrainingNameDescription(ctx, organizerKey, trainingKey, gen.TrainingNameDescription{
					Name:        "Intro to HTML, CSS and JavaScript (spring cohort)",
					Description: &description,
				})
			},
			verify: emptyCheck[gen.UpdateTrainingNameDescriptionResponse]{gen.ParseUpdateTrainingNameDescriptionResponse,
				func(r *gen.UpdateTrainingNameDescriptionResponse) []byte { return r.Body }},
		},
		{
			op: "getOrganisersForTraining", status: http.StatusOK,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.GetOrganisersForTraining(ctx, organizerKey, trainingKey)
			},
			verify: jsonCheck[gen.GetOrganisersForTrainingResponse]{gen.ParseGetOrganisersForTrainingResponse, func(r *gen.GetOrganisersForTrainingResponse) ([]byte, any) {
				return r.Body, r.JSON200
			}},
		},
		{
			op: "updateOrganisersForTraining", status: http.StatusNoContent,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.UpdateOrganisersForTraining(ctx, organizerKey, trainingKey, gen.TrainingOrganizers{
					Organizers:       []int64{coOrganizerKey},
					NotifyOrganizers: &notify,
				})
			},
			verify: emptyCheck[gen.UpdateOrganisersForTrainingResponse]{gen.ParseUpdateOrganisersForTrainingResponse,
				func(r *gen.UpdateOrganisersForTrainingResponse) []byte { return r.Body }},
		},
		{
			op: "getRegistrants", status: http.StatusOK,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.GetRegistrants(ctx, organizerKey, trainingKey)
			},
			verify: jsonCheck[gen.GetRegistrantsResponse]{gen.ParseGetRegistrantsResponse, func(r *gen.GetRegistrantsResponse) ([]byte, any) {
				return r.Body, r.JSON200
			}},
		},
		{
			op: "registerForTraining", status: http.StatusCreated,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.RegisterForTraining(ctx, organizerKey, trainingKey, gen.RegistrantReqCreate{
					Email:     "c.waters@example.com",
					GivenName: "Charley",
					Surname:   "Waters",
				})
			},
			verify: jsonCheck[gen.RegisterForTrainingResponse]{gen.ParseRegisterForTrainingResponse, func(r *gen.RegisterForTrainingResponse) ([]byte, any) {
				return r.Body, r.JSON201
			}},
		},
		{
			op: "cancelRegistration", status: http.StatusNoContent,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.CancelRegistration(ctx, organizerKey, trainingKey, registrantKey)
			},
			verify: emptyCheck[gen.CancelRegistrationResponse]{gen.ParseCancelRegistrationResponse, func(r *gen.CancelRegistrationResponse) []byte { return r.Body }},
		},
		{
			op: "getRegistrant", status: http.StatusOK,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.GetRegistrant(ctx, organizerKey, trainingKey, registrantKey)
			},
			verify: jsonCheck[gen.GetRegistrantResponse]{gen.ParseGetRegistrantResponse, func(r *gen.GetRegistrantResponse) ([]byte, any) {
				return r.Body, r.JSON200
			}},
		},
		{
			op: "updateRegistrationSettingsForTraining", status: http.StatusNoContent,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.UpdateRegistrationSettingsForTraining(ctx, organizerKey, trainingKey, gen.RegistrationSettings{
					DisableConfirmationEmail: true,
					DisableWebRegistration:   true,
				})
			},
			verify: emptyCheck[gen.UpdateRegistrationSettingsForTrainingResponse]{gen.ParseUpdateRegistrationSettingsForTrainingResponse,
				func(r *gen.UpdateRegistrationSettingsForTrainingResponse) []byte { return r.Body }},
		},
		{
			op: "getStartUrl", status: http.StatusOK,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.GetStartUrl(ctx, organizerKey, trainingKey)
			},
			verify: jsonCheck[gen.GetStartUrlResponse]{gen.ParseGetStartUrlResponse, func(r *gen.GetStartUrlResponse) ([]byte, any) {
				return r.Body, r.JSON200
			}},
		},
		{
			op: "updateTrainingTimes", status: http.StatusOK,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.UpdateTrainingTimes(ctx, organizerKey, trainingKey, gen.TrainingTimes{
					TimeZone:          "America/New_York",
					Times:             times,
					NotifyRegistrants: &notify,
				})
			},
			verify: jsonCheck[gen.UpdateTrainingTimesResponse]{gen.ParseUpdateTrainingTimesResponse, func(r *gen.UpdateTrainingTimesResponse) ([]byte, any) {
				return r.Body, r.JSON200
			}},
		},
		{
			op: "getSessionDetailsForDateRange", status: http.StatusOK,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.GetSessionDetailsForDateRange(ctx, organizerKey, gen.DateTimeRange{
					StartDate: start.AddDate(0, -1, 0),
					EndDate:   start,
				})
			},
			verify: jsonCheck[gen.GetSessionDetailsForDateRangeResponse]{gen.ParseGetSessionDetailsForDateRangeResponse,
				func(r *gen.GetSessionDetailsForDateRangeResponse) ([]byte, any) { return r.Body, r.JSON200 }},
		},
		{
			op: "getAttendanceDetails", status: http.StatusOK,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.GetAttendanceDetails(ctx, organizerKey, sessionKey)
			},
			verify: jsonCheck[gen.GetAttendanceDetailsResponse]{gen.ParseGetAttendanceDetailsResponse, func(r *gen.GetAttendanceDetailsResponse) ([]byte, any) {
				return r.Body, r.JSON200
			}},
		},
		{
			op: "getSessionDetailsForTraining", status: http.StatusOK,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.GetSessionDetailsForTraining(ctx, organizerKey, trainingKey)
			},
			verify: jsonCheck[gen.GetSessionDetailsForTrainingResponse]{gen.ParseGetSessionDetailsForTrainingResponse,
				func(r *gen.GetSessionDetailsForTrainingResponse) ([]byte, any) { return r.Body, r.JSON200 }},
		},
		{
			op: "getRecordingsForTraining", status: http.StatusOK,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.GetRecordingsForTraining(ctx, trainingKey)
			},
			verify: jsonCheck[gen.GetRecordingsForTrainingResponse]{gen.ParseGetRecordingsForTrainingResponse,
				func(r *gen.GetRecordingsForTrainingResponse) ([]byte, any) { return r.Body, r.JSON200 }},
		},
		{
			op: "getRecordingDownloadById", status: http.StatusFound,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.GetRecordingDownloadById(ctx, trainingKey, recordingID)
			},
			verify: redirectCheck{},
		},
		{
			op: "startTraining", status: http.StatusOK,
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.StartTraining(ctx, trainingKey)
			},
			verify: jsonCheck[gen.StartTrainingResponse]{gen.ParseStartTrainingResponse, func(r *gen.StartTrainingResponse) ([]byte, any) {
				return r.Body, r.JSON200
			}},
		},
	}
}

// jsonCheck checks that the generated parser decoded the success body and
// that the decoded value, encoded again, is the body Prism sent: no field is
// dropped and no 19-digit key loses a digit on the way through gen's types.
type jsonCheck[R any] struct {
	parse func(*http.Response) (*R, error)
	pick  func(*R) (body []byte, decoded any)
}

func (c jsonCheck[R]) verify(t *testing.T, rsp *http.Response) {
	t.Helper()
	r, err := c.parse(rsp)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	body, decoded := c.pick(r)
	if v := reflect.ValueOf(decoded); v.Kind() != reflect.Pointer || v.IsNil() {
		t.Fatalf("the success body was not decoded (Content-Type %q, body %s)", rsp.Header.Get("Content-Type"), body)
	}
	again, err := json.Marshal(decoded)
	if err != nil {
		t.Fatalf("encoding the decoded body again: %v", err)
	}
	if diff := cmp.Diff(exactJSON(t, body), exactJSON(t, again)); diff != "" {
		t.Errorf("body changed through gen's types (-sent +decoded and encoded again):\n%s", diff)
	}
}

// emptyCheck checks a success response without content.
type emptyCheck[R any] struct {
	parse func(*http.Response) (*R, error)
	body  func(*R) []byte
}

func (c emptyCheck[R]) verify(t *testing.T, rsp *http.Response) {
	t.Helper()
	r, err := c.parse(rsp)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if b := c.body(r); len(b) != 0 {
		t.Errorf("body = %q, want none", b)
	}
}

// redirectCheck checks getRecordingDownloadById's 302: gen parses the
// Location header the spec declares.
type redirectCheck struct{}

func (redirectCheck) verify(t *testing.T, rsp *http.Response) {
	t.Helper()
	r, err := gen.ParseGetRecordingDownloadByIdResponse(rsp)
	if err != nil {
		t.Fatalf("ParseGetRecordingDownloadByIdResponse: %v", err)
	}
	if r.Headers302 == nil {
		t.Fatal("302 without parsed headers")
	}
	want := gen.GetRecordingDownloadByIdResponse302Headers{Location: rsp.Header.Get("Location")}
	if !strings.HasPrefix(want.Location, "https://") {
		t.Errorf("Location = %q, want an https URL", want.Location)
	}
	if diff := cmp.Diff(want, *r.Headers302); diff != "" {
		t.Errorf("302 headers (-want +got):\n%s", diff)
	}
}

// exactJSON decodes JSON keeping numbers as their digits.
func exactJSON(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	return v
}

// checkNoViolations fails the test when Prism found the request or its own
// response out of line with the spec. Prism reports that in a header and
// answers anyway.
func checkNoViolations(t *testing.T, rsp *http.Response) {
	t.Helper()
	if v := rsp.Header.Values("sl-violations"); len(v) > 0 {
		t.Errorf("Prism reports spec violations for %s %s: %s", rsp.Request.Method, rsp.Request.URL.Path, strings.Join(v, "; "))
	}
}

// rejectedCase is a request that Prism must refuse with a 4xx.
type rejectedCase struct {
	name     string
	status   int
	reported bool // Prism lists the violation in sl-violations (not for a body it cannot parse)
	call     func(ctx context.Context) (*http.Response, error)
}

func rejectedCases(baseURL string, hc *http.Client, client, anonymous *gen.Client) []rejectedCase {
	training := strconv.FormatInt(trainingKey, 10)
	return []rejectedCase{
		{
			name:     "no Authorization header",
			status:   http.StatusUnauthorized,
			reported: true,
			call: func(ctx context.Context) (*http.Response, error) {
				return anonymous.GetTraining(ctx, organizerKey, trainingKey)
			},
		},
		{
			name:     "scheduleTraining without name, time zone or times",
			status:   http.StatusBadRequest,
			reported: true,
			call: func(ctx context.Context) (*http.Response, error) {
				return client.ScheduleTraining(ctx, organizerKey, gen.TrainingReqCreate{})
			},
		},
		{
			name:   "registerForTraining with a body that is not JSON",
			status: http.StatusBadRequest,
			call: func(ctx context.Context) (*http.Response, error) {
				return client.RegisterForTrainingWithBody(ctx, organizerKey, trainingKey,
					"application/json", strings.NewReader("{not json"))
			},
		},
		{
			name:     "path key that is not digits",
			status:   http.StatusBadRequest,
			reported: true,
			call: func(ctx context.Context) (*http.Response, error) {
				return getWithToken(ctx, hc, baseURL+"/organizers/12ab/trainings/"+training)
			},
		},
		{
			name:     "path key of 20 digits (beyond int64)",
			status:   http.StatusBadRequest,
			reported: true,
			call: func(ctx context.Context) (*http.Response, error) {
				return getWithToken(ctx, hc, baseURL+"/organizers/18446744073709551616/trainings/"+training)
			},
		},
	}
}

// getWithToken sends a GET that gen's typed parameters could not express.
func getWithToken(ctx context.Context, hc *http.Client, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, http.NoBody)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	return hc.Do(req)
}

// startPrism runs `prism mock` on api/openapi.yaml (see prismSpec) on a free
// loopback port and returns its base URL once it answers. Cleanup stops it
// and anything it started.
func startPrism(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	prism := filepath.Join(root, "api", "node_modules", ".bin", "prism")
	if _, err := os.Stat(prism); err != nil {
		t.Fatalf("%v: install the spec tooling first with `make npm-install`", err)
	}
	spec := prismSpec(t)
	port := freePort(t)

	// Not exec.CommandContext: the process must outlive t.Context(), which
	// ends before the cleanups run, so that Prism's output can still be
	// reported; the cleanup below ends it.
	cmd := exec.Command(prism, "mock", "-h", "127.0.0.1", "-p", strconv.Itoa(port), spec) //nolint:noctx // stopped by t.Cleanup, see above
	cmd.Dir = filepath.Join(root, "api")
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "FORCE_COLOR=0")
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = prismProcAttr()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Prism: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		var waitErr error
		select {
		case waitErr = <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			waitErr = <-exited
		}
		if t.Failed() {
			t.Logf("Prism (%v) output:\n%s", waitErr, out.String())
		}
	})

	baseURL := "http://127.0.0.1:" + strconv.Itoa(port)
	if err := waitForPrism(t.Context(), baseURL, exited); err != nil {
		t.Fatalf("Prism did not come up: %v\n%s", err, out.String())
	}
	return baseURL
}

// prismSpec writes the spec Prism serves: api/openapi.yaml unchanged, except
// that `format: int64` is dropped from schemas of `type: integer`. Prism
// (@stoplight/http-spec, oas/transformers/schema/keywords/format.js) turns
// that format into a minimum and maximum of ±Number.MAX_SAFE_INTEGER,
// whatever the spec says, and so rejects every real 19-digit key sent as a
// JSON number: co-organizer keys in request bodies, and keys that GoTo sends
// as numbers in responses. gen's int64 fields hold the int64 range on the Go
// side; every other rule is served unchanged. Path keys are strings of digits
// and keep their format.
func prismSpec(t *testing.T) string {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatalf("parsing api/openapi.yaml: %v", err)
	}
	dropped := dropIntegerInt64Format(&doc)
	t.Logf("serving Prism api/openapi.yaml without format: int64 on %d integer schemas", dropped)
	b, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// dropIntegerInt64Format removes `format: int64` from every mapping that
// also holds `type: integer`, and returns how many it changed.
func dropIntegerInt64Format(n *yaml.Node) int {
	dropped := 0
	if n.Kind == yaml.MappingNode {
		isInteger, format := false, -1
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch {
			case k.Value == "type" && v.Kind == yaml.ScalarNode && v.Value == "integer":
				isInteger = true
			case k.Value == "format" && v.Kind == yaml.ScalarNode && v.Value == "int64":
				format = i
			}
		}
		if isInteger && format >= 0 {
			n.Content = slices.Delete(n.Content, format, format+2)
			dropped++
		}
	}
	for _, c := range n.Content {
		dropped += dropIntegerInt64Format(c)
	}
	return dropped
}

func waitForPrism(ctx context.Context, baseURL string, exited <-chan error) error {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	hc := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/", http.NoBody)
		if err != nil {
			return err
		}
		if rsp, err := hc.Do(req); err == nil {
			_ = rsp.Body.Close()
			return nil // any answer, even a 404, means Prism is listening
		}
		select {
		case err := <-exited:
			if err == nil {
				err = errors.New("exit status 0")
			}
			return fmt.Errorf("prism exited before answering: %w", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	var lc net.ListenConfig
	l, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listener address %v is not TCP", l.Addr())
	}
	port := addr.Port
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return port
}

// lockedBuffer collects Prism's output from two pipes at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
