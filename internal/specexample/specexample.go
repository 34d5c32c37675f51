// Package specexample builds request bodies from the examples of
// api/openapi.yaml, for the tests that send every operation (the fake's
// raw-request tests and the Prism contract test): a new operation with
// examples then needs no hand-written request.
package specexample

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// Body returns a copy of op's application/json request body example with
// the properties in keys replaced. Every property keys names must be in the
// example, and no other property may hold a 64-bit key: the YAML loader
// reads numbers as float64, so such an example has been rounded and must be
// replaced by one the caller knows.
func Body(op *openapi3.Operation, keys map[string]any) (map[string]any, error) {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil, errors.New("it has no request body")
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Example == nil {
		return nil, errors.New("its request body has no application/json example")
	}
	example, ok := mt.Example.(map[string]any)
	if !ok {
		return nil, errors.New("its request body example is not an object")
	}
	body := maps.Clone(example)
	for prop, v := range keys {
		if _, ok := body[prop]; !ok {
			return nil, fmt.Errorf("the keys name %s, which its example body lacks", prop)
		}
		body[prop] = v
	}
	for prop, v := range body {
		if _, declared := keys[prop]; !declared && holdsKey(v) {
			return nil, fmt.Errorf("example body property %s holds a 64-bit key, which the loaded example has rounded: declare it in the test's bodyKeys", prop)
		}
	}
	return body, nil
}

// holdsKey reports whether an example value holds a number beyond 2^53: a
// 64-bit key, rounded by the YAML loader.
func holdsKey(v any) bool {
	switch v := v.(type) {
	case float64:
		return math.Abs(v) >= 1<<53
	case []any:
		return slices.ContainsFunc(v, holdsKey)
	case map[string]any:
		for _, e := range v {
			if holdsKey(e) {
				return true
			}
		}
	}
	return false
}
