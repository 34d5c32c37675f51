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
	"github.com/gototraining-go/gototraining/internal/specexample"
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
		rc, err := gen.NewClientWithResponses(baseURL, gen.WithHTTPClient(hc), bearer)
		if err != nil {
			t.Fatalf("gen.NewClientWithResponses: %v", err)
		}
		cases := operationCases(t)
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
				r := tc.call(t, t.Context(), rc)
				rsp, ok := r.FieldByName("HTTPResponse").Interface().(*http.Response)
				if !ok || rsp == nil {
					t.Fatalf("%s: gen's response has no HTTPResponse", tc.op)
				}
				checkNoViolations(t, rsp)
				if rsp.StatusCode != tc.status {
					t.Fatalf("%s: status %d, want %d", tc.op, rsp.StatusCode, tc.status)
				}
				tc.verify(t, rsp.Header, r)
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

// opCase is one operation sent with a valid request, built from the spec.
type opCase struct {
	op     string // operationId
	status int    // the success status the spec declares
	// call sends the request through gen's ClientWithResponses and returns
	// its parsed response (a gen.<Op>Response struct).
	call   func(t *testing.T, ctx context.Context, c *gen.ClientWithResponses) reflect.Value
	verify check
}

// pathKeys are the keys sent for each path parameter, by name: 19 digits,
// as real GoTo keys are, which the spec's examples lose once loaded.
var pathKeys = map[string]int64{
	"accountKey":    accountKey,
	"organizerKey":  organizerKey,
	"trainingKey":   trainingKey,
	"registrantKey": registrantKey,
	"sessionKey":    sessionKey,
	"recordingId":   recordingID,
}

// bodyKeys are the declared exceptions to sending a request body's example
// as the spec gives it: by operation, the properties that hold keys, sent
// with all 19 digits (the loaded example has rounded them). operationCases
// fails if one names a property an example lacks, and if an example body
// holds a key no exception replaces.
var bodyKeys = map[string]map[string]any{
	"scheduleTraining":            {"organizers": []int64{coOrganizerKey}},
	"updateOrganisersForTraining": {"organizers": []int64{coOrganizerKey}},
}

// operationCases builds a valid request for every operation of the spec
// from its examples, sent through gen's typed client (gen.ClientWithResponses
// method <OperationId>WithResponse), and its check from the success the
// spec declares: a JSON answer is decoded and encoded again unchanged, a
// redirect's headers are parsed, and no content is none. A new operation
// with examples needs no entry here.
func operationCases(t *testing.T) []opCase {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatalf("loading api/openapi.yaml: %v", err)
	}
	clientType := reflect.TypeFor[*gen.ClientWithResponses]()
	used := map[string]bool{}
	var cases []opCase
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for _, o := range item.Operations() {
			id := o.OperationID
			name := strings.ToUpper(id[:1]) + id[1:] + "WithResponse"
			m, ok := clientType.MethodByName(name)
			if !ok {
				t.Fatalf("%s: gen.ClientWithResponses has no %s", id, name)
			}
			var args []reflect.Value // after the receiver and ctx
			var params []*openapi3.Parameter
			for _, ref := range append(slices.Clone(item.Parameters), o.Parameters...) {
				if ref.Value.In != openapi3.ParameterInPath {
					t.Fatalf("%s: parameter %s in %s: only path parameters are built here", id, ref.Value.Name, ref.Value.In)
				}
				params = append(params, ref.Value)
			}
			// gen takes the path parameters in the order the path names them.
			slices.SortFunc(params, func(a, b *openapi3.Parameter) int {
				return strings.Index(path, "{"+a.Name+"}") - strings.Index(path, "{"+b.Name+"}")
			})
			for i, p := range params {
				key, ok := pathKeys[p.Name]
				if !ok {
					t.Fatalf("%s: path parameter %s has no key in pathKeys", id, p.Name)
				}
				args = append(args, reflect.ValueOf(key).Convert(m.Type.In(2+i)))
			}
			if o.RequestBody != nil {
				args = append(args, exampleBody(t, id, o, m.Type.In(2+len(params))))
				for prop := range bodyKeys[id] {
					used[id+"."+prop] = true
				}
			} else if bodyKeys[id] != nil {
				t.Fatalf("bodyKeys names %s, which has no request body", id)
			}
			status, verify := successCheck(t, id, o)
			cases = append(cases, opCase{
				op: id, status: status, verify: verify,
				call: func(t *testing.T, ctx context.Context, c *gen.ClientWithResponses) reflect.Value {
					t.Helper()
					out := m.Func.Call(append([]reflect.Value{reflect.ValueOf(c), reflect.ValueOf(ctx)}, args...))
					if err, _ := out[1].Interface().(error); err != nil {
						t.Fatalf("%s: %v", id, err)
					}
					return out[0].Elem()
				},
			})
		}
	}
	for id, props := range bodyKeys {
		for prop := range props {
			if !used[id+"."+prop] {
				t.Fatalf("bodyKeys names %s.%s, which no operation of the spec has", id, prop)
			}
		}
	}
	slices.SortFunc(cases, func(a, b opCase) int { return strings.Compare(a.op, b.op) })
	return cases
}

