// Package specdrift finds properties of the API's JSON schemas that a set of
// hand-written Go structs does not carry. The client and the fake decode and
// encode answers through structs of their own (not gen's models), so a
// property added to api/openapi.yaml would otherwise be dropped in silence:
// gen would regenerate and every test would stay green.
//
// It is used by tests only; nothing that users import depends on it.
package specdrift

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Types maps an operationId to the Go type that carries its JSON success
// answer (a slice type for an array answer). A nil type says the operation
// answers no JSON object (no body, a bare string, a redirect). Every
// operation of the spec must be listed, so that a new one is looked at.
type Types map[string]reflect.Type

// Missing walks the JSON success answer of every operation, and the Error
// schema against errType, and returns one line per property that the Go
// types do not carry, as "Schema.property: ...", sorted. A property listed in
// deliberate (key "Schema.property", value the reason) is skipped; a listed
// one that the types do carry, or that the spec no longer has, is reported
// too, so the list cannot go stale.
func Missing(doc *openapi3.T, byOp Types, errType reflect.Type, deliberate map[string]string) []string {
	w := &walker{deliberate: deliberate, used: map[string]bool{}, seen: map[string]bool{}}
	listed := map[string]bool{}
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			listed[op.OperationID] = true
			t, ok := byOp[op.OperationID]
			if !ok {
				w.problem("operation %s (%s %s): no Go type is listed for its answer", op.OperationID, method, path)
				continue
			}
			schema := successSchema(op)
			switch {
			case t == nil && schema != nil && isStructured(schema.Value):
				w.problem("operation %s: its answer is a JSON %s, but no Go type is listed", op.OperationID, schemaType(schema.Value))
			case t != nil && schema == nil:
				w.problem("operation %s: a Go type is listed, but the spec gives no JSON answer", op.OperationID)
			case t != nil:
				w.walk(refName(schema, op.OperationID), schema.Value, t)
			}
		}
	}
	for op := range byOp {
		if !listed[op] {
			w.problem("operation %s is listed but not in the spec", op)
		}
	}
	if errSchema := doc.Components.Schemas["Error"]; errSchema != nil {
		w.walk("Error", errSchema.Value, errType)
	} else {
		w.problem("the spec has no Error schema")
	}
	for key, reason := range deliberate {
		if !w.used[key] {
			w.problem("%s is listed as deliberately not carried (%s), but the spec has no such property or the types carry it", key, reason)
		}
	}
	slices.Sort(w.problems)
	return w.problems
}

type walker struct {
	deliberate map[string]string
	used       map[string]bool
	seen       map[string]bool // schema name + Go type already walked
	problems   []string
}

func (w *walker) problem(format string, args ...any) {
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
}

// walk checks that t carries every property of s, and recurses into the
// properties that are objects or arrays of objects.
func (w *walker) walk(name string, s *openapi3.Schema, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	key := name + "|" + t.String()
	if w.seen[key] {
		return
	}
	w.seen[key] = true
	switch {
	case s.Type.Is(openapi3.TypeArray) && s.Items != nil:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			w.problem("%s: an array in the spec, but %s in Go", name, t)
			return
		}
		w.walk(refName(s.Items, name+"[]"), s.Items.Value, t.Elem())
	case len(s.Properties) > 0:
		if t.Kind() != reflect.Struct {
			w.problem("%s: an object in the spec, but %s in Go", name, t)
			return
		}
		fields := jsonFields(t)
		for _, prop := range slices.Sorted(maps.Keys(s.Properties)) {
			ps := s.Properties[prop]
			pkey := name + "." + prop
			if _, ok := w.deliberate[pkey]; ok {
				if _, carried := fields[prop]; !carried {
					w.used[pkey] = true
				}
				continue
			}
			f, ok := fields[prop]
			if !ok {
				w.problem("%s: not carried by %s (add a field with json tag %q, or list it as deliberate with a reason)", pkey, t, prop)
				continue
			}
			if isStructured(ps.Value) {
				w.walk(refName(ps, pkey), ps.Value, f)
			}
		}
	}
}

// jsonFields maps the JSON names of t's fields to their types, following
// embedded structs as encoding/json does.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// successSchema is the JSON schema of op's 2xx answer, or nil.
func successSchema(op *openapi3.Operation) *openapi3.SchemaRef {
	for code, resp := range op.Responses.Map() {
		if !strings.HasPrefix(code, "2") || resp.Value == nil {
			continue
		}
		if mt := resp.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			return mt.Schema
		}
	}
	return nil
}

// isStructured: an object with properties, or an array of anything.
func isStructured(s *openapi3.Schema) bool {
	for s != nil && s.Type.Is(openapi3.TypeArray) && s.Items != nil {
		s = s.Items.Value
	}
	return s != nil && len(s.Properties) > 0
}

func schemaType(s *openapi3.Schema) string {
	if s.Type.Is(openapi3.TypeArray) {
		return "array"
	}
	return "object"
}

// refName names a schema by its component name, or by where it sits.
func refName(r *openapi3.SchemaRef, fallback string) string {
	if i := strings.LastIndex(r.Ref, "/"); i >= 0 {
		return r.Ref[i+1:]
	}
	return fallback
}

// RequestSchema is the JSON schema of op's request body, or nil.
func RequestSchema(op *openapi3.Operation) *openapi3.SchemaRef {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil {
		return mt.Schema
	}
	return nil
}

// Unsent returns one line per property of schema that the JSON value v (as
// decoded by encoding/json into any) does not hold, recursing into objects
// and arrays of objects. A client that builds v from a request with every
// field set would be unable to send what is listed. Keys in deliberate are
// skipped, as in Missing.
func Unsent(name string, schema *openapi3.SchemaRef, v any, deliberate map[string]string) []string {
	var out []string
	var walk func(name string, s *openapi3.Schema, v any)
	walk = func(name string, s *openapi3.Schema, v any) {
		switch {
		case s.Type.Is(openapi3.TypeArray) && s.Items != nil:
			arr, ok := v.([]any)
			if !ok || len(arr) == 0 {
				if isStructured(s.Items.Value) {
					out = append(out, fmt.Sprintf("%s: the request sent no element to check", name))
				}
				return
			}
			walk(refName(s.Items, name+"[]"), s.Items.Value, arr[0])
		case len(s.Properties) > 0:
			obj, ok := v.(map[string]any)
			if !ok {
				out = append(out, fmt.Sprintf("%s: an object in the spec, but %T was sent", name, v))
				return
			}
			for _, prop := range slices.Sorted(maps.Keys(s.Properties)) {
				key := name + "." + prop
				if _, ok := deliberate[key]; ok {
					continue
				}
				pv, ok := obj[prop]
				if !ok {
					out = append(out, fmt.Sprintf("%s: cannot be set through the client's request types (nothing sent it with every field set)", key))
					continue
				}
				walk(refName(s.Properties[prop], key), s.Properties[prop].Value, pv)
			}
		}
	}
	walk(refName(schema, name), schema.Value, v)
	return out
}
