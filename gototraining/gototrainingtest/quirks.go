package gototrainingtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strings"
)

// QuirkUnknownField is the member that [WithRealWorldQuirks] adds to every
// object of a success answer. Clients must ignore members they do not know.
const QuirkUnknownField = "gototrainingtestUnknown"

// quirkUnknownValue mixes every kind of JSON value, so that a client that
// skips the unknown member must skip all of them.
const quirkUnknownValue = `{"note":"ignore me","n":1.5e3,"list":[true,null,"x"]}`

// WithRealWorldQuirks makes the fake answer as GoTo has been seen to answer,
// not as api/openapi.yaml says at its strictest, so that tests of code built
// on the API see what GoTo really sends. Each answer is first built and
// checked against the spec as usual; the quirks are then applied to its JSON
// (numbers keep all their digits, and Content-Length follows the new body):
//
//   - Keys inside objects (trainingKey, organizerKey, registrantKey,
//     sessionKey) are JSON numbers, not strings. Source: the fnando/citrix
//     fixtures, where register.json sends "registrantKey" unquoted and the
//     same key arrives as a string elsewhere. A bare key (the answer of
//     scheduleTraining) stays a JSON string.
//   - Trainings have no trainingId. Source: fnando/citrix training.json,
//     although the original Swagger spec marks it required.
//   - getAllTrainings answers "timeZone": "" in every training. Source:
//     fnando/citrix trainings.json. getTraining keeps the time zone.
//   - Every object of a success answer carries one member the spec does not
//     define, [QuirkUnknownField], as any API may add fields over time.
//   - Error bodies use the {"errorCode","message"} envelope that unrouted
//     api.getgo.com paths answer with (api-evangelist/gotowebinar
//     errors/gotowebinar-problem-types.yml), instead of
//     {"errorCode","description"}. GoTo's exact 401 and 403 token bodies
//     ({"int_err_code","msg"}, n8n-io/n8n#14077) are left as they are.
//
// Registrant statuses outside the spec's list (UNREGISTERED and DELETED,
// named by fnando/citrix lib/citrix/training/namespace/registrants.rb) come
// from [Fake.SetRegistrantStatus], with or without this option: no public
// source says when GoTo sends them, so the fake never invents one, and a
// cancelled registration is still removed (GoTo's documentation says the
// person may register again).
//
// Injected faults ([Fake.FailNext]) answer their own bodies, unchanged.
func WithRealWorldQuirks() Option {
	return func(c *config) { c.quirks = true }
}

// quirkKeys are the members whose string value becomes a JSON number.
var quirkKeys = map[string]bool{"trainingKey": true, "organizerKey": true, "registrantKey": true, "sessionKey": true}

var quotedKey = regexp.MustCompile(`^"[0-9]{1,19}"$`)

// applyQuirks returns resp as [WithRealWorldQuirks] makes it, or resp itself
// without the option. An answer it cannot rewrite is sent unchanged and
// reported to the violation handler.
func (f *Fake) applyQuirks(op string, resp response) response {
	if !f.cfg.quirks || len(resp.body) == 0 || !strings.HasPrefix(resp.header.Get("Content-Type"), "application/json") {
		return resp
	}
	var body []byte
	var err error
	if resp.status >= 400 {
		body, err = quirkError(resp.body)
	} else {
		q := &quirker{list: op == "getAllTrainings"}
		body, err = q.rewrite(resp.body)
	}
	if err != nil {
		f.cfg.onViolation(errors.New("gototrainingtest: applying quirks to the answer of " + op + ": " + err.Error()))
		return resp
	}
	resp.body = body
	return resp
}

// quirkError moves description to message; the token bodies stay exact.
func quirkError(body []byte) ([]byte, error) {
	var e errorOut
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, err
	}
	if e.IntErrCode != "" || e.Description == "" || e.Message != "" {
		return body, nil
	}
	e.Message, e.Description = e.Description, ""
	return json.Marshal(e)
}

// quirker rewrites one JSON document token by token, so that numbers are
// copied as written (json.Number), never through a float64.
type quirker struct {
	list bool // the answer of getAllTrainings: empty every timeZone
	dec  *json.Decoder
	out  bytes.Buffer
}

func (q *quirker) rewrite(body []byte) ([]byte, error) {
	q.dec = json.NewDecoder(bytes.NewReader(body))
	q.dec.UseNumber()
	if err := q.value(&q.out, 0); err != nil {
		return nil, err
	}
	if _, err := q.dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after the JSON value")
	}
	return q.out.Bytes(), nil
}

func (q *quirker) value(out *bytes.Buffer, depth int) error {
	tok, err := q.dec.Token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return q.object(out, depth+1)
		}
		return q.array(out, depth)
	default:
		return scalar(out, v)
	}
}

func (q *quirker) array(out *bytes.Buffer, depth int) error {
	out.WriteByte('[')
	for i := 0; q.dec.More(); i++ {
		if i > 0 {
			out.WriteByte(',')
		}
		if err := q.value(out, depth); err != nil {
			return err
		}
	}
	_, err := q.dec.Token() // ']'
	out.WriteByte(']')
	return err
}

func (q *quirker) object(out *bytes.Buffer, depth int) error {
	out.WriteByte('{')
	n := 0
	member := func(name string, raw []byte) {
		if n > 0 {
			out.WriteByte(',')
		}
		n++
		_ = scalar(out, name)
		out.WriteByte(':')
		out.Write(raw)
	}
	for q.dec.More() {
		tok, err := q.dec.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		var v bytes.Buffer
		if err := q.value(&v, depth); err != nil {
			return err
		}
		raw := v.Bytes()
		switch {
		case name == "trainingId":
			continue
		case quirkKeys[name] && quotedKey.Match(raw):
			raw = raw[1 : len(raw)-1]
		case name == "timeZone" && q.list && depth == 1:
			raw = []byte(`""`)
		}
		member(name, raw)
	}
	member(QuirkUnknownField, []byte(quirkUnknownValue))
	_, err := q.dec.Token() // '}'
	out.WriteByte('}')
	return err
}

func scalar(out *bytes.Buffer, v any) error {
	if n, ok := v.(json.Number); ok {
		out.WriteString(n.String())
		return nil
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	out.Truncate(out.Len() - 1) // Encode's newline
	return nil
}
