package gototrainingtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/gototraining-go/gototraining/api"
)

// spec is api/openapi.yaml loaded, validated and routed, once per process:
// every Fake shares it read-only.
type spec struct {
	doc    *openapi3.T
	router routers.Router
	// success is the first 2xx (or 3xx) status each operation declares.
	success map[string]int
}

var loadSpec = sync.OnceValues(func() (*spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("gototrainingtest: loading api/openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("gototrainingtest: api/openapi.yaml is invalid: %w", err)
	}
	// The fake serves the API paths at its root, whatever its host, so the
	// router must not match the production server URL.
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("gototrainingtest: routing api/openapi.yaml: %w", err)
	}
	s := &spec{doc: doc, router: router, success: map[string]int{}}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			s.success[op.OperationID] = firstSuccess(op)
		}
	}
	return s, nil
})

// route finds the operation of r. The legacy router also matches a path
// that lacks its last parameter or has a trailing slash; route insists that
// the path is exactly the template with every parameter filled in.
func (s *spec) route(r *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := s.router.FindRoute(r)
	if err != nil {
		return nil, nil, err
	}
	path := route.Path
	for name, v := range params {
		if v == "" {
			return nil, nil, routers.ErrPathNotFound
		}
		path = strings.ReplaceAll(path, "{"+name+"}", v)
	}
	if path != r.URL.Path {
		return nil, nil, routers.ErrPathNotFound
	}
	return route, params, nil
}

func firstSuccess(op *openapi3.Operation) int {
	best := 0
	for code := range op.Responses.Map() {
		var n int
		if _, err := fmt.Sscanf(code, "%d", &n); err != nil || n < 200 || n >= 400 {
			continue
		}
		if best == 0 || n < best {
			best = n
		}
	}
	return best
}

// Formats the spec uses that kin-openapi does not check by default; passed
// per validation so that the process-wide format registry stays untouched.
var formatOptions = []openapi3.SchemaValidationOption{
	openapi3.WithStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail)),
	openapi3.WithStringFormatValidator("uri", openapi3.NewCallbackValidator(func(s string) error {
		u, err := url.Parse(s)
		if err != nil {
			return errors.New("not a URI")
		}
		if !u.IsAbs() || u.Host == "" {
			return errors.New("not an absolute URI")
		}
		return nil
	})),
}

var (
	errMissingToken = errors.New("no access token passed")
	errInvalidToken = errors.New("invalid token passed")
)

func (f *Fake) requestOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		AuthenticationFunc: f.authenticate,
		// The fake decodes its own copy of the body and applies defaults
		// itself, so kin-openapi need not rewrite the request.
		SkipSettingDefaults: true,
		SchemaValidationOptions: append([]openapi3.SchemaValidationOption{
			openapi3.DisableSchemaErrorDetails(),
		}, formatOptions...),
	}
}

func responseOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		IncludeResponseStatus:   true,
		SchemaValidationOptions: formatOptions,
	}
}

// authenticate checks the bearer token for both security schemes of the spec
// (bearerAuth and oauth2 both arrive as "Authorization: Bearer <token>").
func (f *Fake) authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	if strings.TrimSpace(h) == "" {
		return errMissingToken
	}
	scheme, token, _ := strings.Cut(strings.TrimSpace(h), " ")
	if !strings.EqualFold(scheme, "Bearer") || !f.tokenOK(strings.TrimSpace(token)) {
		return errInvalidToken
	}
	return nil
}

// describeRequestError turns a kin-openapi validation error into a short
// sentence that names the offending parameter or field.
func describeRequestError(err error) string {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return err.Error()
	}
	msg := strings.Replace(re.Error(), "request body has an error: ", "request body: ", 1)
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		reason := se.Reason
		if reason == "" {
			reason = fmt.Sprintf("does not match %q", se.SchemaField)
		}
		if ptr := se.JSONPointer(); len(ptr) > 0 {
			reason = fmt.Sprintf("%s: %s", strings.Join(ptr, "."), reason)
		}
		switch {
		case re.Parameter != nil:
			msg = fmt.Sprintf("%s parameter %q: %s", re.Parameter.In, re.Parameter.Name, reason)
		case re.RequestBody != nil:
			msg = "request body: " + reason
		}
	}
	return msg
}