// exampleBody is an operation's request body example as gen's body type,
// with the keys bodyKeys declares.
func exampleBody(t *testing.T, id string, o *openapi3.Operation, typ reflect.Type) reflect.Value {
	t.Helper()
	example, err := specexample.Body(o, bodyKeys[id])
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	raw, err := json.Marshal(example)
	if err != nil {
		t.Fatal(err)
	}
	body := reflect.New(typ)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(body.Interface()); err != nil {
		t.Fatalf("%s: its example body does not decode into gen.%s: %v", id, typ.Name(), err)
	}
	return body.Elem()
}

// check checks a parsed success response (a gen.<Op>Response struct) and
// the headers it came with.
type check func(t *testing.T, header http.Header, parsed reflect.Value)

// successCheck returns the one success status an operation declares and
// the check of its parsed response: a redirect's headers, a JSON body, or
// no content.
func successCheck(t *testing.T, id string, o *openapi3.Operation) (int, check) {
	t.Helper()
	var statuses []int
	for code := range o.Responses.Map() {
		if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 400 {
			statuses = append(statuses, n)
		}
	}
	if len(statuses) != 1 {
		t.Fatalf("%s declares the successes %v; this test expects one", id, statuses)
	}
	status := statuses[0]
	switch resp := o.Responses.Status(status).Value; {
	case status >= 300:
		return status, redirectCheck(status)
	case resp.Content.Get("application/json") != nil:
		return status, jsonCheck(status)
	default:
		return status, emptyCheck
	}
}

// jsonCheck checks that the generated parser decoded the success body and
// that the decoded value, encoded again, is the body Prism sent: no field is
// dropped and no 19-digit key loses a digit on the way through gen's types.
func jsonCheck(status int) check {
	return func(t *testing.T, header http.Header, r reflect.Value) {
		t.Helper()
		body := r.FieldByName("Body").Bytes()
		field := r.FieldByName(fmt.Sprintf("JSON%d", status))
		if !field.IsValid() {
			t.Fatalf("gen's %s has no JSON%d", r.Type().Name(), status)
		}
		if field.Kind() != reflect.Pointer || field.IsNil() {
			t.Fatalf("the success body was not decoded (Content-Type %q, body %s)", header.Get("Content-Type"), body)
		}
		again, err := json.Marshal(field.Interface())
		if err != nil {
			t.Fatalf("encoding the decoded body again: %v", err)
		}
		if diff := cmp.Diff(exactJSON(t, body), exactJSON(t, again)); diff != "" {
			t.Errorf("body changed through gen's types (-sent +decoded and encoded again):\n%s", diff)
		}
	}
}

// emptyCheck checks a success response without content.
func emptyCheck(t *testing.T, _ http.Header, r reflect.Value) {
	t.Helper()
	if b := r.FieldByName("Body").Bytes(); len(b) != 0 {
		t.Errorf("body = %q, want none", b)
	}
}

// redirectCheck checks a redirect (getRecordingDownloadById's 302): gen
// parses the headers the spec declares, and Location is an https URL.
func redirectCheck(status int) check {
	return func(t *testing.T, header http.Header, r reflect.Value) {
		t.Helper()
		field := r.FieldByName(fmt.Sprintf("Headers%d", status))
		if !field.IsValid() {
			t.Fatalf("gen's %s has no Headers%d", r.Type().Name(), status)
		}
		if field.IsNil() {
			t.Fatalf("%d without parsed headers", status)
		}
		got := field.Elem()
		want := reflect.New(got.Type()).Elem()
		for i := range want.NumField() {
			want.Field(i).SetString(header.Get(want.Type().Field(i).Name))
		}
		if loc := header.Get("Location"); !strings.HasPrefix(loc, "https://") {
			t.Errorf("Location = %q, want an https URL", loc)
		}
		if diff := cmp.Diff(want.Interface(), got.Interface()); diff != "" {
			t.Errorf("%d headers (-want +got):\n%s", status, diff)
		}
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
